import fc from 'fast-check';
import { formatMeasure, measuredPrice, parseThousandths, readUnitOfMeasure } from '#domain/kernel/unit-of-measure';

describe('readUnitOfMeasure', () => {
  it.each([
    ['kg', 'kg'],
    ['KGM', 'kg'],
    [' Kg ', 'kg'],
    ['LBR', 'lb'],
    ['lbs', 'lb'],
    ['LTR', 'l'],
    ['MTR', 'm'],
    ['EA', 'each'],
    ['C62', 'each'],
    ['PCE', 'each'],
    ['each', 'each'],
  ])('reads %s as %s', (text, unit) => {
    expect(readUnitOfMeasure(text)).toBe(unit);
  });

  it('names no unit for a spelling it does not know, rather than guessing', () => {
    expect(readUnitOfMeasure('stone')).toBeUndefined();
    expect(readUnitOfMeasure('')).toBeUndefined();
  });
});

describe('parseThousandths', () => {
  it.each([
    ['0.420', 420],
    ['0.42', 420],
    ['0.4', 400],
    ['1', 1000],
    ['12.005', 12005],
    ['0.001', 1],
  ])('reads %s as %i thousandths', (text, thousandths) => {
    expect(parseThousandths(text)).toBe(thousandths);
  });

  it('refuses a fourth decimal, a sign and text: a weight is never rounded', () => {
    expect(parseThousandths('0.4205')).toBeUndefined();
    expect(parseThousandths('-0.420')).toBeUndefined();
    expect(parseThousandths('1e3')).toBeUndefined();
    expect(parseThousandths('9007199254740.993')).toBeUndefined();
  });

  it('reads back what formatMeasure writes, for any quantity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), (thousandths) => {
        const text = formatMeasure({ unit: 'kg', thousandths }).replace(' kg', '');
        expect(parseThousandths(text)).toBe(thousandths);
      }),
    );
  });
});

describe('measuredPrice', () => {
  it('prices 0.420 kg at 3.99 per kg between 1.67 and 1.68, 1.68 to the nearest cent', () => {
    expect(measuredPrice(399, 420)).toEqual({ floor: 167, ceil: 168, nearest: 168 });
  });

  it('is exact when the product has no fraction of a cent', () => {
    expect(measuredPrice(500, 1500)).toEqual({ floor: 750, ceil: 750, nearest: 750 });
  });

  it('rounds a half cent up, as a scale does', () => {
    expect(measuredPrice(1, 500)).toEqual({ floor: 0, ceil: 1, nearest: 1 });
    expect(measuredPrice(1, 499)).toEqual({ floor: 0, ceil: 1, nearest: 0 });
  });

  it('stays exact beyond what a float holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 100_000_000 }), (price, qty) => {
        const { floor, ceil, nearest } = measuredPrice(price, qty);
        const exact = BigInt(price) * BigInt(qty);
        expect(BigInt(floor) * 1000n <= exact && exact <= BigInt(ceil) * 1000n).toBe(true);
        expect(ceil - floor).toBeLessThanOrEqual(1);
        expect([floor, ceil]).toContain(nearest);
      }),
    );
  });
});
