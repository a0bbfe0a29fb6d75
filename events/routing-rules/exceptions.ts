import { EXCEPTION_KINDS, RESOLVING_EVENTS } from '#domain/exceptions/model';
import type { RoutingRule } from './rule';

/** Every event a person must look at, and the order moves that resolve them, to the one work queue. */
export const exceptionsRules: readonly RoutingRule[] = [
  {
    name: 'exceptions',
    description:
      'Every event a person must look at, to the one exceptions work queue; and order moves, which resolve the exceptions they end.',
    // By detail-type alone: each names one catalog event of one source already, and sources x
    // detail-types would pass SNS's limit of 150 filter combinations locally as the kinds grow.
    pattern: { 'detail-type': [...EXCEPTION_KINDS, ...RESOLVING_EVENTS] },
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
];
