import { EXCEPTION_KINDS, RESOLVING_EVENTS } from '#domain/exceptions/model';
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
      'The moves of orders held, stuck past an SLA or rejected by the ERP, which resolve the exceptions they end.',
    // A rule of its own: a filter on the move's field would also drop the exception kinds, which carry
    // none, and EventBridge's $or is not portable to SNS. Only a move that read its order's exception
    // mark carries the field (shared/adapters/exception-store.ts says when a mark is read late): every
    // other move, nearly all of them, was a delivery and a query for nothing. An order's first move
    // reads no lifecycle, so it carries the field only when redelivered after a mark, and resolves nothing.
    pattern: {
      'detail-type': [...RESOLVING_EVENTS],
      detail: { data: { mayResolveExceptions: [{ exists: true }] } },
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
