import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { OutboundChannelStub } from './outbound-channel-stub';
import { PriceChannelStub } from './price-channel-stub';
import { OrderListingStub } from './order-listing-stub';
import { ShopifyOrderListingStub } from './shopify-order-listing-stub';
import { ShipBobStub } from './shipbob-stub';
import { closeNow, listenOnLoopback } from '../loopback/loopback-server';
import { StubState } from './stub-state';

/** A canned answer the stub gives instead of the real one, e.g. a 429 with Retry-After. */
export interface StubFault {
  method?: string;
  path: RegExp;
  /** Matched against the query string (`offset=2`), when given. */
  query?: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests get the fault; Infinity until cleared. */
  times: number;
}

export interface StubRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export type StubAnswer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Plays the channel APIs the fabric calls, on loopback, with the response shapes each channel
 * documents, serving whatever orders a test or `npm start` put in it:
 * - Square: GET /v2/orders/{id} (Bearer access token);
 * - Amazon: POST /auth/o2/token (Login with Amazon refresh-token grant), GET /orders/v0/orders/{id}
 *   and /orders/v0/orders/{id}/orderItems (x-amz-access-token);
 * - eBay: POST /identity/v1/oauth2/token (refresh-token and client-credentials grants),
 *   GET /sell/fulfillment/v1/order?filter=lastmodifieddate:[from..to]&limit&offset, GET
 *   /sell/fulfillment/v1/order/{id}, GET /commerce/notification/v1/public_key/{kid};
 * - Walmart: POST /v3/token (client credentials grant, Basic clientId:clientSecret), GET
 *   /v3/orders/{purchaseOrderId} (WM_SEC.ACCESS_TOKEN), both requiring WM_SVC.NAME and WM_QOS.CORRELATION_ID;
 * - Shopify: the GraphQL Admin orders listing by updated_at, see shopify-order-listing-stub.ts.
 * Order searches by last-modified time (WooCommerce, Walmart, Square, Amazon): see order-listing-stub.ts.
 * Credentials must be the development ones; tokens it issues are checked. `fail` injects faults (429
 * with Retry-After, 500) for the next matching requests; `requests` records every call.
 */
export class ChannelApiStub {
  readonly square = { orders: new Map<string, unknown>() };
  readonly amazon = { orders: new Map<string, { order: unknown; items: unknown[] }>() };
  readonly ebay = {
    orders: new Map<string, Record<string, unknown>>(),
    publicKeys: new Map<string, { algorithm: string; digest: string; key: string }>(),
  };
  readonly walmart = { orders: new Map<string, unknown>() };
  readonly requests: { method: string; path: string; status: number }[] = [];
  /** Inventory and fulfilment endpoints (every channel): see outbound-channel-stub.ts. */
  readonly outbound = new OutboundChannelStub((token) => this.issuedTokens.has(token), this.square.orders);
  /** Price endpoints (every channel): see price-channel-stub.ts. */
  readonly prices = new PriceChannelStub((token) => this.issuedTokens.has(token));
  /** The catch-up pull's order searches over the orders above, and WooCommerce's: `orderListing.putWooCommerceOrder(payload)`. */
  readonly orderListing = new OrderListingStub(
    { square: this.square, amazon: this.amazon, walmart: this.walmart },
    (token) => this.issuedTokens.has(token),
  );
  /** Shopify's orders for the catch-up pull's `orders` query: `shopifyOrders.putShopifyOrder(webhookPayload)`. */
  readonly shopifyOrders = new ShopifyOrderListingStub();
  /** ShipBob's Orders API, for the warehouse a 3PL runs: see shipbob-stub.ts. */
  readonly shipbob = new ShipBobStub();
  private readonly faults: StubFault[] = [];
  private readonly issuedTokens = new Set<string>();
  private readonly durable: StubState | undefined;
  private server: Server | undefined;
  url = '';

