import type * as z from '#domain/kernel/schema';
import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { SHOPIFY_ADMIN_API_VERSION } from '#shared/channels/shopify/inventory-api';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { gidTail } from '#shared/channels/shopify/shopify-webhook.adapter';
import type {
  ShopifyGraphqlFulfillmentOrder,
  ShopifyGraphqlLineItem,
  ShopifyGraphqlOrder,
  ShopifyGraphqlShippingLine,
} from '#shared/channels/shopify/graphql-order';
import type { StubAnswer, StubRequest } from './channel-api-stub';

/** An order as the shop holds it: the GraphQL Order with all its lines (connections are cut per query). */
export type StoredShopifyOrder = Omit<ShopifyGraphqlOrder, 'lineItems' | 'shippingLines' | 'fulfillmentOrders'> & {
  lineItems: z.infer<typeof ShopifyGraphqlLineItem>[];
  shippingLines: z.infer<typeof ShopifyGraphqlShippingLine>[];
  fulfillmentOrders: z.infer<typeof ShopifyGraphqlFulfillmentOrder>[];
};

/**
 * Shopify's Admin GraphQL order listing, for the catch-up pull: `orders(first, after, sortKey:
 * UPDATED_AT, query: "updated_at:>='…' AND updated_at:<'…'")` and `order(id) { lineItems(first, after) }`
 * (or shippingLines), with cursor paging on every connection. It reads the operation it is sent and
 * answers only the fields selected, as GraphQL does, so a field the fabric forgets to ask for is missing
 * here too; a field Shopify's Order has not is refused with Shopify's undefinedField error. Cursors
 * are keys, not offsets (an order modified while pages are read moves, as on Shopify).
 */
export class ShopifyOrderListingStub {
  /** The shop's orders by id (legacyResourceId). */
  readonly orders = new Map<string, StoredShopifyOrder>();

  /**
   * Puts an order in the shop as its webhook payload (orders/create, orders/updated, the REST shape)
   * describes it, replacing an earlier version: what a later orders query lists, in GraphQL's shape.
   * The payload is read by the webhook's own schema; one it refuses throws the schema's error.
   */
  putShopifyOrder(webhookPayload: unknown): StoredShopifyOrder {
    const order = graphqlOrderOf(ShopifyOrderPayload.parse(webhookPayload));
    this.orders.set(order.legacyResourceId, order);
    return order;
  }

