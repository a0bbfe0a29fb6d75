import * as z from '#domain/kernel/schema';
import type { OrderFeed, PulledPage, PullWindow } from '#domain/intake/order-pull';
import type { FieldIssue } from '#domain/kernel/validation';
import { formatIssues } from '#domain/kernel/validation';
import type { ShopifyAdminApi } from './inventory-api';
import { ShopifyOrderPayload } from './shopify-order.schema';
import { gidTail, shopifyOrderMapper } from './shopify-webhook.adapter';
import {
  SHOPIFY_LINE_ITEM_FIELDS,
  SHOPIFY_ORDER_FIELDS,
  SHOPIFY_SHIPPING_LINE_FIELDS,
  ShopifyGraphqlLineItem,
  ShopifyGraphqlOrder,
  ShopifyGraphqlShippingLine,
  ShopifyPageInfo,
  shopifyWebhookOrder,
} from './graphql-order';

/*
 * Page sizes kept under Shopify's 1,000-point ceiling on one query's requested cost (an object costs
 * 1, a connection 2 plus `first` times its node): a line item as selected is about 10 points, a
 * shipping line 9, an order 8 besides its lines, so 8 orders of 5 line items and 2 shipping lines
 * request about 660. Shopify charges what was returned, not what was requested, so small orders cost
 * far less; an order with more lines has the rest read by further calls of up to 50 lines (about 500).
 */
/** Orders per page of the catch-up pull. */
export const SHOPIFY_ORDERS_PAGE_LIMIT = 8;
const LINE_ITEMS_PER_ORDER = 5;
const SHIPPING_LINES_PER_ORDER = 2;
const MORE_LINES_PER_CALL = 50;

const ORDERS_UPDATED = `query FabricOrdersUpdated($first: Int!, $after: String, $query: String!, $lineItems: Int!, $shippingLines: Int!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { ${SHOPIFY_ORDER_FIELDS} }
  }
}`;

/** The rest of one order's line items or shipping lines, after what the orders page held. */
const MORE_LINES = {
  lineItems: {
    query: `query FabricOrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) { lineItems(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${SHOPIFY_LINE_ITEM_FIELDS} } } }
}`,
    node: ShopifyGraphqlLineItem,
  },
  shippingLines: {
    query: `query FabricOrderShippingLines($id: ID!, $first: Int!, $after: String) {
  order(id: $id) { shippingLines(first: $first, after: $after, includeRemovals: true) { pageInfo { hasNextPage endCursor } nodes { ${SHOPIFY_SHIPPING_LINE_FIELDS} } } }
}`,
    node: ShopifyGraphqlShippingLine,
  },
} as const;

const OrdersPage = z.object({
  orders: z.object({ pageInfo: ShopifyPageInfo, nodes: z.array(z.unknown()) }),
});

type PulledEntry = PulledPage<ShopifyOrderPayload>['orders'][number];

/**
 * Shopify orders modified in a window, from the Admin GraphQL API (`orders` sorted by UPDATED_AT,
 * filtered by an `updated_at` search, paged by cursor), each converted to the webhook's shape and
 * validated by the webhook's schema, so it goes through shopifyOrderMapper as a delivered one does.
 * Its version is its `updatedAt`. An order that does not fit the schema is listed as invalid rather
 * than failing the page; a failing call throws ChannelApiError (THROTTLED is waited out by the client).
 */
export function shopifyOrderFeed(
  api: ShopifyAdminApi,
  { connector, pageSize = SHOPIFY_ORDERS_PAGE_LIMIT }: { connector: string; pageSize?: number },
): OrderFeed<ShopifyOrderPayload> {
  return {
    channel: 'shopify',
    connector,
    mapper: shopifyOrderMapper,
    async fetchPage(window, page) {
      const data = await api.graphql(ORDERS_UPDATED, {
        first: Math.min(pageSize, SHOPIFY_ORDERS_PAGE_LIMIT),
        after: page ?? null,
        query: updatedWithin(window),
        lineItems: LINE_ITEMS_PER_ORDER,
        shippingLines: SHIPPING_LINES_PER_ORDER,
      });
      const { orders } = OrdersPage.parse(data);
      const further: unknown[] = [];
      const entries: PulledEntry[] = [];
      for (const [i, candidate] of orders.nodes.entries())
        entries.push(await readOrder(api, candidate, further, `unreadable-${page ?? 'first'}-${i}`));
      return {
        orders: entries,
        raw: further.length > 0 ? { ...(data as object), further } : data,
        ...(orders.pageInfo.hasNextPage && orders.pageInfo.endCursor ? { nextPage: orders.pageInfo.endCursor } : {}),
      };
    },
  };
}

/**
 * Shopify's search syntax over updated_at, to the second it keeps: the window widened to whole
 * seconds, since an order seen twice is a duplicate and one missed is lost.
 */
export function updatedWithin(window: PullWindow): string {
  const second = (iso: string, round: (n: number) => number) =>
    new Date(round(Date.parse(iso) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return `updated_at:>='${second(window.from, Math.floor)}' AND updated_at:<'${second(window.to, Math.ceil)}'`;
}

async function readOrder(
  api: ShopifyAdminApi,
  candidate: unknown,
  further: unknown[],
  unreadableId: string,
): Promise<PulledEntry> {
  const invalid = (issues: FieldIssue[]): PulledEntry => {
    const node = candidate as { legacyResourceId?: unknown; id?: unknown } | null;
    const id =
      typeof node?.legacyResourceId === 'string'
        ? node.legacyResourceId
        : typeof node?.id === 'string'
          ? gidTail(node.id)
          : undefined;
    return { kind: 'invalid', channelOrderId: id ?? unreadableId, issues };
  };
  const parsed = ShopifyGraphqlOrder.safeParse(candidate);
  if (!parsed.success) return invalid(formatIssues(parsed.error));
  const order = parsed.data;
  for (const field of ['lineItems', 'shippingLines'] as const) {
    const complete = await readAllLines(api, order, field, further);
    if (!complete) return invalid([{ path: field, message: 'the order was gone before all its lines were read' }]);
  }
  const payload = ShopifyOrderPayload.safeParse(shopifyWebhookOrder(order));
  if (!payload.success) return invalid(formatIssues(payload.error));
  return {
    kind: 'order',
    channelOrderId: shopifyOrderMapper.channelOrderId(payload.data),
    version: order.updatedAt,
    payload: payload.data,
  };
}

/** Appends an order's further lines to its connection; false if the order vanished meanwhile. */
async function readAllLines(
  api: ShopifyAdminApi,
  order: ShopifyGraphqlOrder,
  field: keyof typeof MORE_LINES,
  further: unknown[],
): Promise<boolean> {
  const lines = order[field] as { pageInfo: z.infer<typeof ShopifyPageInfo>; nodes: unknown[] };
  const { query, node } = MORE_LINES[field];
  const Answer = z.object({
    order: z.nullable(z.object({ [field]: z.object({ pageInfo: ShopifyPageInfo, nodes: z.array(node) }) })),
  });
  while (lines.pageInfo.hasNextPage && lines.pageInfo.endCursor) {
    const data = await api.graphql(query, {
      id: order.id,
      first: MORE_LINES_PER_CALL,
      after: lines.pageInfo.endCursor,
    });
    further.push(data);
    const more = Answer.parse(data).order?.[field];
    if (!more) return false;
    lines.nodes.push(...more.nodes);
    lines.pageInfo = more.pageInfo;
  }
  return true;
}
