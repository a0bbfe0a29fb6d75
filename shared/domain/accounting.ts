import { z } from 'zod';
import { JournalEntry } from './journal-entry';

/** What business fact a journal entry books; the ERP connector may pick a journal or template by it. */
export const JournalEntryKind = z.enum(['sale', 'pos_sale', 'refund', 'return', 'marketplace_fees']);
export type JournalEntryKind = z.infer<typeof JournalEntryKind>;

/**
 * Payload of `JournalEntryPrepared`: a balanced entry ready for the ERP port. `entry.entryId` is
 * deterministic per business fact (the same shipment, POS transaction, refund or settlement always
 * yields the same id), so it doubles as the ERP posting's idempotency key.
 */
export const JournalEntryPreparedData = z.object({
  entry: JournalEntry,
  kind: JournalEntryKind,
  /** The canonical order the entry books, when there is one (not for POS sales or settlement fees). */
  orderId: z.string().min(1).optional(),
});
export type JournalEntryPreparedData = z.infer<typeof JournalEntryPreparedData>;
