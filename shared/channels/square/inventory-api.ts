import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChannelApiCredentials } from '../channel-credentials';
import { channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { ChannelInventoryApi, ListingQuantity, ListingResult } from '#domain/channel-sync/availability-sync';
import type { RateLimit } from '#domain/kernel/rate-limit';
import { SQUARE_PRODUCTION_URL, SQUARE_VERSION } from './square-api.client';

/** Square documents no fixed rate, only 429s when an application sends too much: 10 requests a second, as its order client keeps. */
export const SQUARE_RATE_LIMIT: RateLimit = { ratePerSecond: 10, burst: 20 };

/** The seller's access token and the Square location whose stock the fabric sets (its budget's key too). */
export const SquareSeller = z.object({ accessToken: z.string().min(1), locationId: z.string().min(1) });

/** Square's REST API for one seller and location, with the Square-Version the fabric was written against. */
export class SquareRestApi {
  constructor(
    private readonly baseUrl: string | undefined,
    private readonly credentials: ChannelApiCredentials,
    private readonly http: ChannelHttpOptions,
  ) {}

  async locationId(): Promise<string> {
    return (await this.credentials.credentialsFor('square', SquareSeller)).locationId;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const { accessToken } = await this.credentials.credentialsFor('square', SquareSeller);
    return channelRequest<T>(
      `${(this.baseUrl || SQUARE_PRODUCTION_URL).replace(/\/$/, '')}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          'square-version': SQUARE_VERSION,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      this.http,
    );
  }
}

const SearchAnswer = z.object({
  objects: z
    .array(
      z
        .object({ id: z.string(), type: z.string(), item_variation_data: z.object({ sku: z.string() }).loose() })
        .loose(),
    )
    .default([]),
});

/**
 * The item variation (catalog object id) behind each of the seller's SKUs, found with
 * SearchCatalogObjects (an exact_query on `sku`, which Square matches case-insensitively, so the
 * answer is checked for the exact SKU) and kept for the container's life: a SKU is looked up once.
 */
export class SquareCatalog {
  private readonly variations = new Map<string, string>();

  constructor(private readonly api: SquareRestApi) {}

  /** The variation ids of the SKUs Square lists; a SKU it does not list is absent. */
  async variationIds(skus: readonly string[]): Promise<Map<string, string>> {
    for (const sku of skus) {
      if (this.variations.has(sku)) continue;
      const answer = SearchAnswer.parse(
        await this.api.request('POST', '/v2/catalog/search', {
          object_types: ['ITEM_VARIATION'],
          query: { exact_query: { attribute_name: 'sku', attribute_value: sku } },
        }),
      );
      const variation = answer.objects.find((object) => object.item_variation_data.sku === sku);
      if (variation) this.variations.set(sku, variation.id);
    }
    return new Map(skus.flatMap((sku) => (this.variations.has(sku) ? [[sku, this.variations.get(sku)!]] : [])));
  }
}

const CountsAnswer = z.object({
  counts: z
    .array(
      z.object({ catalog_object_id: z.string(), location_id: z.string(), state: z.string(), quantity: z.string() }),
    )
    .default([]),
  cursor: z.string().optional(),
});

/** BatchChangeInventory takes up to 100 changes a call. */
const SQUARE_BATCH = 100;

/**
 * Each variation's IN_STOCK count at the seller's location, set as PHYSICAL_COUNT changes with
 * BatchChangeInventory (all of a call's changes apply or none), read back with
 * BatchRetrieveInventoryCounts. The variation id is kept in the ledger as the listing ref. Counts are
 * absolute, so the idempotency key is fresh per call: a later call setting the same figure again must
 * not be answered from an earlier one.
 */
export class SquareInventoryApi implements ChannelInventoryApi {
  readonly channel = 'square' as const;
  readonly maxBatch = SQUARE_BATCH;

  constructor(
    private readonly api: SquareRestApi,
    private readonly catalog: SquareCatalog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async setAvailable(listings: readonly ListingQuantity[]): Promise<ListingResult[]> {
    const ids = await this.variationIds(listings);
    const locationId = await this.api.locationId();
    const known = listings.filter((listing) => ids.has(listing.sku));
    if (known.length > 0) {
      const occurredAt = this.now().toISOString();
      await this.api.request('POST', '/v2/inventory/changes/batch-create', {
        idempotency_key: randomUUID(),
        changes: known.map((listing) => ({
          type: 'PHYSICAL_COUNT',
          physical_count: {
            catalog_object_id: ids.get(listing.sku),
            location_id: locationId,
            state: 'IN_STOCK',
            quantity: String(listing.quantity),
            occurred_at: occurredAt,
          },
        })),
        ignore_unchanged_counts: true,
      });
    }
    return listings.map((listing) =>
      ids.has(listing.sku)
        ? { sku: listing.sku, ok: true as const, listingRef: ids.get(listing.sku)! }
        : {
            sku: listing.sku,
            ok: false as const,
            unlisted: true,
            reason: `square has no item variation with SKU ${listing.sku}`,
          },
    );
  }

  /** A variation Square lists but has never counted at the location holds nothing there: 0. */
  async readAvailable(listings: readonly { sku: string; listingRef?: string }[]): Promise<Map<string, number>> {
    const ids = await this.variationIds(listings);
    const locationId = await this.api.locationId();
    const skuOf = new Map([...ids].map(([sku, id]) => [id, sku]));
    const listed = new Map([...ids.keys()].map((sku) => [sku, 0]));
    if (ids.size === 0) return listed;
    let cursor: string | undefined;
    do {
      const page = CountsAnswer.parse(
        await this.api.request('POST', '/v2/inventory/counts/batch-retrieve', {
          catalog_object_ids: [...ids.values()],
          location_ids: [locationId],
          states: ['IN_STOCK'],
          ...(cursor ? { cursor } : {}),
        }),
      );
      for (const count of page.counts) {
        const sku = skuOf.get(count.catalog_object_id);
        if (sku && count.location_id === locationId && count.state === 'IN_STOCK')
          listed.set(sku, Number(count.quantity));
      }
      cursor = page.cursor;
    } while (cursor);
    return listed;
  }

  private async variationIds(listings: readonly { sku: string; listingRef?: string }[]): Promise<Map<string, string>> {
    const ids = new Map(listings.filter((l) => l.listingRef).map((l) => [l.sku, l.listingRef!]));
    const missing = listings.filter((l) => !l.listingRef).map((l) => l.sku);
    if (missing.length > 0) for (const [sku, id] of await this.catalog.variationIds(missing)) ids.set(sku, id);
    return ids;
  }
}
