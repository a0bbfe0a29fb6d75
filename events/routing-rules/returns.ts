import { EventSource } from '#events/catalog';
import { RETURN_INTAKE_SCOPE, refundKey } from '#domain/returns/model';
import { keyedOn, type RoutingRule } from './rule';

/** Returns received anywhere, to the consumer that takes them back into stock. */
export const returnsRules: readonly RoutingRule[] = [
  {
    name: 'return-intake',
    description:
      'Returns received anywhere, and channel refunds that restock or cancel units, to the consumer that moves their stock against their order.',
    pattern: { source: [EventSource.returns, EventSource.intake], 'detail-type': ['ReturnReceived', 'RefundReported'] },
    target: {
      name: 'return-intake',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'return-intake',
    processedOnce: {
      scope: RETURN_INTAKE_SCOPE,
      businessKey: (event) =>
        keyedOn('ReturnReceived', RETURN_INTAKE_SCOPE, ({ customerReturn }) => customerReturn?.returnId).businessKey(
          event,
        ) ??
        keyedOn('RefundReported', RETURN_INTAKE_SCOPE, ({ refund }) => refund && refundKey(refund)).businessKey(event),
    },
  },
];
