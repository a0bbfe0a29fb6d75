import { EventSource } from '#events/catalog';
import type { RoutingRule } from './rule';

/** Reserved (and cancelled) orders and prepared journal entries, to the ERP connector. */
export const erpRules: readonly RoutingRule[] = [
  {
    name: 'erp-sales-order-posting',
    description:
      'Orders the lifecycle has reserved, to the ERP connector that posts each as a sales order exactly once; and cancelled ones, whose sales order it deletes.',
    // One queue for both, so that a cancellation and the posting it overtakes meet the same consumers and the same document lease.
    pattern: {
      source: [EventSource.orders],
      'detail-type': ['OrderStateChanged'],
      detail: { data: { to: ['reserved', 'cancelled'] } },
    },
    // Business Central serves 6,000 requests per five minutes per service principal (20 a second) and
    // at most 100 simultaneous requests per environment, shared with its users. A posting is a lookup
    // and a post of a few hundred ms each: 3 consumers here and 2 on journals keep the fabric at about
    // 20 requests a second and 5 simultaneous. While the breaker is open, ten receives six minutes
    // apart hold the backlog for an hour before the DLQ does.
    target: {
      name: 'erp-sales-order-posting',
      batchSize: 5,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 10,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 3,
    },
    consumer: 'erp-posting',
  },
  {
    name: 'erp-journal-posting',
    description: 'Journal entries accounting prepared, to the ERP connector that posts each exactly once.',
    pattern: { source: [EventSource.accounting], 'detail-type': ['JournalEntryPrepared'] },
    target: {
      name: 'erp-journal-posting',
      batchSize: 5,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 10,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 2,
    },
    consumer: 'erp-posting',
  },
];
