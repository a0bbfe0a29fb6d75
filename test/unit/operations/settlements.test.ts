import type { SettledOrder } from '#domain/accounting';
import { byAttention, settlementAmounts } from '#shared/operations/settlements';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

const order = (channelOrderId: string, overrides: Partial<SettledOrder> = {}): SettledOrder => ({
  channelOrderId,
  status: 'matched',
  lineNumbers: [1],
  charges: usd(2000),
  refunds: usd(0),
  fees: usd(300),
  expectedCharges: usd(2000),
  expectedFees: usd(300),
  orderLineIds: ['1'],
  reasons: [],
  ...overrides,
});

describe('settlement amounts', () => {
  it('sums charges per how orders matched, and nets the variances: charges above the order less fees above the schedule', () => {
    const orders = [
      order('1'),
      order('2', {
        status: 'variance',
        charges: usd(4500),
        expectedCharges: usd(4000),
        fees: usd(700),
        expectedFees: usd(600),
      }),
      order('3', { status: 'unmatched', charges: usd(1500), expectedCharges: undefined, expectedFees: undefined }),
    ];

    expect(settlementAmounts('USD', orders)).toEqual({
      matched: usd(2000),
      variance: usd(4500),
      unmatched: usd(1500),
      netVariance: usd(400),
    });
  });

  it('lists unmatched orders first, then variances, then matched, each with its differences', () => {
    const sorted = byAttention([
      order('B'),
      order('A', { status: 'variance', fees: usd(400) }),
      order('C', { status: 'unmatched', expectedCharges: undefined, expectedFees: undefined }),
      order('A2'),
    ]);

    expect(sorted.map((each) => each.channelOrderId)).toEqual(['C', 'A', 'A2', 'B']);
    expect(sorted[1]).toMatchObject({ chargeVariance: usd(0), feeVariance: usd(100) });
    expect(sorted[0].chargeVariance).toBeUndefined();
  });
});
