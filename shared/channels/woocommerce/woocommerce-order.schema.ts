import * as z from 'zod';
import { NumericChannelId } from '../channel-ids';

/*
 * The part of WooCommerce's REST API v3 order resource (what order.created / order.updated webhooks
 * deliver, "exactly as if requested via the REST API") that the fabric reads. Money is decimal strings
 * in the order currency; line `subtotal` and `total` exclude tax even when the store enters prices with
 * tax (`prices_include_tax`); `price` is a float and is never read.
 */
const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "19.99"');
/** WooCommerce's *_gmt timestamps carry no offset; they are UTC. */
const GmtTimestamp = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, 'must be a UTC timestamp such as "2025-03-14T14:26:55"');

/**
 * A line's tax at one rate (`id` is the rate id). A store that rounds tax at the subtotal sends `total`
 * unrounded ("1.125"); the rate's rounded figure is then only in `tax_lines`.
 */
const TaxShare = z.object({
  id: NumericChannelId,
  total: z.union([Decimal, z.literal('')]),
  subtotal: z.union([Decimal, z.literal('')]).optional(),
});

const Address = z.object({
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  company: z.string().optional(),
  address_1: z.string().optional(),
  address_2: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postcode: z.string().optional(),
  country: z.string().optional(),
  email: z.string().nullable().optional(),
  phone: z.string().optional(),
});

export const WooCommerceOrderPayload = z.object({
  id: NumericChannelId,
  number: z.string().optional(),
  status: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  date_created_gmt: GmtTimestamp,
  date_modified_gmt: GmtTimestamp,
  prices_include_tax: z.boolean(),
  total: Decimal,
  billing: Address.optional(),
  shipping: Address.optional(),
  line_items: z
    .array(
      z.object({
        id: NumericChannelId,
        name: z.string().optional(),
        product_id: NumericChannelId,
        variation_id: NumericChannelId,
        /** Checked by the mapper, so a negative quantity holds the order with the field named. */
        quantity: z.number().int(),
        /** The line before discounts, all units, tax excluded. */
        subtotal: Decimal,
        subtotal_tax: Decimal,
        /** The line after discounts, all units, tax excluded. */
        total: Decimal,
        total_tax: Decimal,
        taxes: z.array(TaxShare).default([]),
        sku: z.string().nullable().optional(),
      }),
    )
    .min(1),
  tax_lines: z
    .array(
      z.object({
        rate_id: NumericChannelId,
        label: z.string(),
        rate_percent: z.number().nonnegative().optional(),
        /** The rate's tax on the line items, rounded to the currency, where `taxes[].total` may not be. */
        tax_total: Decimal.optional(),
        shipping_tax_total: Decimal.optional(),
      }),
    )
    .default([]),
  shipping_lines: z
    .array(
      z.object({
        id: NumericChannelId,
        method_title: z.string().optional(),
        /** `local_pickup` (the classic method) or `pickup_location` (the Checkout block's Local Pickup) for a pickup. */
        method_id: z.string().optional(),
        /** The Checkout block's Local Pickup records the chosen location's name under `pickup_location`. */
        meta_data: z.array(z.object({ key: z.string(), value: z.unknown() }).loose()).default([]),
        /** Tax excluded, always. */
        total: Decimal,
        total_tax: Decimal,
        taxes: z.array(TaxShare).default([]),
      }),
    )
    .default([]),
  fee_lines: z
    .array(z.object({ id: NumericChannelId, name: z.string().optional(), total: Decimal, total_tax: Decimal }))
    .default([]),
  refunds: z
    .array(z.object({ id: NumericChannelId, reason: z.string().nullable().optional(), total: Decimal }))
    .default([]),
});
export type WooCommerceOrderPayload = z.infer<typeof WooCommerceOrderPayload>;
