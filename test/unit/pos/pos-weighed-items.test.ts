import { lineBatches } from '#shared/text/byte-stream';
import { csvItems } from '#shared/pos/pos-csv';
import { jsonlItems } from '#shared/pos/pos-jsonl';
import { toPosTransactionDraft, type PosTransaction } from '#domain/pos/transaction';
import { applyPosTransactionToStock } from '#domain/pos/stock-movements';
import { recordedTransactionEvents } from '#domain/pos/recorded-transaction';
import { describeAvailability } from '#domain/inventory/exposure';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import { applyMovements, emptyPosition } from '#domain/inventory/model';
import type { InventoryPorts } from '#domain/inventory/reservation';
import type { FabricEvent } from '#domain/kernel/event';
import type { PosParsedItem } from '#domain/pos/parsed-item';
import { buildPosSaleEntry } from '#domain/accounting/pos-entries';
import { AccountingPolicy, DEFAULT_ACCOUNTING_POLICY } from '#domain/accounting/chart-of-accounts';

/** A completed sale at store-042 of the given lines, tendered in cash to the cent. */
function sale(lines: Record<string, unknown>[], cash: string) {
  return {
    storeId: 'store-042',
    registerId: 'R1',
    businessDay: '2026-11-23',
    sequence: '7',
    endedAt: '2026-11-23T10:02:11-05:00',
    currency: 'USD',
    lines,
    tenders: [{ method: 'cash', amount: cash }],
  };
}

const cheese = (fields: Record<string, unknown> = {}) => ({
  type: 'sale',
  itemCode: 'CHEESE-GOUDA',
  quantity: '0.420',
  unit: 'kg',
  unitPrice: '3.99',
  ...fields,
});

