import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { NumericChannelId } from '../channel-ids';

/**
 * Shopify's schemas, built on the first parse of any of them rather than when the module loads:
 * the functions that import every channel (the webhook, order fetch and catch-up, the ops APIs that
 * reprocess an order) would otherwise build all six channels' schemas at each cold start (issue 27).
 */
const schemas = once(() => {
  /*
   * The part of Shopify's REST order payload (orders/create, orders/updated, orders/cancelled webhooks)
   * that the fabric reads. Money is decimal strings in the shop currency; numeric ids exceed 2^53 (the
   * test notification's order is 820982911946154508), so they arrive as digit strings from
   * parseJsonExactly, and the string `admin_graphql_api_id` is preferred wherever Shopify sends one.
   */
  const Decimal = z.string().check(z.regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "19.99"'));

  const ShopifyId = NumericChannelId;

  const TaxLine = z.object({
    title: z.string(),
    price: Decimal,
    rate: z.optional(z.number().check(z.nonnegative())),
  });

  const DiscountAllocation = z.object({ amount: Decimal });

  const LineItem = z.object({
    id: ShopifyId,
    admin_graphql_api_id: z.optional(z.string()),
    variant_id: z.optional(z.nullable(ShopifyId)),
    sku: z.optional(z.nullable(z.string())),
    title: z.optional(z.string()),
    /** Checked by the mapper, so a negative quantity holds the order with the field named. */
    quantity: z.number().check(z.int()),
    /** Unit price, before discounts. */
    price: Decimal,
    discount_allocations: z._default(z.array(DiscountAllocation), []),
    /** Taxes for the whole line (all units). */
    tax_lines: z._default(z.array(TaxLine), []),
  });

  const ShippingLine = z.object({
    title: z.optional(z.string()),
    price: Decimal,
    discount_allocations: z._default(z.array(DiscountAllocation), []),
    tax_lines: z._default(z.array(TaxLine), []),
  });

  /**
   * A fulfillment order of the order (REST FulfillmentOrder resource), as an order payload carries them
   * when they were asked for: where Shopify records the delivery method the buyer chose. A local pickup
   * is `delivery_method.method_type` `pick_up` at the store of `assigned_location_id`; the shipping line
   * alone names the store only by its title.
   */
  const FulfillmentOrder = z.object({
    id: ShopifyId,
    assigned_location_id: z.nullish(ShopifyId),
    status: z.optional(z.string()),
    delivery_method: z.nullish(z.object({ method_type: z.string() })),
  });

  const Address = z.object({
    name: z.optional(z.nullable(z.string())),
    company: z.optional(z.nullable(z.string())),
    address1: z.optional(z.nullable(z.string())),
    address2: z.optional(z.nullable(z.string())),
    city: z.optional(z.nullable(z.string())),
    province_code: z.optional(z.nullable(z.string())),
    zip: z.optional(z.nullable(z.string())),
    country_code: z.optional(z.nullable(z.string())),
    phone: z.optional(z.nullable(z.string())),
  });

  const ShopifyOrderPayload = z.object({
    id: ShopifyId,
    admin_graphql_api_id: z.optional(z.string()),
    name: z.optional(z.string()),
    email: z.optional(z.nullable(z.string())),
    created_at: z.iso.datetime({ offset: true }),
    updated_at: z.iso.datetime({ offset: true }),
    cancelled_at: z.optional(z.nullable(z.iso.datetime({ offset: true }))),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
    taxes_included: z.boolean(),
    total_price: Decimal,
    financial_status: z.optional(z.nullable(z.string())),
    customer: z.optional(
      z.nullable(
        z.object({ first_name: z.optional(z.nullable(z.string())), last_name: z.optional(z.nullable(z.string())) }),
      ),
    ),
    line_items: z.array(LineItem).check(z.minLength(1)),
    shipping_lines: z._default(z.array(ShippingLine), []),
    fulfillment_orders: z._default(z.array(FulfillmentOrder), []),
    billing_address: z.optional(z.nullable(Address)),
    shipping_address: z.optional(z.nullable(Address)),
  });

  /** Shopify's money in shop and presentment currencies; the fabric reads the shop money, which the order is kept in. */
  const MoneySet = z.object({
    shop_money: z.object({ amount: Decimal, currency_code: z.string().check(z.regex(/^[A-Z]{3}$/)) }),
  });

  /*
   * The refunds/create payload (REST Admin API refund resource). Float fields (`subtotal`, `total_tax`)
   * are ignored in favour of their `_set` decimal strings; the refunded money is what the successful
   * refund transactions returned.
   */
  const ShopifyRefundPayload = z.object({
    id: ShopifyId,
    admin_graphql_api_id: z.optional(z.string()),
    order_id: ShopifyId,
    created_at: z.iso.datetime({ offset: true }),
    processed_at: z.optional(z.nullable(z.iso.datetime({ offset: true }))),
    note: z.optional(z.nullable(z.string())),
    refund_line_items: z._default(
      z.array(
        z.object({
          id: ShopifyId,
          line_item_id: ShopifyId,
          quantity: z.number().check(z.int(), z.nonnegative()),
          subtotal_set: MoneySet,
          total_tax_set: MoneySet,
          restock_type: z._default(z.enum(['no_restock', 'cancel', 'return', 'legacy_restock']), 'no_restock'),
          location_id: z.nullish(ShopifyId),
          /** Read for `legacy_restock` only: restocking a fulfilled line is a return, an unfulfilled one a cancel. */
          line_item: z.nullish(z.object({ fulfillment_status: z.nullish(z.string()) })),
        }),
      ),
      [],
    ),
    /** Money not tied to a line: `shipping_refund` (negative: shipping given back) and `refund_discrepancy`. */
    order_adjustments: z._default(
      z.array(
        z.object({
          kind: z.string().check(z.minLength(1)),
          reason: z.nullish(z.string()),
          amount_set: MoneySet,
          tax_amount_set: MoneySet,
        }),
      ),
      [],
    ),
    transactions: z._default(
      z.array(
        z.object({
          id: ShopifyId,
          kind: z.string(),
          status: z.string(),
          amount: Decimal,
          currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
        }),
      ),
      [],
    ),
  });

  return { ShopifyOrderPayload, ShopifyRefundPayload };
});
type Schemas = ReturnType<typeof schemas>;

export const ShopifyOrderPayload = /* @__PURE__ */ z.lazy(() => schemas().ShopifyOrderPayload);
export type ShopifyOrderPayload = z.infer<Schemas['ShopifyOrderPayload']>;

export const ShopifyRefundPayload = /* @__PURE__ */ z.lazy(() => schemas().ShopifyRefundPayload);
export type ShopifyRefundPayload = z.infer<Schemas['ShopifyRefundPayload']>;
