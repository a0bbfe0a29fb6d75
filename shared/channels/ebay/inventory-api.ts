import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { CachedAccessToken, channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { ChannelInventoryApi, ListingQuantity, ListingResult } from '#domain/channel-sync/availability-sync';
import type { RateLimit } from '#domain/kernel/rate-limit';

/** The Sell Inventory API allows 2,000,000 calls a day (about 23 a second); the fabric keeps well under. */
export const EBAY_INVENTORY_RATE_LIMIT: RateLimit = { ratePerSecond: 5, burst: 25 };

const SELL_SCOPES = [
  'https://api.ebay.com/oauth/api_scope/sell.inventory',
  'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
].join(' ');
/** What the fabric keeps of an eBay seller's app: its keys and the seller's refresh token. */
export const EbayCredentials = z.object({
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
  refreshToken: z.string().check(z.minLength(1)),
});
/** eBay's OAuth answer: a user access token and how long it lasts. */
export const EbayTokenResponse = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.int(), z.positive()),
});

/** A seller's user access token for the Sell Inventory and Fulfillment APIs (refresh-token grant), kept until shortly before it expires. */
export function ebaySellerToken(
  baseUrl: string,
  credentials: ChannelApiCredentials,
  fetchImpl?: typeof fetch,
): CachedAccessToken {
  return new CachedAccessToken(async () => {
    const { clientId, clientSecret, refreshToken } = await credentials.credentialsFor('ebay', EbayCredentials);
    const raw = await channelRequest(
      `${baseUrl}/identity/v1/oauth2/token`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          scope: SELL_SCOPES,
        }).toString(),
      },
      { channel: 'ebay', ...(fetchImpl ? { fetch: fetchImpl } : {}) },
    );
    const token = EbayTokenResponse.parse(raw);
    return { accessToken: token.access_token, expiresInSeconds: token.expires_in };
  });
}

const ErrorDetail = z.looseObject({ errorId: z.optional(z.number()), message: z.optional(z.string()) });
const BulkPriceQuantityResponse = z.object({
  responses: z.array(
    z.object({ sku: z.string(), statusCode: z.number().check(z.int()), errors: z.optional(z.array(ErrorDetail)) }),
  ),
});
const BulkGetInventoryItemResponse = z.object({
  responses: z.array(
    z.object({
      sku: z.string(),
      statusCode: z.number().check(z.int()),
      inventoryItem: z.optional(
        z.object({
          availability: z.optional(
            z.object({ shipToLocationAvailability: z.optional(z.object({ quantity: z.number().check(z.int()) })) }),
          ),
        }),
      ),
    }),
  ),
});

/** bulkUpdatePriceQuantity and bulkGetInventoryItem take up to 25 SKUs a call. */
const EBAY_BULK_LIMIT = 25;

/**
 * The total ship-to-home quantity of each inventory item (keyed by the seller's SKU, which is the
 * fabric's), set with bulkUpdatePriceQuantity: the listings' quantities follow it. eBay answers per SKU
 * (200, or an error with its reason), so one refused SKU does not fail the others. Each listing may be
 * revised 250 times a day: coalescing in front of this matters.
 */
export class EbayInventoryApi implements ChannelInventoryApi {
  readonly channel = 'ebay' as const;
  readonly maxBatch = EBAY_BULK_LIMIT;

  constructor(
    private readonly baseUrl: string,
    private readonly token: CachedAccessToken,
    private readonly http: ChannelHttpOptions,
  ) {}

  async setAvailable(listings: readonly ListingQuantity[]): Promise<ListingResult[]> {
    const raw = await channelRequest(
      `${this.baseUrl}/sell/inventory/v1/bulk_update_price_quantity`,
      {
        method: 'POST',
        headers: await this.headers(),
        body: JSON.stringify({
          requests: listings.map((listing) => ({
            sku: listing.sku,
            shipToLocationAvailability: { quantity: listing.quantity },
          })),
        }),
      },
      this.http,
    );
    const { responses } = BulkPriceQuantityResponse.parse(raw);
    return listings.map((listing) => {
      const answer = responses.find((response) => response.sku === listing.sku);
      if (answer?.statusCode === 200) return { sku: listing.sku, ok: true as const };
      const reason = answer
        ? `eBay ${answer.statusCode}: ${answer.errors?.map((e) => e.message).join('; ') ?? 'refused'}`
        : 'eBay did not answer for this SKU';
      return {
        sku: listing.sku,
        ok: false as const,
        reason,
        ...(answer?.statusCode === 404 ? { unlisted: true } : {}),
      };
    });
  }

  async readAvailable(listings: readonly { sku: string }[]): Promise<Map<string, number>> {
    const raw = await channelRequest(
      `${this.baseUrl}/sell/inventory/v1/bulk_get_inventory_item`,
      {
        method: 'POST',
        headers: await this.headers(),
        body: JSON.stringify({ requests: listings.map((listing) => ({ sku: listing.sku })) }),
      },
      this.http,
    );
    const listed = new Map<string, number>();
    for (const answer of BulkGetInventoryItemResponse.parse(raw).responses) {
      const quantity = answer.inventoryItem?.availability?.shipToLocationAvailability?.quantity;
      if (answer.statusCode === 200 && quantity !== undefined) listed.set(answer.sku, quantity);
    }
    return listed;
  }

  private async headers(): Promise<Record<string, string>> {
    return {
      authorization: `Bearer ${await this.token.get()}`,
      'content-type': 'application/json',
      'content-language': 'en-US',
      accept: 'application/json',
    };
  }
}
