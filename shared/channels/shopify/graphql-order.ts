import * as z from '#domain/kernel/schema';
import type { ShopifyOrderPayload } from './shopify-order.schema';
import { gidTail } from './shopify-webhook.adapter';

/*
 * The Admin GraphQL Order as the catch-up pull asks for it, and its one conversion to the REST order
 * shape that webhooks deliver, so that shopifyOrderMapper maps an order found by the pull exactly as
 * it maps the same order delivered. Amounts are read in shop money: REST's `currency` and its decimal
 * strings are the shop's, presentment money is what the buyer saw. Decimal formats are checked once,
 * by the webhook schema, after the conversion, so a bad amount is named by its webhook field.
 */

const ShopMoney = z.object({ shopMoney: z.object({ amount: z.string() }) });
const TaxLine = z.object({ title: z.string(), rate: z.optional(z.nullable(z.number())), priceSet: ShopMoney });
const DiscountAllocation = z.object({ allocatedAmountSet: ShopMoney });
export const ShopifyPageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.nullable(z.string()) });

export const ShopifyGraphqlLineItem = z.object({
  id: z.string(),
  sku: z.nullable(z.string()),
  title: z.string(),
  /** Units ordered, removed and refunded ones included, as REST's `quantity`. */
  quantity: z.number().check(z.int()),
  variant: z.nullable(z.object({ legacyResourceId: z.string() })),
  originalUnitPriceSet: ShopMoney,
  taxLines: z.array(TaxLine),
  discountAllocations: z.array(DiscountAllocation),
});

export const ShopifyGraphqlShippingLine = z.object({
  title: z.string(),
  originalPriceSet: ShopMoney,
  taxLines: z.array(TaxLine),
  discountAllocations: z.array(DiscountAllocation),
});

/** Where Shopify records the delivery method: a local pickup is methodType PICK_UP at its assigned store. */
export const ShopifyGraphqlFulfillmentOrder = z.object({
  id: z.string(),
  deliveryMethod: z.nullable(z.object({ methodType: z.string() })),
  assignedLocation: z.object({ location: z.nullable(z.object({ legacyResourceId: z.string() })) }),
});

const MailingAddress = z.nullable(
  z.object({
    name: z.nullable(z.string()),
    company: z.nullable(z.string()),
    address1: z.nullable(z.string()),
    address2: z.nullable(z.string()),
    city: z.nullable(z.string()),
    provinceCode: z.nullable(z.string()),
    zip: z.nullable(z.string()),
    countryCodeV2: z.nullable(z.string()),
    phone: z.nullable(z.string()),
  }),
);

const connection = <T extends z.ZodMiniType>(node: T) => z.object({ pageInfo: ShopifyPageInfo, nodes: z.array(node) });

