import fc from 'fast-check';
import {
  AccountingPolicy,
  DEFAULT_ACCOUNTING_POLICY,
  loadAccountingPolicy,
} from '#domain/accounting/chart-of-accounts';
import { unitRangeShare } from '#domain/accounting/model';
import {
  NO_BOOKINGS,
  UnknownOrderLineError,
  buildRefundEntry,
  buildSaleEntry,
  type OrderBookings,
} from '#domain/accounting/sale-entries';
import { buildPosSaleEntry } from '#domain/accounting/pos-entries';
import { JournalEntry } from '#domain/accounting/journal-entry';
import { Order, computeOrderTotals, orderIdFor } from '#domain/kernel/order';
import type { Shipment } from '#domain/kernel/shipment';
import type { ChannelRefund } from '#domain/returns/refund-report';
import type { PosTransaction } from '#domain/pos/transaction';
import { balancedOrder, money, thrownBy } from '../builders';

const policy = AccountingPolicy.parse(DEFAULT_ACCOUNTING_POLICY);
const PROPERTY_RUNS = { seed: 20261123, numRuns: 300 };

function shipment(order: Order, lines: { lineId: string; quantity: number }[], shipmentId = 'SH-1'): Shipment {
  return {
    shipmentId,
    orderId: order.orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z999',
    shippedAt: '2025-03-15T09:00:00-05:00',
    lines: lines.map((line) => ({ ...line, sku: 'SKU' })),
  };
}

function refund(
  order: Order,
  lines: { channelLineId: string; quantity: number }[],
  amountMinor: number,
  channelRefundId = 'RF-1',
): ChannelRefund {
  return {
    channel: order.channel,
    channelOrderId: order.channelOrderId,
    orderId: order.orderId,
    channelRefundId,
    refundedAt: '2025-03-20T10:00:00Z',
    amount: money(amountMinor, order.currency),
    lines: lines.map((line) => ({ ...line, restockType: 'no_restock' as const })),
  };
}

/** Net signed balance (debit - credit) per account over entries. */
function balances(entries: readonly JournalEntry[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const entry of entries)
    for (const line of entry.lines)
      totals.set(line.account, (totals.get(line.account) ?? 0) + line.debitMinor - line.creditMinor);
  return totals;
}

const amountOf = (entry: JournalEntry, account: string) =>
  entry.lines.filter((l) => l.account === account).reduce((sum, l) => sum + l.debitMinor - l.creditMinor, 0);

