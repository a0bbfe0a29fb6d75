import { randomUUID } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { ChannelApiError, channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { ChannelInventoryApi, ListingQuantity, ListingResult } from '#domain/channel-sync/availability-sync';
import type { RateLimit } from '#domain/kernel/rate-limit';
import { SQUARE_PRODUCTION_URL, SQUARE_VERSION } from './square-api.client';

/** Square documents no fixed rate, only 429s when an application sends too much: 10 requests a second, as its order client keeps. */
export const SQUARE_RATE_LIMIT: RateLimit = { ratePerSecond: 10, burst: 20 };

/** The seller's access token and the Square location whose stock the fabric sets (its budget's key too). */
export const SquareSeller = z.object({
  accessToken: z.string().check(z.minLength(1)),
  locationId: z.string().check(z.minLength(1)),
});

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
  objects: z._default(
    z.array(
      z.looseObject({ id: z.string(), type: z.string(), item_variation_data: z.looseObject({ sku: z.string() }) }),
    ),
    [],
  ),
});

/**
 * The item variation (catalog object id) behind each of the seller's SKUs, found with
 * SearchCatalogObjects (an exact_query on `sku`, which Square matches case-insensitively, so the
 * answer is checked for the exact SKU) and kept for the container's life: a SKU is looked up once.
 */
export class SquareCatalog {
  private readonly variations = new Map<string, string>();

  constructor(private readonly api: SquareRestApi) {}

  /** The variation ids of the SKUs Square lists; a SKU it does not list is absent. `refresh` asks Square again. */
  async variationIds(skus: readonly string[], options: { refresh?: boolean } = {}): Promise<Map<string, string>> {
    for (const sku of skus) {
      if (this.variations.has(sku) && !options.refresh) continue;
      this.variations.delete(sku);
      const answer = SearchAnswer.parse(
        await this.api.request('POST', '/v2/catalog/search', {
          object_types: ['ITEM_VARIATION'],
          query: { exact_query: { attribute_name: 'sku', attribute_value: sku } },
        }),
      );
      const variation = answer.objects.find((object) => object.item_variation_data.sku === sku);
      if (variation) this.variations.set(sku, variation.id);
    }
    const found = new Map<string, string>();
    for (const sku of skus) {
      const id = this.variations.get(sku);
      if (id) found.set(sku, id);
    }
    return found;
  }
}

const CountsAnswer = z.object({
  counts: z._default(
    z.array(
      z.object({ catalog_object_id: z.string(), location_id: z.string(), state: z.string(), quantity: z.string() }),
    ),
    [],
  ),
  cursor: z.optional(z.string()),
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
    const refused = await this.sendCounts(
      listings.filter((listing) => ids.has(listing.sku)),
      ids,
    );
    if (refused.size > 0) {
      // A variation id kept from earlier may name an item the seller deleted or made again: the SKU
      // is looked up afresh and, where the catalog now holds another variation, sent once more to it.
      const fresh = await this.catalog.variationIds([...refused.keys()], { refresh: true });
      const moved = listings.filter(
        (l) => refused.has(l.sku) && fresh.has(l.sku) && fresh.get(l.sku) !== ids.get(l.sku),
      );
      for (const sku of refused.keys()) {
        const id = fresh.get(sku);
        if (id) ids.set(sku, id);
        else ids.delete(sku);
      }
      for (const listing of moved) refused.delete(listing.sku);
      for (const [sku, reason] of await this.sendCounts(moved, ids)) refused.set(sku, reason);
    }
    return listings.map((listing): ListingResult => {
      const id = ids.get(listing.sku);
      const reason = refused.get(listing.sku);
      if (!id)
        return {
          sku: listing.sku,
          ok: false,
          unlisted: true,
          reason: `square has no item variation with SKU ${listing.sku}`,
        };
      return reason ? { sku: listing.sku, ok: false, reason } : { sku: listing.sku, ok: true, listingRef: id };
    });
  }

  /**
   * Sets the counts in one BatchChangeInventory call. Square applies all of a call's changes or none,
   * naming the changes it refused (`changes[i]`): those are answered with Square's reason and the rest
   * sent again without them. Any other failure throws.
   */
  private async sendCounts(
    listings: readonly ListingQuantity[],
    ids: Map<string, string>,
  ): Promise<Map<string, string>> {
    if (listings.length === 0) return new Map();
    const locationId = await this.api.locationId();
    const occurredAt = this.now().toISOString();
    try {
      await this.api.request('POST', '/v2/inventory/changes/batch-create', {
        idempotency_key: randomUUID(),
        changes: listings.map((listing) => ({
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
      return new Map();
    } catch (error) {
      const refused = refusedChanges(error, listings);
      if (refused.size === 0) throw error;
      const rest = listings.filter((listing) => !refused.has(listing.sku));
      for (const [sku, reason] of await this.sendCounts(rest, ids)) refused.set(sku, reason);
      return refused;
    }
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
    const ids = new Map<string, string>();
    for (const { sku, listingRef } of listings) if (listingRef) ids.set(sku, listingRef);
    const missing = listings.filter((l) => !l.listingRef).map((l) => l.sku);
    if (missing.length > 0) for (const [sku, id] of await this.catalog.variationIds(missing)) ids.set(sku, id);
    return ids;
  }
}

/** The SKUs of the changes a 400 or 404 from BatchChangeInventory names (`changes[3]...`), with Square's detail. */
function refusedChanges(error: unknown, listings: readonly ListingQuantity[]): Map<string, string> {
  const refused = new Map<string, string>();
  if (!(error instanceof ChannelApiError) || (error.status !== 400 && error.status !== 404)) return refused;
  const errors = (error.body as { errors?: { field?: string; code?: string; detail?: string }[] } | undefined)?.errors;
  for (const entry of errors ?? []) {
    const listing = listings[Number(/^changes\[(\d+)\]/.exec(entry.field ?? '')?.[1] ?? Number.NaN)];
    if (listing) refused.set(listing.sku, `square ${error.status} ${entry.code ?? ''}: ${entry.detail ?? 'refused'}`);
  }
  return refused;
}
