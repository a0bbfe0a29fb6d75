import { createHash } from 'node:crypto';
import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { walmartOrderVersion } from '#shared/channels/walmart/walmart-order.mapper';
import { WalmartOrder } from '#shared/channels/walmart/walmart-order.schema';
import type { StubAnswer, StubRequest } from './channel-api-stub';
import { squareError, walmartCallRefused, walmartError } from './outbound-channel-stub';

/** The orders the channel API stub already holds for the fetch path, which the listings read. */
export interface ListedOrderSources {
  square: { orders: Map<string, unknown> };
  amazon: { orders: Map<string, { order: unknown; items: unknown[] }> };
  walmart: { orders: Map<string, unknown> };
}

type Json = Record<string, any>;

/**
 * The order searches the catch-up pull calls, in each channel's documented shape, over the orders the
 * stub holds, by the last-modified time each order carries:
 * - WooCommerce GET /wp-json/wc/v3/orders?modified_after&modified_before&dates_are_gmt&orderby&order
 *   &per_page&page (consumer key as Basic auth): `date_modified_gmt` strictly inside the bounds, with
 *   X-WP-Total and X-WP-TotalPages; the orders are those `putWooCommerceOrder` put in;
 * - Walmart GET /v3/orders?lastModifiedStartDate&lastModifiedEndDate&limit: the purchase orders whose
 *   latest order or line status date is in the range (inclusive), `{ list: { meta, elements } }` with
 *   `meta.nextCursor` the next page's query string;
 * - Square GET /v2/locations and POST /v2/orders/search (location_ids, date_time_filter.updated_at,
 *   sort by UPDATED_AT, limit, cursor, return_entries): `updated_at` in [start_at, end_at];
 * - Amazon GET /orders/v0/orders?MarketplaceIds&LastUpdatedAfter&LastUpdatedBefore&MaxResultsPerPage,
 *   then NextToken: `LastUpdateDate` in the range (at or after, at or before, as Amazon documents).
 * Every cursor is bound to the query that made it, and a page asked with another query is refused as
 * the channel refuses it.
 */
export class OrderListingStub {
  /** WooCommerce orders by id, in the REST (and order webhook) shape. */
  readonly wooCommerceOrders = new Map<string, Json>();

  constructor(
    private readonly sources: ListedOrderSources,
    private readonly isIssuedToken: (token: string) => boolean,
  ) {}

  /** Puts a WooCommerce order (the REST resource, as the order webhooks deliver it) in the store, replacing its earlier version. */
  putWooCommerceOrder(payload: Json): void {
    this.wooCommerceOrders.set(String(payload.id), payload);
  }

  /** Answers the listing routes; undefined for any other request. */
  route(request: StubRequest): StubAnswer | undefined {
    const { method, url } = request;
    if (method === 'GET' && url.pathname === '/wp-json/wc/v3/orders') return this.wooCommerce(request);
    if (method === 'GET' && url.pathname === '/v3/orders') return this.walmart(request);
    if (method === 'GET' && url.pathname === '/v2/locations') return this.squareLocations(request);
    if (method === 'POST' && url.pathname === '/v2/orders/search') return this.squareSearch(request);
    if (method === 'GET' && url.pathname === '/orders/v0/orders') return this.amazon(request);
    return undefined;
  }

