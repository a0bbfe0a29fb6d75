import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { CachedAccessToken, TokenBucket, channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { OrderSource } from '#domain/intake/order-fetch';
import { formatIssues } from '#domain/kernel/validation';
import { amazonOrderMapper } from './amazon-order.mapper';
import { AmazonSeller } from './inventory-api';
import {
  AmazonGetOrderItemsResponse,
  AmazonGetOrderResponse,
  type AmazonOrderItem,
  type AmazonOrderPayload,
} from './amazon-order.schema';

export const SP_API_NORTH_AMERICA_URL = 'https://sellingpartnerapi-na.amazon.com';
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

const LwaCredentials = z.object({
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
  refreshToken: z.string().check(z.minLength(1)),
});
const LwaTokenResponse = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.int(), z.positive()),
});

/**
 * Selling Partner API Orders v0 for one seller: a Login with Amazon access token (refresh-token grant,
 * cached for its hour) in x-amz-access-token, and one token bucket per operation at the documented
 * default usage plans (getOrders: 0.0167 requests/s, burst 20; getOrder and getOrderItems: 0.5
 * requests/s, burst 30), so a container never spends more than Amazon grants; a 429 (QuotaExceeded)
 * drains the bucket and waits.
 */
export class AmazonOrdersApi {
  private readonly token: CachedAccessToken;
  private readonly getOrdersHttp: ChannelHttpOptions;
  private readonly getOrderHttp: ChannelHttpOptions;
  private readonly getOrderItemsHttp: ChannelHttpOptions;

  constructor(
    private readonly apiUrl: string,
    private readonly tokenUrl: string,
    private readonly credentials: ChannelApiCredentials,
    http: Partial<ChannelHttpOptions> = {},
  ) {
    this.getOrdersHttp = { channel: 'amazon', bucket: new TokenBucket(0.0167, 20), ...http };
    this.getOrderHttp = { channel: 'amazon', bucket: new TokenBucket(0.5, 30), ...http };
    this.getOrderItemsHttp = { channel: 'amazon', bucket: new TokenBucket(0.5, 30), ...http };
    this.token = new CachedAccessToken(async () => {
      const { clientId, clientSecret, refreshToken } = await this.credentials.credentialsFor('amazon', LwaCredentials);
      const raw = await channelRequest(
        this.tokenUrl,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
            client_id: clientId,
            client_secret: clientSecret,
          }).toString(),
        },
        { channel: 'amazon', ...(http.fetch ? { fetch: http.fetch } : {}) },
      );
      const token = LwaTokenResponse.parse(raw);
      return { accessToken: token.access_token, expiresInSeconds: token.expires_in };
    });
  }

  /**
   * GET /orders/v0/orders?LastUpdatedAfter=&LastUpdatedBefore=: one page of the seller's orders in its
   * marketplace updated in the range, raw; pass the previous page's NextToken for the next (Amazon then
   * ignores the range, which the token carries).
   */
  async getOrders(
    range: { lastUpdatedAfter: string; lastUpdatedBefore: string; maxResultsPerPage: number },
    nextToken?: string,
  ): Promise<unknown> {
    const { marketplaceId } = await this.seller();
    const query = new URLSearchParams({ MarketplaceIds: marketplaceId });
    if (nextToken) query.set('NextToken', nextToken);
    else {
      query.set('LastUpdatedAfter', range.lastUpdatedAfter);
      query.set('LastUpdatedBefore', range.lastUpdatedBefore);
      query.set('MaxResultsPerPage', String(range.maxResultsPerPage));
    }
    return channelRequest(
      `${this.apiUrl}/orders/v0/orders?${query}`,
      { headers: await this.headers() },
      this.getOrdersHttp,
    );
  }

  /** The seller and marketplace these credentials act for. */
  seller(): Promise<z.infer<typeof AmazonSeller>> {
    return this.credentials.credentialsFor('amazon', AmazonSeller);
  }

  /** GET /orders/v0/orders/{orderId}: the raw answer. */
  async getOrder(orderId: string): Promise<unknown> {
    return channelRequest(
      `${this.apiUrl}/orders/v0/orders/${encodeURIComponent(orderId)}`,
      { headers: await this.headers() },
      this.getOrderHttp,
    );
  }

  /** GET /orders/v0/orders/{orderId}/orderItems, one page; pass the previous page's NextToken for the next. */
  async getOrderItems(orderId: string, nextToken?: string): Promise<unknown> {
    const query = nextToken ? `?NextToken=${encodeURIComponent(nextToken)}` : '';
    return channelRequest(
      `${this.apiUrl}/orders/v0/orders/${encodeURIComponent(orderId)}/orderItems${query}`,
      { headers: await this.headers() },
      this.getOrderItemsHttp,
    );
  }

  /** The seller's LWA access token, shared with the other SP-API clients of the same seller (listings, shipments). */
  accessToken(): Promise<string> {
    return this.token.get();
  }

  private async headers(): Promise<Record<string, string>> {
    return {
      'x-amz-access-token': await this.token.get(),
      accept: 'application/json',
      'user-agent': 'retail-integration-fabric/0.1 (Language=TypeScript)',
    };
  }
}