  /** Answers an orders listing or an order's further lines; undefined for any other request. */
  route(request: StubRequest): StubAnswer | undefined {
    if (request.method !== 'POST' || request.url.pathname !== `/admin/api/${SHOPIFY_ADMIN_API_VERSION}/graphql.json`)
      return undefined;
    const { query, variables = {} } = JSON.parse(request.body) as { query: string; variables?: Variables };
    if (!/^\s*query\b[^{]*\{\s*orders?\s*\(/.test(query)) return undefined;
    const [top] = parseOperation(query);
    const lines = top.selections?.some((field) => field.name === 'lineItems' || field.name === 'shippingLines');
    if (top.name === 'order' && !lines) return undefined;
    if (request.headers['x-shopify-access-token'] !== DEVELOPMENT_API_CREDENTIALS.shopify!.accessToken)
      return {
        status: 401,
        body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      };
    const args = resolve(top.args, variables);
    try {
      if (top.name === 'order') {
        const order = this.orders.get(gidTail(String(args.id)) ?? '');
        return { status: 200, body: { data: { order: order ? project(order, top.selections!, variables) : null } } };
      }
      if (args.sortKey !== 'UPDATED_AT')
        return graphqlError(`the stub sorts orders by UPDATED_AT only, not ${args.sortKey}`, 'BAD_REQUEST');
      const bounds = [...String(args.query ?? '').matchAll(/updated_at:(>=|<=|>|<)'([^']+)'/g)].map(
        ([, operator, at]) => [operator, Date.parse(at)] as const,
      );
      const matching = [...this.orders.values()]
        .filter((order) => bounds.every(([operator, at]) => compare(Date.parse(order.updatedAt), operator, at)))
        .map((order) => [`${order.updatedAt}#${order.legacyResourceId.padStart(20, '0')}`, order] as [string, unknown])
        .sort(([a], [b]) => a.localeCompare(b));
      const orders = page(matching, args.first, args.after);
      return { status: 200, body: { data: { orders: project(orders, top.selections!, variables) } } };
    } catch (error) {
      if (error instanceof GraphqlQueryError) return graphqlError(error.message, error.code);
      throw error;
    }
  }
}

type Variables = Record<string, unknown>;
type Value = { variable: string } | { literal: unknown };
interface Field {
  name: string;
  args: Record<string, Value>;
  selections?: Field[];
}

/** A query Shopify would refuse, answered as Shopify does: 200 with a GraphQL error and its code. */
class GraphqlQueryError extends Error {
  override name = 'GraphqlQueryError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The webhook's REST order in GraphQL's shape, as Shopify serializes it: UTC seconds, "25.0" decimals. */
function graphqlOrderOf(payload: ShopifyOrderPayload): StoredShopifyOrder {
  const money = (amount: string) => ({ shopMoney: { amount: shopifyDecimal(amount) } });
  const taxLines = (lines: { title: string; price: string; rate?: number }[]) =>
    lines.map((tax) => ({ title: tax.title, rate: tax.rate ?? null, priceSet: money(tax.price) }));
  const discountAllocations = (allocations: { amount: string }[]) =>
    allocations.map((allocation) => ({ allocatedAmountSet: money(allocation.amount) }));
  const address = (rest: ShopifyOrderPayload['billing_address']) =>
    rest
      ? {
          name: rest.name ?? null,
          company: rest.company ?? null,
          address1: rest.address1 ?? null,
          address2: rest.address2 ?? null,
          city: rest.city ?? null,
          provinceCode: rest.province_code ?? null,
          zip: rest.zip ?? null,
          countryCodeV2: rest.country_code ?? null,
          phone: rest.phone ?? null,
        }
      : null;
  const id = gidTail(payload.admin_graphql_api_id) ?? String(payload.id);
  return {
    id: `gid://shopify/Order/${id}`,
    legacyResourceId: id,
    name: payload.name ?? '',
    email: payload.email ?? null,
    createdAt: shopifyDateTime(payload.created_at),
    updatedAt: shopifyDateTime(payload.updated_at),
    cancelledAt: payload.cancelled_at ? shopifyDateTime(payload.cancelled_at) : null,
    currencyCode: payload.currency,
    taxesIncluded: payload.taxes_included,
    displayFinancialStatus: payload.financial_status?.toUpperCase() ?? null,
    totalPriceSet: money(payload.total_price),
    customer: payload.customer
      ? { firstName: payload.customer.first_name ?? null, lastName: payload.customer.last_name ?? null }
      : null,
    billingAddress: address(payload.billing_address),
    shippingAddress: address(payload.shipping_address),
    lineItems: payload.line_items.map((item) => ({
      id: item.admin_graphql_api_id ?? `gid://shopify/LineItem/${item.id}`,
      sku: item.sku ?? null,
      title: item.title ?? '',
      quantity: item.quantity,
      variant: item.variant_id != null ? { legacyResourceId: String(item.variant_id) } : null,
      originalUnitPriceSet: money(item.price),
      taxLines: taxLines(item.tax_lines),
      discountAllocations: discountAllocations(item.discount_allocations),
    })),
    shippingLines: payload.shipping_lines.map((line) => ({
      title: line.title ?? '',
      originalPriceSet: money(line.price),
      taxLines: taxLines(line.tax_lines),
      discountAllocations: discountAllocations(line.discount_allocations),
    })),
    fulfillmentOrders: payload.fulfillment_orders.map((fulfillmentOrder) => ({
      id: `gid://shopify/FulfillmentOrder/${fulfillmentOrder.id}`,
      deliveryMethod: fulfillmentOrder.delivery_method
        ? { methodType: fulfillmentOrder.delivery_method.method_type.toUpperCase() }
        : null,
      assignedLocation: {
        location:
          fulfillmentOrder.assigned_location_id != null
            ? { legacyResourceId: String(fulfillmentOrder.assigned_location_id) }
            : null,
      },
    })),
  };
}

/** Shopify's Decimal scalar drops trailing zeros but keeps one decimal: "25.00" is "25.0", "5600" is "5600.0". */
function shopifyDecimal(decimal: string): string {
  const [whole, fraction = ''] = decimal.split('.');
  return `${whole}.${fraction.replace(/0+$/, '') || '0'}`;
}

function shopifyDateTime(iso: string): string {
  return new Date(iso).toISOString().replace('.000Z', 'Z');
}

function compare(value: number, operator: string, bound: number): boolean {
  if (operator === '>=') return value >= bound;
  if (operator === '<=') return value <= bound;
  return operator === '>' ? value > bound : value < bound;
}

/** One page of a connection over keyed items in order; the cursor is the last item's key. */
function page(items: [string, unknown][], first: unknown, after: unknown) {
  const size = Number(first);
  if (!Number.isInteger(size) || size < 1 || size > 250)
    throw new GraphqlQueryError('first must be from 1 to 250', 'BAD_REQUEST');
  const key = typeof after === 'string' ? Buffer.from(after, 'base64url').toString('utf8') : undefined;
  const start = key === undefined ? 0 : items.findIndex(([candidate]) => candidate > key);
  const from = start === -1 ? items.length : start;
  const slice = items.slice(from, from + size);
  const last = slice.at(-1);
  return {
    pageInfo: {
      hasNextPage: from + size < items.length,
      endCursor: last ? Buffer.from(last[0]).toString('base64url') : null,
    },
    nodes: slice.map(([, item]) => item),
  };
}

/** Only the selected fields; a list field given `first` is a connection, cut to that page. */
function project(value: unknown, selections: Field[], variables: Variables): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, selections, variables));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    selections.map((field) => {
      const args = resolve(field.args, variables);
      let selected = (value as Record<string, unknown>)[field.name];
      if (selected === undefined)
        throw new GraphqlQueryError(`Field '${field.name}' doesn't exist on this type`, 'undefinedField');
      if (Array.isArray(selected) && args.first !== undefined)
        selected = page(
          selected.map((item, i) => [String(i).padStart(6, '0'), item]),
          args.first,
          args.after,
        );
      return [field.name, field.selections ? project(selected, field.selections, variables) : selected];
    }),
  );
}

