import * as z from '#domain/kernel/schema';
import { SettlementLine } from './settlement';
import { JournalEntryPreparedData } from './model';
import { ReconciliationExceptionData } from './settlement-exception';
import { JournalEntry } from './journal-entry';
import { EventSource, defineEvent } from '#domain/kernel/event';

export const SettlementLineReceived = defineEvent('SettlementLineReceived', {
  source: EventSource.settlement,
  description: 'One line of a marketplace settlement report, ready to match.',
  versions: { 1: z.object({ line: SettlementLine }) },
  current: 1,
});

export const JournalEntryPrepared = defineEvent('JournalEntryPrepared', {
  source: EventSource.accounting,
  description:
    "A balanced journal entry (sale, POS sale by tender, refund, return reversal, marketplace fees) is ready to post through the ERP port; entry.entryId is stable per business fact and is the posting's idempotency key.",
  versions: { 1: JournalEntryPreparedData },
  current: 1,
});

export const ReconciliationException = defineEvent('ReconciliationException', {
  source: EventSource.settlement,
  description:
    'A settlement line or a booked sale does not reconcile: an order id the fabric never received, an unknown order line, an amount or fee variance, a sale never settled, or a report that cannot be read.',
  versions: { 1: ReconciliationExceptionData },
  current: 1,
});

export const JournalEntryPosted = defineEvent('JournalEntryPosted', {
  source: EventSource.accounting,
  description: 'A balanced journal entry was posted to the ledger.',
  versions: { 1: z.object({ entry: JournalEntry }) },
  current: 1,
});
