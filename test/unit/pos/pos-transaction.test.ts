import fc from 'fast-check';
import {
  MAX_LINES_PER_TRANSACTION,
  PosTransaction,
  toPosTransactionDraft,
  type RawPosTransaction,
} from '#domain/pos/transaction';
import { returnDestination } from '#domain/returns/model';
import { SequenceCollector, missingCount, sequenceGaps, unionRanges } from '#domain/pos/sequence';

function sale(overrides: Partial<RawPosTransaction> = {}): RawPosTransaction {
  return {
    storeId: 'store-042',
    registerId: 'R1',
    businessDay: '2026-11-23',
    sequence: '1001',
    endedAt: '2026-11-23T10:02:11-05:00',
    currency: 'USD',
    lines: [{ type: 'sale', itemCode: 'TSHIRT-RED-M', quantity: '2', unitPrice: '24.00', discount: '1.00' }],
    tax: '3.76',
    tenders: [{ method: 'Credit Card', amount: '50.76' }],
    ...overrides,
  };
}

function issuesOf(result: ReturnType<typeof toPosTransactionDraft>): string[] {
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('toPosTransactionDraft', () => {
  it('converts a balanced sale to minor units, keyed by store, register, day and sequence', () => {
    const result = toPosTransactionDraft(sale());

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.transaction).toMatchObject({
      transactionId: 'store-042:R1:2026-11-23:1001',
      key: { storeId: 'store-042', registerId: 'R1', businessDay: '2026-11-23', sequence: 1001 },
      disposition: 'completed',
      lines: [
        {
          lineNumber: 1,
          type: 'sale',
          quantity: 2,
          unitPrice: { amountMinor: 2400 },
          discount: { amountMinor: 100 },
          amount: { amountMinor: 4700, currency: 'USD' },
        },
      ],
      tax: { amountMinor: 376 },
      tenders: [{ method: 'credit_card', amount: { amountMinor: 5076 } }],
      total: { amountMinor: 5076, currency: 'USD' },
    });
    expect(
      PosTransaction.safeParse({
        ...result.transaction,
        lines: result.transaction.lines.map((line) => ({ ...line, sku: null })),
      }).success,
    ).toBe(true);
  });

  it('rejects tenders that do not add up to the total, naming both figures', () => {
    expect(issuesOf(toPosTransactionDraft(sale({ tenders: [{ method: 'cash', amount: '50.00' }] })))).toEqual([
      'tenders: add up to 50.00 but the transaction totals 50.76 (sales - returns + tax)',
    ]);
  });

  it('rejects more decimals than the currency has instead of rounding', () => {
    expect(
      issuesOf(
        toPosTransactionDraft(
          sale({
            currency: 'JPY',
            lines: [{ type: 'sale', itemCode: 'A', quantity: 1, unitPrice: '100.5' }],
            tax: '0',
            tenders: [],
          }),
        ),
      ),
    ).toEqual(['lines.0.unitPrice: "100.5" has more than 0 decimals for JPY']);
  });

  it('rejects a line amount that is not quantity x unit price - discount', () => {
    const result = toPosTransactionDraft(
      sale({ lines: [{ type: 'sale', itemCode: 'A', quantity: 2, unitPrice: '24.00', amount: '24.00' }] }),
    );

    expect(issuesOf(result)).toEqual(['lines.0.amount: is 24.00 but quantity x unit price - discount is 48.00']);
  });

  it('rejects a fractional quantity: quantities are whole units', () => {
    expect(
      issuesOf(
        toPosTransactionDraft(sale({ lines: [{ type: 'sale', itemCode: 'A', quantity: '1.5', unitPrice: '2.00' }] })),
      ),
    ).toContain('lines.0.quantity: must be a whole number');
  });

  it('keeps the key of an otherwise invalid transaction, for gap detection', () => {
    const result = toPosTransactionDraft(sale({ endedAt: 'yesterday' }));

    expect(result).toMatchObject({ ok: false, key: { registerId: 'R1', sequence: 1001 } });
  });

  it('rejects a transaction of another store than the upload path says', () => {
    expect(issuesOf(toPosTransactionDraft(sale({ storeId: 'store-007' }), { storeId: 'store-042' }))).toEqual([
      'storeId: is store-007 but the upload is filed under store store-042',
    ]);
  });

  it('accepts a control transaction without currency or lines, as moving nothing (XXX)', () => {
    const result = toPosTransactionDraft({
      ...sale(),
      currency: undefined,
      disposition: 'control',
      lines: [],
      tax: undefined,
      tenders: [],
    });

    expect(result).toMatchObject({
      ok: true,
      transaction: { disposition: 'control', currency: 'XXX', total: { amountMinor: 0 } },
    });
  });

  it('refuses a transaction too long to travel as one event', () => {
    const lines = Array.from({ length: MAX_LINES_PER_TRANSACTION + 1 }, () => ({
      type: 'sale' as const,
      itemCode: 'A',
      quantity: 1,
      unitPrice: '1.00',
    }));

    expect(
      issuesOf(
        toPosTransactionDraft(sale({ lines, tax: '0', tenders: [{ method: 'cash', amount: String(lines.length) }] })),
      ),
    ).toEqual([
      `lines: has more than ${MAX_LINES_PER_TRANSACTION} lines: one transaction travels as one event, at most 256 KB`,
    ]);
  });

  it('refuses lines on a cancelled transaction', () => {
    expect(issuesOf(toPosTransactionDraft(sale({ disposition: 'cancelled' })))).toEqual([
      'lines: a cancelled transaction carries no lines',
    ]);
  });

  it('normalizes return reason codes and sends damaged-like ones to damaged stock', () => {
    const result = toPosTransactionDraft(
      sale({
        lines: [{ type: 'return', itemCode: 'MUG', quantity: 1, unitPrice: '12.00', reasonCode: 'Defective' }],
        tax: '-0.96',
        tenders: [{ method: 'cash', amount: '-12.96' }],
      }),
    );

    expect(result.ok && result.transaction.lines[0].reasonCode).toBe('DEFECTIVE');
    expect(returnDestination({ reasonCode: 'DEFECTIVE' })).toBe('damaged');
    expect(returnDestination({ reasonCode: 'WRONG_SIZE' })).toBe('sellable');
    expect(returnDestination({})).toBe('sellable');
  });
});