function issuesOf(result: ReturnType<typeof toPosTransactionDraft>): string[] {
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('a weighed POS line', () => {
  it('keeps its weight in integer thousandths of its unit, priced per unit and rounded to the cent', () => {
    const result = toPosTransactionDraft(sale([cheese()], '1.68'));

    expect(issuesOf(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.transaction.lines[0]).toMatchObject({
      quantity: 1,
      measure: { unit: 'kg', thousandths: 420 },
      unitPrice: { amountMinor: 399 },
      amount: { amountMinor: 168 },
    });
    expect(result.transaction.total.amountMinor).toBe(168);
  });

  it("takes the till's line amount when the till rounded the other way", () => {
    const result = toPosTransactionDraft(sale([cheese({ amount: '1.67' })], '1.67'));

    expect(result.ok && result.transaction.lines[0].amount.amountMinor).toBe(167);
  });

  it('refuses a line amount that is no rounding of unit price x weight', () => {
    expect(issuesOf(toPosTransactionDraft(sale([cheese({ amount: '1.70' })], '1.70')))).toEqual([
      'lines.0.amount: is 1.70 but unit price x 0.420 kg - discount is 1.68',
    ]);
  });

  it('reads the UN/ECE codes POSLog carries, and pounds as well as kilograms', () => {
    const result = toPosTransactionDraft(
      sale(
        [cheese({ unit: 'KGM' }), cheese({ itemCode: 'HAM', unit: 'LBR', quantity: '1.5', unitPrice: '6.00' })],
        '10.68',
      ),
    );

    expect(result.ok && result.transaction.lines.map((line) => line.measure)).toEqual([
      { unit: 'kg', thousandths: 420 },
      { unit: 'lb', thousandths: 1500 },
    ]);
  });

  it('refuses a weight finer than a thousandth, an unknown unit, and a fraction of a whole unit', () => {
    expect(issuesOf(toPosTransactionDraft(sale([cheese({ quantity: '0.4205' })], '1.68')))).toEqual([
      'lines.0.quantity: must have at most three decimals: kg are counted in thousandths',
    ]);
    expect(issuesOf(toPosTransactionDraft(sale([cheese({ unit: 'stone' })], '1.68')))).toEqual([
      expect.stringMatching(/^lines\.0\.unit: "stone" is not a unit of measure: write each \(or EA, C62\), kg \(KGM\)/),
    ]);
    expect(issuesOf(toPosTransactionDraft(sale([cheese({ unit: 'each' })], '1.68')))).toEqual([
      'lines.0.quantity: must be a whole number',
    ]);
    expect(issuesOf(toPosTransactionDraft(sale([cheese({ quantity: '0' })], '0.00')))).toEqual([
      'lines.0.quantity: must be more than 0 kg',
    ]);
  });

  it('is not taken back against an online order: online orders are in whole units', () => {
    const result = toPosTransactionDraft(
      sale([cheese({ type: 'return', originalOrder: 'shopify:5600000000001' })], '-1.68'),
    );

    expect(issuesOf(result)).toEqual([
      'lines.0.originalOrder: is for lines in whole units: online orders are, so 0.420 kg cannot be handed over or taken back against one',
    ]);
  });

  it('books the amount the till charged for the weight as revenue, so the entry balances to the cent', () => {
    const draft = toPosTransactionDraft(sale([cheese({ amount: '1.67' })], '1.67'));
    if (!draft.ok) throw new Error(JSON.stringify(draft.issues));
    const transaction: PosTransaction = {
      ...draft.transaction,
      lines: draft.transaction.lines.map((line) => ({ ...line, sku: 'SKU-GOUDA' })),
    };

    const entry = buildPosSaleEntry(transaction, AccountingPolicy.parse(DEFAULT_ACCOUNTING_POLICY))!;

    const revenue = entry.lines.filter((line) => line.reference.endsWith(':line:1') && line.creditMinor > 0);
    expect(revenue.map((line) => line.creditMinor)).toEqual([167]);
    const debits = entry.lines.reduce((sum, line) => sum + line.debitMinor, 0);
    expect(debits).toBe(entry.lines.reduce((sum, line) => sum + line.creditMinor, 0));
    expect(debits).toBe(167);
  });

  it('shows its weight when its item code waits for a mapping', () => {
    const draft = toPosTransactionDraft(sale([cheese()], '1.68'));
    if (!draft.ok) throw new Error(JSON.stringify(draft.issues));
    const transaction: PosTransaction = {
      ...draft.transaction,
      lines: draft.transaction.lines.map((line) => ({ ...line, sku: null })),
    };

    const events = recordedTransactionEvents(
      transaction,
      { storeId: 'store-042', businessDate: '2026-11-23', batchId: 'b1', uploadId: 'u1' },
      2,
      { correlationId: transaction.transactionId, causationId: 'upload:u1' },
    );

    expect(events.find((event) => event.detailType === 'PosLineNeedsAttention')?.data).toMatchObject({
      reason: 'UNKNOWN_SKU',
      lines: [{ lineNumber: 1, itemCode: 'CHEESE-GOUDA', quantity: 1, measure: { unit: 'kg', thousandths: 420 } }],
    });
  });

  it('leaves a whole-unit line as it was, with no measure, so earlier uploads keep their fingerprints', () => {
    const result = toPosTransactionDraft(
      sale([{ type: 'sale', itemCode: 'MUG', quantity: '2', unitPrice: '5.00', unit: 'EA' }], '10.00'),
    );

    expect(result.ok && result.transaction.lines[0]).toEqual(
      expect.not.objectContaining({ measure: expect.anything() }),
    );
    expect(result.ok && result.transaction.lines[0].quantity).toBe(2);
  });
});

async function parsed(
  text: string,
  read: (lines: AsyncIterable<import('#shared/text/byte-stream').SourceLine[]>) => AsyncGenerator<PosParsedItem[]>,
) {
  const items: PosParsedItem[] = [];
  for await (const batch of read(
    lineBatches(
      (async function* () {
        yield Buffer.from(text);
      })(),
    ),
  ))
    items.push(...batch);
  return items;
}

describe('the formats', () => {
  it('CSV: a quantity of "0.420" with a unit column of kg', async () => {
    const header =
      'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit,unit_price,amount,tender_method';
    const prefix = 'store-042,R1,2026-11-23,7,2026-11-23T10:00:00Z,USD';
    const items = await parsed(
      [
        header,
        `${prefix},sale,CHEESE-GOUDA,0.420,kg,3.99,1.68,`,
        `${prefix},sale,MUG,2,,5.00,10.00,`,
        `${prefix},tender,,,,,11.68,cash`,
      ].join('\n'),
      (lines) => csvItems(lines),
    );

    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item.kind === 'transaction' && item.transaction.lines.map((line) => [line.quantity, line.measure])).toEqual([
      [1, { unit: 'kg', thousandths: 420 }],
      [2, undefined],
    ]);
  });

  it('CSV: names the unit column when it is not a unit', async () => {
    const header =
      'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit,unit_price,amount,tender_method';
    const prefix = 'store-042,R1,2026-11-23,7,2026-11-23T10:00:00Z,USD';
    const items = await parsed(
      [header, `${prefix},sale,CHEESE-GOUDA,0.420,bag,3.99,,`, `${prefix},tender,,,,,1.68,cash`].join('\n'),
      (lines) => csvItems(lines),
    );

    expect(items[0].kind === 'rejected' && items[0].lines[0].reason).toMatch(/^unit: "bag" is not a unit of measure/);
  });

  it('JSONL: "quantity": "0.420" and "unit": "kg"', async () => {
    const items = await parsed(`${JSON.stringify(sale([cheese()], '1.68'))}\n`, (lines) => jsonlItems(lines));

    expect(items[0].kind === 'transaction' && items[0].transaction.lines[0].measure).toEqual({
      unit: 'kg',
      thousandths: 420,
    });
  });
});

describe('stock in a SKU unit', () => {
  const policy = loadInventoryPolicy({
    FABRIC_INVENTORY_POLICY: JSON.stringify({ stockUnits: { 'SKU-GOUDA': 'kg' } }),
  });

  it('counts a weighed SKU in thousandths, says so, and shows it to no channel (channels order whole units)', () => {
    const received = applyMovements(emptyPosition({ sku: 'SKU-GOUDA', locationId: 'store-042', shard: 0 }), [
      {
        movementId: 'r-1',
        sku: 'SKU-GOUDA',
        locationId: 'store-042',
        shard: 0,
        kind: 'receipt',
        quantity: 5_000,
        reasonCode: 'RECEIPT',
        reference: { kind: 'erp_document', id: 'PO-1' },
        occurredAt: '2026-11-23T10:00:00.000Z',
      },
    ]);

    const view = describeAvailability('SKU-GOUDA', [received], policy);

    expect(view).toMatchObject({ unit: 'kg', total: { onHand: 5_000, availableToSell: 5_000 }, channels: [] });
    expect(describeAvailability('SKU-MUG', [], policy)).toMatchObject({ unit: 'each' });
  });

  it('holds a line whose unit is not its SKU stock unit, moving nothing, and says why', async () => {
    const draft = toPosTransactionDraft(
      sale([cheese(), { type: 'sale', itemCode: 'MUG', quantity: '1', unitPrice: '5.00' }], '6.68'),
    );
    if (!draft.ok) throw new Error(JSON.stringify(draft.issues));
    // Both lines mapped to SKUs whose stock unit they do not fit: a weighed sale of a SKU counted in
    // units, and a sale in units of the SKU kept in kg.
    const transaction: PosTransaction = {
      ...draft.transaction,
      lines: [
        { ...draft.transaction.lines[0], sku: 'SKU-MUG' },
        { ...draft.transaction.lines[1], sku: 'SKU-GOUDA' },
      ],
    };
    const published: FabricEvent[] = [];
    const untouched = new Proxy({} as InventoryPorts['store'], {
      get: (_target, method) => {
        throw new Error(`the stock books were asked to ${String(method)}`);
      },
    });
    const ports: InventoryPorts = {
      store: untouched,
      policy,
      publisher: { publish: async (events: readonly FabricEvent[]) => void published.push(...events) },
    };

    const results = await applyPosTransactionToStock(
      transaction,
      { storeId: 'store-042', businessDate: '2026-11-23', batchId: 'b1', uploadId: 'u1' },
      ports,
    );

    expect(results.map((result) => [result.lineNumber, result.outcome])).toEqual([
      [1, 'held'],
      [2, 'held'],
    ]);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      detailType: 'PosLineNeedsAttention',
      data: {
        reason: 'UNIT_MISMATCH',
        lines: [
          {
            lineNumber: 1,
            quantity: 1,
            measure: { unit: 'kg', thousandths: 420 },
            detail: 'sold as 0.420 kg but SKU-MUG keeps its stock in whole units',
          },
          {
            lineNumber: 2,
            quantity: 1,
            detail: 'sold in whole units (1) but SKU-GOUDA keeps its stock in thousandths of a kg',
          },
        ],
      },
    });
  });
});
