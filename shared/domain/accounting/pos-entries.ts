import type { AccountingPolicy } from './chart-of-accounts';
import { tenderAccountFor } from './chart-of-accounts';
import type { PosTransaction } from '#domain/pos';
import type { JournalEntry } from './journal-entry';
import { JournalEntryDraft, posSaleEntryId } from './model';

/**
 * A completed POS transaction booked by tender: each tender into (or, for change and refunds given,
 * out of) the account its method maps to; each sold line's revenue and discount; each returned line
 * reversed the same way; the transaction's tax to tax payable. The tenders add up to sales - returns +
 * tax (the POS parser proves it), so the entry balances. Cancelled, training and control transactions,
 * and a transaction whose amounts are all zero, book nothing (undefined).
 */
export function buildPosSaleEntry(transaction: PosTransaction, policy: AccountingPolicy): JournalEntry | undefined {
  if (transaction.disposition !== 'completed') return undefined;
  const { accounts } = policy;
  const { transactionId, key } = transaction;
  const draft = new JournalEntryDraft({
    entryId: posSaleEntryId(transaction),
    postingDate: key.businessDay,
    currency: transaction.currency,
    memo: `POS ${key.storeId} register ${key.registerId} ${key.businessDay} #${key.sequence}`,
  });
  for (const line of transaction.lines) {
    const reference = `pos:${transactionId}:line:${line.lineNumber}`;
    const direction = line.type === 'sale' ? 1 : -1;
    // The line's gross as the till priced it: quantity x unit price, or a weighed line's rounded price x weight.
    draft.credit(accounts.salesRevenue, direction * (line.amount.amountMinor + line.discount.amountMinor), reference);
    draft.debit(accounts.salesDiscounts, direction * line.discount.amountMinor, reference);
  }
  draft.credit(accounts.salesTaxPayable, transaction.tax.amountMinor, `pos:${transactionId}:tax`);
  transaction.tenders.forEach((tender, i) => {
    draft.debit(
      tenderAccountFor(policy, tender.method),
      tender.amount.amountMinor,
      `pos:${transactionId}:tender:${i + 1}`,
      tender.method,
    );
  });
  return draft.build();
}
