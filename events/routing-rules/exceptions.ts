import { EXCEPTION_KINDS, ORDER_MOVES_RESOLVING_NOTHING, RESOLVING_EVENTS } from '#domain/exceptions/model';
import type { RoutingRule } from './rule';

/** Every event a person must look at, and the order moves that resolve them, to the exceptions work queue's consumer. */
export const exceptionsRules: readonly RoutingRule[] = [
  {
    name: 'exceptions',
    description: 'Every event a person must look at, to the one exceptions work queue.',
    // By detail-type alone: each names one catalog event of one source already, and sources x
    // detail-types would pass SNS's limit of 150 filter combinations locally as the kinds grow.
    pattern: { 'detail-type': [...EXCEPTION_KINDS] },
    // A row raced by another writer is read again on the next receive; ten receives ride out a burst on one order.
    target: {
      name: 'exceptions',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 10,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'exception-queue',
  },
  {
    name: 'exceptions-order-moves',
    description:
      "Order moves, which resolve the exceptions they end; an order's first move resolves none and is left out.",
    // A rule of its own: a filter on the move's `from` would also drop the exception kinds that carry
    // no `from`, and EventBridge's $or is not portable to SNS. Every order's first move was a delivery
    // and a query for nothing.
    pattern: {
      'detail-type': [...RESOLVING_EVENTS],
      detail: { data: { from: [{ 'anything-but': [...ORDER_MOVES_RESOLVING_NOTHING.from] }] } },
    },
    // A row raced by a person's fix is read again on the next receive.
    target: {
      name: 'exceptions-order-moves',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 10,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'exception-queue',
  },
];