  /**
   * With a `stateFile`, the channels keep their orders, listings, fulfilments, prices and issued
   * tokens across restarts, written after every request; `requests` and `fail` are per run.
   */
  constructor(options: { stateFile?: string } = {}) {
    if (!options.stateFile) return;
    this.durable = new StubState(options.stateFile, {
      square: this.square,
      amazon: this.amazon,
      ebay: this.ebay,
      walmart: this.walmart,
      outbound: this.outbound,
      prices: this.prices,
      orderListing: this.orderListing,
      shopifyOrders: this.shopifyOrders,
      shipbob: this.shipbob,
      auth: { issuedTokens: this.issuedTokens },
    });
    this.durable.load();
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        if (!response.headersSent) answer(response, { status: 500, body: { message: (error as Error).message } });
      });
    });
    this.url = await listenOnLoopback(this.server, port, host);
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await closeNow(this.server);
    this.server = undefined;
  }

  /** Keeps what was put in the stub directly (the sample shop's orders) as a request would. */
  saveState(): void {
    this.durable?.save();
  }

  /** The next `times` requests matching `path` (and `method`) get this answer instead. */
  fail(fault: Omit<StubFault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests made to paths matching `path`. */
  callsTo(path: RegExp): { method: string; path: string; status: number }[] {
    return this.requests.filter((request) => path.test(request.path));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const stubRequest: StubRequest = {
      method: request.method ?? 'GET',
      url: new URL(request.url ?? '/', 'http://stub'),
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const fault = this.faults.find(
      (candidate) =>
        candidate.times > 0 &&
        candidate.path.test(stubRequest.url.pathname) &&
        (!candidate.query || candidate.query.test(stubRequest.url.search)) &&
        (!candidate.method || candidate.method === stubRequest.method),
    );
    if (fault) fault.times -= 1;
    const result = fault
      ? { status: fault.status, body: fault.body, ...(fault.headers ? { headers: fault.headers } : {}) }
      : this.route(stubRequest);
    this.requests.push({
      method: stubRequest.method,
      path: `${stubRequest.url.pathname}${stubRequest.url.search}`,
      status: result.status,
    });
    this.durable?.save();
    answer(response, result);
  }

  private route(request: StubRequest): StubAnswer {
    const { method, url } = request;
    const path = url.pathname;
    const priced = this.prices.route(request);
    if (priced) return priced;
    const searched = this.orderListing.route(request);
    if (searched) return searched;
    const listed = this.shopifyOrders.route(request);
    if (listed) return listed;
    const outbound = this.outbound.route(request);
    if (outbound) return outbound;
    const threePl = this.shipbob.route(request);
    if (threePl) return threePl;
    const getPath = (pattern: RegExp) => (method === 'GET' ? pattern.exec(path) : null);
    // Square
    const squareOrder = getPath(/^\/v2\/orders\/([^/]+)$/);
    if (squareOrder) {
      if (request.headers.authorization !== `Bearer ${DEVELOPMENT_API_CREDENTIALS.square!.accessToken}`)
        return squareError(401, 'UNAUTHORIZED', 'This request could not be authorized.');
      const order = this.square.orders.get(decodeURIComponent(squareOrder[1]));
      return order
        ? { status: 200, body: { order } }
        : squareError(404, 'NOT_FOUND', `Order with id ${squareOrder[1]} not found.`);
    }
    // Amazon: Login with Amazon, then Orders v0
    if (method === 'POST' && path === '/auth/o2/token') {
      const form = new URLSearchParams(request.body);
      const dev = DEVELOPMENT_API_CREDENTIALS.amazon!;
      if (
        form.get('grant_type') !== 'refresh_token' ||
        form.get('refresh_token') !== dev.refreshToken ||
        form.get('client_id') !== dev.clientId ||
        form.get('client_secret') !== dev.clientSecret
      ) {
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter' },
        };
      }
      return {
        status: 200,
        body: {
          access_token: this.issue('Atza|'),
          refresh_token: dev.refreshToken,
          token_type: 'bearer',
          expires_in: 3600,
        },
      };
    }
    const amazonOrder = getPath(/^\/orders\/v0\/orders\/([^/]+)(\/orderItems)?$/);
    if (amazonOrder) {
      if (!this.issuedTokens.has(String(request.headers['x-amz-access-token'])))
        return {
          status: 403,
          body: { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] },
        };
      const entry = this.amazon.orders.get(decodeURIComponent(amazonOrder[1]));
      if (!entry)
        return {
          status: 404,
          body: { errors: [{ code: 'NotFound', message: `Order ${amazonOrder[1]} was not found.` }] },
        };
      if (!amazonOrder[2]) return { status: 200, body: { payload: entry.order } };
      // Two items a page, so NextToken paging is exercised.
      const start = Number(url.searchParams.get('NextToken') ?? 0);
      const page = entry.items.slice(start, start + 2);
      return {
        status: 200,
        body: {
          payload: {
            AmazonOrderId: amazonOrder[1],
            OrderItems: page,
            ...(start + 2 < entry.items.length ? { NextToken: String(start + 2) } : {}),
          },
        },
      };
    }
    // eBay: OAuth, Fulfillment, Notification public keys
    if (method === 'POST' && path === '/identity/v1/oauth2/token') {
      const dev = DEVELOPMENT_API_CREDENTIALS.ebay!;
      const form = new URLSearchParams(request.body);
      const basic = `Basic ${Buffer.from(`${dev.clientId}:${dev.clientSecret}`).toString('base64')}`;
      const grantOk =
        form.get('grant_type') === 'client_credentials' ||
        (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === dev.refreshToken);
      if (request.headers.authorization !== basic || !grantOk)
        return { status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } };
      return {
        status: 200,
        body: {
          access_token: this.issue('v^1.1#i^1#'),
          expires_in: 7200,
          token_type: form.get('grant_type') === 'refresh_token' ? 'User Access Token' : 'Application Access Token',
        },
      };
    }
    if (
      method === 'GET' &&
      (path.startsWith('/sell/fulfillment/v1/order') || path.startsWith('/commerce/notification/v1/public_key/'))
    ) {
      if (!this.issuedTokens.has(String(request.headers.authorization).replace(/^Bearer /, '')))
        return ebayError(401, 1001, 'Invalid access token');
    }
    if (method === 'GET' && path === '/sell/fulfillment/v1/order') return this.ebaySearch(url);
    const ebayOrder = getPath(/^\/sell\/fulfillment\/v1\/order\/([^/]+)$/);
    if (ebayOrder) {
      const order = this.ebay.orders.get(decodeURIComponent(ebayOrder[1]));
      return order ? { status: 200, body: order } : ebayError(404, 32100, 'Order not found.');
    }
    const ebayKey = getPath(/^\/commerce\/notification\/v1\/public_key\/([^/]+)$/);
    if (ebayKey) {
      const key = this.ebay.publicKeys.get(decodeURIComponent(ebayKey[1]));
      return key ? { status: 200, body: key } : ebayError(404, 195001, 'The specified key id is invalid.');
    }
    // Walmart: Token API, then Orders v3
    if (path === '/v3/token' || path.startsWith('/v3/orders/')) {
      if (!request.headers['wm_svc.name'] || !request.headers['wm_qos.correlation_id'])
        return walmartError(
          400,
          'INVALID_REQUEST_HEADER.GMP_GATEWAY_API',
          'WM_SVC.NAME and WM_QOS.CORRELATION_ID are required',
        );
    }
    if (method === 'POST' && path === '/v3/token') {
      const dev = DEVELOPMENT_API_CREDENTIALS.walmart!;
      const basic = `Basic ${Buffer.from(`${dev.clientId}:${dev.clientSecret}`).toString('base64')}`;
      if (
        request.headers.authorization !== basic ||
        new URLSearchParams(request.body).get('grant_type') !== 'client_credentials'
      ) {
        return walmartError(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'Unauthorized');
      }
      return {
        status: 200,
        body: { access_token: this.issue('eyJraWQiOiJ3bXQ'), token_type: 'Bearer', expires_in: 900 },
      };
    }
    const walmartOrder = getPath(/^\/v3\/orders\/([^/]+)$/);
    if (walmartOrder) {
      if (!this.issuedTokens.has(String(request.headers['wm_sec.access_token'])))
        return walmartError(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'Unauthorized');
      const order = this.walmart.orders.get(decodeURIComponent(walmartOrder[1]));
      return order
        ? { status: 200, body: { order } }
        : walmartError(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `purchaseOrderId ${walmartOrder[1]} not found`);
    }
    return { status: 404, body: { message: `the channel API stub has no ${method} ${path}` } };
  }

  /** getOrders: filter=lastmodifieddate:[from..to] (inclusive, as eBay documents), ordered by lastModifiedDate then id. */
  private ebaySearch(url: URL): StubAnswer {
    const filter = /^lastmodifieddate:\[([^.\]]*(?:\.\d+Z)?)\.\.([^\]]*)\]$/.exec(url.searchParams.get('filter') ?? '');
    if (!filter) return ebayError(400, 30700, 'The filter is invalid.');
    const [from, to] = [Date.parse(filter[1]), filter[2] ? Date.parse(filter[2]) : Infinity];
    const limit = Math.min(200, Number(url.searchParams.get('limit') ?? 50));
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const matching = [...this.ebay.orders.values()]
      .filter((order) => {
        const modified = Date.parse(String(order.lastModifiedDate));
        return modified >= from && modified <= to;
      })
      .sort(
        (a, b) =>
          String(a.lastModifiedDate).localeCompare(String(b.lastModifiedDate)) ||
          String(a.orderId).localeCompare(String(b.orderId)),
      );
    const page = matching.slice(offset, offset + limit);
    const href = `${this.url}/sell/fulfillment/v1/order?${url.searchParams}`;
    const next =
      offset + limit < matching.length
        ? `${this.url}/sell/fulfillment/v1/order?filter=${encodeURIComponent(url.searchParams.get('filter')!)}&limit=${limit}&offset=${offset + limit}`
        : undefined;
    return {
      status: 200,
      body: { href, total: matching.length, limit, offset, ...(next ? { next } : {}), orders: page },
    };
  }

  private issue(prefix: string): string {
    const token = `${prefix}${randomUUID()}`;
    this.issuedTokens.add(token);
    return token;
  }
}

function squareError(status: number, code: string, detail: string): StubAnswer {
  return {
    status,
    body: { errors: [{ category: status === 401 ? 'AUTHENTICATION_ERROR' : 'INVALID_REQUEST_ERROR', code, detail }] },
  };
}

function ebayError(status: number, errorId: number, message: string): StubAnswer {
  return { status, body: { errors: [{ errorId, domain: 'API_FULFILLMENT', category: 'REQUEST', message }] } };
}

function walmartError(status: number, code: string, description: string): StubAnswer {
  return {
    status,
    body: {
      errors: [{ code, description, severity: 'ERROR', category: status === 404 ? 'DATA' : 'APPLICATION', causes: [] }],
    },
  };
}

function answer(response: ServerResponse, result: StubAnswer): void {
  const body = result.body === undefined ? '' : JSON.stringify(result.body);
  response.writeHead(result.status, { 'content-type': 'application/json', ...(result.headers ?? {}) });
  response.end(body);
}
