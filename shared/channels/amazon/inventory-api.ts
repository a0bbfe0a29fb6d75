import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { ChannelApiError, channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { ChannelInventoryApi, ListingQuantity, ListingResult } from '#domain/channel-sync/availability-sync';
import type { RateLimit } from '#domain/kernel/rate-limit';

/** Listings Items v2021-08-01 patchListingsItem and getListingsItem: 5 requests a second, burst 5. */
export const AMAZON_LISTINGS_RATE_LIMIT: RateLimit = { ratePerSecond: 5, burst: 5 };

export const AmazonSeller = z.object({
  sellerId: z.string().check(z.minLength(1)),
  marketplaceId: z.string().check(z.minLength(1)),
});

/** An SP-API caller for one seller: the LWA token source, the seller and marketplace ids, the shared bucket. */
export interface AmazonSellerApi {
  apiUrl: string;
  accessToken: () => Promise<string>;
  credentials: ChannelApiCredentials;
  http: ChannelHttpOptions;
}

export async function amazonRequest<T>(api: AmazonSellerApi, method: string, path: string, body?: unknown): Promise<T> {
  return channelRequest<T>(
    `${api.apiUrl}${path}`,
    {
      method,
      headers: {
        'x-amz-access-token': await api.accessToken(),
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'retail-integration-fabric/0.1 (Language=TypeScript)',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    api.http,
  );
}

const SubmissionResponse = z.object({
  sku: z.string(),
  status: z.enum(['ACCEPTED', 'INVALID', 'VALIDATION_PREVIEW']),
  issues: z.optional(z.array(z.object({ code: z.string(), message: z.string(), severity: z.string() }))),
});

/** One JSON Patch operation on a listing attribute (`/attributes/<name>`). */
export interface ListingsPatch {
  op: 'add' | 'replace' | 'merge' | 'delete';
  path: string;
  value: unknown[];
}

/**
 * patchListingsItem for one seller SKU in the seller's marketplace. Answers Amazon's submission:
 * undefined when ACCEPTED (the acknowledgement), else the refusal as `amazon INVALID: <code> <message>; ...`.
 * Throws ChannelApiError for an HTTP failure, 404 when Amazon lists no such SKU.
 */
export async function patchListingsItem(
  api: AmazonSellerApi,
  sku: string,
  patches: readonly ListingsPatch[],
): Promise<string | undefined> {
  const { sellerId, marketplaceId } = await api.credentials.credentialsFor('amazon', AmazonSeller);
  const answer = SubmissionResponse.parse(
    await amazonRequest(
      api,
      'PATCH',
      `/listings/2021-08-01/items/${encodeURIComponent(sellerId)}/${encodeURIComponent(sku)}?marketplaceIds=${marketplaceId}`,
      { productType: 'PRODUCT', patches },
    ),
  );
  if (answer.status === 'ACCEPTED') return undefined;
  return `amazon ${answer.status}: ${answer.issues?.map((issue) => `${issue.code} ${issue.message}`).join('; ') ?? ''}`;
}
const ListingsItem = z.object({
  sku: z.string(),
  fulfillmentAvailability: z.optional(
    z.array(z.object({ fulfillmentChannelCode: z.string(), quantity: z.optional(z.number().check(z.int())) })),
  ),
});

/**
 * The seller-fulfilled quantity of each listing (keyed by the seller SKU, which is the fabric's),
 * through patchListingsItem with a `merge` of fulfillment_availability, so lead time and restock date
 * set in Seller Central stay as they are. One SKU per call: Amazon answers ACCEPTED (the fabric's
 * acknowledgement) or INVALID with its issues. Bulk updates would go through JSON_LISTINGS_FEED.
 */
export class AmazonInventoryApi implements ChannelInventoryApi {
  readonly channel = 'amazon' as const;
  readonly maxBatch = 1;

  constructor(private readonly api: AmazonSellerApi) {}

  async setAvailable(listings: readonly ListingQuantity[]): Promise<ListingResult[]> {
    const results: ListingResult[] = [];
    for (const listing of listings) {
      let refusal: string | undefined;
      try {
        refusal = await patchListingsItem(this.api, listing.sku, [
          {
            op: 'merge',
            path: '/attributes/fulfillment_availability',
            value: [{ fulfillment_channel_code: 'DEFAULT', quantity: listing.quantity }],
          },
        ]);
      } catch (error) {
        if (!(error instanceof ChannelApiError && error.status === 404)) throw error;
        results.push({
          sku: listing.sku,
          ok: false,
          unlisted: true,
          reason: `amazon has no listing for SKU ${listing.sku}`,
        });
        continue;
      }
      results.push(refusal ? { sku: listing.sku, ok: false, reason: refusal } : { sku: listing.sku, ok: true });
    }
    return results;
  }

  async readAvailable(listings: readonly { sku: string }[]): Promise<Map<string, number>> {
    const { sellerId, marketplaceId } = await this.api.credentials.credentialsFor('amazon', AmazonSeller);
    const listed = new Map<string, number>();
    for (const { sku } of listings) {
      try {
        const item = ListingsItem.parse(
          await amazonRequest(
            this.api,
            'GET',
            `/listings/2021-08-01/items/${encodeURIComponent(sellerId)}/${encodeURIComponent(sku)}?marketplaceIds=${marketplaceId}&includedData=fulfillmentAvailability`,
          ),
        );
        const quantity = item.fulfillmentAvailability?.find(
          (entry) => entry.fulfillmentChannelCode === 'DEFAULT',
        )?.quantity;
        if (quantity !== undefined) listed.set(sku, quantity);
      } catch (error) {
        if (!(error instanceof ChannelApiError && error.status === 404)) throw error;
      }
    }
    return listed;
  }
}
