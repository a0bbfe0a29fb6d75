import { z } from 'zod';
import type { ChannelApiCredentials } from '../../adapters/channel-credentials';
import { CachedAccessToken, TokenBucket, channelRequest, type ChannelHttpOptions } from '../../adapters/channel-http';
import type { OrderSource } from '../../domain/order-fetch';
import type { OrderFeed, PulledPage } from '../../domain/order-pull';
import { formatIssues } from '../../domain/validation';
import { ebayOrderMapper } from './ebay-order.mapper';
import { EbayOrder, EbayOrderSearchPage, EbayPublicKey } from './ebay-order.schema';

export const EBAY_PRODUCTION_URL = 'https://api.ebay.com';
const FULFILLMENT_SCOPE = 'https://api.ebay.com/oauth/api_scope/sell.fulfillment';
const APPLICATION_SCOPE = 'https://api.ebay.com/oauth/api_scope';
/** getOrders' largest page. */
export const EBAY_PAGE_LIMIT = 50;

const EbayCredentials = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1), refreshToken: z.string().min(1) });
const EbayTokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });

/**
 * eBay's Sell Fulfillment API for one seller (user token from the seller's refresh token) and the
 * Notification API's public keys (application token). The Fulfillment API's default quota is 100,000
 * calls a day, a little over one a second: the bucket keeps to that.
 */
export class EbayApi {
  private readonly userToken: CachedAccessToken;
  private readonly applicationToken: CachedAccessToken;
  private readonly http: ChannelHttpOptions;

  constructor(private readonly baseUrl: string, private readonly credentials: ChannelApiCredentials, http: Partial<ChannelHttpOptions> = {}) {
    this.http = { channel: 'ebay', bucket: new TokenBucket(1, 10), ...http };
    const token = (grant: Record<string, string>) => async () => {
      const { clientId, clientSecret } = await this.credentials.credentialsFor('ebay', EbayCredentials);
      const raw = await channelRequest(`${this.baseUrl}/identity/v1/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
        body: new URLSearchParams(grant).toString(),
      }, { channel: 'ebay', ...(http.fetch ? { fetch: http.fetch } : {}) });
      const parsed = EbayTokenResponse.parse(raw);
      return { accessToken: parsed.access_token, expiresInSeconds: parsed.expires_in };
    };
    this.userToken = new CachedAccessToken(async () => {
      const { refreshToken } = await this.credentials.credentialsFor('ebay', EbayCredentials);
      return token({ grant_type: 'refresh_token', refresh_token: refreshToken, scope: FULFILLMENT_SCOPE })();
    });
    this.applicationToken = new CachedAccessToken(token({ grant_type: 'client_credentials', scope: APPLICATION_SCOPE }));
  }

  /** GET /sell/fulfillment/v1/order?filter=lastmodifieddate:[from..to]: one page of the search, raw. */
  async getOrders(from: string, to: string, offset: number, limit = EBAY_PAGE_LIMIT): Promise<unknown> {
    const query = new URLSearchParams({ filter: `lastmodifieddate:[${from}..${to}]`, limit: String(limit), offset: String(offset) });
    return channelRequest(`${this.baseUrl}/sell/fulfillment/v1/order?${query}`, { headers: await this.userHeaders() }, this.http);
  }

  /** GET /sell/fulfillment/v1/order/{orderId}, raw. */
  async getOrder(orderId: string): Promise<unknown> {
    return channelRequest(`${this.baseUrl}/sell/fulfillment/v1/order/${encodeURIComponent(orderId)}`, { headers: await this.userHeaders() }, this.http);
  }

  /** GET /commerce/notification/v1/public_key/{kid}. */
  async getPublicKey(kid: string): Promise<EbayPublicKey> {
    const raw = await channelRequest(`${this.baseUrl}/commerce/notification/v1/public_key/${encodeURIComponent(kid)}`, {
      headers: { authorization: `Bearer ${await this.applicationToken.get()}`, accept: 'application/json' },
    }, this.http);
    return EbayPublicKey.parse(raw);
  }

  private async userHeaders(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.userToken.get()}`, accept: 'application/json' };
  }
}

/**
 * Public keys by key id, kept for an hour as eBay asks ("should be cached ... one hour is
 * recommended"), so a burst of notifications costs one getPublicKey call per key.
 */
export class EbayPublicKeys {
  private readonly cache = new Map<string, { key: Promise<EbayPublicKey>; expiresAt: number }>();

  constructor(private readonly fetchKey: (kid: string) => Promise<EbayPublicKey>, private readonly ttlMs = 3600_000, private readonly now: () => number = Date.now) {}

  get(kid: string): Promise<EbayPublicKey> {
    const cached = this.cache.get(kid);
    if (cached && cached.expiresAt > this.now()) return cached.key;
    const key = this.fetchKey(kid);
    this.cache.set(kid, { key, expiresAt: this.now() + this.ttlMs });
    key.catch(() => this.cache.delete(kid));
    return key;
  }
}

/** eBay orders fetched by the id a notification named. */
export function ebayOrderSource(api: EbayApi): OrderSource<EbayOrder> {
  return {
    channel: 'ebay',
    mapper: ebayOrderMapper,
    async fetchOrder(notice) {
      const raw = await api.getOrder(notice.channelOrderId);
      const parsed = EbayOrder.safeParse(raw);
      return parsed.success ? { kind: 'order', payload: parsed.data, raw } : { kind: 'invalid', issues: formatIssues(parsed.error), raw };
    },
  };
}

/**
 * eBay getOrders filtered by last-modified date, paged by offset. Each order's version is its
 * lastModifiedDate, so the same modification seen again by an overlapping window is a duplicate.
 */
export function ebayOrderFeed(api: EbayApi, { connector = 'ebay-orders', pageSize = EBAY_PAGE_LIMIT }: { connector?: string; pageSize?: number } = {}): OrderFeed<EbayOrder> {
  return {
    channel: 'ebay',
    connector,
    mapper: ebayOrderMapper,
    async fetchPage(window, page): Promise<PulledPage<EbayOrder>> {
      const offset = page ? Number(page) : 0;
      const raw = await api.getOrders(window.from, window.to, offset, pageSize);
      const search = EbayOrderSearchPage.parse(raw);
      const orders = search.orders.map((candidate, i) => {
        const parsed = EbayOrder.safeParse(candidate);
        if (parsed.success) return { kind: 'order' as const, channelOrderId: parsed.data.orderId, version: parsed.data.lastModifiedDate, payload: parsed.data };
        const id = (candidate as { orderId?: unknown })?.orderId;
        return { kind: 'invalid' as const, channelOrderId: typeof id === 'string' ? id : `unreadable-${offset + i}`, issues: formatIssues(parsed.error) };
      });
      const nextOffset = search.offset + search.orders.length;
      return { orders, raw, ...(search.orders.length > 0 && nextOffset < search.total ? { nextPage: String(nextOffset) } : {}) };
    },
  };
}