describe('sale entries', () => {
  it('books a fully shipped order: receivable for the total, revenue, discount, tax and shipping, each referencing its order line', () => {
    const order = balancedOrder();

    const booked = buildSaleEntry(order, shipment(order, [{ lineId: '1', quantity: 2 }]), NO_BOOKINGS, policy)!;

    expect(booked.entry.entryId).toBe(`sale:${order.orderId}:SH-1`);
    expect(booked.entry.postingDate).toBe('2025-03-15');
    expect(booked.entry.lines).toEqual(
      expect.arrayContaining([
        { account: '4000', debitMinor: 0, creditMinor: 5000, reference: `order:${order.orderId}:line:1` },
        { account: '4900', debitMinor: 500, creditMinor: 0, reference: `order:${order.orderId}:line:1` },
        { account: '2200', debitMinor: 0, creditMinor: 371, reference: `order:${order.orderId}:line:1` },
        { account: '4100', debitMinor: 0, creditMinor: 695, reference: `order:${order.orderId}:shipping:1` },
        { account: '2200', debitMinor: 0, creditMinor: 57, reference: `order:${order.orderId}:shipping:1` },
        // Shopify settles through its payouts, so the sale waits on the Shopify clearing account.
        { account: '1320', debitMinor: 5623, creditMinor: 0, reference: `order:${order.orderId}:shipment:SH-1` },
      ]),
    );
    expect(booked.bookings).toEqual({
      lines: { 1: { sold: 2, reversed: 0 } },
      shippingBooked: true,
      shippingReversed: false,
    });
  });

  it('books a channel without a clearing account on accounts receivable', () => {
    const order = balancedOrder({ channel: 'woocommerce', orderId: orderIdFor('woocommerce', '77') });

    const { entry } = buildSaleEntry(order, shipment(order, [{ lineId: '1', quantity: 2 }]), NO_BOOKINGS, policy)!;

    expect(amountOf(entry, '1200')).toBe(5623);
  });

  it('books tax-inclusive prices as revenue net of their tax', () => {
    const order = balancedOrder({
      taxesIncluded: true,
      totals: { lines: money(5000), shipping: money(695), discounts: money(500), tax: money(428), total: money(5195) },
    });

    const { entry } = buildSaleEntry(order, shipment(order, [{ lineId: '1', quantity: 2 }]), NO_BOOKINGS, policy)!;

    expect(amountOf(entry, '4000')).toBe(-(5000 - 371));
    expect(amountOf(entry, '4100')).toBe(-(695 - 57));
    expect(amountOf(entry, '1320')).toBe(5195);
  });

  it("splits a line's discount and tax over partial shipments so that the parts add up to the line to the minor unit", () => {
    const order = balancedOrder({
      lines: [
        {
          ...balancedOrder().lines[0],
          quantity: 3,
          discount: money(100),
          taxes: [{ name: 'Tax', amount: money(200) }],
        },
      ],
      shipping: [],
      totals: computeOrderTotals({
        currency: 'USD',
        taxesIncluded: false,
        shipping: [],
        lines: [
          {
            ...balancedOrder().lines[0],
            quantity: 3,
            discount: money(100),
            taxes: [{ name: 'Tax', amount: money(200) }],
          },
        ],
      }),
    });
    const first = buildSaleEntry(order, shipment(order, [{ lineId: '1', quantity: 1 }], 'SH-1'), NO_BOOKINGS, policy)!;
    const second = buildSaleEntry(
      order,
      shipment(order, [{ lineId: '1', quantity: 2 }], 'SH-2'),
      first.bookings,
      policy,
    )!;

    expect([amountOf(first.entry, '2200'), amountOf(second.entry, '2200')]).toEqual([-66, -134]);
    expect([amountOf(first.entry, '4900'), amountOf(second.entry, '4900')]).toEqual([33, 67]);
    expect(amountOf(first.entry, '1320') + amountOf(second.entry, '1320')).toBe(order.totals.total.amountMinor);
  });

  it('books nothing for a shipment of units already booked (a second shipment id for the same units)', () => {
    const order = balancedOrder();
    const first = buildSaleEntry(order, shipment(order, [{ lineId: '1', quantity: 2 }]), NO_BOOKINGS, policy)!;

    expect(
      buildSaleEntry(order, shipment(order, [{ lineId: '1', quantity: 2 }], 'SH-2'), first.bookings, policy),
    ).toBeUndefined();
  });

  it('refuses a shipment line the order does not have', () => {
    const order = balancedOrder();

    const error = thrownBy(UnknownOrderLineError, () =>
      buildSaleEntry(order, shipment(order, [{ lineId: '9', quantity: 1 }]), NO_BOOKINGS, policy),
    );

    expect(error.message).toContain('no line 9');
  });
});

describe('refund entries', () => {
  const order = balancedOrder();
  const sold = buildSaleEntry(order, shipment(order, [{ lineId: '1', quantity: 2 }]), NO_BOOKINGS, policy)!;

  it('reverses one returned unit of a line and takes the refund off the clearing account', () => {
    // One of two units: 25.00 - 2.50 discount + 1.85 tax (the first unit's share of 3.71).
    const reversal = buildRefundEntry(
      order,
      refund(order, [{ channelLineId: '14392874000001', quantity: 1 }], 2435),
      sold.bookings,
      policy,
    )!;

    expect(reversal.entry.entryId).toBe('refund:shopify:RF-1');
    expect(amountOf(reversal.entry, '4000')).toBe(2500);
    expect(amountOf(reversal.entry, '4900')).toBe(-250);
    expect(amountOf(reversal.entry, '2200')).toBe(185);
    expect(amountOf(reversal.entry, '1320')).toBe(-2435);
    expect(amountOf(reversal.entry, '4950')).toBe(0);
    expect(reversal.bookings.lines['1']).toEqual({ sold: 2, reversed: 1 });
  });

  it('books money refunded beyond the returned lines (goodwill) to refund allowances', () => {
    const goodwill = buildRefundEntry(order, refund(order, [], 1000), sold.bookings, policy)!;

    expect(amountOf(goodwill.entry, '4950')).toBe(1000);
    expect(amountOf(goodwill.entry, '1320')).toBe(-1000);
  });

  it('books nothing for a refund of an order nothing was booked for yet', () => {
    expect(
      buildRefundEntry(
        order,
        refund(order, [{ channelLineId: '14392874000001', quantity: 2 }], 5623),
        NO_BOOKINGS,
        policy,
      ),
    ).toBeUndefined();
  });
});

