import { hash } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import { CurrencyCode, Money, formatDecimalMoney, minorUnitsIn } from './money';

/** Every sales channel the fabric speaks to. POS is a channel like any other once normalized. */
export const SalesChannel = z.enum(['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart', 'square', 'pos']);
export type SalesChannel = z.infer<typeof SalesChannel>;

/**
 * The canonical order lifecycle. Transitions are guarded by the order lifecycle (order-to-cash);
 * `needs_attention` holds an order that cannot proceed without a person (unknown SKU, mapping gap).
 */
export const OrderStatus = z.enum([
  'received',
  'needs_attention',
  'reserved',
  'backordered',
  'accepted',
  'posted_to_erp',
  'partially_shipped',
  'shipped',
  'invoiced',
  'cancelled',
  'partially_returned',
  'returned',
  'refunded',
  'settled',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

const Quantity = z.number().check(z.int(), z.positive());
const IsoTimestamp = z.iso.datetime({ offset: true });

export const Address = z.object({
  name: z.optional(z.string()),
  company: z.optional(z.string()),
  line1: z.string().check(z.minLength(1)),
  line2: z.optional(z.string()),
  city: z.string().check(z.minLength(1)),
  region: z.optional(z.string()),
  postalCode: z.optional(z.string()),
  countryCode: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')),
  phone: z.optional(z.string()),
});
export type Address = z.infer<typeof Address>;

export const TaxLine = z.object({
  name: z.string(),
  /** Rate as a decimal string ("0.0825") so that no float creeps in through the rate either. */
  rate: z.optional(z.string().check(z.regex(/^\d+(\.\d+)?$/))),
  amount: Money,
});
export type TaxLine = z.infer<typeof TaxLine>;

export const OrderLine = z.object({
  lineId: z.string().check(z.minLength(1)),
  channelLineId: z.string().check(z.minLength(1)),
  /**
   * Internal SKU, resolved through the cross-reference; never invented from the channel's. Null while
   * the cross-reference does not know the channel SKU: the order then waits in `needs_attention`.
   */
  sku: z.nullable(z.string().check(z.minLength(1))),
  channelSku: z.string(),
  title: z.optional(z.string()),
  quantity: Quantity,
  unitPrice: Money,
  /** Total discount allocated to this line (all units), positive. */
  discount: Money,
  /** Taxes for the whole line (all units), each positive. */
  taxes: z.array(TaxLine),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Shipping = z.object({
  method: z.optional(z.string()),
  price: Money,
  discount: Money,
  taxes: z.array(TaxLine),
});
export type Shipping = z.infer<typeof Shipping>;

export const MarketplaceFee = z.object({
  kind: z.string().check(z.minLength(1)),
  amount: Money,
});

export const OrderTotals = z.object({
  lines: Money,
  shipping: Money,
  discounts: Money,
  tax: Money,
  total: Money,
});
export type OrderTotals = z.infer<typeof OrderTotals>;

/** The fabric's own order id (see orderIdFor). */
export const OrderId = z.string().check(z.regex(/^ord_[a-z2-7]{26}$/));

/**
 * How the customer gets the goods: shipped to them (from wherever the sourcing rules choose), picked
 * up at a store, or shipped from a store. Sourcing rules match on it (shared/domain/fulfilment).
 */
export const DeliveryMethod = z.enum(['ship', 'pickup', 'ship_from_store']);
export type DeliveryMethod = z.infer<typeof DeliveryMethod>;

export const Delivery = z.object({
  method: DeliveryMethod,
  /** For a pickup: the store the customer chose, as the channel names it (a Shopify location id, a Square location id). */
  channelLocationId: z.optional(z.string().check(z.minLength(1))),
});
export type Delivery = z.infer<typeof Delivery>;

const OrderShape = z.object({
  orderId: OrderId,
  channel: SalesChannel,
  channelOrderId: z.string().check(z.minLength(1)),
  /** The shop, seller or store account on the channel (Shopify domain, Amazon seller id). */
  channelAccount: z.optional(z.string()),
  /** Human order number the customer sees ("#1001"), when the channel has one. */
  channelOrderNumber: z.optional(z.string()),
  status: OrderStatus,
  currency: CurrencyCode,
  placedAt: IsoTimestamp,
  /** The channel's own last-modified time: the version used to ignore late, older updates. */
  channelUpdatedAt: IsoTimestamp,
  /** When true, line and shipping prices already include their taxes (VAT-style). */
  taxesIncluded: z.boolean(),
  customer: z.optional(z.object({ email: z.optional(z.string()), name: z.optional(z.string()) })),
  billingAddress: z.optional(Address),
  shippingAddress: z.optional(Address),
  /** Absent on orders mapped before delivery methods were read: those ship. */
  delivery: z.optional(Delivery),
  lines: z.array(OrderLine).check(z.minLength(1)),
  shipping: z.array(Shipping),
  fees: z.array(MarketplaceFee),
  totals: OrderTotals,
});

/**
 * The canonical order. Parsing it proves the money balances:
 * lines + shipping + tax (when not included in prices) - discounts = total, to the minor unit,
 * and that every amount is in the order's currency.
 */
export const Order = OrderShape.check(
  z.superRefine((order, ctx) => {
    order.lines.forEach((line, i) => {
      if (line.sku === null && order.status !== 'needs_attention' && order.status !== 'cancelled') {
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'sku'],
          message: `is unresolved, so the order must be needs_attention, not ${order.status}`,
        });
      }
    });
    try {
      const expected = computeOrderTotals(order);
      for (const key of Object.keys(expected) as (keyof OrderTotals)[]) {
        // Named apart from an amount gap: equal digits in two currencies would otherwise read "is 56.23 but the lines compute 56.23".
        if (expected[key].currency !== order.totals[key].currency) {
          ctx.addIssue({
            code: 'custom',
            path: ['totals', key, 'currency'],
            message: `is ${order.totals[key].currency} but the order and its lines are in ${expected[key].currency}`,
          });
        } else if (expected[key].amountMinor !== order.totals[key].amountMinor) {
          ctx.addIssue({
            code: 'custom',
            path: ['totals', key],
            message: `is ${formatDecimalMoney(order.totals[key])} but the lines compute ${formatDecimalMoney(expected[key])}`,
          });
        }
      }
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: (error as Error).message });
    }
  }),
);
export type Order = z.infer<typeof Order>;

