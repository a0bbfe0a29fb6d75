import type { ChannelApiCredentials } from '../channel-credentials';
import {
  CachedAccessToken,
  ChannelApiError,
  TokenBucket,
  channelRequest,
  type ChannelHttpOptions,
} from '../channel-http';
import type { OrderSource } from '#domain/intake/order-fetch';
import type { OrderFeed, PulledPage } from '#domain/intake/order-pull';
import { formatIssues } from '#domain/kernel/validation';
import { ebayOrderMapper } from './ebay-order.mapper';
import { readListedOrders } from '../listed-orders';
import { EbayOrder, EbayOrderSearchPage, EbayPublicKey } from './ebay-order.schema';
import { EbayCredentials, EbayTokenResponse } from './inventory-api';

export const EBAY_PRODUCTION_URL = 'https://api.ebay.com';
const FULFILLMENT_SCOPE = 'https://api.ebay.com/oauth/api_scope/sell.fulfillment';
const APPLICATION_SCOPE = 'https://api.ebay.com/oauth/api_scope';
/** getOrders' largest page. */
export const EBAY_PAGE_LIMIT = 50;

/**
 * eBay's Sell Fulfillment API for one seller (user token from the seller's refresh token) and the
 * Notification API's public keys (application token). The Fulfillment API's default quota is 100,000
 * calls a day, a little over one a second: the bucket keeps to that.
 */
