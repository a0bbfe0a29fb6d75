import { EventSource } from '#events/catalog';
import { RETURN_INTAKE_SCOPE } from '#domain/returns/model';
import { keyedOn, type RoutingRule } from './rule';

/** Returns received anywhere, to the consumer that takes them back into stock. */
export const returnsRules: readonly RoutingRule[] = [
  {
    name: 'return-intake',
    description: 'Returns received anywhere to the consumer that takes them back into stock against their order.',
    pattern: { source: [EventSource.returns], 'detail-type': ['ReturnReceived'] },
    target: {
      name: 'return-intake',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'return-intake',
    processedOnce: keyedOn('ReturnReceived', RETURN_INTAKE_SCOPE, ({ customerReturn }) => customerReturn?.returnId),
  },
];