/** Computes what an order's totals must be from its lines, shipping and fees; throws on mixed currencies. */
export function computeOrderTotals(
  order: Pick<Order, 'currency' | 'lines' | 'shipping' | 'taxesIncluded'>,
): OrderTotals {
  const { currency, lines, shipping } = order;
  // Plain loops over the amounts, in the order sumMoney would add them (every order is totalled at the edge).
  let linesMinor = 0;
  let shippingMinor = 0;
  let discountsMinor = 0;
  let taxMinor = 0;
  for (const line of lines) linesMinor += minorUnitsIn(currency, line.unitPrice) * line.quantity;
  for (const s of shipping) shippingMinor += minorUnitsIn(currency, s.price);
  for (const line of lines) discountsMinor += minorUnitsIn(currency, line.discount);
  for (const s of shipping) discountsMinor += minorUnitsIn(currency, s.discount);
  for (const line of lines) for (const tax of line.taxes) taxMinor += minorUnitsIn(currency, tax.amount);
  for (const s of shipping) for (const tax of s.taxes) taxMinor += minorUnitsIn(currency, tax.amount);
  const taxAdded = order.taxesIncluded ? 0 : taxMinor;
  return {
    lines: { amountMinor: linesMinor, currency },
    shipping: { amountMinor: shippingMinor, currency },
    discounts: { amountMinor: discountsMinor, currency },
    tax: { amountMinor: taxMinor, currency },
    total: { amountMinor: linesMinor + shippingMinor + taxAdded - discountsMinor, currency },
  };
}

/**
 * The fabric's order id for a channel order: deterministic, so that every retry of a delivery and
 * every replay converges on one order without a read, and the webhook can answer with the id before
 * the order is stored.
 */
export function orderIdFor(channel: SalesChannel, channelOrderId: string): string {
  const key = `${channel}\u0000${channelOrderId}`;
  // The edge asks twice per order (the intake, then the channel's mapper): the second answer is the first.
  if (key === lastOrderId.key) return lastOrderId.orderId;
  // The one-shot hash, asked for in hex: a Hash object, or a Buffer out, costs three to four times as much.
  const orderId = `ord_${base32OfHex(hash('sha256', key, 'hex'), ORDER_ID_CHARS)}`;
  lastOrderId = { key, orderId };
  return orderId;
}

/** The base32 characters of an order id: 130 of the hash's bits. */
const ORDER_ID_CHARS = 26;

let lastOrderId = { key: '', orderId: '' };

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The first `chars` base32 characters (RFC 4648 alphabet, lower case, no padding) of the bytes a hex string spells. */
function base32OfHex(hex: string, chars: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (let i = 0; out.length < chars; i += 1) {
    const code = hex.charCodeAt(i); // 0-9 are 48-57, a-f 97-102: node writes hex in lower case
    value = ((value << 4) | (code <= 57 ? code - 48 : code - 87)) & 0xff;
    bits += 4;
    if (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
