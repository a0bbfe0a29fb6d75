import {
  type ChannelWebhookAdapter,
  OrderMappingError,
  type WebhookRequest,
  type ChannelOrderMapper,
} from '#domain/intake/channel-ports';
import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import { hasValidBase64HmacSha256 } from '../webhook-signature';
import {
  type Address,
  type Delivery,
  Order,
  type OrderLine,
  type Shipping,
  type TaxLine,
  computeOrderTotals,
  orderIdFor,
} from '#domain/kernel/order';
import { formatDecimalMoney, type Money, parseDecimalMoney, sumMoney } from '#domain/kernel/money';
import type { ChannelRefund, RestockType } from '#domain/returns/refund-report';
import { ShopifyOrderPayload, ShopifyRefundPayload } from './shopify-order.schema';
import { formatIssues } from '#domain/kernel/validation';
import { currencyAt, notNegativeAt, quantityAt } from '../order-mapping';
import { SHOPIFY_SIGNATURE_HEADER } from '../webhook-signature-headers';
import { createHash } from 'node:crypto';

/** Topics whose payload is a full order; anything else is acknowledged, archived and ignored. */
const ORDER_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/cancelled', 'orders/paid', 'orders/edited']);
const REFUND_TOPIC = 'refunds/create';

/** The Shopify order payload to canonical order mapping; see mapShopifyOrder for the money rules. */
export const shopifyOrderMapper: ChannelOrderMapper<ShopifyOrderPayload> = {
  channel: 'shopify',

  channelOrderId(payload) {
    return shopifyOrderId(payload);
  },

  skuKeys(payload) {
    return payload.line_items.map((line) => ({
      channelSku: line.sku ?? '',
      ...(line.variant_id != null ? { variantId: String(line.variant_id) } : {}),
    }));
  },

  toCanonicalOrder(payload, lookupSku) {
    return mapShopifyOrder(payload, lookupSku);
  },
};

/**
 * Shopify: base64 HMAC-SHA256 of the raw body in X-Shopify-Hmac-Sha256. X-Shopify-Event-Id is shared
 * by every delivery of one merchant action, so it is the dedupe key; X-Shopify-Webhook-Id (per
 * delivery) and a hash of the body are fallbacks for senders that omit it. Order topics carry the full
 * order; refunds/create carries one refund, reported as RefundReported.
 */
export const shopifyWebhookAdapter: ChannelWebhookAdapter<ShopifyOrderPayload> = {
  channel: 'shopify',
  orders: shopifyOrderMapper,

  verify(request, secret) {
    return hasValidBase64HmacSha256(request.rawBody, secret, request.headers[SHOPIFY_SIGNATURE_HEADER]);
  },

  deliveryId(request) {
    return (
      request.headers['x-shopify-event-id'] ??
      request.headers['x-shopify-webhook-id'] ??
      `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`
    );
  },

  parse(request: WebhookRequest, json: unknown) {
    const topic = request.headers['x-shopify-topic'] ?? 'orders/create';
    if (topic === REFUND_TOPIC) {
      const refund = ShopifyRefundPayload.safeParse(json);
      if (!refund.success) return { ok: false, issues: formatIssues(refund.error) };
      try {
        return { ok: true, value: { kind: 'refund', topic, refund: mapShopifyRefund(refund.data) } };
      } catch (error) {
        if (!(error instanceof OrderMappingError)) throw error;
        return { ok: false, issues: error.details };
      }
    }
    if (!ORDER_TOPICS.has(topic)) return { ok: true, value: { kind: 'ignored', topic } };
    const parsed = ShopifyOrderPayload.safeParse(json);
    if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
    return { ok: true, value: { kind: 'order', topic, payload: parsed.data } };
  },
};

/**
 * Maps a refunds/create payload to a refund report. The amount is what Shopify's successful refund
 * transactions returned (shipping and order adjustments included); each refunded line carries its
 * subtotal plus tax from the shop-money `_set` strings, never the float fields.
 */
