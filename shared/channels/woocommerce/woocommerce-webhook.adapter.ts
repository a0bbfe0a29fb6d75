import { createHash } from 'node:crypto';
import { type ChannelOrderMapper, type ChannelWebhookAdapter, OrderMappingError } from '#domain/intake/channel-ports';
import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import { hasValidBase64HmacSha256 } from '../webhook-signature';
import { canonicalStatus, completeOrder, currencyAt, moneyAt, quantityAt, unitPriceOf, utc } from '../order-mapping';
import {
  type Address,
  type Delivery,
  type Order,
  type OrderLine,
  type OrderStatus,
  type Shipping,
  orderIdFor,
} from '#domain/kernel/order';
import { type Money, sumMoney, subtractMoney } from '#domain/kernel/money';
import type { ChannelRefund } from '#domain/returns/refund-report';
import { formatIssues } from '#domain/kernel/validation';
import { WooCommerceOrderPayload } from './woocommerce-order.schema';
import { compiledOnFirstParse } from '#domain/kernel/schema';
import { wooCommerceTaxes } from './woocommerce-taxes';

/**
 * Every order the channel sends by webhook is parsed here: through zod's generated parser where the
 * function asked for it (compileOrderPayloads, in the marketplace webhook), through zod's own
 * elsewhere. Marked pure so that a function importing this module for its mapper alone drops it.
 */
const wooCommerceOrderPayload = /* @__PURE__ */ compiledOnFirstParse(WooCommerceOrderPayload);

const ORDER_TOPICS = new Set(['order.created', 'order.updated']);

/**
 * WooCommerce order statuses onto the canonical lifecycle. `completed` means fulfilled in WooCommerce's
 * own words; `failed` (payment failed) and `cancelled` both release the order; `refunded` is a full refund.
 * Anything else (pending, on-hold, processing, custom statuses) is an order the fabric has received.
 */
const STATUS: Record<string, OrderStatus> = {
  completed: 'shipped',
  cancelled: 'cancelled',
  failed: 'cancelled',
  refunded: 'refunded',
};

/** The WooCommerce order payload to canonical order mapping; see mapWooCommerceOrder for the money rules. */
export const wooCommerceOrderMapper: ChannelOrderMapper<WooCommerceOrderPayload> = {
  channel: 'woocommerce',
  channelOrderId: (payload) => String(payload.id),
  skuKeys: (payload) => payload.line_items.map((line) => skuKey(line)),
  toCanonicalOrder: (payload, lookupSku) => mapWooCommerceOrder(payload, lookupSku),
  refunds: (payload) => wooCommerceRefunds(payload),
};
/**
 * WooCommerce: X-WC-Webhook-Signature is the base64 HMAC-SHA256 of the raw body with the webhook's
 * secret. X-WC-Webhook-Delivery-ID is a fresh hash on every attempt, so it cannot identify a retry:
 * the dedupe key is the store (X-WC-Webhook-Source), the order id and its date_modified_gmt, which
 * every redelivery of the same order version shares. The ping WooCommerce sends when a webhook is
 * created is an unsigned form body `webhook_id=N` that must be answered 200, or WooCommerce refuses
 * to activate the webhook.
 */
