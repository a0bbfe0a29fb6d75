import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import type { JournalEntry } from '#domain/accounting/journal-entry';
import type { Money } from '#domain/kernel/money';
import { type Order, orderIdFor } from '#domain/kernel/order';
import { skuKeyId } from '#domain/kernel/sku-cross-reference';
import { shopifyFixtureSkus } from '../fixtures/shopify';

export function money(amountMinor: number, currency = 'USD'): Money {
  return { amountMinor, currency };
}

/**
 * A tax-exclusive USD order whose totals balance: 2 x 25.00 less 5.00, shipping 6.95, tax 3.71 + 0.57.
 * Overrides replace whole top-level fields, so a test states exactly what it unbalances.
 */
export function balancedOrder(overrides: Partial<Order> = {}): Order {
  return {
    orderId: orderIdFor('shopify', '5829743312345'),
    channel: 'shopify',
    channelOrderId: '5829743312345',
    channelOrderNumber: '#1001',
    status: 'received',
    currency: 'USD',
    placedAt: '2025-03-14T14:26:53.000Z',
    channelUpdatedAt: '2025-03-14T14:26:55.000Z',
    taxesIncluded: false,
    lines: [
      {
        lineId: '1',
        channelLineId: '14392874000001',
        sku: 'APP-TSHIRT-RED-M',
        channelSku: 'TSHIRT-RED-M',
        quantity: 2,
        unitPrice: money(2500),
        discount: money(500),
        taxes: [{ name: 'Sales Tax', rate: '0.0825', amount: money(371) }],
      },
    ],
    shipping: [
      {
        method: 'Standard Shipping',
        price: money(695),
        discount: money(0),
        taxes: [{ name: 'Sales Tax', rate: '0.0825', amount: money(57) }],
      },
    ],
    fees: [],
    totals: { lines: money(5000), shipping: money(695), discounts: money(500), tax: money(428), total: money(5623) },
    ...overrides,
  };
}

/** The cross-reference every Shopify fixture assumes, keyed the way the real one keys it. */
export const fixtureCrossReference: ReadonlyMap<string, string> = new Map(
  shopifyFixtureSkus.map(({ key, sku }) => [skuKeyId(key), sku]),
);

export const fixtureSkuLookup: SkuLookup = (key) => fixtureCrossReference.get(skuKeyId(key));

/** Runs `act`, which must throw an instance of `type`, and returns that error for closer assertions. */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, act: () => unknown): E {
  try {
    act();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected ${type.name} to be thrown, but the call returned`);
}

/** A balanced sale's journal entry: the receivable against revenue and sales tax. */
export function saleEntry(entryId: string): JournalEntry {
  return {
    entryId,
    postingDate: '2026-11-23',
    currency: 'USD',
    memo: 'sale',
    lines: [
      { account: '1200', debitMinor: 2598, creditMinor: 0, reference: 'l1' },
      { account: '4000', debitMinor: 0, creditMinor: 2400, reference: 'l1' },
      { account: '2200', debitMinor: 0, creditMinor: 198, reference: 'l1' },
    ],
  };
}