export function mapShopifyRefund(payload: ShopifyRefundPayload): ChannelRefund {
  const refundTransactions = payload.transactions.filter((t) => t.kind === 'refund' && t.status === 'success');
  const currency =
    refundTransactions[0]?.currency ?? payload.refund_line_items[0]?.subtotal_set.shop_money.currency_code;
  if (!currency) {
    throw new OrderMappingError('a refund without transactions or lines names no currency', [
      { path: 'transactions', message: 'no successful refund transaction and no refunded line' },
    ]);
  }
  const money = (decimal: string, path: string) => {
    try {
      return parseDecimalMoney(decimal, currency);
    } catch (error) {
      throw new OrderMappingError(`${path}: ${(error as Error).message}`, [
        { path, message: (error as Error).message },
      ]);
    }
  };
  refundTransactions.forEach((t, i) => {
    if (t.currency !== currency)
      throw new OrderMappingError(`transactions.${i}.currency: ${t.currency} differs from ${currency}`, [
        { path: `transactions.${i}.currency`, message: `${t.currency} differs from ${currency}` },
      ]);
  });
  // Shopify states adjustments as the order's balance moves: a refund is negative, given back positive here.
  const given = (amounts: Money[]): Money => {
    const total = sumMoney(currency, amounts);
    return { amountMinor: 0 - total.amountMinor, currency };
  };
  const adjustments = payload.order_adjustments.map((adjustment, i) => ({
    kind: adjustment.kind,
    reason: adjustment.reason,
    amount: money(adjustment.amount_set.shop_money.amount, `order_adjustments.${i}.amount_set.shop_money.amount`),
    tax: money(adjustment.tax_amount_set.shop_money.amount, `order_adjustments.${i}.tax_amount_set.shop_money.amount`),
  }));
  const shipping = adjustments.filter((adjustment) => adjustment.kind === 'shipping_refund');
  // Shipping given back cannot be negative: a sign Shopify does not send holds the refund, naming the field.
  adjustments.forEach((adjustment, i) => {
    for (const [field, figure] of [
      ['amount_set', adjustment.amount],
      ['tax_amount_set', adjustment.tax],
    ] as const)
      if (adjustment.kind === 'shipping_refund' && figure.amountMinor > 0)
        throw new OrderMappingError(`order_adjustments.${i}.${field}: a shipping refund is negative or zero`, [
          {
            path: `order_adjustments.${i}.${field}.shop_money.amount`,
            message: 'a shipping refund is negative or zero',
          },
        ]);
  });
  const others = adjustments.filter((adjustment) => adjustment.kind !== 'shipping_refund');
  const channelOrderId = String(payload.order_id);
  return {
    channel: 'shopify',
    channelOrderId,
    orderId: orderIdFor('shopify', channelOrderId),
    channelRefundId: gidTail(payload.admin_graphql_api_id) ?? String(payload.id),
    refundedAt: new Date(payload.processed_at ?? payload.created_at).toISOString(),
    amount: sumMoney(
      currency,
      refundTransactions.map((t, i) => money(t.amount, `transactions.${i}.amount`)),
    ),
    lines: payload.refund_line_items.map((line, i) => ({
      channelLineId: String(line.line_item_id),
      quantity: line.quantity,
      goods: money(line.subtotal_set.shop_money.amount, `refund_line_items.${i}.subtotal_set.shop_money.amount`),
      tax: money(line.total_tax_set.shop_money.amount, `refund_line_items.${i}.total_tax_set.shop_money.amount`),
      restockType: shopifyRestockType(line),
      ...(line.location_id != null && line.restock_type !== 'no_restock'
        ? { restockLocationId: String(line.location_id) }
        : {}),
    })),
    ...(shipping.length
      ? {
          shipping: {
            amount: given(shipping.map(({ amount }) => amount)),
            tax: given(shipping.map(({ tax }) => tax)),
          },
        }
      : {}),
    ...(others.length
      ? {
          adjustments: others.map(({ kind, reason, amount, tax }) => ({
            kind,
            amount: given([amount]),
            tax: given([tax]),
            ...(reason ? { reason } : {}),
          })),
        }
      : {}),
    ...(payload.note ? { reason: payload.note } : {}),
  };
}

/** Shopify's restock type; `legacy_restock` (deprecated, type unsaid) means a return once the line was fulfilled, a cancel before. */
function shopifyRestockType(line: ShopifyRefundPayload['refund_line_items'][number]): RestockType {
  if (line.restock_type !== 'legacy_restock') return line.restock_type;
  return line.line_item?.fulfillment_status === 'fulfilled' ? 'return' : 'cancel';
}

/**
 * Maps a Shopify order to the canonical order. Rules, explicit because they are where money leaks:
 * - line `price` is the unit price; `discount_allocations` are per line (all units), order-level
 *   discounts arrive already allocated onto lines and shipping lines;
 * - a line's `tax_lines[].price` is the tax for the whole line, never per unit;
 * - with `taxes_included`, prices already contain their tax, so tax is not added again to the total;
 * - the result must reproduce Shopify's `total_price` to the minor unit, or it is a mapping error.
 * An empty SKU falls back to the variant id through the cross-reference; a SKU the cross-reference
 * does not know leaves the line unresolved and the order in `needs_attention`.
 */