export const wooCommerceWebhookAdapter: ChannelWebhookAdapter<WooCommerceOrderPayload> = {
  channel: 'woocommerce',
  orders: wooCommerceOrderMapper,

  verify(request, secret) {
    return hasValidBase64HmacSha256(request.rawBody, secret, request.headers['x-wc-webhook-signature']);
  },

  deliveryId(request, json) {
    const body = json as { id?: unknown; date_modified_gmt?: unknown } | undefined;
    if ((typeof body?.id === 'number' || typeof body?.id === 'string') && typeof body.date_modified_gmt === 'string') {
      return `${request.headers['x-wc-webhook-source'] ?? 'store'}#order:${body.id}#${body.date_modified_gmt}`;
    }
    return `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
  },

  handshake(request) {
    const ping = /^webhook_id=(\d+)$/.exec(request.rawBody.toString('utf8').trim());
    if (!ping || request.headers['x-wc-webhook-signature'] || request.headers['x-wc-webhook-topic']) return undefined;
    return {
      status: 200,
      body: { ping: true, webhookId: Number(ping[1]) },
      reason: `WooCommerce webhook ${ping[1]} creation ping`,
    };
  },

  parse(request, json) {
    const topic = request.headers['x-wc-webhook-topic'] ?? 'order.updated';
    if (!ORDER_TOPICS.has(topic)) return { ok: true, value: { kind: 'ignored', topic } };
    const parsed = wooCommerceOrderPayload.safeParse(json);
    if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
    return { ok: true, value: { kind: 'order', topic, payload: parsed.data } };
  },
};

function skuKey(line: WooCommerceOrderPayload['line_items'][number]) {
  // A simple product has variation_id 0: its product id is then the listing id.
  const variationId = String(line.variation_id);
  return { channelSku: line.sku ?? '', variantId: variationId === '0' ? String(line.product_id) : variationId };
}

/**
 * Maps a WooCommerce order to the canonical order. WooCommerce keeps every line and shipping amount
 * tax-exclusive, whatever the store setting; the rules, explicit because they are where money leaks:
 * - tax-exclusive store: unit price = line `subtotal` / quantity (must divide exactly), discount =
 *   `subtotal - total`, taxes = the line's `taxes[].total` per rate, shipping = `total` with its taxes;
 *   a store rounding tax at the subtotal sends those unrounded: see wooCommerceTaxes;
 * - tax-inclusive store (`prices_include_tax`): the canonical order is tax-inclusive too, so the unit
 *   price is the shelf price `(subtotal + subtotal_tax) / quantity`, the discount is the gross discount
 *   `(subtotal + subtotal_tax) - (total + total_tax)`, and shipping is `total + total_tax`;
 * - fee lines have no place in the canonical order: a non-zero fee is a mapping error;
 * - the result must reproduce WooCommerce's `total` to the minor unit.
 */
export function mapWooCommerceOrder(payload: WooCommerceOrderPayload, lookupSku: SkuLookup): Order {
  const currency = currencyAt(payload.currency, 'currency');
  const money = (decimal: string, path: string) => moneyAt(decimal === '' ? '0' : decimal, currency, path);
  const inclusive = payload.prices_include_tax;
  const taxes = wooCommerceTaxes(payload, currency);

  payload.fee_lines.forEach((fee, i) => {
    if (money(fee.total, `fee_lines.${i}.total`).amountMinor !== 0) {
      const message = `fee "${fee.name ?? fee.id}" of ${fee.total} has no place in the canonical order`;
      throw new OrderMappingError(`fee_lines.${i}: ${message}`, [{ path: `fee_lines.${i}.total`, message }]);
    }
  });

  const lines: OrderLine[] = payload.line_items.map((item, i) => {
    const path = `line_items.${i}`;
    const quantity = quantityAt(item.quantity, `${path}.quantity`);
    const before = money(item.subtotal, `${path}.subtotal`);
    const after = money(item.total, `${path}.total`);
    const extended = inclusive
      ? sumMoney(currency, [before, money(item.subtotal_tax, `${path}.subtotal_tax`)])
      : before;
    const discounted = inclusive ? sumMoney(currency, [after, money(item.total_tax, `${path}.total_tax`)]) : after;
    const key = skuKey(item);
    return {
      lineId: `${i + 1}`,
      channelLineId: String(item.id),
      sku: lookupSku(key) ?? null,
      channelSku: key.channelSku || `variant:${key.variantId}`,
      ...(item.name ? { title: item.name } : {}),
      quantity,
      unitPrice: unitPriceOf(extended, quantity, inclusive ? `${path}.subtotal+subtotal_tax` : `${path}.subtotal`),
      discount: subtractMoney(extended, discounted),
      taxes: taxes.lines[i],
    };
  });
  const shipping: Shipping[] = payload.shipping_lines.map((line, i) => {
    const net = money(line.total, `shipping_lines.${i}.total`);
    const tax = money(line.total_tax, `shipping_lines.${i}.total_tax`);
    return {
      ...(line.method_title ? { method: line.method_title } : {}),
      price: inclusive ? sumMoney(currency, [net, tax]) : net,
      discount: { amountMinor: 0, currency },
      taxes: taxes.shipping[i],
    };
  });

  const channelOrderId = String(payload.id);
  const billing = toAddress(payload.billing);
  const shipTo = toAddress(payload.shipping);
  const delivery = wooCommerceDelivery(payload);
  const name = [payload.billing?.first_name, payload.billing?.last_name].filter(Boolean).join(' ');
  const email = payload.billing?.email || undefined;
  return completeOrder(
    {
      orderId: orderIdFor('woocommerce', channelOrderId),
      channel: 'woocommerce',
      channelOrderId,
      ...(payload.number ? { channelOrderNumber: payload.number } : {}),
      status: canonicalStatus(STATUS[payload.status] ?? 'received', lines),
      currency,
      placedAt: utc(`${payload.date_created_gmt}Z`),
      channelUpdatedAt: utc(`${payload.date_modified_gmt}Z`),
      taxesIncluded: inclusive,
      ...(email || name ? { customer: { ...(email ? { email } : {}), ...(name ? { name } : {}) } } : {}),
      ...(billing ? { billingAddress: billing } : {}),
      ...(shipTo ? { shippingAddress: shipTo } : {}),
      ...(delivery ? { delivery } : {}),
      lines,
      shipping,
      fees: [],
    },
    money(payload.total, 'total'),
    'total',
  );
}

/** The shipping methods WooCommerce Local Pickup records: the classic method and the Checkout block's. */
const LOCAL_PICKUP_METHODS = new Set(['local_pickup', 'pickup_location']);

/**
 * A pickup: a shipping line of a Local Pickup method, at the location the Checkout block's Local Pickup
 * records by name in the line's `pickup_location` meta (the classic method names none). Any other
 * order ships, and carries no delivery (absent means ship).
 */
function wooCommerceDelivery(payload: WooCommerceOrderPayload): Delivery | undefined {
  const pickup = payload.shipping_lines.find((line) => line.method_id && LOCAL_PICKUP_METHODS.has(line.method_id));
  if (!pickup) return undefined;
  const location = pickup.meta_data.find((meta) => meta.key === 'pickup_location')?.value;
  return {
    method: 'pickup',
    ...(typeof location === 'string' && location.trim() ? { channelLocationId: location.trim() } : {}),
  };
}

/**
 * The refunds a WooCommerce order lists (`refunds[].total` is negative), each reported with the order's
 * modification time, since the order resource carries no refund date. WooCommerce repeats them on every
 * later update; consumers key on the refund id.
 */
export function wooCommerceRefunds(payload: WooCommerceOrderPayload): ChannelRefund[] {
  const channelOrderId = String(payload.id);
  return payload.refunds.map((refund, i) => {
    const amount: Money = moneyAt(refund.total, payload.currency, `refunds.${i}.total`);
    return {
      channel: 'woocommerce',
      channelOrderId,
      orderId: orderIdFor('woocommerce', channelOrderId),
      channelRefundId: String(refund.id),
      refundedAt: utc(`${payload.date_modified_gmt}Z`),
      amount: { amountMinor: Math.abs(amount.amountMinor), currency: amount.currency },
      lines: [],
      ...(refund.reason ? { reason: refund.reason } : {}),
    };
  });
}

function toAddress(address: WooCommerceOrderPayload['billing']): Address | undefined {
  if (!address?.address_1 || !address.city || !address.country) return undefined;
  const name = [address.first_name, address.last_name].filter(Boolean).join(' ');
  return {
    ...(name ? { name } : {}),
    ...(address.company ? { company: address.company } : {}),
    line1: address.address_1,
    ...(address.address_2 ? { line2: address.address_2 } : {}),
    city: address.city,
    ...(address.state ? { region: address.state } : {}),
    ...(address.postcode ? { postalCode: address.postcode } : {}),
    countryCode: address.country.toUpperCase(),
    ...(address.phone ? { phone: address.phone } : {}),
  };
}
