import { EventSource } from '#events/catalog';
import type { RoutingRule } from './rule';

/** Large POS batches back to their ingest, and recorded store transactions to the stock they move. */
export const posRules: readonly RoutingRule[] = [
  {
    name: 'pos-batch-continuation',
    description:
      'A POS batch too large for one invocation back to the ingest function, which resumes it from its checkpoint.',
    pattern: { source: [EventSource.pos], 'detail-type': ['PosBatchContinuationRequested'] },
    // One upload per invocation; the visibility timeout covers the function's 900 s timeout six times over.
    target: {
      name: 'pos-batch-continuation',
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 5400,
    },
    consumer: 'pos-batch-ingest',
  },
  {
    name: 'pos-stock-movements',
    description: 'Completed POS transactions to the consumer that moves store stock through inventory adjustments.',
    pattern: {
      source: [EventSource.pos],
      'detail-type': ['PosTransactionRecorded'],
      detail: { data: { transaction: { disposition: ['completed'] } } },
    },
    target: {
      name: 'pos-stock-movements',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 180,
      maxConcurrency: 10,
    },
    consumer: 'pos-stock-movements',
  },
];
