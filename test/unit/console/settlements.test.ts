import { formatMoney } from '../../../console/src/view/format';
import {
  differences,
  needsAttention,
  ordersWithStatus,
  periodLabel,
  type ReconciledOrder,
  reasonLabel,
  type SettlementSummary,
  statusFilter,
} from '../../../console/src/view/settlements';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

const order = (channelOrderId: string, overrides: Partial<ReconciledOrder> = {}): ReconciledOrder => ({
  channelOrderId,
  status: 'matched',
  lineNumbers: [1, 2],
  orderLineIds: [],
  charges: usd(4000),
  refunds: usd(0),
  fees: usd(600),
  reasons: [],
  ...overrides,
});

const counts = { lines: 6, orders: 3, matched: 1, variance: 0, unmatched: 0, accountLines: 1 };

describe('the Settlements page', () => {
  it("shows a settlement's amounts as money in its currency, a short payment with its sign", () => {
    const amounts: SettlementSummary['amounts'] = {
      matched: usd(2000),
      variance: usd(4000),
      unmatched: usd(1500),
      netVariance: usd(-100),
    };

    expect(formatMoney(amounts.unmatched)).toBe('$15.00');
    expect(formatMoney(amounts.netVariance)).toBe('-$1.00');
  });

  it('shows only the differences that are not zero beside an order', () => {
    const variance = order('111-2', {
      status: 'variance',
      expectedCharges: usd(4000),
      chargeVariance: usd(0),
      expectedFees: usd(600),
      feeVariance: usd(100),
    });

    expect(differences(variance)).toEqual({ fees: usd(100) });
    expect(differences(order('111-1'))).toEqual({});
  });

  it('filters the orders by how they matched, keeping the order the API gave', () => {
    const orders = [
      order('111-9', { status: 'unmatched' }),
      order('111-2', { status: 'variance' }),
      order('111-1'),
      order('111-3'),
    ];

    expect(ordersWithStatus(orders, 'matched').map((each) => each.channelOrderId)).toEqual(['111-1', '111-3']);
    expect(ordersWithStatus(orders, 'all')).toHaveLength(4);
    expect(statusFilter('variance')).toBe('variance');
    expect(statusFilter('paid')).toBe('all');
    expect(statusFilter(null)).toBe('all');
  });

  it('words periods and reasons, and flags a settlement with any order that did not match', () => {
    expect(periodLabel({ startDate: '2026-11-01', endDate: '2026-11-15' })).toBe('2026-11-01 to 2026-11-15');
    expect(periodLabel({ startDate: '2026-11-09T00:00:00+00:00', endDate: '2026-11-23T00:00:00+00:00' })).toBe(
      '2026-11-09 to 2026-11-23',
    );
    expect(periodLabel({ endDate: '2026-11-15' })).toBe('? to 2026-11-15');
    expect(periodLabel({})).toBe('period not stated');
    expect(reasonLabel('FEE_VARIANCE')).toBe('fee variance');
    expect(needsAttention({ counts })).toBe(false);
    expect(needsAttention({ counts: { ...counts, unmatched: 1 } })).toBe(true);
  });
});
