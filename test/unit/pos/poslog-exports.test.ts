import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import path from 'node:path';
import { readPosItems } from '#shared/pos/pos-batch-reader';
import { START, type ByteSource } from '#domain/pos/batch';
import type { PosParsedItem } from '#domain/pos/parsed-item';
import { toPosTransactionDraft, type PosTransaction, type RawPosTransaction } from '#domain/pos/transaction';
import { buildPosSaleEntry } from '#domain/accounting/pos-entries';
import { loadAccountingPolicy } from '#domain/accounting/chart-of-accounts';
import { recordedTransactionEvents } from '#domain/pos/recorded-transaction';

/**
 * POSLog as stores' tills export it (NCR/Oracle-style nested taxes, POSLog 6 VAT-inclusive lines,
 * local end times, group pricing, sign-on and sign-off), in the shapes of the public samples.
 */

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'pos');

function source(name: string): ByteSource {
  const buffer = readFileSync(path.join(FIXTURES, name));
  return {
    async open() {
      return (async function* chunks() {
        for (let i = 0; i < buffer.length; i += 97) yield buffer.subarray(i, i + 97);
      })();
    },
  };
}

async function read(name: string, storeId: string, timeZone?: string): Promise<PosParsedItem[]> {
  const items: PosParsedItem[] = [];
  for await (const batch of readPosItems(source(name), 'xml', {
    gzip: false,
    position: START,
    storeId,
    ...(timeZone ? { timeZone } : {}),
  }))
    items.push(...batch);
  return items;
}

const accepted = (items: PosParsedItem[]) =>
  items.flatMap((item) => (item.kind === 'transaction' ? [item.transaction] : []));
const reasons = (items: PosParsedItem[]) => items.flatMap((item) => (item.kind === 'rejected' ? item.lines : []));
const cents = (amountMinor: number, currency = 'USD') => ({ amountMinor, currency });

/** Debits and credits of the journal entry a recorded transaction books. */
function journalTotals(transaction: PosTransaction): { debit: number; credit: number } {
  const entry = buildPosSaleEntry(
    { ...transaction, lines: transaction.lines.map((line) => ({ ...line, sku: null })) },
    loadAccountingPolicy({}),
  );
  const lines = entry?.lines ?? [];
  return {
    debit: lines.reduce((sum, line) => sum + line.debitMinor, 0),
    credit: lines.reduce((sum, line) => sum + line.creditMinor, 0),
  };
}

describe("a POSLog export with each line's taxes nested in its Sale or Return", () => {
  it('accepts every transaction, the sign-on and sign-off included, each line with its own tax', async () => {
    const items = await read('store-042-poslog-nested-tax.xml', 'store-042');

    expect(reasons(items)).toEqual([]);
    const [signOn, sale, refund, cash, signOff] = accepted(items);
    expect([signOn.disposition, signOff.disposition]).toEqual(['control', 'control']);
    expect(signOn.lines).toEqual([]);
    expect(
      sale.lines.map(({ itemCode, quantity, unitPrice, discount, amount, tax }) => ({
        itemCode,
        quantity,
        unitPrice,
        discount,
        amount,
        tax,
      })),
    ).toEqual([
      // The override (19.50 against a regular 24.00) is the price; state 2.44 + county 0.39.
      {
        itemCode: 'TSHIRT-RED-M',
        quantity: 2,
        unitPrice: cents(1950),
        discount: cents(0),
        amount: cents(3900),
        tax: cents(283),
      },
      // 3 for 10.00, two rung up: 6.67 as the till rounded it; 2 x 3.34 - 0.01.
      {
        itemCode: 'SOCKS-3PK',
        quantity: 2,
        unitPrice: cents(334),
        discount: cents(1),
        amount: cents(667),
        tax: cents(49),
      },
      // Its taxes beside the Sale, in the same LineItem.
      {
        itemCode: 'MUG-WHITE',
        quantity: 1,
        unitPrice: cents(1200),
        discount: cents(0),
        amount: cents(1200),
        tax: cents(87),
      },
    ]);
    expect(sale).toMatchObject({ tax: cents(419), total: cents(6186) });
    expect(refund).toMatchObject({
      lines: [{ type: 'return', amount: cents(1200), tax: cents(87), reasonCode: 'DEFECTIVE' }],
      tax: cents(-87),
      total: cents(-1287),
      tenders: [{ method: 'cash', amount: cents(-1287) }],
    });
    expect(cash).toMatchObject({ tax: cents(131), total: cents(1931) });
  });

  it('publishes the sales and refunds, and nothing for the sign-on and sign-off', async () => {
    const transactions = accepted(await read('store-042-poslog-nested-tax.xml', 'store-042'));
    const batch = { storeId: 'store-042', businessDate: '2026-11-24', batchId: 'r4', uploadId: 'u1' };
    const published = transactions.map(
      (transaction) =>
        recordedTransactionEvents(
          { ...transaction, lines: transaction.lines.map((line) => ({ ...line, sku: `SKU-${line.itemCode}` })) },
          batch,
          1,
          { correlationId: transaction.transactionId, causationId: 'pos:test' },
        ).length,
    );

    expect(published).toEqual([0, 1, 1, 1, 0]);
  });

  it('books each sale and refund in a journal entry that balances, tax apart from revenue', async () => {
    const transactions = accepted(await read('store-042-poslog-nested-tax.xml', 'store-042'));

    for (const transaction of transactions.filter((candidate) => candidate.disposition === 'completed')) {
      const { debit, credit } = journalTotals(transaction as PosTransaction);
      expect(debit).toBe(credit);
    }
    const sale = buildPosSaleEntry({ ...(transactions[1] as PosTransaction) }, loadAccountingPolicy({}))!;
    expect(sale.lines.filter((line) => line.account === '2200').map((line) => line.creditMinor)).toEqual([419]);
  });
});

