import { shippedUnits } from './fulfilment-plan';
import type { PlannedOrder } from './scenario';
import { usd } from './store-day';

/** A settlement report the day ends with, and the exceptions reconciling it must raise: no more, no fewer. */
export interface PlannedSettlement {
  channel: 'shopify';
  settlementId: string;
  /** Where it is uploaded in the settlement bucket. */
  key: string;
  body: string;
  /** Channel order ids the report names that the fabric must match without exception. */
  matched: string[];
  /** What the day planted: an order the fabric never saw, and a fee the schedule does not explain. */
  expectedExceptions: { channelOrderId: string; reason: 'UNKNOWN_ORDER' | 'FEE_VARIANCE' }[];
}

/** Shopify Payments' schedule the fabric reconciles against (shared/domain/accounting/chart-of-accounts.ts): 2.9% + 30 cents. */
const feeOf = (chargeMinor: number) => Math.floor((chargeMinor * 290 + 5_000) / 10_000) + 30;

/**
 * The Shopify Payments payout for the day's Shopify orders that shipped, as the Admin API returns a
 * payout and its balance transactions: one charge per order with the schedule's fee, except one order
 * charged a dollar more in fees, and one charge for an order placed outside the fabric. Pure.
 */
export function shopifyPayout(
  orders: readonly PlannedOrder[],
  payoutId: number,
  date: string,
): PlannedSettlement | undefined {
  const shipped = orders.filter(
    (o) => o.channel === 'shopify' && o.expectation === 'posted' && Object.keys(shippedUnits(o)).length > 0,
  );
  if (shipped.length === 0) return undefined;
  const unknownOrderId = String(5_699_000_000_000 + (payoutId % 1_000_000));
  const charges = [
    ...shipped.map((order, i) => ({
      channelOrderId: order.channelOrderId,
      amount: order.totalMinor,
      fee: feeOf(order.totalMinor) + (i === 0 ? 100 : 0),
    })),
    { channelOrderId: unknownOrderId, amount: 2_500, fee: feeOf(2_500) },
  ];
  const transactions: Record<string, unknown>[] = charges.map((charge, i) => ({
    id: payoutId * 10_000 + i,
    type: 'charge',
    test: false,
    payout_id: payoutId,
    payout_status: 'paid',
    currency: 'USD',
    amount: usd(charge.amount),
    fee: usd(charge.fee),
    net: usd(charge.amount - charge.fee),
    source_id: payoutId * 10_000 + i,
    source_type: 'charge',
    source_order_id: Number(charge.channelOrderId),
    processed_at: `${date}T18:00:00-05:00`,
  }));
  const net = charges.reduce((sum, c) => sum + c.amount - c.fee, 0);
  transactions.push({
    id: payoutId * 10_000 + charges.length,
    type: 'payout',
    test: false,
    payout_id: payoutId,
    payout_status: 'paid',
    currency: 'USD',
    amount: usd(-net),
    fee: '0.00',
    net: usd(-net),
    source_id: payoutId,
    source_type: 'payout',
    source_order_id: null,
    processed_at: `${date}T23:00:00-05:00`,
  });
  return {
    channel: 'shopify',
    settlementId: String(payoutId),
    key: `incoming/shopify/payout-${payoutId}.json`,
    body: JSON.stringify({
      payout: { id: payoutId, status: 'paid', date, currency: 'USD', amount: usd(net) },
      transactions,
    }),
    matched: shipped.slice(1).map((o) => o.channelOrderId),
    expectedExceptions: [
      { channelOrderId: shipped[0].channelOrderId, reason: 'FEE_VARIANCE' },
      { channelOrderId: unknownOrderId, reason: 'UNKNOWN_ORDER' },
    ],
  };
}