describe('sequence ranges', () => {
  it('reports the numbers missing between the lowest and highest seen', () => {
    const ranges = unionRanges(
      [
        [1, 3],
        [7, 7],
      ],
      [
        [5, 5],
        [9, 10],
      ],
    );

    expect(ranges).toEqual([
      [1, 3],
      [5, 5],
      [7, 7],
      [9, 10],
    ]);
    expect(sequenceGaps(ranges)).toEqual([
      { from: 4, to: 4 },
      { from: 6, to: 6 },
      { from: 8, to: 8 },
    ]);
    expect(missingCount(sequenceGaps(ranges))).toBe(3);
  });

  it('closes a gap when an overlapping offline batch brings the missing numbers', () => {
    expect(
      sequenceGaps(
        unionRanges(
          [
            [1, 10],
            [15, 20],
          ],
          [[9, 16]],
        ),
      ),
    ).toEqual([]);
  });

  it('collects any order of numbers into the same ranges as a set would (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 300 }), (numbers) => {
        const collector = new SequenceCollector();
        for (const n of numbers) collector.add('R1', n);
        const collected = collector.drain().get('R1') ?? [];
        const expected = [...new Set(numbers)].sort((a, b) => a - b);
        const expanded = collected.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));
        expect(expanded).toEqual(expected);
        expect(unionRanges(collected, collected)).toEqual(collected);
      }),
    );
  });
});