describe('POS sales by tender', () => {
  const transaction: PosTransaction = {
    transactionId: 'store-042:R1:2026-11-23:1001',
    key: { storeId: 'store-042', registerId: 'R1', businessDay: '2026-11-23', sequence: 1001 },
    endedAt: '2026-11-23T10:02:11-05:00',
    currency: 'USD',
    disposition: 'completed',
    lines: [
      {
        lineNumber: 1,
        type: 'sale',
        itemCode: 'TSHIRT-RED-M',
        sku: 'TSHIRT-RED-M',
        quantity: 2,
        unitPrice: money(2400),
        discount: money(0),
        amount: money(4800),
      },
      {
        lineNumber: 2,
        type: 'sale',
        itemCode: 'MUG-WHITE',
        sku: 'MUG-WHITE',
        quantity: 1,
        unitPrice: money(1200),
        discount: money(200),
        amount: money(1000),
      },
      {
        lineNumber: 3,
        type: 'return',
        itemCode: 'CAP',
        sku: 'CAP',
        quantity: 1,
        unitPrice: money(500),
        discount: money(0),
        amount: money(500),
        reasonCode: 'DAMAGED',
      },
    ],
    tax: money(464),
    tenders: [
      { method: 'card', amount: money(4000) },
      { method: 'cash', amount: money(2000) },
      { method: 'cash', amount: money(-236) },
    ],
    total: money(5764),
  };

  it('debits each tender to its account and credits revenue and tax per line', () => {
    const entry = buildPosSaleEntry(transaction, policy)!;

    expect(entry.entryId).toBe('pos:store-042:R1:2026-11-23:1001');
    expect(entry.postingDate).toBe('2026-11-23');
    expect(entry.lines).toEqual(
      expect.arrayContaining([
        {
          account: '1150',
          debitMinor: 4000,
          creditMinor: 0,
          reference: 'pos:store-042:R1:2026-11-23:1001:tender:1',
          memo: 'card',
        },
        {
          account: '1000',
          debitMinor: 2000,
          creditMinor: 0,
          reference: 'pos:store-042:R1:2026-11-23:1001:tender:2',
          memo: 'cash',
        },
        {
          account: '1000',
          debitMinor: 0,
          creditMinor: 236,
          reference: 'pos:store-042:R1:2026-11-23:1001:tender:3',
          memo: 'cash',
        },
        { account: '4000', debitMinor: 0, creditMinor: 4800, reference: 'pos:store-042:R1:2026-11-23:1001:line:1' },
        { account: '4900', debitMinor: 200, creditMinor: 0, reference: 'pos:store-042:R1:2026-11-23:1001:line:2' },
        { account: '4000', debitMinor: 500, creditMinor: 0, reference: 'pos:store-042:R1:2026-11-23:1001:line:3' },
        { account: '2200', debitMinor: 0, creditMinor: 464, reference: 'pos:store-042:R1:2026-11-23:1001:tax' },
      ]),
    );
  });

  it('books an unmapped tender to the suspense account rather than refusing the sale', () => {
    const entry = buildPosSaleEntry({ ...transaction, tenders: [{ method: 'crypto', amount: money(5764) }] }, policy)!;

    expect(amountOf(entry, '1190')).toBe(5764);
  });

  it('books nothing for a cancelled, training or control transaction', () => {
    expect(buildPosSaleEntry({ ...transaction, disposition: 'training' }, policy)).toBeUndefined();
  });
});

describe('the chart of accounts', () => {
  it('takes top-level sections from FABRIC_ACCOUNTING_POLICY and names a bad path', () => {
    const overridden = loadAccountingPolicy({
      FABRIC_ACCOUNTING_POLICY: JSON.stringify({ tenders: { cash: '1010' } }),
    });

    expect(overridden.tenders).toEqual({ cash: '1010' });
    expect(overridden.accounts.salesRevenue).toBe('4000');
    expect(() =>
      loadAccountingPolicy({ FABRIC_ACCOUNTING_POLICY: JSON.stringify({ settlement: { neverSettledAfterDays: 0 } }) }),
    ).toThrow(/settlement\.neverSettledAfterDays/);
  });
});

// --- properties ------------------------------------------------------------------------------

const currencyArb = fc.constantFrom('USD', 'JPY', 'KWD');
const taxesArb = (currency: string) =>
  fc.array(
    fc.integer({ min: 0, max: 5_000 }).map((amount) => ({ name: 'Tax', amount: money(amount, currency) })),
    { maxLength: 2 },
  );

