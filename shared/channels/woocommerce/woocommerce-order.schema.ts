import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { NumericChannelId } from '../channel-ids';

/**
 * WooCommerce's schemas, built on the first parse of any of them rather than when the module loads:
 * the functions that import every channel (the webhook, order fetch and catch-up, the ops APIs that
 * reprocess an order) would otherwise build all six channels' schemas at each cold start (issue 27).
 */
const schemas = once(() => {
  /*
   * The part of WooCommerce's REST API v3 order resource (what order.created / order.updated webhooks
   * deliver, "exactly as if requested via the REST API") that the fabric reads. Money is decimal strings
   * in the order currency; line `subtotal` and `total` exclude tax even when the store enters prices with
   * tax (`prices_include_tax`); `price` is a float and is never read.
   */
  const Decimal = z.string().check(z.regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "19.99"'));

  /** WooCommerce's *_gmt timestamps carry no offset; they are UTC. */
  const GmtTimestamp = z
    .string()
    .check(z.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, 'must be a UTC timestamp such as "2025-03-14T14:26:55"'));

  /**
   * A line's tax at one rate (`id` is the rate id). A store that rounds tax at the subtotal sends `total`
   * unrounded ("1.125"); the rate's rounded figure is then only in `tax_lines`.
   */
  const TaxShare = z.object({
    id: NumericChannelId,
    total: z.union([Decimal, z.literal('')]),
    subtotal: z.optional(z.union([Decimal, z.literal('')])),
  });

  const Address = z.object({
    first_name: z.optional(z.string()),
    last_name: z.optional(z.string()),
    company: z.optional(z.string()),
    address_1: z.optional(z.string()),
    address_2: z.optional(z.string()),
    city: z.optional(z.string()),
    state: z.optional(z.string()),
    postcode: z.optional(z.string()),
    country: z.optional(z.string()),
    email: z.optional(z.nullable(z.string())),
    phone: z.optional(z.string()),
  });

  const WooCommerceOrderPayload = z.object({
    id: NumericChannelId,
    number: z.optional(z.string()),
    status: z.string(),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
    date_created_gmt: GmtTimestamp,
    date_modified_gmt: GmtTimestamp,
    prices_include_tax: z.boolean(),
    total: Decimal,
    billing: z.optional(Address),
    shipping: z.optional(Address),
    line_items: z
      .array(
        z.object({
          id: NumericChannelId,
          name: z.optional(z.string()),
          product_id: NumericChannelId,
          variation_id: NumericChannelId,
          /** Checked by the mapper, so a negative quantity holds the order with the field named. */
          quantity: z.number().check(z.int()),
          /** The line before discounts, all units, tax excluded. */
          subtotal: Decimal,
          subtotal_tax: Decimal,
          /** The line after discounts, all units, tax excluded. */
          total: Decimal,
          total_tax: Decimal,
          taxes: z._default(z.array(TaxShare), []),
          sku: z.optional(z.nullable(z.string())),
        }),
      )
      .check(z.minLength(1)),
    tax_lines: z._default(
      z.array(
        z.object({
          rate_id: NumericChannelId,
          label: z.string(),
          rate_percent: z.optional(z.number().check(z.nonnegative())),
          /** The rate's tax on the line items, rounded to the currency, where `taxes[].total` may not be. */
          tax_total: z.optional(Decimal),
          shipping_tax_total: z.optional(Decimal),
        }),
      ),
      [],
    ),
    shipping_lines: z._default(
      z.array(
        z.object({
          id: NumericChannelId,
          method_title: z.optional(z.string()),
          /** `local_pickup` (the classic method) or `pickup_location` (the Checkout block's Local Pickup) for a pickup. */
          method_id: z.optional(z.string()),
          /** The Checkout block's Local Pickup records the chosen location's name under `pickup_location`. */
          meta_data: z._default(z.array(z.looseObject({ key: z.string(), value: z.unknown() })), []),
          /** Tax excluded, always. */
          total: Decimal,
          total_tax: Decimal,
          taxes: z._default(z.array(TaxShare), []),
        }),
      ),
      [],
    ),
    fee_lines: z._default(
      z.array(z.object({ id: NumericChannelId, name: z.optional(z.string()), total: Decimal, total_tax: Decimal })),
      [],
    ),
    refunds: z._default(
      z.array(z.object({ id: NumericChannelId, reason: z.optional(z.nullable(z.string())), total: Decimal })),
      [],
    ),
  });

  return { WooCommerceOrderPayload };
});
type Schemas = ReturnType<typeof schemas>;

export const WooCommerceOrderPayload = /* @__PURE__ */ z.lazy(() => schemas().WooCommerceOrderPayload);
export type WooCommerceOrderPayload = z.infer<Schemas['WooCommerceOrderPayload']>;
