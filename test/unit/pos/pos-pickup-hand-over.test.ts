import { AccountingPolicy, DEFAULT_ACCOUNTING_POLICY } from '#domain/accounting/chart-of-accounts';
import { buildPosSaleEntry } from '#domain/accounting/pos-entries';
import type { JournalEntry } from '#domain/accounting/journal-entry';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import type { InventoryPorts } from '#domain/inventory/reservation';
import type { FabricEvent } from '#domain/kernel/event';
import { orderIdFor } from '#domain/kernel/order';
import { applyPosTransactionToStock } from '#domain/pos/stock-movements';
import { pickupHandOversOf, toPosTransactionDraft, type PosTransaction } from '#domain/pos/transaction';

/**
 * A Shopify local pickup handed over at store-042's till: the till rings the order's item up naming
 * the order, settled with the `prepaid` tender (the customer paid online), sometimes beside a sale of
 * the till's own paid in cash.
 */
const ORDER = 'shopify:5600000000001';
const accounting = AccountingPolicy.parse(DEFAULT_ACCOUNTING_POLICY);

const handOver = (fields: Record<string, unknown> = {}) => ({
  type: 'sale',
  itemCode: 'APP-TSHIRT-RED-M',
  quantity: '2',
  unitPrice: '24.00',
  originalOrder: ORDER,
  ...fields,
});
const socks = { type: 'sale', itemCode: 'APP-SOCKS-BLK', quantity: '1', unitPrice: '10.00' };

/** Parsed as the ingest parses it, each item code resolved to itself as its SKU. */
function recorded(
  lines: Record<string, unknown>[],
  tenders: { method: string; amount: string }[],
  tax?: string,
): PosTransaction {
  const draft = toPosTransactionDraft({
    storeId: 'store-042',
    registerId: 'R2',
    businessDay: '2026-12-07',
    sequence: '31',
    endedAt: '2026-12-07T11:15:00-05:00',
    currency: 'USD',
    lines,
    ...(tax ? { tax } : {}),
    tenders,
  });
  if (!draft.ok) throw new Error(JSON.stringify(draft.issues));
  return { ...draft.transaction, lines: draft.transaction.lines.map((line) => ({ ...line, sku: line.itemCode })) };
}

function balanceOf(entry: JournalEntry | undefined, account: string): number {
  return (entry?.lines ?? [])
    .filter((line) => line.account === account)
    .reduce((sum, line) => sum + line.debitMinor - line.creditMinor, 0);
}

describe('a pickup handed over at the till', () => {
  it('is a sale line naming the order, handed over once per order with the till that rang it up', () => {
    const transaction = recorded(
      [handOver(), handOver({ itemCode: 'APP-CAP', quantity: '1', unitPrice: '0.00' }), socks],
      [
        { method: 'prepaid', amount: '48.00' },
        { method: 'cash', amount: '10.00' },
      ],
    );

    expect(transaction.lines[0]).toMatchObject({
      type: 'sale',
      originalOrder: { orderId: orderIdFor('shopify', '5600000000001'), channel: 'shopify' },
    });
    expect(pickupHandOversOf(transaction)).toEqual([
      {
        orderId: orderIdFor('shopify', '5600000000001'),
        storeId: 'store-042',
        registerId: 'R2',
      },
    ]);
    expect(pickupHandOversOf({ ...transaction, disposition: 'cancelled' })).toEqual([]);
  });

  it('still names the field of an order reference that does not read', () => {
    const draft = toPosTransactionDraft({
      storeId: 'store-042',
      registerId: 'R2',
      businessDay: '2026-12-07',
      sequence: '32',
      endedAt: '2026-12-07T11:15:00-05:00',
      currency: 'USD',
      lines: [handOver({ originalOrder: 'shopify-5600000000001' })],
      tenders: [{ method: 'prepaid', amount: '48.00' }],
    });

    expect(draft.ok ? [] : draft.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      expect.stringMatching(/^lines\.0\.originalOrder: "shopify-5600000000001" is not an order reference/),
    ]);
  });

  it('moves no stock through POS: the collection consumes the reservation', async () => {
    const published: FabricEvent[] = [];
    const ports: InventoryPorts = {
      store: new Proxy({} as InventoryPorts['store'], {
        get: (_target, method) => {
          throw new Error(`the stock books were asked to ${String(method)}`);
        },
      }),
      policy: loadInventoryPolicy({}),
      publisher: { publish: async (events: readonly FabricEvent[]) => void published.push(...events) },
    };

    const results = await applyPosTransactionToStock(
      recorded([handOver()], [{ method: 'prepaid', amount: '48.00' }]),
      { storeId: 'store-042', businessDate: '2026-12-07', batchId: 'b1', uploadId: 'u1' },
      ports,
    );

    expect(results).toEqual([]);
    expect(published).toEqual([]);
  });
});

describe('the books of a pickup handed over at the till', () => {
  it("book nothing when the till settles the prepaid order with the prepaid tender: its sale is the order's own", () => {
    const entry = buildPosSaleEntry(
      recorded([handOver()], [{ method: 'prepaid', amount: '51.84' }], '3.84'),
      accounting,
    );

    expect(entry).toBeUndefined();
  });

  it("book only the till's own sale beside it: its revenue, its share of the tax and the cash", () => {
    const entry = buildPosSaleEntry(
      recorded(
        [handOver(), socks],
        [
          { method: 'prepaid', amount: '51.84' },
          { method: 'cash', amount: '10.80' },
        ],
        '4.64',
      ),
      accounting,
    );

    expect(balanceOf(entry, accounting.accounts.salesRevenue)).toBe(-1000);
    expect(balanceOf(entry, accounting.accounts.salesTaxPayable)).toBe(-80);
    expect(balanceOf(entry, accounting.tenders.cash)).toBe(1080);
    expect(balanceOf(entry, accounting.tenders.prepaid)).toBe(0);
    expect(entry?.lines.filter((line) => line.account === accounting.tenders.prepaid)).toEqual([]);
  });

  it("take the hand-over's own tax when the till gives tax per line", () => {
    const entry = buildPosSaleEntry(
      recorded(
        [handOver({ tax: '3.84' }), { ...socks, tax: '0.95' }],
        [
          { method: 'prepaid', amount: '51.84' },
          { method: 'cash', amount: '10.95' },
        ],
      ),
      accounting,
    );

    expect(balanceOf(entry, accounting.accounts.salesRevenue)).toBe(-1000);
    expect(balanceOf(entry, accounting.accounts.salesTaxPayable)).toBe(-95);
    expect(balanceOf(entry, accounting.tenders.prepaid)).toBe(0);
  });

  it('keep money the till took for a handed-over order on the clearing account, not as revenue', () => {
    const entry = buildPosSaleEntry(recorded([handOver()], [{ method: 'cash', amount: '51.84' }], '3.84'), accounting);

    expect(balanceOf(entry, accounting.tenders.cash)).toBe(5184);
    expect(balanceOf(entry, accounting.tenders.prepaid)).toBe(-5184);
    expect(balanceOf(entry, accounting.accounts.salesRevenue)).toBe(0);
    expect(balanceOf(entry, accounting.accounts.salesTaxPayable)).toBe(0);
  });
});
