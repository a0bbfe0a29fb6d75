import type { AccountingPolicy } from './chart-of-accounts';
import { tenderAccountFor } from './chart-of-accounts';
import { isPickupHandOver, type PosLine, type PosTransaction } from '#domain/pos';
import type { JournalEntry } from './journal-entry';
import { JournalEntryDraft, posSaleEntryId } from './model';

/**
 * The tender a till settles a pickup with when the customer paid online: no money at the till. Its
 * account (the policy's tenders.prepaid) is the clearing account pickups handed over at the till go to.
 */
export const PREPAID_TENDER = 'prepaid';

/**
 * A completed POS transaction booked by tender: each tender into (or, for change and refunds given,
 * out of) the account its method maps to; each sold line's revenue and discount; each returned line
 * reversed the same way; the transaction's tax to tax payable. The tenders add up to sales - returns +
 * tax (the POS parser proves it), so the entry balances. Cancelled, training and control transactions,
 * and a transaction whose amounts are all zero, book nothing (undefined).
 *
 * A sale line naming an online order is that order's pickup handed over at the till: not a sale of the
 * till's. The order's revenue, discount and tax are booked once, by the sale its collection ships
 * (buildSaleEntry, against the channel's receivable or clearing account). So the till's line books no
 * revenue and no tax: what the till charged for it (its amount and its tax) is credited to the prepaid
 * tender's account instead, where the till's `prepaid` tender for it nets it to nothing. A transaction
 * that only hands over a prepaid order books nothing; money the till did take for a handed-over order
 * (a balance paid at pickup) stays on that clearing account, to be matched against the order's receivable.
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
  const prepaidAccount = tenderAccountFor(policy, PREPAID_TENDER);
  // One reference for the hand-overs and the prepaid tenders settling them: equal amounts cancel out.
  const handOverReference = `pos:${transactionId}:handover`;
  const handOvers = transaction.lines.filter(isPickupHandOver);
  const handOverTax = handOverTaxOf(transaction, handOvers);
  for (const line of transaction.lines) {
    const reference = `pos:${transactionId}:line:${line.lineNumber}`;
    if (isPickupHandOver(line)) {
      draft.credit(prepaidAccount, line.amount.amountMinor, handOverReference, 'pickup handed over at the till');
      continue;
    }
    const direction = line.type === 'sale' ? 1 : -1;
    // The line's gross as the till priced it: quantity x unit price, or a weighed line's rounded price x weight.
    draft.credit(accounts.salesRevenue, direction * (line.amount.amountMinor + line.discount.amountMinor), reference);
    draft.debit(accounts.salesDiscounts, direction * line.discount.amountMinor, reference);
  }
  draft.credit(prepaidAccount, handOverTax, handOverReference, 'pickup handed over at the till');
  draft.credit(accounts.salesTaxPayable, transaction.tax.amountMinor - handOverTax, `pos:${transactionId}:tax`);
  transaction.tenders.forEach((tender, i) => {
    const prepaid = handOvers.length > 0 && tender.method === PREPAID_TENDER;
    draft.debit(
      tenderAccountFor(policy, tender.method),
      tender.amount.amountMinor,
      prepaid ? handOverReference : `pos:${transactionId}:tender:${i + 1}`,
      tender.method,
    );
  });
  return draft.build();
}

/**
 * The part of the transaction's tax the till charged on the pickups it handed over: their own tax
 * when each gives it; all of it when they are the only lines that carry an amount; otherwise shared
 * by amount with the till's own sales (the till gave no tax per line to tell them apart).
 */
function handOverTaxOf(transaction: PosTransaction, handOvers: readonly PosLine[]): number {
  if (handOvers.length === 0) return 0;
  if (handOvers.every((line) => line.tax !== undefined))
    return handOvers.reduce((sum, line) => sum + (line.tax?.amountMinor ?? 0), 0);
  const handedOver = handOvers.reduce((sum, line) => sum + line.amount.amountMinor, 0);
  const sold = transaction.lines
    .filter((line) => line.type === 'sale')
    .reduce((sum, line) => sum + line.amount.amountMinor, 0);
  const others = transaction.lines.some((line) => !isPickupHandOver(line) && line.amount.amountMinor !== 0);
  if (!others) return transaction.tax.amountMinor;
  return sold === 0 ? 0 : Math.round((transaction.tax.amountMinor * handedOver) / sold);
}
