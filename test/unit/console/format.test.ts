import { formatAge, formatDecimal, formatDuration, formatMoney } from '../../../console/src/view/format';

describe('how the console writes figures', () => {
  it('shows money as money in its currency, never minor units', () => {
    expect(formatMoney({ amountMinor: 13634, currency: 'USD' })).toBe('$136.34');
    expect(formatMoney({ amountMinor: -500, currency: 'USD' })).toBe('-$5.00');
    expect(formatMoney({ amountMinor: 1200, currency: 'JPY' })).toBe('¥1,200');
    expect(formatMoney({ amountMinor: 1234, currency: 'BHD' })).toBe('BHD\u00a01.234');
    expect(formatMoney({ amountMinor: 123456789, currency: 'EUR' })).toBe('€1,234,567.89');
  });

  it('shows a decimal amount as a report states it in its currency', () => {
    expect(formatDecimal('136.34', 'USD')).toBe('$136.34');
    expect(formatDecimal(0.1 + 0.2, 'USD')).toBe('$0.30');
  });

  it('writes durations in the largest unit that reads well', () => {
    expect(formatDuration(450)).toBe('450 ms');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration((3 * 60 + 5) * 60_000)).toBe('3 h 05 min');
    expect(formatDuration((52 * 60 + 1) * 60_000)).toBe('2 d 4 h');
    expect(formatDuration(Number.NaN)).toBe('-');
  });

  it('writes how long ago a time was', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    expect(formatAge('2026-12-06T11:48:00Z', now)).toBe('12 min');
  });
});