export function mapShopifyOrder(payload: ShopifyOrderPayload, lookupSku: SkuLookup): Order {
  const currency = currencyAt(payload.currency, 'currency');
  const money = (decimal: string, path: string) => {
    try {
      return parseDecimalMoney(decimal, currency);
    } catch (error) {
      throw new OrderMappingError(`${path}: ${(error as Error).message}`, [
        { path, message: (error as Error).message },
      ]);
    }
  };
  const taxes = (lines: { title: string; price: string; rate?: number }[], path: string): TaxLine[] =>
    lines.map((tax, i) => ({
      name: tax.title,
      ...(tax.rate !== undefined ? { rate: String(tax.rate) } : {}),
      amount: money(tax.price, `${path}.${i}.price`),
    }));
  const discount = (allocations: { amount: string }[], path: string) =>
    sumMoney(
      currency,
      allocations.map((a, i) => money(a.amount, `${path}.${i}.amount`)),
    );

  const lines: OrderLine[] = payload.line_items.map((item, i) => {
    const channelSku = item.sku ?? '';
    const variantId = item.variant_id != null ? String(item.variant_id) : undefined;
    return {
      lineId: `${i + 1}`,
      channelLineId: gidTail(item.admin_graphql_api_id) ?? String(item.id),
      sku: lookupSku({ channelSku, ...(variantId ? { variantId } : {}) }) ?? null,
      channelSku: channelSku || (variantId ? `variant:${variantId}` : ''),
      ...(item.title ? { title: item.title } : {}),
      quantity: quantityAt(item.quantity, `line_items.${i}.quantity`),
      unitPrice: notNegativeAt(money(item.price, `line_items.${i}.price`), `line_items.${i}.price`),
      discount: discount(item.discount_allocations, `line_items.${i}.discount_allocations`),
      taxes: taxes(item.tax_lines, `line_items.${i}.tax_lines`),
    };
  });
  const shipping: Shipping[] = payload.shipping_lines.map((line, i) => ({
    ...(line.title ? { method: line.title } : {}),
    price: money(line.price, `shipping_lines.${i}.price`),
    discount: discount(line.discount_allocations, `shipping_lines.${i}.discount_allocations`),
    taxes: taxes(line.tax_lines, `shipping_lines.${i}.tax_lines`),
  }));

  const channelOrderId = shopifyOrderId(payload);
  const totals = computeOrderTotals({ currency, lines, shipping, taxesIncluded: payload.taxes_included });
  const reported = notNegativeAt(money(payload.total_price, 'total_price'), 'total_price');
  if (reported.amountMinor !== totals.total.amountMinor) {
    const difference = { amountMinor: reported.amountMinor - totals.total.amountMinor, currency };
    throw new OrderMappingError(
      `total_price ${payload.total_price} differs from the computed ${formatDecimalMoney(totals.total)} by ${formatDecimalMoney(difference)}`,
      [{ path: 'total_price', message: `differs by ${formatDecimalMoney(difference)} ${currency}` }],
    );
  }

  const customerName = [payload.customer?.first_name, payload.customer?.last_name].filter(Boolean).join(' ');
  const billingAddress = toAddress(payload.billing_address);
  const shippingAddress = toAddress(payload.shipping_address);
  const delivery = shopifyDelivery(payload);
  const canonical = Order.safeParse({
    orderId: orderIdFor('shopify', channelOrderId),
    channel: 'shopify',
    channelOrderId,
    ...(payload.name ? { channelOrderNumber: payload.name } : {}),
    status: payload.cancelled_at ? 'cancelled' : lines.some((l) => l.sku === null) ? 'needs_attention' : 'received',
    currency,
    placedAt: new Date(payload.created_at).toISOString(),
    channelUpdatedAt: new Date(payload.updated_at).toISOString(),
    taxesIncluded: payload.taxes_included,
    ...(payload.email || customerName
      ? {
          customer: {
            ...(payload.email ? { email: payload.email } : {}),
            ...(customerName ? { name: customerName } : {}),
          },
        }
      : {}),
    ...(billingAddress ? { billingAddress } : {}),
    ...(shippingAddress ? { shippingAddress } : {}),
    ...(delivery ? { delivery } : {}),
    lines,
    shipping,
    fees: [],
    totals,
  });
  if (!canonical.success)
    throw new OrderMappingError('the mapped order is not a valid canonical order', formatIssues(canonical.error));
  return canonical.data;
}

/**
 * A local pickup: a fulfillment order whose delivery method is `pick_up`, at the store Shopify assigned
 * it to (the buyer's choice). Any other order ships, and carries no delivery (absent means ship).
 */
function shopifyDelivery(payload: ShopifyOrderPayload): Delivery | undefined {
  const pickup = payload.fulfillment_orders.find((fo) => fo.delivery_method?.method_type === 'pick_up');
  if (!pickup) return undefined;
  return {
    method: 'pickup',
    ...(pickup.assigned_location_id != null ? { channelLocationId: String(pickup.assigned_location_id) } : {}),
  };
}

/** Shopify's numeric ids can exceed 2^53; the GraphQL id carries the exact digits as a string. */
function shopifyOrderId(payload: ShopifyOrderPayload): string {
  return gidTail(payload.admin_graphql_api_id) ?? String(payload.id);
}

/** The numeric tail of a GraphQL id (`gid://shopify/LineItem/123` is 123): REST's id. */
export function gidTail(gid: string | undefined): string | undefined {
  return gid?.split('/').pop() || undefined;
}

function toAddress(address: ShopifyOrderPayload['shipping_address']): Address | undefined {
  if (!address?.address1 || !address.city || !address.country_code) return undefined;
  const optional = (key: keyof Address, value: string | null | undefined) => (value ? { [key]: value } : {});
  return {
    ...optional('name', address.name),
    ...optional('company', address.company),
    line1: address.address1,
    ...optional('line2', address.address2),
    city: address.city,
    ...optional('region', address.province_code),
    ...optional('postalCode', address.zip),
    countryCode: address.country_code.toUpperCase(),
    ...optional('phone', address.phone),
  };
}
