import * as z from '#domain/kernel/schema';
import { CurrencyCode, type Money } from '#domain/kernel/money';
import { SalesChannel } from '#domain/kernel/order';
import { StockKey } from '#domain/kernel/product';

/**
 * Prices and promotions with effective dates, and the one rule that says what a SKU costs on a channel
 * at a moment. Plain data and pure functions: the price API, the order check, the distribution to
 * channels and the store price files all answer with `effectivePrice`, so they cannot disagree.
 */

/** Idempotency scope of the order price check (once per order version). */
export const PRICE_ORDER_CHECK_SCOPE = 'price-order-check';

const IsoTimestamp = z.iso.datetime({ offset: true });

/** A price list is a channel's (`shopify`, `pos`...) or the base list every channel falls back to. */
export const PriceListName = z.union([SalesChannel, z.literal('base')]);
export type PriceListName = z.infer<typeof PriceListName>;

/** One price of one SKU on one price list and currency, from `effectiveFrom` until a later entry replaces it. */
export const PriceEntry = z.object({
  sku: StockKey,
  priceList: PriceListName,
  currency: CurrencyCode,
  amountMinor: z.number().check(z.int(), z.gte(0)),
  effectiveFrom: IsoTimestamp,
  sourceSystem: z.string().check(z.minLength(1)),
});
export type PriceEntry = z.infer<typeof PriceEntry>;

export const PromotionRule = z.discriminatedUnion('kind', [
  /** Percent off the base price; the discount is rounded down to the minor unit (never more off than promised). */
  z.object({ kind: z.literal('percentage'), percentOff: z.number().check(z.int(), z.gte(1), z.lte(100)) }),
  /** A fixed amount off each unit, in the promotion's currency; never below zero. */
  z.object({
    kind: z.literal('fixed'),
    amountOffMinor: z.number().check(z.int(), z.positive()),
    currency: CurrencyCode,
  }),
]);
export type PromotionRule = z.infer<typeof PromotionRule>;

export const Promotion = z
  .object({
    promotionId: z
      .string()
      .check(z.regex(/^[A-Za-z0-9._-]{1,80}$/, 'must be 1-80 letters, digits, dot, dash or underscore')),
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    startsAt: IsoTimestamp,
    endsAt: IsoTimestamp,
    /** Channels it runs on (`pos` is the stores); every channel when absent. */
    channels: z.optional(z.array(SalesChannel).check(z.minLength(1))),
    targets: z.object({ skus: z.array(StockKey).check(z.minLength(1), z.maxLength(1000)) }),
    rule: PromotionRule,
    sourceSystem: z.string().check(z.minLength(1)),
  })
  .check(
    z.refine((promotion) => Date.parse(promotion.endsAt) > Date.parse(promotion.startsAt), {
      path: ['endsAt'],
      message: 'must be after startsAt',
    }),
  );
export type Promotion = z.infer<typeof Promotion>;

export interface EffectivePrice {
  sku: string;
  channel: SalesChannel;
  at: string;
  /** The price list entry in force at `at`: the channel's own list, else the base list. */
  base: Pick<PriceEntry, 'priceList' | 'currency' | 'amountMinor' | 'effectiveFrom'>;
  /** The promotion that applies, when one does: the one giving the lowest price (ties: lowest id). */
  promotion?: { promotionId: string; name: string; rule: PromotionRule; endsAt: string };
  price: Money;
}

/**
 * The price of `sku` on `channel` at `at`, from the SKU's price entries and the promotions targeting
 * it. The channel's own price list wins over the base list; within a list the entry with the latest
 * `effectiveFrom` not after `at` applies (a currency, when given, must match). A promotion applies
 * from `startsAt` (inclusive) to `endsAt` (exclusive) on its channels; a fixed promotion only in its
 * own currency. Undefined when no price is in force. Pure and total: never throws.
 */
export function effectivePrice(
  sku: string,
  channel: SalesChannel,
  at: Date,
  prices: readonly PriceEntry[],
  promotions: readonly Promotion[],
  currency?: string,
): EffectivePrice | undefined {
  const time = at.getTime();
  const inForce = (list: PriceListName) =>
    prices
      .filter(
        (entry) =>
          entry.sku === sku &&
          entry.priceList === list &&
          (!currency || entry.currency === currency) &&
          Date.parse(entry.effectiveFrom) <= time,
      )
      .reduce<PriceEntry | undefined>(
        (latest, entry) =>
          !latest || Date.parse(entry.effectiveFrom) > Date.parse(latest.effectiveFrom) ? entry : latest,
        undefined,
      );
  const base = inForce(channel) ?? inForce('base');
  if (!base) return undefined;

  let best: { promotion: Promotion; amountMinor: number } | undefined;
  for (const promotion of promotions) {
    if (!promotionApplies(promotion, sku, channel, time)) continue;
    const amountMinor = discountedAmount(base.amountMinor, base.currency, promotion.rule);
    if (amountMinor === undefined) continue;
    if (
      !best ||
      amountMinor < best.amountMinor ||
      (amountMinor === best.amountMinor && promotion.promotionId < best.promotion.promotionId)
    ) {
      best = { promotion, amountMinor };
    }
  }
  return {
    sku,
    channel,
    at: at.toISOString(),
    base: {
      priceList: base.priceList,
      currency: base.currency,
      amountMinor: base.amountMinor,
      effectiveFrom: base.effectiveFrom,
    },
    ...(best
      ? {
          promotion: {
            promotionId: best.promotion.promotionId,
            name: best.promotion.name,
            rule: best.promotion.rule,
            endsAt: best.promotion.endsAt,
          },
        }
      : {}),
    price: { amountMinor: best?.amountMinor ?? base.amountMinor, currency: base.currency },
  };
}

export function promotionApplies(promotion: Promotion, sku: string, channel: SalesChannel, time: number): boolean {
  return (
    Date.parse(promotion.startsAt) <= time &&
    time < Date.parse(promotion.endsAt) &&
    (!promotion.channels || promotion.channels.includes(channel)) &&
    promotion.targets.skus.includes(sku)
  );
}

/** The unit price after a rule, or undefined when the rule cannot apply (a fixed amount in another currency). */
export function discountedAmount(amountMinor: number, currency: string, rule: PromotionRule): number | undefined {
  if (rule.kind === 'percentage') return amountMinor - Math.floor((amountMinor * rule.percentOff) / 100);
  if (rule.currency !== currency) return undefined;
  return Math.max(0, amountMinor - rule.amountOffMinor);
}

/** How far below the effective price an order line may be before it is a pricing exception. */
export interface PriceTolerance {
  /** Absolute slack in minor units (rounding on the channel's side). */
  minorUnits: number;
  /** Relative slack in basis points of the effective price. */
  basisPoints: number;
}

/**
 * True when `unitPriceMinor` is below the effective price by more than the tolerance (the larger of
 * the absolute and relative slack). A price above the effective one is the channel's business, not a leak.
 */
export function isUnderpriced(unitPriceMinor: number, effectiveMinor: number, tolerance: PriceTolerance): boolean {
  const slack = Math.max(tolerance.minorUnits, Math.floor((effectiveMinor * tolerance.basisPoints) / 10_000));
  return effectiveMinor - unitPriceMinor > slack;
}