export class EbayApi {
  private readonly userToken: CachedAccessToken;
  private readonly applicationToken: CachedAccessToken;
  private readonly http: ChannelHttpOptions;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: ChannelApiCredentials,
    http: Partial<ChannelHttpOptions> = {},
  ) {
    this.http = { channel: 'ebay', bucket: new TokenBucket(1, 10), ...http };
    const token = (grant: Record<string, string>) => async () => {
      const { clientId, clientSecret } = await this.credentials.credentialsFor('ebay', EbayCredentials);
      const raw = await channelRequest(
        `${this.baseUrl}/identity/v1/oauth2/token`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          },
          body: new URLSearchParams(grant).toString(),
        },
        { channel: 'ebay', ...(http.fetch ? { fetch: http.fetch } : {}) },
      );
      const parsed = EbayTokenResponse.parse(raw);
      return { accessToken: parsed.access_token, expiresInSeconds: parsed.expires_in };
    };
    this.userToken = new CachedAccessToken(async () => {
      const { refreshToken } = await this.credentials.credentialsFor('ebay', EbayCredentials);
      return token({ grant_type: 'refresh_token', refresh_token: refreshToken, scope: FULFILLMENT_SCOPE })();
    });
    this.applicationToken = new CachedAccessToken(
      token({ grant_type: 'client_credentials', scope: APPLICATION_SCOPE }),
    );
  }

  /** GET /sell/fulfillment/v1/order?filter=lastmodifieddate:[from..to]: one page of the search, raw. */
  async getOrders(from: string, to: string, offset: number, limit = EBAY_PAGE_LIMIT): Promise<unknown> {
    const query = new URLSearchParams({
      filter: `lastmodifieddate:[${from}..${to}]`,
      limit: String(limit),
      offset: String(offset),
    });
    return channelRequest(
      `${this.baseUrl}/sell/fulfillment/v1/order?${query}`,
      { headers: await this.userHeaders() },
      this.http,
    );
  }

  /** GET /sell/fulfillment/v1/order/{orderId}, raw. */
  async getOrder(orderId: string): Promise<unknown> {
    return channelRequest(
      `${this.baseUrl}/sell/fulfillment/v1/order/${encodeURIComponent(orderId)}`,
      { headers: await this.userHeaders() },
      this.http,
    );
  }

  /**
   * GET /commerce/notification/v1/public_key/{kid}. Undefined when eBay says it has no such key (404,
   * or 400 for a kid it cannot read): a forged notification, not a fault. Other failures throw.
   */
  async getPublicKey(kid: string): Promise<EbayPublicKey | undefined> {
    try {
      const raw = await channelRequest(
        `${this.baseUrl}/commerce/notification/v1/public_key/${encodeURIComponent(kid)}`,
        {
          headers: { authorization: `Bearer ${await this.applicationToken.get()}`, accept: 'application/json' },
        },
        this.http,
      );
      return EbayPublicKey.parse(raw);
    } catch (error) {
      if (error instanceof ChannelApiError && (error.status === 404 || error.status === 400)) return undefined;
      throw error;
    }
  }

  private async userHeaders(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.userToken.get()}`, accept: 'application/json' };
  }
}

export interface EbayKeyCacheLimits {
  /** How long a served key is kept: an hour, as eBay asks ("should be cached ... one hour is recommended"). */
  ttlMs: number;
  /** How long "no such key" is kept, so repeating a forged kid costs no further call. Short: eBay may publish it later. */
  unknownTtlMs: number;
  /** Keys and unknown kids kept at most; the oldest go first, so invented kids cannot grow the cache without end. */
  maxEntries: number;
}

/**
 * Public keys by key id, cached with their answer, "no such key" included, so a burst of notifications
 * (or of forgeries repeating a kid) costs one getPublicKey call per kid. A failed look-up is not kept.
 */
export class EbayPublicKeys {
  private readonly cache = new Map<string, { key: Promise<EbayPublicKey | undefined>; expiresAt: number }>();
  private readonly limits: EbayKeyCacheLimits;

  constructor(
    private readonly fetchKey: (kid: string) => Promise<EbayPublicKey | undefined>,
    limits: Partial<EbayKeyCacheLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ttlMs: 3600_000, unknownTtlMs: 300_000, maxEntries: 500, ...limits };
  }

  get(kid: string): Promise<EbayPublicKey | undefined> {
    const cached = this.cache.get(kid);
    if (cached && cached.expiresAt > this.now()) return cached.key;
    this.cache.delete(kid);
    // A Map iterates in insertion order, so the first keys are the oldest entries.
    for (const oldest of this.cache.keys()) {
      if (this.cache.size < this.limits.maxEntries) break;
      this.cache.delete(oldest);
    }
    const entry = { key: this.fetchKey(kid), expiresAt: this.now() + this.limits.ttlMs };
    this.cache.set(kid, entry);
    entry.key.then(
      (served) => {
        if (!served) entry.expiresAt = this.now() + this.limits.unknownTtlMs;
      },
      () => {
        if (this.cache.get(kid) === entry) this.cache.delete(kid);
      },
    );
    return entry.key;
  }
}

/** eBay orders fetched by the id a notification named. */
export function ebayOrderSource(api: EbayApi): OrderSource<EbayOrder> {
  return {
    channel: 'ebay',
    mapper: ebayOrderMapper,
    async fetchOrder(notice) {
      return this.readAnswer(await api.getOrder(notice.channelOrderId), notice);
    },
    readAnswer(raw) {
      const parsed = EbayOrder.safeParse(raw);
      return parsed.success
        ? { kind: 'order', payload: parsed.data, raw }
        : { kind: 'invalid', issues: formatIssues(parsed.error), raw };
    },
  };
}

/** The poller's connector: its cursor in connectorState says how far eBay's orders were caught up. */
export const EBAY_ORDERS_CONNECTOR = 'ebay-orders';

/**
 * eBay getOrders filtered by last-modified date, paged by offset. Each order's version is its
 * lastModifiedDate, so the same modification seen again by an overlapping window is a duplicate.
 */
export function ebayOrderFeed(
  api: EbayApi,
  { connector = EBAY_ORDERS_CONNECTOR, pageSize = EBAY_PAGE_LIMIT }: { connector?: string; pageSize?: number } = {},
): OrderFeed<EbayOrder> {
  return {
    channel: 'ebay',
    connector,
    mapper: ebayOrderMapper,
    async fetchPage(window, page): Promise<PulledPage<EbayOrder>> {
      const offset = page ? Number(page) : 0;
      const raw = await api.getOrders(window.from, window.to, offset, pageSize);
      const search = EbayOrderSearchPage.parse(raw);
      const orders = readListedOrders(search.orders, EbayOrder, {
        idField: 'orderId',
        id: (order) => order.orderId,
        version: (order) => order.lastModifiedDate,
      });
      const nextOffset = search.offset + search.orders.length;
      return {
        orders,
        raw,
        ...(search.orders.length > 0 && nextOffset < search.total ? { nextPage: String(nextOffset) } : {}),
      };
    },
  };
}