  private wooCommerce(request: StubRequest): StubAnswer {
    const dev = DEVELOPMENT_API_CREDENTIALS.woocommerce!;
    if (
      request.headers.authorization !==
      `Basic ${Buffer.from(`${dev.consumerKey}:${dev.consumerSecret}`).toString('base64')}`
    )
      return wooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    const query = request.url.searchParams;
    const gmt = query.get('dates_are_gmt') === 'true';
    const bound = (name: string) => {
      const value = query.get(name);
      if (value === null) return undefined;
      // WordPress reads a date without an offset in the site's zone, or in GMT with dates_are_gmt.
      const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || !gmt ? value : `${value}Z`);
      return Number.isNaN(at) ? null : at;
    };
    const after = bound('modified_after');
    const before = bound('modified_before');
    if (after === null || before === null)
      return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): modified_after, modified_before');
    const perPage = Number(query.get('per_page') ?? 10);
    const page = Number(query.get('page') ?? 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100 || !Number.isInteger(page) || page < 1)
      return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page, page');
    const modified = (order: Json) =>
      Date.parse(`${gmt ? order.date_modified_gmt : (order.date_modified ?? order.date_modified_gmt)}Z`);
    const matching = [...this.wooCommerceOrders.values()]
      .filter(
        (order) =>
          (after === undefined || modified(order) > after) && (before === undefined || modified(order) < before),
      )
      .sort((a, b) => {
        const by = query.get('orderby') === 'modified' ? modified(a) - modified(b) || a.id - b.id : a.id - b.id;
        return query.get('order') === 'asc' ? by : -by;
      });
    return {
      status: 200,
      headers: {
        'x-wp-total': String(matching.length),
        'x-wp-totalpages': String(Math.ceil(matching.length / perPage)),
      },
      body: matching.slice((page - 1) * perPage, page * perPage),
    };
  }

  private walmart(request: StubRequest): StubAnswer {
    const refused = walmartCallRefused(request, this.isIssuedToken);
    if (refused) return refused;
    const query = request.url.searchParams;
    const start = query.get('lastModifiedStartDate');
    const end = query.get('lastModifiedEndDate');
    const limit = Number(query.get('limit') ?? 100);
    const offset = Number(query.get('soIndex') ?? 0);
    if (!start || Number.isNaN(Date.parse(start)) || (end && Number.isNaN(Date.parse(end))))
      return walmartError(
        400,
        'INVALID_REQUEST_PARAM.GMP_ORDER_API',
        'lastModifiedStartDate is required and must be a date',
      );
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return walmartError(400, 'INVALID_REQUEST_PARAM.GMP_ORDER_API', 'limit must be 1 to 200');
    const [from, to] = [Date.parse(start), end ? Date.parse(end) : Infinity];
    const matching = [...this.sources.walmart.orders.values()]
      .map((order) => ({ order: order as Json, modified: walmartLastModified(order) }))
      .filter(({ modified }) => modified >= from && modified <= to)
      .sort(
        (a, b) =>
          a.modified - b.modified || String(a.order.purchaseOrderId).localeCompare(String(b.order.purchaseOrderId)),
      );
    const page = matching.slice(offset, offset + limit).map(({ order }) => order);
    const next = new URLSearchParams({
      limit: String(limit),
      hasMoreElements: 'true',
      soIndex: String(offset + limit),
      lastModifiedStartDate: start,
      ...(end ? { lastModifiedEndDate: end } : {}),
    });
    return {
      status: 200,
      body: {
        list: {
          meta: {
            totalCount: matching.length,
            limit,
            ...(offset + limit < matching.length ? { nextCursor: `?${next}` } : {}),
          },
          elements: { order: page },
        },
      },
    };
  }

  private squareLocations(request: StubRequest): StubAnswer {
    if (!this.squareAuthorised(request))
      return squareError(401, 'UNAUTHORIZED', 'This request could not be authorized.');
    const ids = new Set([...this.sources.square.orders.values()].map((order) => String((order as Json).location_id)));
    return {
      status: 200,
      body: { locations: [...ids].sort().map((id) => ({ id, name: `Location ${id}`, status: 'ACTIVE' })) },
    };
  }

  private squareSearch(request: StubRequest): StubAnswer {
    if (!this.squareAuthorised(request))
      return squareError(401, 'UNAUTHORIZED', 'This request could not be authorized.');
    const body = JSON.parse(request.body || '{}') as Json;
    const locations = body.location_ids as unknown;
    if (!Array.isArray(locations) || locations.length === 0 || locations.length > 10)
      return squareError(400, 'INVALID_VALUE', 'location_ids must name 1 to 10 locations.');
    const range = body.query?.filter?.date_time_filter?.updated_at as Json | undefined;
    if (range && body.query?.sort?.sort_field !== 'UPDATED_AT')
      return squareError(400, 'INVALID_SORT_ORDER', 'A date_time_filter on updated_at must sort by UPDATED_AT.');
    const limit = Number(body.limit ?? 500);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return squareError(400, 'INVALID_VALUE', 'limit must be 1 to 1000.');
    const queryKey = digest({ locations, query: body.query ?? null, limit });
    let offset = 0;
    if (body.cursor !== undefined) {
      const cursor = readCursor(body.cursor);
      if (!cursor || cursor.key !== queryKey)
        return squareError(400, 'INVALID_CURSOR', 'The cursor does not belong to this query.');
      offset = cursor.offset;
    }
    const [from, to] = [
      range?.start_at ? Date.parse(range.start_at) : -Infinity,
      range?.end_at ? Date.parse(range.end_at) : Infinity,
    ];
    const descending = body.query?.sort?.sort_order === 'DESC';
    const matching = [...this.sources.square.orders.values()]
      .map((order) => order as Json)
      .filter((order) => locations.includes(order.location_id))
      .filter((order) => Date.parse(order.updated_at) >= from && Date.parse(order.updated_at) <= to)
      .sort((a, b) => {
        const by = Date.parse(a.updated_at) - Date.parse(b.updated_at) || String(a.id).localeCompare(String(b.id));
        return descending ? -by : by;
      });
    const page = matching.slice(offset, offset + limit);
    return {
      status: 200,
      body: {
        ...(body.return_entries
          ? {
              order_entries: page.map((order) => ({
                order_id: order.id,
                version: order.version,
                location_id: order.location_id,
              })),
            }
          : { orders: page }),
        ...(offset + limit < matching.length ? { cursor: writeCursor({ key: queryKey, offset: offset + limit }) } : {}),
      },
    };
  }

  private amazon(request: StubRequest): StubAnswer {
    if (!this.isIssuedToken(String(request.headers['x-amz-access-token'])))
      return amazonError(403, 'Unauthorized', 'Access to requested resource is denied.');
    const query = request.url.searchParams;
    const marketplaces = (query.get('MarketplaceIds') ?? '').split(',').filter(Boolean);
    if (marketplaces.length === 0) return amazonError(400, 'InvalidInput', 'MarketplaceIds is required.');
    let search: { after: string; before?: string; limit: number; offset: number };
    const token = query.get('NextToken');
    if (token) {
      const cursor = readCursor(token);
      if (!cursor || cursor.key !== digest(marketplaces)) return amazonError(400, 'InvalidInput', 'Invalid NextToken.');
      search = cursor.search as typeof search;
    } else {
      const after = query.get('LastUpdatedAfter');
      const before = query.get('LastUpdatedBefore') ?? undefined;
      const limit = Number(query.get('MaxResultsPerPage') ?? 100);
      if (!after || Number.isNaN(Date.parse(after)) || (before !== undefined && Number.isNaN(Date.parse(before))))
        return amazonError(400, 'InvalidInput', 'Either CreatedAfter or LastUpdatedAfter must be a date.');
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        return amazonError(400, 'InvalidInput', 'MaxResultsPerPage must be 1 to 100.');
      search = { after, ...(before ? { before } : {}), limit, offset: 0 };
    }
    const [from, to] = [Date.parse(search.after), search.before ? Date.parse(search.before) : Infinity];
    const matching = [...this.sources.amazon.orders.values()]
      .map(({ order }) => order as Json)
      .filter((order) => marketplaces.includes(order.MarketplaceId))
      .filter((order) => Date.parse(order.LastUpdateDate) >= from && Date.parse(order.LastUpdateDate) <= to)
      .sort(
        (a, b) =>
          Date.parse(a.LastUpdateDate) - Date.parse(b.LastUpdateDate) ||
          String(a.AmazonOrderId).localeCompare(String(b.AmazonOrderId)),
      );
    const end = search.offset + search.limit;
    return {
      status: 200,
      body: {
        payload: {
          Orders: matching.slice(search.offset, end),
          ...(end < matching.length
            ? { NextToken: writeCursor({ key: digest(marketplaces), offset: end, search: { ...search, offset: end } }) }
            : {}),
          ...(search.before ? { LastUpdatedBefore: search.before } : {}),
        },
      },
    };
  }

  private squareAuthorised(request: StubRequest): boolean {
    return request.headers.authorization === `Bearer ${DEVELOPMENT_API_CREDENTIALS.square!.accessToken}`;
  }
}

/** A Walmart order's last modification: its latest order or line status date, as the fabric reads it. */
function walmartLastModified(order: unknown): number {
  const parsed = WalmartOrder.safeParse(order);
  if (parsed.success) return Date.parse(walmartOrderVersion(parsed.data));
  // An order put in malformed on purpose is still listed, by the date it carries.
  return new Date((order as Json)?.orderDate ?? 0).getTime();
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

function writeCursor(cursor: { key: string; offset: number; search?: unknown }): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function readCursor(value: unknown): { key: string; offset: number; search?: unknown } | undefined {
  try {
    const cursor = JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8'));
    return typeof cursor?.key === 'string' && Number.isInteger(cursor.offset) ? cursor : undefined;
  } catch {
    return undefined;
  }
}

function wooError(status: number, code: string, message: string): StubAnswer {
  return { status, body: { code, message, data: { status } } };
}

function amazonError(status: number, code: string, message: string): StubAnswer {
  return { status, body: { errors: [{ code, message }] } };
}
