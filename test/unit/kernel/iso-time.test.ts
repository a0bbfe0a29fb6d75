import fc from 'fast-check';
import { isoStringOf } from '#domain/kernel/iso-time';

describe('isoStringOf', () => {
  test('writes every instant of years 0000 to 9999 as toISOString does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoStringOf(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  test.each([0, -1, 951_782_400_000, 951_868_799_999, -62_167_219_200_000, 253_402_300_799_999])(
    'writes the boundary %d as toISOString does',
    (ms) => {
      expect(isoStringOf(ms)).toBe(new Date(ms).toISOString());
    },
  );

  test('leaves extended years and fractions of a millisecond to toISOString', () => {
    for (const ms of [-62_167_219_200_001, 253_402_300_800_000, 8.64e15, 0.5])
      expect(isoStringOf(ms)).toBe(new Date(ms).toISOString());
  });

  test('throws the RangeError toISOString throws for an invalid time', () => {
    expect(() => isoStringOf(Number.NaN)).toThrow(RangeError);
  });
});
