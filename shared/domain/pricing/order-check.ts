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
 */
export async function findPricingException(
  order: Order,
  prices: PriceBook,
  tolerance: PriceTolerance,
): Promise<PricingExceptionData | undefined> {
  const lines = order.lines.filter((line): line is typeof line & { sku: string } => line.sku !== null);
  if (!lines.length) return undefined;
  const skus = [...new Set(lines.map((line) => line.sku))];
  const [entries, promotions] = await Promise.all([prices.pricesFor(skus), prices.promotionsFor(skus)]);
  const at = new Date(order.placedAt);
  const flagged: PricingExceptionData['lines'] = [];
  for (const line of lines) {
    const effective = effectivePrice(line.sku, order.channel, at, entries, promotions, order.currency);
    if (!effective) continue;
    const chargedUnit = Math.floor(
      (line.unitPrice.amountMinor * line.quantity - line.discount.amountMinor) / line.quantity,
    );
    if (!isUnderpriced(chargedUnit, effective.price.amountMinor, tolerance)) continue;
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
