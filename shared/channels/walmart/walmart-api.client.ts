import { randomUUID } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { CachedAccessToken, TokenBucket, channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { OrderSource } from '#domain/intake/order-fetch';
import { formatIssues } from '#domain/kernel/validation';
import { walmartOrderMapper } from './walmart-order.mapper';
import { WalmartGetOrderResponse, type WalmartOrder } from './walmart-order.schema';

export const WALMART_PRODUCTION_URL = 'https://marketplace.walmartapis.com';
/** WM_SVC.NAME, which every Marketplace call must carry. */
const SERVICE_NAME = 'Walmart Marketplace';

const WalmartCredentials = z.object({
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
});
const WalmartTokenResponse = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.int(), z.positive()),
});

/** The headers Walmart requires on every call: the service name and a fresh correlation id. */
export function serviceHeaders(): Record<string, string> {
  return { 'WM_SVC.NAME': SERVICE_NAME, 'WM_QOS.CORRELATION_ID': randomUUID(), accept: 'application/json' };
}

/**
 * Walmart Marketplace's Orders API v3 for one seller, authenticated with an OAuth access token from
 * the Token API (client credentials grant, Basic clientId:clientSecret; tokens live 900 s and are kept
 * until a minute before they expire) sent as WM_SEC.ACCESS_TOKEN. Walmart enforces per-API limits and
 * answers 429 beyond them; the bucket keeps a steady 5 requests/s per container and 429s wait and retry.
 */
export class WalmartOrdersApi {
  private readonly http: ChannelHttpOptions;
  private readonly token: CachedAccessToken;

  constructor(
    private readonly baseUrl: string,
    credentials: ChannelApiCredentials,
    http: Partial<ChannelHttpOptions> = {},
  ) {
    this.http = { channel: 'walmart', bucket: new TokenBucket(5, 10), ...http };
    this.token = new CachedAccessToken(async () => {
      const { clientId, clientSecret } = await credentials.credentialsFor('walmart', WalmartCredentials);
      const raw = await channelRequest(
        `${this.baseUrl}/v3/token`,
        {
          method: 'POST',
          headers: {
            ...serviceHeaders(),
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          },
          body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
        },
        { channel: 'walmart', ...(http.fetch ? { fetch: http.fetch } : {}) },
      );
      const parsed = WalmartTokenResponse.parse(raw);
      return { accessToken: parsed.access_token, expiresInSeconds: parsed.expires_in };
    });
  }

  /** The seller's access token, shared with the other Marketplace clients of the same seller (inventory, shipments, prices). */
  accessToken(): Promise<string> {
    return this.token.get();
  }

  /**
   * GET /v3/orders?{query}: one page of the seller's purchase orders, raw (`{ list: { meta, elements } }`).
   * The first page's query names the filters; every later page's is the previous page's
   * `meta.nextCursor`, which carries them on.
   */
  async listOrders(query: string): Promise<unknown> {
    return channelRequest(
      `${this.baseUrl}/v3/orders?${query.replace(/^\?/, '')}`,
      { headers: { ...serviceHeaders(), 'WM_SEC.ACCESS_TOKEN': await this.token.get() } },
      this.http,
    );
  }

  /** GET /v3/orders/{purchaseOrderId}: the raw answer, `{ order }`. Throws ChannelApiError for a non-2xx answer. */
  async getOrder(purchaseOrderId: string): Promise<unknown> {
    return channelRequest(
      `${this.baseUrl}/v3/orders/${encodeURIComponent(purchaseOrderId)}`,
      {
        headers: { ...serviceHeaders(), 'WM_SEC.ACCESS_TOKEN': await this.token.get() },
      },
      this.http,
    );
  }
}

/** Walmart purchase orders fetched by the purchaseOrderId a notification named. */
export function walmartOrderSource(api: WalmartOrdersApi): OrderSource<WalmartOrder> {
  return {
    channel: 'walmart',
    mapper: walmartOrderMapper,
    async fetchOrder(notice) {
      return this.readAnswer(await api.getOrder(notice.channelOrderId), notice);
    },
    readAnswer(raw) {
      const parsed = WalmartGetOrderResponse.safeParse(raw);
      return parsed.success
        ? { kind: 'order', payload: parsed.data.order, raw }
        : { kind: 'invalid', issues: formatIssues(parsed.error), raw };
    },
  };
}
