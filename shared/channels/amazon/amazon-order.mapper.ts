import { type ChannelOrderMapper, OrderMappingError } from '#domain/intake/channel-ports';
import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import { canonicalStatus, completeOrder, currencyAt, moneyAt, quantityAt, unitPriceOf, utc } from '../order-mapping';
import { type Order, type OrderLine, type OrderStatus, type Shipping, orderIdFor } from '#domain/kernel/order';
import { type Money, subtractMoney, sumMoney } from '#domain/kernel/money';
import type { AmazonMoney, AmazonOrderPayload } from './amazon-order.schema';

/**
 * Marketplaces whose prices include VAT, GST or consumption tax: there ItemPrice already contains
 * ItemTax. In the North American marketplaces (US, CA) tax is added on top. A marketplace absent from
 * this set is treated as tax-exclusive, and the order-total check catches a wrong assumption.
 */
export const TAX_INCLUSIVE_MARKETPLACES: ReadonlySet<string> = new Set([
  'A1F83G8C2ARO7P', // UK
  'A1PA6795UKMFR9', // DE
  'A13V1IB3VIYZZH', // FR
  'APJ6JRA9NG5V4', // IT
  'A1RKKUPIHCS9HS', // ES
  'A1805IZSGTT6HS', // NL
  'A2NODRKZP88ZB9', // SE
  'A1C3SOZRARQ6R3', // PL
  'AMEN7PMS3EDWL', // BE
  'A28R8C7NBKEWEA', // IE
  'A1VC38T7YXB528', // JP
  'A39IBJ37TRP1C6', // AU
]);

const STATUS: Record<string, OrderStatus> = {
  PartiallyShipped: 'partially_shipped',
  Shipped: 'shipped',
  Canceled: 'cancelled',
};

/** The Amazon order (getOrder + getOrderItems) to canonical order mapping; see mapAmazonOrder. */
export const amazonOrderMapper: ChannelOrderMapper<AmazonOrderPayload> = {
  channel: 'amazon',
  channelOrderId: (payload) => payload.order.AmazonOrderId,
  skuKeys: (payload) => payload.items.map((item) => ({ channelSku: item.SellerSKU ?? '', variantId: item.ASIN })),
  toCanonicalOrder: (payload, lookupSku) => mapAmazonOrder(payload, lookupSku),
};

/**
 * Maps an Amazon order to the canonical order. The rules:
 * - ItemPrice is extended (unit price x QuantityOrdered): the unit price is ItemPrice / quantity and
 *   must divide exactly, never rounded; PromotionDiscount is the line discount;
 * - in tax-inclusive marketplaces (TAX_INCLUSIVE_MARKETPLACES) the canonical order is tax-inclusive
 *   and ItemPrice, ShippingPrice and the discounts already contain their tax; elsewhere tax is added;
 * - a line's tax is ItemTax less PromotionDiscountTax (the tax given back with the promotion); the
 *   order's shipping is one line: the items' ShippingPrice, ShippingDiscount and ShippingTax less
 *   ShippingDiscountTax, summed;
 * - an item without a SellerSKU falls back to its ASIN through the cross-reference;
 * - the result must reproduce OrderTotal to the minor unit; an order without prices (Pending) is
 *   not mapped at all (the fetch skips it until Amazon notifies the next change).
 */
