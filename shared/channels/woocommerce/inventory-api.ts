import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { ChannelInventoryApi, ListingQuantity, ListingResult } from '#domain/channel-sync/availability-sync';
import type { RateLimit } from '#domain/kernel/rate-limit';

/**
 * WooCommerce sets no REST API limit of its own; the store's PHP workers are the limit. A modest rate
 * keeps a burst of stock changes from slowing the shop for its customers.
 */
export const WOOCOMMERCE_RATE_LIMIT: RateLimit = { ratePerSecond: 5, burst: 10 };

export const WooCommerceCredentials = z.object({
  storeUrl: z.string().check(z.url()),
  consumerKey: z.string().check(z.minLength(1)),
  consumerSecret: z.string().check(z.minLength(1)),
});

/** The store's REST API (wc/v3) with the key pair as HTTP Basic auth, which WooCommerce accepts over HTTPS. */
export class WooCommerceRestApi {
  constructor(
    private readonly baseUrl: string | undefined,
    private readonly credentials: ChannelApiCredentials,
    private readonly http: ChannelHttpOptions,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, body, this.http);
  }

  /**
   * GET /orders?{query}: one page of orders, raw, in the shape the order webhooks deliver, and the
   * number of pages WooCommerce answers in X-WP-TotalPages for the same query (undefined when the
   * answer lacks it, as behind a proxy that drops headers).
   */
  async listOrders(query: URLSearchParams): Promise<{ orders: unknown; totalPages?: number }> {
    let totalPages: number | undefined;
    const fetchAnswer = this.http.fetch ?? fetch;
    const orders = await this.send('GET', `/orders?${query}`, undefined, {
      ...this.http,
      // The page count is a header, which channelRequest does not return: read it on the way past.
      fetch: async (input, init) => {
        const response = await fetchAnswer(input, init);
        const header = response.headers.get('x-wp-totalpages');
        totalPages = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
        return response;
      },
    });
    return { orders, ...(totalPages === undefined ? {} : { totalPages }) };
  }

  private async send<T = unknown>(method: string, path: string, body: unknown, http: ChannelHttpOptions): Promise<T> {
    const { storeUrl, consumerKey, consumerSecret } = await this.credentials.credentialsFor(
      'woocommerce',
      WooCommerceCredentials,
    );
    const base = (this.baseUrl || storeUrl).replace(/\/$/, '');
    return channelRequest<T>(
      `${base}/wp-json/wc/v3${path}`,
      {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      http,
    );
  }
}

const Product = z.object({
  id: z.number().check(z.int()),
  sku: z.string(),
  stock_quantity: z.nullable(z.number().check(z.int())),
  manage_stock: z.boolean(),
});
const BatchAnswer = z.object({
  update: z._default(
    z.array(
      z.looseObject({
        id: z.number().check(z.int()),
        error: z.optional(z.object({ code: z.string(), message: z.string() })),
      }),
    ),
    [],
  ),
});

/** products/batch takes up to 100 objects a call; the product search pages at 100. */
const WOOCOMMERCE_BATCH = 100;

/**
 * Product stock_quantity (with manage_stock on), set through POST /products/batch. WooCommerce keys
 * products by id, so the ids are found once by SKU (GET /products?sku=a,b) and kept in the ledger as
 * the listing ref. Simple products only: a variation's stock lives under /products/{id}/variations.
 */
export class WooCommerceInventoryApi implements ChannelInventoryApi {
  readonly channel = 'woocommerce' as const;
  readonly maxBatch = WOOCOMMERCE_BATCH;

  constructor(private readonly api: WooCommerceRestApi) {}

  async setAvailable(listings: readonly ListingQuantity[]): Promise<ListingResult[]> {
    const ids = new Map(listings.filter((l) => l.listingRef).map((l) => [l.sku, Number(l.listingRef)]));
    const missing = listings.filter((l) => !l.listingRef).map((l) => l.sku);
    if (missing.length > 0) for (const product of await this.findBySku(missing)) ids.set(product.sku, product.id);
    const known = listings.filter((l) => ids.has(l.sku));
    const answer =
      known.length === 0
        ? { update: [] }
        : BatchAnswer.parse(
            await this.api.request('POST', '/products/batch', {
              update: known.map((listing) => ({
                id: ids.get(listing.sku),
                manage_stock: true,
                stock_quantity: listing.quantity,
              })),
            }),
          );
    return listings.map((listing) => {
      const id = ids.get(listing.sku);
      if (id === undefined)
        return {
          sku: listing.sku,
          ok: false as const,
          unlisted: true,
          reason: `woocommerce has no product with SKU ${listing.sku}`,
        };
      const updated = answer.update.find((entry) => entry.id === id);
      if (!updated || updated.error)
        return {
          sku: listing.sku,
          ok: false as const,
          reason: updated?.error
            ? `${updated.error.code}: ${updated.error.message}`
            : 'woocommerce did not answer for this product',
        };
      return { sku: listing.sku, ok: true as const, listingRef: String(id) };
    });
  }

  async readAvailable(listings: readonly { sku: string }[]): Promise<Map<string, number>> {
    const products = await this.findBySku(listings.map((listing) => listing.sku));
    return new Map(
      products.flatMap((p) =>
        p.manage_stock && p.stock_quantity !== null ? [[p.sku, p.stock_quantity] as const] : [],
      ),
    );
  }

  private async findBySku(skus: readonly string[]): Promise<z.infer<typeof Product>[]> {
    const found: z.infer<typeof Product>[] = [];
    for (let i = 0; i < skus.length; i += WOOCOMMERCE_BATCH) {
      const query = new URLSearchParams({
        sku: skus.slice(i, i + WOOCOMMERCE_BATCH).join(','),
        per_page: String(WOOCOMMERCE_BATCH),
      });
      found.push(...z.array(Product).parse(await this.api.request('GET', `/products?${query}`)));
    }
    return found;
  }
}