const orderArb = currencyArb.chain((currency) =>
  fc
    .record({
      taxesIncluded: fc.boolean(),
      channel: fc.constantFrom('shopify', 'amazon', 'woocommerce', 'ebay', 'square') as fc.Arbitrary<Order['channel']>,
      lines: fc.array(
        fc.record({
          quantity: fc.integer({ min: 1, max: 7 }),
          unitPrice: fc.integer({ min: 0, max: 50_000 }),
          discountPercent: fc.integer({ min: 0, max: 100 }),
          taxes: taxesArb(currency),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      shipping: fc.array(
        fc.record({
          price: fc.integer({ min: 0, max: 3_000 }),
          discount: fc.integer({ min: 0, max: 3_000 }),
          taxes: taxesArb(currency),
        }),
        { maxLength: 2 },
      ),
    })
    .map((shape) => {
      const lines = shape.lines.map((line, i) => ({
        lineId: String(i + 1),
        channelLineId: `CL-${i + 1}`,
        sku: `SKU-${i + 1}`,
        channelSku: `C-${i + 1}`,
        quantity: line.quantity,
        unitPrice: money(line.unitPrice, currency),
        discount: money(Math.floor((line.unitPrice * line.quantity * line.discountPercent) / 100), currency),
        taxes: line.taxes,
      }));
      const shipping = shape.shipping.map((s) => ({
        price: money(s.price, currency),
        discount: money(Math.min(s.discount, s.price), currency),
        taxes: s.taxes,
      }));
      return Order.parse({
        orderId: orderIdFor(shape.channel, 'P-1'),
        channel: shape.channel,
        channelOrderId: 'P-1',
        status: 'received',
        currency,
        placedAt: '2025-03-14T14:26:53.000Z',
        channelUpdatedAt: '2025-03-14T14:26:53.000Z',
        taxesIncluded: shape.taxesIncluded,
        lines,
        shipping,
        fees: [],
        totals: computeOrderTotals({ currency, taxesIncluded: shape.taxesIncluded, lines, shipping }),
      });
    }),
);

/** An order with each line's quantity cut into consecutive parts, shipped (or refunded) in rounds. */
const orderWithPartsArb = orderArb.chain((order) =>
  fc.tuple(
    fc.constant(order),
    fc.tuple(
      ...order.lines.map((line) =>
        fc.array(fc.integer({ min: 1, max: line.quantity }), { minLength: 1, maxLength: 3 }),
      ),
    ),
  ),
);

function rounds(order: Order, cuts: number[][]): { lineId: string; quantity: number }[][] {
  const out: { lineId: string; quantity: number }[][] = [];
  order.lines.forEach((line, i) => {
    let left = line.quantity;
    cuts[i].forEach((cut, round) => {
      const quantity = round === cuts[i].length - 1 ? left : Math.min(cut, left);
      if (quantity <= 0) return;
      out[round] ??= [];
      out[round].push({ lineId: line.lineId, quantity });
      left -= quantity;
    });
  });
  return out.filter((r) => r?.length);
}

function shipAll(order: Order, cuts: number[][]): { entries: JournalEntry[]; bookings: OrderBookings } {
  let bookings = NO_BOOKINGS;
  const entries: JournalEntry[] = [];
  rounds(order, cuts).forEach((lines, i) => {
    const booked = buildSaleEntry(order, shipment(order, lines, `SH-${i + 1}`), bookings, policy);
    if (booked) {
      entries.push(booked.entry);
      bookings = booked.bookings;
    }
  });
  return { entries, bookings };
}

describe('properties', () => {
  it('every sale entry balances per currency, and partial shipments book exactly the order total on the settlement account', () => {
    fc.assert(
      fc.property(orderWithPartsArb, ([order, cuts]) => {
        const { entries } = shipAll(order, cuts);
        for (const entry of entries) {
          expect(JournalEntry.safeParse(entry).success).toBe(true);
          expect(entry.currency).toBe(order.currency);
        }
        const settlementAccount =
          policy.channels[order.channel]?.settlementAccount ?? policy.accounts.accountsReceivable;
        expect(balances(entries).get(settlementAccount) ?? 0).toBe(order.totals.total.amountMinor);
        expect(0 - (balances(entries).get(policy.accounts.salesTaxPayable) ?? 0)).toBe(order.totals.tax.amountMinor);
      }),
      PROPERTY_RUNS,
    );
  });

  it('a sale followed by a full return, in any parts, nets every account to zero', () => {
    fc.assert(
      fc.property(orderWithPartsArb, fc.integer({ min: 1, max: 3 }), ([order, cuts], refundRounds) => {
        const sale = shipAll(order, cuts);
        let bookings = sale.bookings;
        const entries = [...sale.entries];
        // Refund each line in `refundRounds` parts; the last refund carries the shipping with it.
        const perRound = order.lines.map((line) =>
          Array.from(
            { length: refundRounds },
            (_, r) =>
              Math.floor((line.quantity * (r + 1)) / refundRounds) - Math.floor((line.quantity * r) / refundRounds),
          ),
        );
        for (let r = 0; r < refundRounds; r += 1) {
          const lines = order.lines
            .map((line, i) => ({ channelLineId: line.channelLineId, quantity: perRound[i][r] }))
            .filter((line) => line.quantity > 0);
          const owedBefore = -(
            balances(entries).get(
              policy.channels[order.channel]?.settlementAccount ?? policy.accounts.accountsReceivable,
            ) ?? 0
          );
          // What the buyer gets back: the lines' share now, and on the last round whatever is left (their shipping).
          const probe = buildRefundEntry(order, refund(order, lines, 0, `RF-${r}`), bookings, policy);
          const linesOwed = probe ? -amountOf(probe.entry, policy.accounts.refundAllowances) : 0;
          const amount = r === refundRounds - 1 ? -owedBefore : linesOwed;
          const booked = buildRefundEntry(order, refund(order, lines, amount, `RF-${r}`), bookings, policy);
          if (booked) {
            entries.push(booked.entry);
            bookings = booked.bookings;
          }
        }
        for (const [account, balance] of balances(entries)) expect([account, balance]).toEqual([account, 0]);
      }),
      PROPERTY_RUNS,
    );
  });

  it('a line-level amount split into any consecutive unit ranges adds up to the whole', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 10 }),
        (total, quantity, cuts) => {
          let from = 0;
          let sum = 0;
          for (const cut of cuts) {
            const units = Math.min(cut, quantity - from);
            sum += unitRangeShare(total, quantity, from, units);
            from += units;
          }
          sum += unitRangeShare(total, quantity, from, quantity - from);
          expect(sum).toBe(total);
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('every POS entry balances, whatever the lines, tax and tenders', () => {
    const posArb = fc.record({
      lines: fc.array(
        fc.record({
          type: fc.constantFrom('sale', 'return') as fc.Arbitrary<'sale' | 'return'>,
          quantity: fc.integer({ min: 1, max: 5 }),
          unitPrice: fc.integer({ min: 0, max: 20_000 }),
          discountPercent: fc.integer({ min: 0, max: 100 }),
        }),
        { maxLength: 5 },
      ),
      tax: fc.integer({ min: -2_000, max: 2_000 }),
      tenderSplit: fc.array(
        fc.tuple(fc.constantFrom('cash', 'card', 'gift_card', 'store_credit'), fc.integer({ min: 1, max: 100 })),
        { minLength: 1, maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(posArb, (shape) => {
        const lines = shape.lines.map((line, i) => {
          const discount = Math.floor((line.unitPrice * line.quantity * line.discountPercent) / 100);
          return {
            lineNumber: i + 1,
            type: line.type,
            itemCode: `I${i}`,
            sku: null,
            quantity: line.quantity,
            unitPrice: money(line.unitPrice),
            discount: money(discount),
            amount: money(line.unitPrice * line.quantity - discount),
          };
        });
        const total =
          lines.reduce((sum, line) => sum + (line.type === 'sale' ? 1 : -1) * line.amount.amountMinor, 0) + shape.tax;
        const weights = shape.tenderSplit.reduce((sum, [, weight]) => sum + weight, 0);
        const tenders = shape.tenderSplit.map(([method, weight], i) => ({
          method,
          amount: money(i === 0 ? 0 : Math.trunc((total * weight) / weights)),
        }));
        tenders[0].amount = money(total - tenders.slice(1).reduce((sum, t) => sum + t.amount.amountMinor, 0));
        const entry = buildPosSaleEntry(
          {
            transactionId: 's:r:2026-11-23:1',
            key: { storeId: 's', registerId: 'r', businessDay: '2026-11-23', sequence: 1 },
            endedAt: '2026-11-23T10:00:00Z',
            currency: 'USD',
            disposition: 'completed',
            lines,
            tax: money(shape.tax),
            tenders,
            total: money(total),
          },
          policy,
        );
        if (entry) expect(JournalEntry.safeParse(entry).success).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });
});
