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
  type Order,
  type OrderLine,
  type Shipping,
  type TaxLine,
  computeOrderTotals,
  orderIdFor,
} from '#domain/kernel/order';
import { type Money, parseDecimalMoney, sumMoney } from '#domain/kernel/money';
import type { ChannelRefund, RestockType } from '#domain/returns/refund-report';
import { ShopifyOrderPayload, ShopifyRefundPayload } from './shopify-order.schema';
import { compiledOnFirstParse } from '#domain/kernel/schema';
import { formatIssues } from '#domain/kernel/validation';
import { assertReportedTotal, currencyAt, moneyAt, notNegativeAt, quantityAt, utc } from '../order-mapping';
import { SHOPIFY_SIGNATURE_HEADER } from '../webhook-signature-headers';
import { createHash } from 'node:crypto';

/**
 * Every order the channel sends by webhook is parsed here: through zod's generated parser where the
 * function asked for it (compileOrderPayloads, in the marketplace webhook), through zod's own
 * elsewhere. Marked pure so that a function importing this module for its mapper alone drops it.
 */
const shopifyOrderPayload = /* @__PURE__ */ compiledOnFirstParse(ShopifyOrderPayload);

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
    // An empty header names no delivery: taken as an id, every such delivery would share one key and
    // all but the first be answered as duplicates.
    return (
      request.headers['x-shopify-event-id'] ||
      request.headers['x-shopify-webhook-id'] ||
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
    const parsed = shopifyOrderPayload.safeParse(json);
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
 *
 * The payload was validated once, by ShopifyOrderPayload; the canonical order is built from it by
 * construction rather than parsed again: every amount comes from moneyAt in the order's currency,
 * every quantity from quantityAt, the totals from computeOrderTotals, and what the payload's schema
 * lets through that the canonical order refuses (a country code that is not two letters, a rate in
 * exponent form, a timestamp beyond year 9999, an amount beyond 2^53) is a mapping error naming the
 * Shopify field. Tests parse every mapped fixture as the canonical Order to keep the two in step.
 */
export function mapShopifyOrder(payload: ShopifyOrderPayload, lookupSku: SkuLookup): Order {
  const currency = currencyAt(payload.currency, 'currency');
  const lines: OrderLine[] = payload.line_items.map((item, i) => {
    const path = `line_items.${i}`;
    const channelSku = item.sku ?? '';
    const variantId = item.variant_id != null ? String(item.variant_id) : undefined;
    return {
      lineId: `${i + 1}`,
      channelLineId: gidTail(item.admin_graphql_api_id) ?? String(item.id),
      // An empty internal SKU names nothing the fabric stocks: the line waits like an unknown one.
      sku: lookupSku(variantId ? { channelSku, variantId } : { channelSku }) || null,
      channelSku: channelSku || (variantId ? `variant:${variantId}` : ''),
      ...(item.title ? { title: item.title } : {}),
      quantity: quantityAt(item.quantity, `${path}.quantity`),
      unitPrice: notNegativeAt(moneyAt(item.price, currency, `${path}.price`), `${path}.price`),
      discount: discountOf(item.discount_allocations, currency, `${path}.discount_allocations`),
      taxes: taxLinesOf(item.tax_lines, currency, `${path}.tax_lines`),
    };
  });
  const shipping: Shipping[] = payload.shipping_lines.map((line, i) => {
    const path = `shipping_lines.${i}`;
    const price = moneyAt(line.price, currency, `${path}.price`);
    const discount = discountOf(line.discount_allocations, currency, `${path}.discount_allocations`);
    const taxes = taxLinesOf(line.tax_lines, currency, `${path}.tax_lines`);
    return line.title ? { method: line.title, price, discount, taxes } : { price, discount, taxes };
  });

  const channelOrderId = shopifyOrderId(payload);
  const totals = computeOrderTotals({ currency, lines, shipping, taxesIncluded: payload.taxes_included });
  for (const key of ['lines', 'shipping', 'discounts', 'tax', 'total'] as const) safeAmount(totals[key], 'total_price');
  const reported = notNegativeAt(moneyAt(payload.total_price, currency, 'total_price'), 'total_price');
  assertReportedTotal(totals, reported, 'total_price');

  const customerName = [payload.customer?.first_name, payload.customer?.last_name].filter(Boolean).join(' ');
  const billingAddress = toAddress(payload.billing_address, 'billing_address');
  const shippingAddress = toAddress(payload.shipping_address, 'shipping_address');
  const delivery = shopifyDelivery(payload);
  return {
    orderId: orderIdFor('shopify', channelOrderId),
    channel: 'shopify',
    channelOrderId,
    ...(payload.name ? { channelOrderNumber: payload.name } : {}),
    status: payload.cancelled_at ? 'cancelled' : lines.some((l) => l.sku === null) ? 'needs_attention' : 'received',
    currency,
    placedAt: utcAt(payload.created_at, 'created_at'),
    channelUpdatedAt: utcAt(payload.updated_at, 'updated_at'),
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
  };
}

/** A line's or shipping line's taxes, each for the whole line, with the rate as the canonical decimal string. */
function taxLinesOf(
  taxLines: ShopifyOrderPayload['line_items'][number]['tax_lines'],
  currency: string,
  path: string,
): TaxLine[] {
  return taxLines.map((tax, i) => {
    const amount = moneyAt(tax.price, currency, `${path}.${i}.price`);
    if (tax.rate === undefined) return { name: tax.title, amount };
    const rate = String(tax.rate);
    // A rate JavaScript writes in exponent form (1e-7) is not a decimal the canonical order can carry.
    if (!DECIMAL_RATE.test(rate))
      throw new OrderMappingError(`${path}.${i}.rate: ${rate} is not a plain decimal rate`, [
        { path: `${path}.${i}.rate`, message: `${rate} is not a plain decimal rate` },
      ]);
    return { name: tax.title, rate, amount };
  });
}

const DECIMAL_RATE = /^\d+(\.\d+)?$/;

/** The discount allocated to a line (all its units), the sum of its allocations. */
function discountOf(allocations: { amount: string }[], currency: string, path: string): Money {
  let amountMinor = 0;
  for (let i = 0; i < allocations.length; i += 1)
    amountMinor += moneyAt(allocations[i].amount, currency, `${path}.${i}.amount`).amountMinor;
  return safeAmount({ amountMinor, currency }, path);
}

/** A sum the canonical order can hold exactly (within 2^53 minor units), or a mapping error naming the field. */
function safeAmount(amount: Money, path: string): Money {
  if (!Number.isSafeInteger(amount.amountMinor))
    throw new OrderMappingError(`${path}: the amounts add up beyond what can be counted to the minor unit`, [
      { path, message: 'the amounts add up beyond what can be counted to the minor unit' },
    ]);
  return amount;
}

/** A Shopify timestamp (validated with its offset) in UTC, which the canonical order writes with a four-digit year. */
function utcAt(timestamp: string, path: string): string {
  const at = utc(timestamp);
  if (at.length !== UTC_LENGTH)
    throw new OrderMappingError(`${path}: ${timestamp} is outside years 0000 to 9999 in UTC`, [
      { path, message: `${timestamp} is outside years 0000 to 9999 in UTC` },
    ]);
  return at;
}

const UTC_LENGTH = '2025-01-01T00:00:00.000Z'.length;

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
  return gid?.slice(gid.lastIndexOf('/') + 1) || undefined;
}

function toAddress(address: ShopifyOrderPayload['shipping_address'], path: string): Address | undefined {
  if (!address?.address1 || !address.city || !address.country_code) return undefined;
  const countryCode = address.country_code.toUpperCase();
  if (!COUNTRY_CODE.test(countryCode))
    throw new OrderMappingError(`${path}.country_code: "${address.country_code}" is not an ISO 3166-1 alpha-2 code`, [
      { path: `${path}.country_code`, message: `"${address.country_code}" is not an ISO 3166-1 alpha-2 code` },
    ]);
  // Keys in the canonical order's own sequence, each only when Shopify gave it.
  const canonical: Partial<Address> = {};
  if (address.name) canonical.name = address.name;
  if (address.company) canonical.company = address.company;
  canonical.line1 = address.address1;
  if (address.address2) canonical.line2 = address.address2;
  canonical.city = address.city;
  if (address.province_code) canonical.region = address.province_code;
  if (address.zip) canonical.postalCode = address.zip;
  canonical.countryCode = countryCode;
  if (address.phone) canonical.phone = address.phone;
  return canonical as Address;
}

const COUNTRY_CODE = /^[A-Z]{2}$/;
