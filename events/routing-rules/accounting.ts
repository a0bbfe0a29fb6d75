import { EventSource } from '#events/catalog';
import { ACCOUNTING_JOURNAL_SCOPE, journalEntryIdFor } from '#domain/accounting/model';
import type { RoutingRule } from './rule';

/** Shipments, POS transactions and refunds, to the journal entries they book. */
export const accountingRules: readonly RoutingRule[] = [
  {
    name: 'accounting-journal',
    description:
      'Shipments, POS transactions and channel refunds to the consumer that prepares their journal entries for the ERP.',
    pattern: {
      source: [EventSource.fulfilment, EventSource.pos, EventSource.intake],
      'detail-type': ['ShipmentConfirmed', 'PosTransactionRecorded', 'RefundReported'],
    },
    target: {
      name: 'accounting-journal',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'accounting-journal',
    processedOnce: { scope: ACCOUNTING_JOURNAL_SCOPE, businessKey: journalEntryIdFor },
  },
];