function resolve(args: Record<string, Value>, variables: Variables): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).map(([name, value]) => [
      name,
      'variable' in value ? variables[value.variable] : value.literal,
    ]),
  );
}

/** The selections of a query operation without fragments or aliases: all the fabric sends. */
function parseOperation(query: string): Field[] {
  const tokens: string[] = query.match(/"(?:[^"\\]|\\.)*"|[{}():$@]|-?\d+(?:\.\d+)?|[A-Za-z_]\w*/g) ?? [];
  let at = tokens.indexOf('{');
  const next = () => tokens[at++];
  const selectionSet = (): Field[] => {
    next(); // {
    const fields: Field[] = [];
    while (tokens[at] !== '}') fields.push(field());
    next(); // }
    return fields;
  };
  const value = (): Value => {
    const token = next();
    if (token === '$') return { variable: next() };
    if (token.startsWith('"')) return { literal: JSON.parse(token) };
    if (/^-?\d/.test(token)) return { literal: Number(token) };
    return { literal: token === 'true' ? true : token === 'false' ? false : token === 'null' ? null : token };
  };
  const field = (): Field => {
    const name = next();
    const args: Record<string, Value> = {};
    if (tokens[at] === '(') {
      next();
      while (tokens[at] !== ')') {
        const argument = next();
        next(); // :
        args[argument] = value();
      }
      next();
    }
    return { name, args, ...(tokens[at] === '{' ? { selections: selectionSet() } : {}) };
  };
  return selectionSet();
}

function graphqlError(message: string, code: string): StubAnswer {
  return { status: 200, body: { errors: [{ message, extensions: { code } }] } };
}
