import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { CurrencyCode, Money } from '#domain/kernel/money';
import { SalesChannel } from '#domain/kernel/order';
import { Product } from '#domain/kernel/product';
import { PriceListName, Promotion, PromotionRule } from './model';
import { DataDomain } from '#domain/kernel/data-ownership';
import { EventSource, defineEvent } from '#domain/kernel/event';

/**
 * Payloads of the catalog and pricing events (events/catalog.ts versions them), built on the first
 * parse of any of them rather than when the module loads: the functions that read exceptions or
 * redrive messages carry this module for one of its events or none (issue 27).
 */
const schemas = once(() => {
  const IsoTimestamp = z.iso.datetime({ offset: true });

  const Timing = {
    /** When the change takes effect (the price's effectiveFrom, the promotion's start or end). */
    effectiveAt: IsoTimestamp,
    /** One price or promotion window: consumers and the publication ledger key on it. */
    windowKey: z.string().check(z.minLength(1)),
    /** The change arrived after its effective time and was applied at once. */
    appliedLate: z.boolean(),
  };

  const PriceChangedData = z.object({
    sku: z.string().check(z.minLength(1)),
    priceList: PriceListName,
    currency: CurrencyCode,
    amountMinor: z.number().check(z.int(), z.gte(0)),
    sourceSystem: z.string().check(z.minLength(1)),
    ...Timing,
  });

  const PromotionWindowData = z.object({ promotion: Promotion, ...Timing });

  const ProductChangedData = z.object({
    product: Product,
    sourceSystem: z.string().check(z.minLength(1)),
    /** How it came: the API, or a catalog import (its object key). */
    via: z.union([z.literal('api'), z.string().check(z.regex(/^import:/))]),
  });

  const ChangeRefusedData = z.object({
    domain: DataDomain,
    owner: z.string().check(z.minLength(1)),
    sourceSystem: z.string().check(z.minLength(1)),
    /** What the change was about: `price#SKU`, `promotion#ID`, `product#SKU`, `import#KEY`. */
    subject: z.string().check(z.minLength(1)),
    via: z.string().check(z.minLength(1)),
    refusedAt: IsoTimestamp,
  });

  const PricingExceptionData = z.object({
    orderId: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    channelOrderId: z.string().check(z.minLength(1)),
    placedAt: IsoTimestamp,
    lines: z
      .array(
        z.object({
          lineId: z.string().check(z.minLength(1)),
          sku: z.string().check(z.minLength(1)),
          quantity: z.number().check(z.int(), z.positive()),
          unitPrice: Money,
          effectivePrice: Money,
          promotionId: z.optional(z.string()),
          rule: z.optional(PromotionRule),
          /** Effective minus charged, for all units of the line. */
          shortfall: Money,
        }),
      )
      .check(z.minLength(1)),
  });
  return { PriceChangedData, PromotionWindowData, ProductChangedData, ChangeRefusedData, PricingExceptionData };
});

export const PriceChangedData = /* @__PURE__ */ z.lazy(() => schemas().PriceChangedData);
export type PriceChangedData = z.infer<typeof PriceChangedData>;
export const PromotionWindowData = /* @__PURE__ */ z.lazy(() => schemas().PromotionWindowData);
export type PromotionWindowData = z.infer<typeof PromotionWindowData>;
export const ProductChangedData = /* @__PURE__ */ z.lazy(() => schemas().ProductChangedData);
export type ProductChangedData = z.infer<typeof ProductChangedData>;
export const ChangeRefusedData = /* @__PURE__ */ z.lazy(() => schemas().ChangeRefusedData);
export type ChangeRefusedData = z.infer<typeof ChangeRefusedData>;
export const PricingExceptionData = /* @__PURE__ */ z.lazy(() => schemas().PricingExceptionData);
export type PricingExceptionData = z.infer<typeof PricingExceptionData>;

export const ProductChanged = defineEvent('ProductChanged', {
  source: EventSource.catalog,
  description:
    'The item master owner changed a product or variant (SKU, GTIN, channel listings); the cross-reference holds it.',
  versions: { 1: ProductChangedData },
  current: 1,
});

export const ChangeRefused = defineEvent('ChangeRefused', {
  source: EventSource.catalog,
  description:
    'A system sent a change to master data it does not own (item master, base price, web content, promotions); refused, not applied.',
  versions: { 1: ChangeRefusedData },
  current: 1,
});

export const PriceChanged = defineEvent('PriceChanged', {
  source: EventSource.pricing,
  description:
    'A price list entry took effect (at its effective time, or at once and flagged when it arrived late); once per price window.',
  versions: { 1: PriceChangedData },
  current: 1,
});

export const PromotionActivated = defineEvent('PromotionActivated', {
  source: EventSource.pricing,
  description:
    'A promotion started: its targets now sell at the promoted price on its channels; once per promotion window.',
  versions: { 1: PromotionWindowData },
  current: 1,
});

export const PromotionEnded = defineEvent('PromotionEnded', {
  source: EventSource.pricing,
  description: 'A promotion ended: its targets revert to their price list; once per promotion window.',
  versions: { 1: PromotionWindowData },
  current: 1,
});

export const PricingException = defineEvent('PricingException', {
  source: EventSource.pricing,
  description:
    'An order charged less than the effective price (with its promotion) beyond the configured tolerance: a pricing leak for a person to look at.',
  versions: { 1: PricingExceptionData },
  current: 1,
});
