import fc from 'fast-check';
import { effectivePrice, isUnderpriced, type PriceEntry, type Promotion } from '#domain/pricing/model';

const price = (overrides: Partial<PriceEntry> = {}): PriceEntry => ({
  sku: 'TEE-RED-M',
  priceList: 'base',
  currency: 'USD',
  amountMinor: 2400,
  effectiveFrom: '2026-11-01T00:00:00Z',
  sourceSystem: 'erp',
  ...overrides,
});
const promotion = (overrides: Partial<Promotion> = {}): Promotion => ({
  promotionId: 'BF-2026',
  name: 'Black Friday',
  startsAt: '2026-11-27T05:00:00Z',
  endsAt: '2026-11-30T05:00:00Z',
  targets: { skus: ['TEE-RED-M'] },
  rule: { kind: 'percentage', percentOff: 25 },
  sourceSystem: 'merchandising',
  ...overrides,
});
const at = (iso: string) => new Date(iso);

describe('effectivePrice', () => {
  it('answers the latest entry in force, not a later one', () => {
    const prices = [price(), price({ amountMinor: 2600, effectiveFrom: '2026-12-01T00:00:00Z' })];
    expect(effectivePrice('TEE-RED-M', 'shopify', at('2026-11-15T00:00:00Z'), prices, [])?.price).toEqual({
      amountMinor: 2400,
      currency: 'USD',
    });
    expect(effectivePrice('TEE-RED-M', 'shopify', at('2026-12-01T00:00:00Z'), prices, [])?.price).toEqual({
      amountMinor: 2600,
      currency: 'USD',
    });
  });

  it("prefers the channel's own price list over the base list", () => {
    const prices = [price(), price({ priceList: 'amazon', amountMinor: 2700 })];
    expect(effectivePrice('TEE-RED-M', 'amazon', at('2026-11-15T00:00:00Z'), prices, [])?.base.priceList).toBe(
      'amazon',
    );
    expect(effectivePrice('TEE-RED-M', 'shopify', at('2026-11-15T00:00:00Z'), prices, [])?.base.priceList).toBe('base');
  });

  it('answers nothing before any price is in force', () => {
    expect(effectivePrice('TEE-RED-M', 'shopify', at('2026-10-01T00:00:00Z'), [price()], [])).toBeUndefined();
  });

  it('applies a percentage promotion from its start (inclusive) to its end (exclusive), rounding the discount down', () => {
    const prices = [price({ amountMinor: 1999 })];
    const promo = [promotion()];
    expect(
      effectivePrice('TEE-RED-M', 'shopify', at('2026-11-27T04:59:59.999Z'), prices, promo)?.promotion,
    ).toBeUndefined();
    const during = effectivePrice('TEE-RED-M', 'shopify', at('2026-11-27T05:00:00Z'), prices, promo);
    // 25% of 19.99 is 4.9975: 4.99 off, never more than promised.
    expect(during?.price.amountMinor).toBe(1500);
    expect(during?.promotion?.promotionId).toBe('BF-2026');
    expect(effectivePrice('TEE-RED-M', 'shopify', at('2026-11-30T05:00:00Z'), prices, promo)?.price.amountMinor).toBe(
      1999,
    );
  });

  it('applies a fixed promotion only in its currency and never below zero', () => {
    const fixed = promotion({ rule: { kind: 'fixed', amountOffMinor: 3000, currency: 'USD' } });
    expect(
      effectivePrice('TEE-RED-M', 'shopify', at('2026-11-28T00:00:00Z'), [price()], [fixed])?.price.amountMinor,
    ).toBe(0);
    expect(
      effectivePrice('TEE-RED-M', 'shopify', at('2026-11-28T00:00:00Z'), [price({ currency: 'EUR' })], [fixed])
        ?.promotion,
    ).toBeUndefined();
  });

  it('keeps a promotion to its channels and target SKUs', () => {
    const storesOnly = promotion({ channels: ['pos'] });
    expect(
      effectivePrice('TEE-RED-M', 'shopify', at('2026-11-28T00:00:00Z'), [price()], [storesOnly])?.promotion,
    ).toBeUndefined();
    expect(
      effectivePrice('TEE-RED-M', 'pos', at('2026-11-28T00:00:00Z'), [price()], [storesOnly])?.promotion?.promotionId,
    ).toBe('BF-2026');
    expect(
      effectivePrice('TEE-BLUE-M', 'pos', at('2026-11-28T00:00:00Z'), [price({ sku: 'TEE-BLUE-M' })], [storesOnly])
        ?.promotion,
    ).toBeUndefined();
  });

  it('picks the promotion giving the lowest price when several apply', () => {
    const deeper = promotion({
      promotionId: 'CLEARANCE',
      rule: { kind: 'fixed', amountOffMinor: 1000, currency: 'USD' },
    });
    expect(
      effectivePrice('TEE-RED-M', 'shopify', at('2026-11-28T00:00:00Z'), [price()], [promotion(), deeper])?.promotion
        ?.promotionId,
    ).toBe('CLEARANCE');
  });

  const arbitraryPromotion = fc
    .record({
      promotionId: fc.constantFrom('P1', 'P2', 'P3'),
      startHour: fc.integer({ min: 0, max: 47 }),
      hours: fc.integer({ min: 1, max: 48 }),
      rule: fc.oneof(
        fc.record({ kind: fc.constant('percentage' as const), percentOff: fc.integer({ min: 1, max: 100 }) }),
        fc.record({
          kind: fc.constant('fixed' as const),
          amountOffMinor: fc.integer({ min: 1, max: 50_000 }),
          currency: fc.constant('USD'),
        }),
      ),
    })
    .map(
      ({ promotionId, startHour, hours, rule }): Promotion =>
        promotion({
          promotionId,
          startsAt: new Date(Date.UTC(2026, 10, 27, startHour)).toISOString(),
          endsAt: new Date(Date.UTC(2026, 10, 27, startHour + hours)).toISOString(),
          rule,
        }),
    );

  it('never answers more than the base price nor less than zero, whatever promotions run', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(arbitraryPromotion, { maxLength: 5 }),
        fc.integer({ min: 0, max: 96 }),
        (amountMinor, promotions, hour) => {
          const answer = effectivePrice(
            'TEE-RED-M',
            'shopify',
            new Date(Date.UTC(2026, 10, 27, hour)),
            [price({ amountMinor })],
            promotions,
          )!;
          expect(answer.price.amountMinor).toBeLessThanOrEqual(amountMinor);
          expect(answer.price.amountMinor).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(answer.price.amountMinor)).toBe(true);
          // A price below the base always names the promotion that made it.
          if (answer.price.amountMinor < amountMinor) expect(answer.promotion).toBeDefined();
        },
      ),
    );
  });

  it('answers the base price again once every promotion has ended', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(arbitraryPromotion, { maxLength: 5 }),
        (amountMinor, promotions) => {
          const afterAll = new Date(
            Math.max(0, ...promotions.map((p) => Date.parse(p.endsAt))) || Date.UTC(2026, 11, 1),
          );
          expect(
            effectivePrice('TEE-RED-M', 'shopify', afterAll, [price({ amountMinor })], promotions)?.price.amountMinor,
          ).toBe(amountMinor);
        },
      ),
    );
  });

  it('does not depend on the order entries and promotions are listed in', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ amountMinor: fc.integer({ min: 0, max: 10_000 }), day: fc.integer({ min: 1, max: 28 }) }),
          { minLength: 1, maxLength: 6 },
        ),
        // Promotion ids are unique in the store (one item per id), so they are here.
        fc.uniqueArray(arbitraryPromotion, { selector: (p) => p.promotionId, maxLength: 3 }),
        fc.integer({ min: 0, max: 96 }),
        (rows, promotions, hour) => {
          // Distinct effective dates: two entries of one list at one instant would be an ambiguous price list.
          const seen = new Set<number>();
          const prices = rows
            .filter((row) => !seen.has(row.day) && seen.add(row.day))
            .map((row) =>
              price({
                amountMinor: row.amountMinor,
                effectiveFrom: new Date(Date.UTC(2026, 10, row.day)).toISOString(),
              }),
            );
          const when = new Date(Date.UTC(2026, 10, 27, hour));
          const forward = effectivePrice('TEE-RED-M', 'shopify', when, prices, promotions);
          const backward = effectivePrice(
            'TEE-RED-M',
            'shopify',
            when,
            [...prices].reverse(),
            [...promotions].reverse(),
          );
          expect(backward).toEqual(forward);
        },
      ),
    );
  });
});

describe('isUnderpriced', () => {
  it('allows the larger of the absolute and relative slack', () => {
    const tolerance = { minorUnits: 1, basisPoints: 50 };
    expect(isUnderpriced(1990, 2000, tolerance)).toBe(false);
    expect(isUnderpriced(1989, 2000, tolerance)).toBe(true);
    expect(isUnderpriced(99, 100, tolerance)).toBe(false);
    expect(isUnderpriced(2500, 2000, tolerance)).toBe(false);
  });
});
