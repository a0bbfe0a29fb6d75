import { setTimeout as pause } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { ChannelApiError, ChannelRateLimitedError, channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { ChannelInventoryApi, ListingQuantity, ListingResult } from '#domain/channel-sync/availability-sync';
import type { RateLimit } from '#domain/kernel/rate-limit';

/** 2026-04: inventorySetQuantities takes changeFromQuantity on every quantity and requires @idempotent. */
export const SHOPIFY_ADMIN_API_VERSION = '2026-04';

/**
 * GraphQL Admin API limits by query cost: a standard shop's bucket holds 1,000 points and refills at 50
 * a second; an inventory mutation or a small lookup costs about 10, so 5 requests a second, burst 100.
 */
export const SHOPIFY_ADMIN_RATE_LIMIT: RateLimit = { ratePerSecond: 5, burst: 100 };

export const ShopifyAdminCredentials = z.object({
  shop: z.string().check(z.minLength(1)),
  accessToken: z.string().check(z.minLength(1)),
  locationId: z.string().check(z.minLength(1)),
});
export type ShopifyAdminCredentials = z.infer<typeof ShopifyAdminCredentials>;

const GraphqlAnswer = z.object({
  data: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  errors: z.optional(
    z.array(z.object({ message: z.string(), extensions: z.optional(z.looseObject({ code: z.optional(z.string()) })) })),
  ),
  /** What the query cost and what is left of the shop's points; on THROTTLED, how long until it fits. */
  extensions: z.optional(
    z.object({
      cost: z.optional(
        z.object({
          requestedQueryCost: z.number(),
          throttleStatus: z.object({ currentlyAvailable: z.number(), restoreRate: z.number().check(z.positive()) }),
        }),
      ),
    }),
  ),
});

/**
 * Shopify answers GraphQL throttling with 200 and a THROTTLED error; it waits until the points the
 * query asked for are restored (extensions.cost), or as it would for a 429 when the answer says nothing.
 */
const THROTTLED_RETRIES = 3;

/** The GraphQL Admin API of one shop (X-Shopify-Access-Token), through the shared bucket. */
export class ShopifyAdminApi {
  constructor(
    private readonly baseUrl: string | undefined,
    private readonly credentials: ChannelApiCredentials,
    private readonly http: ChannelHttpOptions,
    private readonly sleep: (ms: number) => Promise<void> = pause,
  ) {}

  async shop(): Promise<ShopifyAdminCredentials> {
    return this.credentials.credentialsFor('shopify', ShopifyAdminCredentials);
  }

  /** One GraphQL operation; top-level errors throw ChannelApiError (THROTTLED: ChannelRateLimitedError after waiting). */
  async graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const { shop, accessToken } = await this.shop();
    const url = `${(this.baseUrl || `https://${shop}`).replace(/\/$/, '')}/admin/api/${SHOPIFY_ADMIN_API_VERSION}/graphql.json`;
    for (let attempt = 0; ; attempt += 1) {
      const answer = GraphqlAnswer.parse(
        await channelRequest(
          url,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-shopify-access-token': accessToken },
            body: JSON.stringify({ query, variables }),
          },
          this.http,
        ),
      );
      const throttled = answer.errors?.some((error) => error.extensions?.code === 'THROTTLED');
      if (throttled) {
        await this.http.bucket?.drain();
        const cost = answer.extensions?.cost;
        const waitMs = cost
          ? Math.max(
              1000,
              Math.ceil(
                ((cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable) / cost.throttleStatus.restoreRate) *
                  1000,
              ),
            )
          : 1000 * 2 ** attempt;
        if (attempt >= THROTTLED_RETRIES) throw new ChannelRateLimitedError('shopify', waitMs, answer);
        await this.sleep(waitMs);
        continue;
      }
      if (answer.errors?.length || !answer.data)
        throw new ChannelApiError(
          'shopify',
          200,
          `shopify GraphQL: ${answer.errors?.map((e) => e.message).join('; ') ?? 'no data'}`,
          answer,
        );
      return answer.data as T;
    }
  }
}

const InventoryItemsAnswer = z.object({
  inventoryItems: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        sku: z.nullable(z.string()),
        inventoryLevel: z.nullable(
          z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().check(z.int()) })) }),
        ),
      }),
    ),
  }),
});

const SetQuantitiesAnswer = z.object({
  inventorySetQuantities: z.object({
    userErrors: z.array(
      z.object({
        code: z.optional(z.nullable(z.string())),
        field: z.optional(z.nullable(z.array(z.string()))),
        message: z.string(),
      }),
    ),
  }),
});

const FIND_ITEMS = `query FabricInventoryItems($query: String!, $first: Int!, $locationId: ID!) {
  inventoryItems(first: $first, query: $query) {
    nodes { id sku inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }
  }
}`;