describe('a POSLog 6 day in local store time with VAT included in the prices', () => {
  it('reads local end times in the store time zone and takes the included VAT out of each line', async () => {
    const items = await read('store-310-poslog-local-vat.xml', 'store-310', 'Europe/Amsterdam');

    expect(reasons(items)).toEqual([]);
    const [signOn, sale, refund, weighed, signOff] = accepted(items);
    expect([signOn.endedAt, sale.endedAt, signOff.endedAt]).toEqual([
      '2026-11-24T08:55:00+01:00',
      '2026-11-24T09:12:30+01:00',
      '2026-11-24T18:02:10+01:00',
    ]);
    const eur = (amountMinor: number) => cents(amountMinor, 'EUR');
    expect(sale.lines.map(({ unitPrice, discount, amount, tax }) => [unitPrice, discount, amount, tax])).toEqual([
      [eur(2000), eur(0), eur(2000), eur(420)],
      [eur(300), eur(0), eur(900), eur(189)],
      // 14.97 with 2.60 VAT in it is 12.37 net: 3 x 4.13 - 0.02.
      [eur(413), eur(2), eur(1237), eur(260)],
    ]);
    // The till's own VAT summary (8.69) agrees with the lines and is not added again.
    expect(sale).toMatchObject({ tax: eur(869), total: eur(5006) });
    expect(refund).toMatchObject({
      lines: [{ type: 'return', amount: eur(2000), tax: eur(420) }],
      tax: eur(-420),
      total: eur(-2420),
    });
    const { debit, credit } = journalTotals(sale as PosTransaction);
    expect(debit).toBe(credit);
    // 0.42 kg at 18.95/kg is 7.959, rung up 7.96 with 0.66 of 9% VAT in it: 7.30 net, 17.39/kg x 0.420 kg.
    expect(weighed.lines).toEqual([
      expect.objectContaining({
        quantity: 1,
        measure: { unit: 'kg', thousandths: 420 },
        unitPrice: eur(1739),
        discount: eur(0),
        amount: eur(730),
        tax: eur(66),
      }),
    ]);
    expect(weighed).toMatchObject({ tax: eur(66), total: eur(796) });
  });

  it('without a store time zone rejects the sales naming the field and the setting, and keeps the sign-on and sign-off', async () => {
    const items = await read('store-310-poslog-local-vat.xml', 'store-310');

    expect(reasons(items).map((line) => line.reason)).toEqual([
      expect.stringMatching(
        /^endedAt: is 2026-11-24T09:12:30, a local time without a UTC offset, .*timeZone.*FABRIC_INVENTORY_POLICY/,
      ),
      expect.stringMatching(/^endedAt: is 2026-11-24T14:03:45, a local time without a UTC offset/),
      expect.stringMatching(/^endedAt: is 2026-11-24T16:47:05, a local time without a UTC offset/),
    ]);
    // The rejected ones still used their sequence numbers.
    expect(
      items.map((item) => (item.kind === 'rejected' ? item.key?.sequence : item.transaction.key.sequence)),
    ).toEqual([5001, 5002, 5003, 5004, 5005]);
    expect(accepted(items).map((transaction) => [transaction.disposition, transaction.endedAt])).toEqual([
      ['control', '2026-11-24T08:55:00'],
      ['control', '2026-11-24T18:02:10'],
    ]);
  });
});

describe('local end times in the other formats', () => {
  const csv = [
    'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit_price,amount,tender_method',
    'store-042,R1,2026-11-24,1,2026-11-24T10:00:00,USD,sale,MUG-WHITE,1,12.00,,',
    'store-042,R1,2026-11-24,1,2026-11-24T10:00:00,USD,tender,,,,12.00,cash',
  ].join('\n');
  const jsonl = JSON.stringify({
    storeId: 'store-042',
    registerId: 'R2',
    businessDay: '2026-11-24',
    sequence: 1,
    endedAt: '2026-11-24T10:00:00',
    currency: 'USD',
    lines: [{ type: 'sale', itemCode: 'MUG-WHITE', quantity: 1, unitPrice: '12.00', tax: ['0.75', '0.12'] }],
    tenders: [{ method: 'cash', amount: '12.87' }],
  });

  it.each([
    ['csv', csv],
    ['jsonl', jsonl],
  ] as const)('reads a %s local time in the store time zone', async (format, content) => {
    const items: PosParsedItem[] = [];
    const bytes: ByteSource = {
      async open() {
        return (async function* chunks() {
          yield Buffer.from(`${content}\n`);
        })();
      },
    };
    for await (const batch of readPosItems(bytes, format, {
      gzip: false,
      position: START,
      storeId: 'store-042',
      timeZone: 'America/New_York',
    }))
      items.push(...batch);

    expect(reasons(items)).toEqual([]);
    expect(accepted(items).map((transaction) => transaction.endedAt)).toEqual(['2026-11-24T10:00:00-05:00']);
  });
});

