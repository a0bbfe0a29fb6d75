import {
  AccountingPolicy,
  DEFAULT_ACCOUNTING_POLICY,
  settlementAccountFor,
} from '#domain/accounting/chart-of-accounts';
import { NO_BOOKINGS, buildRefundEntry, buildSaleEntry } from '#domain/accounting/sale-entries';
import type { ChannelRefund } from '#domain/returns/refund-report';
import { balancedOrder, money } from '../builders';

const policy = AccountingPolicy.parse(DEFAULT_ACCOUNTING_POLICY);
const settlement = settlementAccountFor(policy, 'shopify');

/** Two tees at 25.00 less 5.00, tax 3.71, shipping 6.95 with 0.57 tax: 56.23, shipped whole and booked. */
const order = balancedOrder();
const sale = buildSaleEntry(
  order,
  {
    shipmentId: 'SH-1',
    orderId: order.orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z999',
    shippedAt: '2025-03-15T09:00:00-05:00',
    lines: [{ lineId: '1', sku: 'APP-TSHIRT-RED-M', quantity: 2 }],
  },
  NO_BOOKINGS,
  policy,
);

function refundOf(overrides: Partial<ChannelRefund>): ChannelRefund {
  return {
    channel: 'shopify',
    channelOrderId: order.channelOrderId,
    orderId: order.orderId,
    channelRefundId: 'RF-9',
    refundedAt: '2025-03-20T10:00:00Z',
    amount: money(0),
    lines: [],
    ...overrides,
  };
}

const net = (lines: { account: string; debitMinor: number; creditMinor: number }[], account: string) =>
  lines.filter((line) => line.account === account).reduce((sum, line) => sum + line.debitMinor - line.creditMinor, 0);

describe('refund reversal by component', () => {
  test('one tee and part of the shipping given back: revenue, tax and shipping income reversed each on its account, to the cent', () => {
    // One tee: 25.00 less its 2.50 discount, 1.85 of the line's 3.71 tax; shipping 5.00 with 0.41 tax.
    const refund = refundOf({
      amount: money(2976),
      lines: [
        {
          channelLineId: '14392874000001',
          quantity: 1,
          goods: money(2250),
          tax: money(185),
          restockType: 'return',
        },
      ],
      shipping: { amount: money(500), tax: money(41) },
    });

    const lines = buildRefundEntry(order, refund, sale?.bookings ?? NO_BOOKINGS, policy)?.entry.lines ?? [];

    expect(net(lines, '4000')).toBe(2500);
    expect(net(lines, '4900')).toBe(-250);
    expect(net(lines, '2200')).toBe(185 + 41);
    expect(net(lines, '4100')).toBe(500);
    expect(net(lines, '4950')).toBe(0);
    expect(net(lines, settlement)).toBe(-2976);
    expect(lines.reduce((sum, line) => sum + line.debitMinor - line.creditMinor, 0)).toBe(0);
  });

  test('a price adjustment (no unit given back) reverses its reported tax and books the rest as an allowance', () => {
    const refund = refundOf({
      amount: money(1083),
      lines: [
        { channelLineId: '14392874000001', quantity: 0, goods: money(1000), tax: money(83), restockType: 'no_restock' },
      ],
    });

    const lines = buildRefundEntry(order, refund, sale?.bookings ?? NO_BOOKINGS, policy)?.entry.lines ?? [];

    expect(net(lines, '2200')).toBe(83);
    expect(net(lines, '4950')).toBe(1000);
    expect(net(lines, '4000')).toBe(0);
    expect(net(lines, settlement)).toBe(-1083);
  });
});
