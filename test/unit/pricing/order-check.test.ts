import fc from 'fast-check';
import type { Order } from '#domain/kernel/order';
import { effectivePrice, isUnderpriced, type PriceEntry, type Promotion } from '#domain/pricing/model';
import { findPricingException, type PriceBook } from '#domain/pricing/order-check';
import { balancedOrder, money } from '../builders';

const placedAt = '2026-11-28T12:00:00.000Z';
const price = (sku: string, amountMinor: number, overrides: Partial<PriceEntry> = {}): PriceEntry => ({
  sku,
  priceList: 'base',
  currency: 'USD',
  amountMinor,
  effectiveFrom: '2026-11-01T00:00:00Z',
  sourceSystem: 'erp',
  ...overrides,
});
const promotion = (promotionId: string, skus: string[], rule: Promotion['rule']): Promotion => ({
  promotionId,
  name: promotionId,
  startsAt: '2026-11-27T05:00:00Z',
  endsAt: '2026-11-30T05:00:00Z',
  targets: { skus },
  rule,
  sourceSystem: 'merchandising',
});
const line = (lineId: string, sku: string, unitMinor: number, quantity = 1, discountMinor = 0) => ({
  lineId,
  channelLineId: lineId,
  sku,
  channelSku: sku,
  quantity,
  unitPrice: money(unitMinor),
  discount: money(discountMinor),
  taxes: [],
});
const orderOf = (lines: Order['lines']): Order => balancedOrder({ placedAt, lines });
const tolerance = { minorUnits: 1, basisPoints: 50 };

/** A price book over fixed data that records which SKUs each read asked for. */
function recordingBook(entries: PriceEntry[], promotions: Promotion[]) {
  const asked = { prices: [] as string[][], promotions: [] as string[][] };
  const book: PriceBook = {
    async pricesFor(skus) {
      asked.prices.push([...skus]);
      return entries.filter((entry) => skus.includes(entry.sku));
    },
    async promotionsFor(skus) {
      asked.promotions.push([...skus]);
      return promotions.filter((promo) => promo.targets.skus.some((sku) => skus.includes(sku)));
    },
  };
  return { book, asked };
}

describe('findPricingException', () => {
  const entries = [price('TEE-A', 2400), price('TEE-B', 1000), price('TEE-B', 1200, { priceList: 'shopify' })];
  const promotions = [promotion('BF-25', ['TEE-A'], { kind: 'percentage', percentOff: 25 })];

  it('reads no promotion for an order charged at least its list prices', async () => {
    const { book, asked } = recordingBook(entries, promotions);
    const order = orderOf([line('1', 'TEE-A', 2400), line('2', 'TEE-B', 1200), line('3', 'TEE-A', 2395)]);
    await expect(findPricingException(order, book, tolerance)).resolves.toBeUndefined();
    expect(asked).toEqual({ prices: [['TEE-A', 'TEE-B']], promotions: [] });
  });

  it('reads the promotions of the SKUs charged below list price only, and lets a line at its promoted price through', async () => {
    const { book, asked } = recordingBook(entries, promotions);
    const order = orderOf([line('1', 'TEE-A', 1800), line('2', 'TEE-B', 1200)]);
    await expect(findPricingException(order, book, tolerance)).resolves.toBeUndefined();
    expect(asked.promotions).toEqual([['TEE-A']]);
  });

  it('flags a line below its promoted price with the promotion that applied', async () => {
    const { book } = recordingBook(entries, promotions);
    const order = orderOf([line('1', 'TEE-A', 1500, 2), line('2', 'TEE-B', 1000)]);
    const exception = await findPricingException(order, book, tolerance);
    expect(exception?.lines).toEqual([
      {
        lineId: '1',
        sku: 'TEE-A',
        quantity: 2,
        unitPrice: money(1500),
        effectivePrice: money(1800),
        promotionId: 'BF-25',
        rule: { kind: 'percentage', percentOff: 25 },
        shortfall: money(600),
      },
      {
        lineId: '2',
        sku: 'TEE-B',
        quantity: 1,
        unitPrice: money(1000),
        effectivePrice: money(1200),
        shortfall: money(200),
      },
    ]);
  });

  it('flags exactly the lines a check reading every promotion flags', async () => {
    const skus = ['TEE-A', 'TEE-B', 'TEE-C'];
    const sku = fc.constantFrom(...skus);
    const rule = fc.oneof(
      fc.record({ kind: fc.constant('percentage' as const), percentOff: fc.integer({ min: 1, max: 100 }) }),
      fc.record({
        kind: fc.constant('fixed' as const),
        amountOffMinor: fc.integer({ min: 1, max: 3000 }),
        currency: fc.constantFrom('USD', 'EUR'),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            sku,
            fc.constantFrom('base', 'shopify') as fc.Arbitrary<'base' | 'shopify'>,
            fc.integer({ min: 0, max: 3000 }),
          ),
          {
            maxLength: 5,
          },
        ),
        fc.array(fc.tuple(fc.subarray(skus, { minLength: 1 }), rule), { maxLength: 3 }),
        fc.array(
          fc.tuple(
            sku,
            fc.integer({ min: 0, max: 3000 }),
            fc.integer({ min: 1, max: 4 }),
            fc.integer({ min: 0, max: 500 }),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.record({ minorUnits: fc.integer({ min: 0, max: 20 }), basisPoints: fc.integer({ min: 0, max: 10_000 }) }),
        async (priced, promoted, charged, slack) => {
          const book = recordingBook(
            priced.map(([sku, priceList, amountMinor]) => price(sku, amountMinor, { priceList })),
            promoted.map(([targets, rule], index) => promotion(`P-${index}`, targets, rule)),
          );
          const lines = charged.map(([sku, unit, quantity, discount], index) =>
            line(String(index + 1), sku, unit, quantity, Math.min(discount, unit * quantity)),
          );
          const order = orderOf(lines);
          const everything = {
            entries: await book.book.pricesFor(skus),
            promotions: await book.book.promotionsFor(skus),
          };
          const expected = lines.flatMap((orderLine) => {
            const chargedUnit = Math.floor(
              (orderLine.unitPrice.amountMinor * orderLine.quantity - orderLine.discount.amountMinor) /
                orderLine.quantity,
            );
            const effective = effectivePrice(
              orderLine.sku,
              'shopify',
              new Date(placedAt),
              everything.entries,
              everything.promotions,
              'USD',
            );
            return effective && isUnderpriced(chargedUnit, effective.price.amountMinor, slack)
              ? [
                  {
                    lineId: orderLine.lineId,
                    effectivePrice: effective.price,
                    promotionId: effective.promotion?.promotionId,
                  },
                ]
              : [];
          });
          const exception = await findPricingException(order, book.book, slack);
          expect(
            (exception?.lines ?? []).map(({ lineId, effectivePrice, promotionId }) => ({
              lineId,
              effectivePrice,
              promotionId,
            })),
          ).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
