import * as z from '#domain/kernel/schema';
import { JournalEntry } from './journal-entry';
import type { FabricEvent } from '#domain/kernel/event';
import type { Shipment } from '#domain/kernel/shipment';
import type { ChannelRefund } from '#domain/returns';
import type { PosTransaction } from '#domain/pos';

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
  orderId: z.optional(z.string().check(z.minLength(1))),
});
export type JournalEntryPreparedData = z.infer<typeof JournalEntryPreparedData>;

/**
 * Collects signed amounts (positive debits, negative credits) per account and reference, then turns
 * them into a JournalEntry, which proves on parsing that it balances. Zero amounts vanish: a journal
 * line carries exactly one non-zero side.
 */
export class JournalEntryDraft {
  private readonly amounts = new Map<
    string,
    { account: string; reference: string; memo?: string; signedMinor: number }
  >();

  constructor(private readonly header: { entryId: string; postingDate: string; currency: string; memo: string }) {}

  debit(account: string, amountMinor: number, reference: string, memo?: string): this {
    return this.add(account, amountMinor, reference, memo);
  }

  credit(account: string, amountMinor: number, reference: string, memo?: string): this {
    return this.add(account, -amountMinor, reference, memo);
  }

  /** The debit (positive) or credit (negative) that would balance the entry as it stands. */
  imbalanceMinor(): number {
    let total = 0;
    for (const { signedMinor } of this.amounts.values()) total += signedMinor;
    return total;
  }

  /** The balanced entry, or undefined when every amount is zero (nothing to book). Throws the schema's error when it does not balance. */
  build(): JournalEntry | undefined {
    const lines = [...this.amounts.values()]
      .filter((line) => line.signedMinor !== 0)
      .map((line) => ({
        account: line.account,
        debitMinor: Math.max(line.signedMinor, 0),
        creditMinor: Math.max(-line.signedMinor, 0),
        reference: line.reference,
        ...(line.memo ? { memo: line.memo } : {}),
      }));
    if (lines.length === 0) return undefined;
    return JournalEntry.parse({ ...this.header, lines });
  }

  private add(account: string, signedMinor: number, reference: string, memo?: string): this {
    const key = `${account}\u0000${reference}`;
    const found = this.amounts.get(key);
    if (found) found.signedMinor += signedMinor;
    else this.amounts.set(key, { account, reference, signedMinor, ...(memo ? { memo } : {}) });
    return this;
  }
}

/**
 * The share of a line-level amount (a discount or a tax on all `quantity` units) that units
 * [fromUnit, fromUnit + units) carry: unit i carries floor(total*(i+1)/q) - floor(total*i/q). Shares
 * of consecutive ranges add up to the whole to the minor unit, so shipping a line in parts and
 * returning it in parts book and reverse exactly what the line says, never a cent more or less.
 */
export function unitRangeShare(totalMinor: number, quantity: number, fromUnit: number, units: number): number {
  const cumulative = (unit: number) => {
    const product = BigInt(totalMinor) * BigInt(unit);
    const q = BigInt(quantity);
    // Floor division for negative totals too (BigInt division truncates toward zero).
    const quotient = product / q;
    return Number(product % q !== 0n && product < 0n ? quotient - 1n : quotient);
  };
  return cumulative(fromUnit + units) - cumulative(fromUnit);
}

/** The calendar date of an ISO timestamp as written (the day where it happened, per its offset). */
export function postingDateOf(timestamp: string): string {
  return timestamp.slice(0, 10);
}

/** The idempotency scope of the accounting-journal consumer; its business key is the entry id. */
export const ACCOUNTING_JOURNAL_SCOPE = 'accounting-journal';

/** The deterministic entry id of the sale a shipment books: a redelivered ShipmentConfirmed yields the same id. */
export const saleEntryId = (shipment: Pick<Shipment, 'orderId' | 'shipmentId'>) =>
  `sale:${shipment.orderId}:${shipment.shipmentId}`;
export const refundEntryId = (refund: Pick<ChannelRefund, 'channel' | 'channelRefundId'>) =>
  `refund:${refund.channel}:${refund.channelRefundId}`;
export const posSaleEntryId = (transaction: Pick<PosTransaction, 'transactionId'>) =>
  `pos:${transaction.transactionId}`;

/** The entry id a journal event will book under: the consumer's idempotency key, and what ops look up. */
export function journalEntryIdFor(event: FabricEvent): string | undefined {
  const data = event.data as { shipment?: Shipment; refund?: ChannelRefund; transaction?: PosTransaction };
  if (event.detailType === 'ShipmentConfirmed' && data.shipment) return saleEntryId(data.shipment);
  if (event.detailType === 'RefundReported' && data.refund) return refundEntryId(data.refund);
  if (event.detailType === 'PosTransactionRecorded' && data.transaction) return posSaleEntryId(data.transaction);
  return undefined;
}