const SET_AVAILABLE = `mutation FabricSetAvailable($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;

/** inventorySetQuantities takes up to 250 quantities a call. */
const SET_BATCH = 250;

/** A listing with the Shopify inventory item its SKU resolved to. */
type ResolvedListing = ListingQuantity & { inventoryItemId: string };

/**
 * Shopify's "available" at the fabric's location, set with inventorySetQuantities. changeFromQuantity
 * is what the fabric last published (null the first time, opting out): Shopify refuses the whole call
 * with CHANGE_FROM_QUANTITY_STALE when its own figure moved meanwhile (a Shopify sale, a manual edit).
 * The fabric is the source of truth for available-to-sell and counts Shopify's sales itself, so on a
 * stale compare it reads Shopify's current figures and sets again against them, once.
 */
export class ShopifyInventoryApi implements ChannelInventoryApi {
  readonly channel = 'shopify' as const;
  readonly maxBatch = SET_BATCH;

  constructor(private readonly admin: ShopifyAdminApi) {}

  async setAvailable(listings: readonly ListingQuantity[]): Promise<ListingResult[]> {
    const { locationId } = await this.admin.shop();
    const refs = await this.resolve(listings, locationId);
    const known: ResolvedListing[] = [];
    const results: ListingResult[] = [];
    for (const listing of listings) {
      const ref = refs.get(listing.sku);
      if (ref) known.push({ ...listing, inventoryItemId: ref.id });
      else
        results.push({
          sku: listing.sku,
          ok: false as const,
          unlisted: true,
          reason: `shopify has no inventory item with SKU ${listing.sku}`,
        });
    }
    if (known.length === 0) return results;
    let errors = await this.set(known, locationId, (listing) => listing.previous ?? null);
    if (errors.some((error) => error.code === 'CHANGE_FROM_QUANTITY_STALE')) {
      const current = await this.readAvailable(
        known.map((listing) => ({ sku: listing.sku, listingRef: listing.inventoryItemId })),
      );
      errors = await this.set(known, locationId, (listing) => current.get(listing.sku) ?? null);
    }
    if (errors.length > 0) {
      const reason = errors.map((error) => `${error.code ?? 'ERROR'}: ${error.message}`).join('; ');
      return [...results, ...known.map((listing) => ({ sku: listing.sku, ok: false as const, reason }))];
    }
    return [
      ...results,
      ...known.map((listing) => ({ sku: listing.sku, ok: true as const, listingRef: listing.inventoryItemId })),
    ];
  }

  async readAvailable(listings: readonly { sku: string; listingRef?: string }[]): Promise<Map<string, number>> {
    const { locationId } = await this.admin.shop();
    const found = await this.lookup(
      listings.map((listing) => listing.sku),
      locationId,
    );
    return new Map(
      [...found].flatMap(([sku, { available }]) => (available === undefined ? [] : [[sku, available] as const])),
    );
  }

  private async set(
    listings: readonly ResolvedListing[],
    locationId: string,
    changeFrom: (listing: ListingQuantity) => number | null,
  ) {
    const quantities = listings.map((listing) => ({
      inventoryItemId: listing.inventoryItemId,
      locationId,
      quantity: listing.quantity,
      changeFromQuantity: changeFrom(listing),
    }));
    // The same figures sent again (a retry after a timeout) carry the same key, so Shopify applies them once.
    const idempotencyKey = createHash('sha256').update(JSON.stringify(quantities)).digest('hex').slice(0, 32);
    const data = SetQuantitiesAnswer.parse(
      await this.admin.graphql(SET_AVAILABLE, {
        input: {
          name: 'available',
          reason: 'correction',
          referenceDocumentUri: 'gid://retail-fabric/AvailabilityChanged',
          quantities,
        },
        idempotencyKey,
      }),
    );
    return data.inventorySetQuantities.userErrors;
  }

  private async resolve(
    listings: readonly ListingQuantity[],
    locationId: string,
  ): Promise<Map<string, { id: string }>> {
    const refs = new Map(listings.flatMap((l) => (l.listingRef ? [[l.sku, { id: l.listingRef }] as const] : [])));
    const missing = listings.filter((l) => !l.listingRef).map((l) => l.sku);
    if (missing.length > 0)
      for (const [sku, item] of await this.lookup(missing, locationId)) refs.set(sku, { id: item.id });
    return refs;
  }

  /** Inventory items by SKU (50 per search) with their "available" at the location. */
  private async lookup(
    skus: readonly string[],
    locationId: string,
  ): Promise<Map<string, { id: string; available?: number }>> {
    const found = new Map<string, { id: string; available?: number }>();
    for (let i = 0; i < skus.length; i += 50) {
      const chunk = skus.slice(i, i + 50);
      const data = InventoryItemsAnswer.parse(
        await this.admin.graphql(FIND_ITEMS, {
          query: chunk.map((sku) => `sku:${JSON.stringify(sku)}`).join(' OR '),
          first: chunk.length,
          locationId,
        }),
      );
      for (const node of data.inventoryItems.nodes) {
        if (!node.sku || !chunk.includes(node.sku)) continue;
        const available = node.inventoryLevel?.quantities.find((q) => q.name === 'available')?.quantity;
        found.set(node.sku, { id: node.id, ...(available !== undefined ? { available } : {}) });
      }
    }
    return found;
  }
}