describe('tax per line, included taxes and group prices in the canonical transaction', () => {
  const line = { type: 'sale' as const, itemCode: 'SOCKS-3PK', quantity: '1', unitPrice: '10.00' };
  const draft = (overrides: Partial<RawPosTransaction>) =>
    toPosTransactionDraft({
      storeId: 'store-042',
      registerId: 'R4',
      businessDay: '2026-11-24',
      sequence: 9001,
      endedAt: '2026-11-24T12:00:00-05:00',
      currency: 'USD',
      lines: [line],
      tenders: [{ method: 'cash', amount: '10.00' }],
      ...overrides,
    });
  const issues = (result: ReturnType<typeof toPosTransactionDraft>) =>
    result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);

  it('takes a group price as the till rounded it, down or up, and rounds half up when no amount is given', () => {
    const groupLine = { ...line, priceUnits: '3' };
    expect(draft({ lines: [{ ...groupLine, amount: '3.33' }], tenders: [{ method: 'cash', amount: '3.33' }] }).ok).toBe(
      true,
    );
    expect(draft({ lines: [{ ...groupLine, amount: '3.34' }], tenders: [{ method: 'cash', amount: '3.34' }] }).ok).toBe(
      true,
    );
    const computed = draft({ lines: [groupLine], tenders: [{ method: 'cash', amount: '3.33' }] });
    expect(computed.ok && computed.transaction.lines[0]).toMatchObject({
      unitPrice: cents(333),
      discount: cents(0),
      amount: cents(333),
    });
    expect(
      issues(draft({ lines: [{ ...groupLine, amount: '3.50' }], tenders: [{ method: 'cash', amount: '3.50' }] })),
    ).toEqual(['lines.0.amount: is 3.50 but quantity x unit price / 3 units - discount is 3.33']);
  });

  it('refuses line taxes that disagree with the transaction tax summary, or a tax more than the amount it is included in', () => {
    expect(
      issues(
        draft({ lines: [{ ...line, tax: ['0.63'] }], tax: '0.70', tenders: [{ method: 'cash', amount: '10.63' }] }),
      ),
    ).toEqual([
      "tax: adds up to 0.70 but the lines' own taxes to 0.63 (sales - returns): with tax per line, the transaction's tax is their summary",
    ]);
    expect(issues(draft({ lines: [{ ...line, tax: ['12.00'], taxIncluded: true }] }))).toEqual([
      'lines.0.tax: is more than the line amount it is included in',
    ]);
    expect(issues(draft({ lines: [{ ...line, tax: ['-0.63'] }] }))).toEqual(['lines.0.tax.0: must not be negative']);
  });

  it('refuses a transaction-level tax said to be included when no line gives its own', () => {
    expect(issues(draft({ tax: '1.74', taxIncluded: true }))).toEqual([
      "taxIncluded: says the tax is included in the line amounts, but no line gives its own: give each line's tax, so it can be taken out of that line",
    ]);
  });

  it('restates any VAT-inclusive or group-priced line exactly: net amount kept, rounding under a minor unit per unit', () => {
    const decimal = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (quantity, unitPriceMinor, priceUnits, taxPercent, roundUp) => {
          const exact = unitPriceMinor * quantity;
          const gross = roundUp ? Math.ceil(exact / priceUnits) : Math.floor(exact / priceUnits);
          const tax = Math.floor((gross * taxPercent) / (100 + taxPercent));
          const result = draft({
            lines: [
              {
                ...line,
                quantity: String(quantity),
                unitPrice: decimal(unitPriceMinor),
                priceUnits: String(priceUnits),
                amount: decimal(gross),
                tax: [decimal(tax)],
                taxIncluded: true,
              },
            ],
            tenders: [{ method: 'cash', amount: decimal(gross) }],
          });
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const [restated] = result.transaction.lines;
          expect(restated.amount.amountMinor).toBe(gross - tax);
          expect(restated.unitPrice.amountMinor * quantity - restated.discount.amountMinor).toBe(gross - tax);
          expect(restated.discount.amountMinor).toBeGreaterThanOrEqual(0);
          expect(restated.discount.amountMinor).toBeLessThan(quantity);
          expect(result.transaction.total.amountMinor).toBe(gross);
        },
      ),
    );
  });

  it('still totals the tax of transactions that give it per transaction (CSV, JSONL)', () => {
    const result = draft({ tax: ['0.63', '0.10'], tenders: [{ method: 'cash', amount: '10.73' }] });
    expect(result.ok && result.transaction).toMatchObject({ tax: cents(73), total: cents(1073) });
    expect(result.ok && result.transaction.lines[0].tax).toBeUndefined();
  });
});