export const ShopifyGraphqlOrder = z.object({
  id: z.string(),
  legacyResourceId: z.string(),
  name: z.string(),
  email: z.nullable(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.nullable(z.string()),
  currencyCode: z.string(),
  taxesIncluded: z.boolean(),
  displayFinancialStatus: z.nullable(z.string()),
  totalPriceSet: ShopMoney,
  customer: z.nullable(z.object({ firstName: z.nullable(z.string()), lastName: z.nullable(z.string()) })),
  billingAddress: MailingAddress,
  shippingAddress: MailingAddress,
  lineItems: connection(ShopifyGraphqlLineItem),
  shippingLines: connection(ShopifyGraphqlShippingLine),
  /** The first FULFILLMENT_ORDERS_PER_ORDER; an order is split across that many stores and methods at most in practice. */
  fulfillmentOrders: z.object({ nodes: z.array(ShopifyGraphqlFulfillmentOrder) }),
});
export type ShopifyGraphqlOrder = z.infer<typeof ShopifyGraphqlOrder>;

const SHOP_MONEY = 'shopMoney { amount }';
const TAX_LINES = `taxLines { title rate priceSet { ${SHOP_MONEY} } }`;
const DISCOUNT_ALLOCATIONS = `discountAllocations { allocatedAmountSet { ${SHOP_MONEY} } }`;
const ADDRESS = 'name company address1 address2 city provinceCode zip countryCodeV2 phone';

/** The selection of a line item, for the orders query and for an order's further line items. */
export const SHOPIFY_LINE_ITEM_FIELDS = `id sku title quantity variant { legacyResourceId } originalUnitPriceSet { ${SHOP_MONEY} } ${TAX_LINES} ${DISCOUNT_ALLOCATIONS}`;
export const SHOPIFY_SHIPPING_LINE_FIELDS = `title originalPriceSet { ${SHOP_MONEY} } ${TAX_LINES} ${DISCOUNT_ALLOCATIONS}`;
const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';
const FULFILLMENT_ORDERS_PER_ORDER = 10;

/**
 * The selection of an order, with its first `$lineItems` line items and `$shippingLines` shipping
 * lines. Removed shipping lines are included because REST lists them too (`is_removed`); the
 * fulfillment orders carry the delivery method (a local pickup and its store).
 */
export const SHOPIFY_ORDER_FIELDS = `id legacyResourceId name email createdAt updatedAt cancelledAt currencyCode taxesIncluded displayFinancialStatus
  totalPriceSet { ${SHOP_MONEY} } customer { firstName lastName }
  billingAddress { ${ADDRESS} } shippingAddress { ${ADDRESS} }
  lineItems(first: $lineItems) { ${PAGE_INFO} nodes { ${SHOPIFY_LINE_ITEM_FIELDS} } }
  shippingLines(first: $shippingLines, includeRemovals: true) { ${PAGE_INFO} nodes { ${SHOPIFY_SHIPPING_LINE_FIELDS} } }
  fulfillmentOrders(first: ${FULFILLMENT_ORDERS_PER_ORDER}) { nodes { id deliveryMethod { methodType } assignedLocation { location { legacyResourceId } } } }`;

/**
 * The webhook (REST) shape of a GraphQL order whose line items and shipping lines are all read, for
 * ShopifyOrderPayload to validate and shopifyOrderMapper to map. Field for field: legacyResourceId is
 * REST's `id`, a line's `price` its original unit price, its tax and discount lines the whole line's,
 * `total_price` the total before returns. Fields the mapper does not read (refunds, fulfilment
 * status, presentment money) are not carried.
 */
export function shopifyWebhookOrder(order: ShopifyGraphqlOrder): z.input<typeof ShopifyOrderPayload> {
  const amount = (money: z.infer<typeof ShopMoney>) => money.shopMoney.amount;
  const taxLines = (lines: z.infer<typeof TaxLine>[]) =>
    lines.map((tax) => ({
      title: tax.title,
      price: amount(tax.priceSet),
      ...(tax.rate != null ? { rate: tax.rate } : {}),
    }));
  const discountAllocations = (allocations: z.infer<typeof DiscountAllocation>[]) =>
    allocations.map((allocation) => ({ amount: amount(allocation.allocatedAmountSet) }));
  const address = (mailing: z.infer<typeof MailingAddress>) =>
    mailing && {
      name: mailing.name,
      company: mailing.company,
      address1: mailing.address1,
      address2: mailing.address2,
      city: mailing.city,
      province_code: mailing.provinceCode,
      zip: mailing.zip,
      country_code: mailing.countryCodeV2,
      phone: mailing.phone,
    };
  return {
    id: order.legacyResourceId,
    admin_graphql_api_id: order.id,
    name: order.name,
    email: order.email,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    currency: order.currencyCode,
    taxes_included: order.taxesIncluded,
    total_price: amount(order.totalPriceSet),
    // REST's financial_status is the display status in lower case (paid, partially_refunded, ...).
    financial_status: order.displayFinancialStatus?.toLowerCase() ?? null,
    customer: order.customer && { first_name: order.customer.firstName, last_name: order.customer.lastName },
    line_items: order.lineItems.nodes.map((item) => ({
      id: gidTail(item.id) ?? item.id,
      admin_graphql_api_id: item.id,
      variant_id: item.variant?.legacyResourceId ?? null,
      sku: item.sku,
      title: item.title,
      quantity: item.quantity,
      price: amount(item.originalUnitPriceSet),
      discount_allocations: discountAllocations(item.discountAllocations),
      tax_lines: taxLines(item.taxLines),
    })),
    shipping_lines: order.shippingLines.nodes.map((line) => ({
      title: line.title,
      price: amount(line.originalPriceSet),
      discount_allocations: discountAllocations(line.discountAllocations),
      tax_lines: taxLines(line.taxLines),
    })),
    // REST's FulfillmentOrder: GraphQL's enum in lower case (PICK_UP is pick_up), the store by its REST id.
    fulfillment_orders: order.fulfillmentOrders.nodes.map((fulfillmentOrder) => ({
      id: gidTail(fulfillmentOrder.id) ?? fulfillmentOrder.id,
      assigned_location_id: fulfillmentOrder.assignedLocation.location?.legacyResourceId ?? null,
      delivery_method: fulfillmentOrder.deliveryMethod && {
        method_type: fulfillmentOrder.deliveryMethod.methodType.toLowerCase(),
      },
    })),
    billing_address: address(order.billingAddress),
    shipping_address: address(order.shippingAddress),
  };
}
