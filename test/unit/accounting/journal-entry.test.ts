import { JournalEntry } from '#domain/accounting/journal-entry';

/** A sale of 56.23 with 4.28 sales tax: receivable against revenue and tax payable. */
function saleEntry(receivableMinor: number): unknown {
  return {
    entryId: 'je_ord_1001_sale',
    postingDate: '2025-03-14',
    currency: 'USD',
    memo: 'Shopify #1001',
    lines: [
      { account: '1200 Accounts Receivable', debitMinor: receivableMinor, creditMinor: 0, reference: 'ord_1001' },
      { account: '4000 Sales Revenue', debitMinor: 0, creditMinor: 5195, reference: 'ord_1001' },
      { account: '2200 Sales Tax Payable', debitMinor: 0, creditMinor: 428, reference: 'ord_1001' },
    ],
  };
}

describe('JournalEntry', () => {
  test('accepts an entry whose debits equal its credits', () => {
    expect(JournalEntry.safeParse(saleEntry(5623)).success).toBe(true);
  });

  test('rejects an entry one cent out of balance, at lines', () => {
    const result = JournalEntry.safeParse(saleEntry(5624));

    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['lines'], message: 'debits and credits must balance' }),
    ]);
  });
});
