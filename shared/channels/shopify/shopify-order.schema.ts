import * as z from 'zod';
import { NumericChannelId } from '../channel-ids';

/*
 * The part of Shopify's REST order payload (orders/create, orders/updated, orders/cancelled webhooks)
 * that the fabric reads. Money is decimal strings in the shop currency; numeric ids exceed 2^53 (the
 * test notification's order is 820982911946154508), so they arrive as digit strings from
 * parseJsonExactly, and the string `admin_graphql_api_id` is preferred wherever Shopify sends one.
 */
const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "19.99"');
const ShopifyId = NumericChannelId;

const TaxLine = z.object({
  title: z.string(),
  price: Decimal,
  rate: z.number().nonnegative().optional(),
});

const DiscountAllocation = z.object({ amount: Decimal });

const LineItem = z.object({
  id: ShopifyId,
  admin_graphql_api_id: z.string().optional(),
  variant_id: ShopifyId.nullable().optional(),
  sku: z.string().nullable().optional(),
  title: z.string().optional(),
  /** Checked by the mapper, so a negative quantity holds the order with the field named. */
  quantity: z.number().int(),
  /** Unit price, before discounts. */
  price: Decimal,
  discount_allocations: z.array(DiscountAllocation).default([]),
  /** Taxes for the whole line (all units). */
  tax_lines: z.array(TaxLine).default([]),
});

const ShippingLine = z.object({
  title: z.string().optional(),
  price: Decimal,
  discount_allocations: z.array(DiscountAllocation).default([]),
  tax_lines: z.array(TaxLine).default([]),
});

/**
 * A fulfillment order of the order (REST FulfillmentOrder resource), as an order payload carries them
 * when they were asked for: where Shopify records the delivery method the buyer chose. A local pickup
 * is `delivery_method.method_type` `pick_up` at the store of `assigned_location_id`; the shipping line
 * alone names the store only by its title.
 */
const FulfillmentOrder = z.object({
  id: ShopifyId,
  assigned_location_id: ShopifyId.nullish(),
  status: z.string().optional(),
  delivery_method: z.object({ method_type: z.string() }).nullish(),
});

const Address = z.object({
  name: z.string().nullable().optional(),
  company: z.string().nullable().optional(),
  address1: z.string().nullable().optional(),
  address2: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  province_code: z.string().nullable().optional(),
  zip: z.string().nullable().optional(),
  country_code: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
});

export const ShopifyOrderPayload = z.object({
  id: ShopifyId,
  admin_graphql_api_id: z.string().optional(),
  name: z.string().optional(),
  email: z.string().nullable().optional(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
  cancelled_at: z.iso.datetime({ offset: true }).nullable().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  taxes_included: z.boolean(),
  total_price: Decimal,
  financial_status: z.string().nullable().optional(),
  customer: z
    .object({ first_name: z.string().nullable().optional(), last_name: z.string().nullable().optional() })
    .nullable()
    .optional(),
  line_items: z.array(LineItem).min(1),
  shipping_lines: z.array(ShippingLine).default([]),
  fulfillment_orders: z.array(FulfillmentOrder).default([]),
  billing_address: Address.nullable().optional(),
  shipping_address: Address.nullable().optional(),
});
export type ShopifyOrderPayload = z.infer<typeof ShopifyOrderPayload>;

/** Shopify's money in shop and presentment currencies; the fabric reads the shop money, which the order is kept in. */
const MoneySet = z.object({
  shop_money: z.object({ amount: Decimal, currency_code: z.string().regex(/^[A-Z]{3}$/) }),
});

/*
 * The refunds/create payload (REST Admin API refund resource). Float fields (`subtotal`, `total_tax`)
 * are ignored in favour of their `_set` decimal strings; the refunded money is what the successful
 * refund transactions returned.
 */
export const ShopifyRefundPayload = z.object({
  id: ShopifyId,
  admin_graphql_api_id: z.string().optional(),
  order_id: ShopifyId,
  created_at: z.iso.datetime({ offset: true }),
  processed_at: z.iso.datetime({ offset: true }).nullable().optional(),
  note: z.string().nullable().optional(),
  refund_line_items: z
    .array(
      z.object({
        id: ShopifyId,
        line_item_id: ShopifyId,
        quantity: z.number().int().nonnegative(),
        subtotal_set: MoneySet,
        total_tax_set: MoneySet,
        restock_type: z.enum(['no_restock', 'cancel', 'return', 'legacy_restock']).default('no_restock'),
        location_id: ShopifyId.nullish(),
        /** Read for `legacy_restock` only: restocking a fulfilled line is a return, an unfulfilled one a cancel. */
        line_item: z.object({ fulfillment_status: z.string().nullish() }).nullish(),
      }),
    )
    .default([]),
  /** Money not tied to a line: `shipping_refund` (negative: shipping given back) and `refund_discrepancy`. */
  order_adjustments: z
    .array(
      z.object({
        kind: z.string().min(1),
        reason: z.string().nullish(),
        amount_set: MoneySet,
        tax_amount_set: MoneySet,
      }),
    )
    .default([]),
  transactions: z
    .array(
      z.object({
        id: ShopifyId,
        kind: z.string(),
        status: z.string(),
        amount: Decimal,
        currency: z.string().regex(/^[A-Z]{3}$/),
      }),
    )
    .default([]),
});
export type ShopifyRefundPayload = z.infer<typeof ShopifyRefundPayload>;