/**
 * Amazon orders fetched after an ORDER_CHANGE: getOrder, then every page of getOrderItems. A Pending
 * order has no prices until payment is authorised, so it is skipped: Amazon sends ORDER_CHANGE again
 * when it becomes Unshipped.
 */
export function amazonOrderSource(api: AmazonOrdersApi): OrderSource<AmazonOrderPayload> {
  return {
    channel: 'amazon',
    mapper: amazonOrderMapper,
    async fetchOrder(notice) {
      const rawOrder = await api.getOrder(notice.channelOrderId);
      const order = AmazonGetOrderResponse.safeParse(rawOrder);
      // Items are not asked for an order that cannot be taken yet; readAnswer says which.
      if (!order.success || order.data.payload.OrderStatus === 'Pending')
        return this.readAnswer({ order: rawOrder }, notice);
      return this.readAnswer(
        { order: rawOrder, orderItems: await allOrderItemPages(api, notice.channelOrderId) },
        notice,
      );
    },
    readAnswer(raw, notice) {
      const { order: rawOrder, orderItems: pages = [] } = (raw ?? {}) as { order?: unknown; orderItems?: unknown[] };
      const order = AmazonGetOrderResponse.safeParse(rawOrder);
      if (!order.success) return { kind: 'invalid', issues: formatIssues(order.error), raw };
      if (order.data.payload.OrderStatus === 'Pending')
        return { kind: 'not_ready', reason: 'a Pending order has no prices yet', raw };
      const items: AmazonOrderItem[] = [];
      for (const rawItems of pages) {
        const page = AmazonGetOrderItemsResponse.safeParse(rawItems);
        if (!page.success) return { kind: 'invalid', issues: formatIssues(page.error), raw };
        items.push(...page.data.payload.OrderItems);
      }
      return {
        kind: 'order',
        payload: {
          order: order.data.payload,
          items,
          ...(notice.channelAccount ? { sellerId: notice.channelAccount } : {}),
        },
        raw,
      };
    },
  };
}

/** Every page of getOrderItems for one order, raw, following NextToken until Amazon gives none. */
export async function allOrderItemPages(api: AmazonOrdersApi, amazonOrderId: string): Promise<unknown[]> {
  const pages: unknown[] = [];
  let nextToken: string | undefined;
  do {
    const rawItems = await api.getOrderItems(amazonOrderId, nextToken);
    pages.push(rawItems);
    const page = AmazonGetOrderItemsResponse.safeParse(rawItems);
    nextToken = page.success ? page.data.payload.NextToken : undefined;
  } while (nextToken);
  return pages;
}
