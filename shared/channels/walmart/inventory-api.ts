import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { ChannelApiError, channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { ChannelInventoryApi, ListingQuantity, ListingResult } from '#domain/channel-sync/availability-sync';
import type { RateLimit } from '#domain/kernel/rate-limit';
import { serviceHeaders } from './walmart-api.client';

/**
 * Walmart meters each Marketplace API per seller and answers 429 beyond it; it publishes no figure
 * for the single-item inventory, shipping and price calls that fits a token bucket, so the fabric keeps
 * to the steady 5 requests a second its order client already uses (a seller's plan may set another).
 */
export const WALMART_RATE_LIMIT: RateLimit = { ratePerSecond: 5, burst: 10 };

/** The seller's application (its budget's key) and the ship node whose stock the fabric sets. */
export const WalmartSeller = z.object({
  clientId: z.string().check(z.minLength(1)),
  shipNode: z.string().check(z.minLength(1)),
});

/** A Marketplace caller for one seller: the Token API's access token, the credentials, the shared bucket. */
export interface WalmartSellerApi {
  apiUrl: string;
  accessToken: () => Promise<string>;
  credentials: ChannelApiCredentials;
  http: ChannelHttpOptions;
}

/** One JSON call with the headers Walmart requires (WM_SEC.ACCESS_TOKEN, WM_SVC.NAME, a fresh WM_QOS.CORRELATION_ID). */
export async function walmartRequest<T>(
  api: WalmartSellerApi,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return channelRequest<T>(
    `${api.apiUrl}${path}`,
    {
      method,
      headers: {
        ...serviceHeaders(),
        'WM_SEC.ACCESS_TOKEN': await api.accessToken(),
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    api.http,
  );
}

const InventoryAnswer = z.object({
  sku: z.string(),
  quantity: z.object({ unit: z.string(), amount: z.number() }),
});

/**
 * The quantity of each SKU at the seller's ship node, set with PUT /v3/inventory?sku=&shipNode= and
 * read back with GET on the same address (the drift check). One SKU per call, as the API takes it;
 * Walmart's bulk inventory feed is asynchronous (its answer is a feed id, not an acknowledgement).
 * A SKU Walmart does not list answers 404 and is reported unlisted.
 */
export class WalmartInventoryApi implements ChannelInventoryApi {
  readonly channel = 'walmart' as const;
  readonly maxBatch = 1;

  constructor(private readonly api: WalmartSellerApi) {}

  async setAvailable(listings: readonly ListingQuantity[]): Promise<ListingResult[]> {
    const results: ListingResult[] = [];
    for (const listing of listings) {
      try {
        InventoryAnswer.parse(
          await walmartRequest(this.api, 'PUT', await this.address(listing.sku), {
            sku: listing.sku,
            quantity: { unit: 'EACH', amount: listing.quantity },
          }),
        );
        results.push({ sku: listing.sku, ok: true });
      } catch (error) {
        if (!(error instanceof ChannelApiError) || error.status === 429 || error.status >= 500) throw error;
        results.push({
          sku: listing.sku,
          ok: false,
          reason: `walmart ${error.status}: ${walmartErrorText(error.body)}`,
          ...(error.status === 404 ? { unlisted: true } : {}),
        });
      }
    }
    return results;
  }

  async readAvailable(listings: readonly { sku: string }[]): Promise<Map<string, number>> {
    const listed = new Map<string, number>();
    for (const { sku } of listings) {
      try {
        const answer = InventoryAnswer.parse(await walmartRequest(this.api, 'GET', await this.address(sku)));
        listed.set(sku, answer.quantity.amount);
      } catch (error) {
        if (!(error instanceof ChannelApiError) || error.status !== 404) throw error;
      }
    }
    return listed;
  }

  private async address(sku: string): Promise<string> {
    const { shipNode } = await this.api.credentials.credentialsFor('walmart', WalmartSeller);
    return `/v3/inventory?${new URLSearchParams({ sku, shipNode })}`;
  }
}

/** Walmart's error descriptions (`{ errors: [{ code, description }] }`), joined. */
export function walmartErrorText(body: unknown): string {
  const errors = (body as { errors?: { code?: string; description?: string }[] } | undefined)?.errors;
  return errors?.map((error) => error.description ?? error.code).join('; ') || 'refused';
}