export function mapAmazonOrder(payload: AmazonOrderPayload, lookupSku: SkuLookup): Order {
  const { order, items } = payload;
  if (!order.OrderTotal) {
    throw new OrderMappingError(`OrderTotal: a ${order.OrderStatus} order carries no prices`, [
      { path: 'OrderTotal', message: 'is absent' },
    ]);
  }
  const currency = currencyAt(order.OrderTotal.CurrencyCode, 'OrderTotal.CurrencyCode');
  const money = (value: AmazonMoney | undefined, path: string): Money => {
    if (!value) return { amountMinor: 0, currency };
    if (value.CurrencyCode !== currency) {
      throw new OrderMappingError(`${path}: ${value.CurrencyCode} differs from the order currency ${currency}`, [
        { path: `${path}.CurrencyCode`, message: `${value.CurrencyCode} differs from ${currency}` },
      ]);
    }
    return moneyAt(value.Amount, currency, `${path}.Amount`);
  };
  const inclusive = TAX_INCLUSIVE_MARKETPLACES.has(order.MarketplaceId);
  const taxLine = (name: string, amount: Money) => (amount.amountMinor === 0 ? [] : [{ name, amount }]);

  const lines: OrderLine[] = items.map((item, i) => {
    const path = `OrderItems.${i}`;
    if (!item.ItemPrice)
      throw new OrderMappingError(`${path}.ItemPrice: a ${order.OrderStatus} order item carries no price`, [
        { path: `${path}.ItemPrice`, message: 'is absent' },
      ]);
    if (item.QuantityOrdered === 0)
      throw new OrderMappingError(`${path}.QuantityOrdered: the item has no quantity left`, [
        { path: `${path}.QuantityOrdered`, message: 'is 0' },
      ]);
    const quantity = quantityAt(item.QuantityOrdered, `${path}.QuantityOrdered`);
    const key = { channelSku: item.SellerSKU ?? '', variantId: item.ASIN };
    return {
      lineId: `${i + 1}`,
      channelLineId: item.OrderItemId,
      sku: lookupSku(key) ?? null,
      channelSku: item.SellerSKU || `variant:${item.ASIN}`,
      ...(item.Title ? { title: item.Title } : {}),
      quantity,
      unitPrice: unitPriceOf(money(item.ItemPrice, `${path}.ItemPrice`), quantity, `${path}.ItemPrice`),
      discount: money(item.PromotionDiscount, `${path}.PromotionDiscount`),
      taxes: taxLine(
        'Item tax',
        subtractMoney(
          money(item.ItemTax, `${path}.ItemTax`),
          money(item.PromotionDiscountTax, `${path}.PromotionDiscountTax`),
        ),
      ),
    };
  });
  const sum = (pick: (i: number) => Money) =>
    sumMoney(
      currency,
      items.map((_, i) => pick(i)),
    );
  const shippingPrice = sum((i) => money(items[i].ShippingPrice, `OrderItems.${i}.ShippingPrice`));
  const shippingDiscount = sum((i) => money(items[i].ShippingDiscount, `OrderItems.${i}.ShippingDiscount`));
  const shippingTax = subtractMoney(
    sum((i) => money(items[i].ShippingTax, `OrderItems.${i}.ShippingTax`)),
    sum((i) => money(items[i].ShippingDiscountTax, `OrderItems.${i}.ShippingDiscountTax`)),
  );
  const shipping: Shipping[] =
    shippingPrice.amountMinor === 0 && shippingDiscount.amountMinor === 0 && shippingTax.amountMinor === 0
      ? []
      : [
          {
            ...(order.ShipServiceLevel ? { method: order.ShipServiceLevel } : {}),
            price: shippingPrice,
            discount: shippingDiscount,
            taxes: taxLine('Shipping tax', shippingTax),
          },
        ];

  return completeOrder(
    {
      orderId: orderIdFor('amazon', order.AmazonOrderId),
      channel: 'amazon',
      channelOrderId: order.AmazonOrderId,
      ...(payload.sellerId ? { channelAccount: payload.sellerId } : {}),
      status: canonicalStatus(STATUS[order.OrderStatus] ?? 'received', lines),
      currency,
      placedAt: utc(order.PurchaseDate),
      channelUpdatedAt: utc(order.LastUpdateDate),
      taxesIncluded: inclusive,
      lines,
      shipping,
      fees: [],
    },
    money(order.OrderTotal, 'OrderTotal'),
    'OrderTotal',
  );
}
