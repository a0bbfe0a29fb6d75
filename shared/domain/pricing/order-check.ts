import type { Order } from '#domain/kernel/order';
import type { PricingStore } from './schedule';
import { effectivePrice, isUnderpriced, type PriceTolerance } from './model';
import type { PricingExceptionData } from './events';

export type PriceBook = Pick<PricingStore, 'pricesFor' | 'promotionsFor'>;

/**
 * The lines of an order that were charged less than the effective price (with the promotion that
 * applied) on the order's channel, in its currency, when it was placed, beyond the tolerance. What a
 * line was charged per unit is its unit price less its share of line discounts, rounded down. Lines
 * without an internal SKU (held elsewhere as needs_attention) or without a price in force are not
 * judged. Undefined when nothing is underpriced.
 *
 * Promotions are read only for the SKUs of lines charged below their list price in force beyond the
 * tolerance: a promotion only ever lowers the price (see `discountedAmount`), and a lower effective
 * price never flags a line a higher one lets through, as the slack grows by at most one minor unit
 * per minor unit of price while basis points stay within 10,000. So an order charged at least its
 * list prices, the usual one, costs one price read per SKU and no promotion read.
 */
export async function findPricingException(
  order: Order,
  prices: PriceBook,
  tolerance: PriceTolerance,
): Promise<PricingExceptionData | undefined> {
  const lines = order.lines.filter((line): line is typeof line & { sku: string } => line.sku !== null);
  if (!lines.length) return undefined;
  const entries = await prices.pricesFor([...new Set(lines.map((line) => line.sku))]);
  const at = new Date(order.placedAt);
  const charged = lines.map((line) => ({
    line,
    chargedUnit: Math.floor((line.unitPrice.amountMinor * line.quantity - line.discount.amountMinor) / line.quantity),
  }));
  const belowListPrice = charged.filter(({ line, chargedUnit }) => {
    const listed = effectivePrice(line.sku, order.channel, at, entries, [], order.currency);
    return (
      listed && (tolerance.basisPoints > 10_000 || isUnderpriced(chargedUnit, listed.price.amountMinor, tolerance))
    );
  });
  if (!belowListPrice.length) return undefined;
  const promotions = await prices.promotionsFor([...new Set(belowListPrice.map(({ line }) => line.sku))]);
  const flagged: PricingExceptionData['lines'] = [];
  for (const { line, chargedUnit } of belowListPrice) {
    const effective = effectivePrice(line.sku, order.channel, at, entries, promotions, order.currency);
    if (!effective || !isUnderpriced(chargedUnit, effective.price.amountMinor, tolerance)) continue;
    flagged.push({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: { amountMinor: chargedUnit, currency: order.currency },
      effectivePrice: effective.price,
      ...(effective.promotion ? { promotionId: effective.promotion.promotionId, rule: effective.promotion.rule } : {}),
      shortfall: { amountMinor: (effective.price.amountMinor - chargedUnit) * line.quantity, currency: order.currency },
    });
  }
  if (!flagged.length) return undefined;
  return {
    orderId: order.orderId,
    channel: order.channel,
    channelOrderId: order.channelOrderId,
    placedAt: order.placedAt,
    lines: flagged,
  };
}
