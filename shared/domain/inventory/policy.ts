import * as z from '#domain/kernel/schema';
import { readPolicy } from '#shared/config/env';
import { SalesChannel } from '#domain/kernel/order';
import { ShortagePolicy } from './shortage-policy';
import { StockKey } from '#domain/kernel/product';
import { isTimeZone } from '#domain/kernel/time-zone';
import { MeasureUnit, type StockUnit } from '#domain/kernel/unit-of-measure';

/**
 * How the fabric reserves and exposes stock: which locations exist, which of them serve each channel
 * and in what order, what a channel does when stock is short, how long a reservation holds, what each
 * channel is shown, and which SKUs are hot enough to be sharded. Defaults below; a deployment (or a
 * test) replaces top-level sections with the JSON in FABRIC_INVENTORY_POLICY; the stack sets none, so
 * in AWS every function reads exactly these.
 */

/**
 * What one channel is shown of the fabric's available-to-sell: hold back `bufferUnits`, then list
 * `percentOfAvailable` percent of the rest (rounded down), never more than `maxListedQuantity`.
 */
export const ExposureRule = z.object({
  bufferUnits: z._default(z.number().check(z.int(), z.gte(0)), 0),
  percentOfAvailable: z._default(z.number().check(z.int(), z.gte(0), z.lte(100)), 100),
  maxListedQuantity: z.optional(z.number().check(z.int(), z.gte(0))),
});
export type ExposureRule = z.infer<typeof ExposureRule>;

export const ChannelInventoryPolicy = z.object({
  /** Ranked: a line is reserved at the first of these that can cover it, else split in this order. */
  locations: z.array(StockKey).check(z.minLength(1)),
  /** What happens to units that cannot be reserved: the whole order is refused, they wait, or they are dropped. */
  onShortage: ShortagePolicy,
  /** After this, the sweeper releases whatever of the reservation was not fulfilled. */
  reservationTtlMinutes: z.number().check(z.int(), z.positive()),
  exposure: ExposureRule,
});
export type ChannelInventoryPolicy = z.infer<typeof ChannelInventoryPolicy>;

/** At most this many buckets per hot SKU: an adjustment touches every bucket of a location in one transaction. */
export const MAX_SHARDS = 10;

const PolicyShape = z.object({
  locations: z
    .array(
      z.object({
        id: StockKey,
        name: z.string().check(z.minLength(1)),
        kind: z.enum(['warehouse', 'store']),
        /** A store's IANA time zone, in which its POS local times (no UTC offset) are read. */
        timeZone: z.optional(
          z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as America/Chicago')),
        ),
        /** This location as each channel names it (a Shopify location id): where a channel's restock puts units back. */
        channelLocationIds: z.optional(z.partialRecord(SalesChannel, z.string().check(z.minLength(1)))),
        /** Where the location is: sourcing rules ranked by distance measure from here to the destination's zone. */
        coordinates: z.optional(
          z.object({ lat: z.number().check(z.gte(-90), z.lte(90)), lon: z.number().check(z.gte(-180), z.lte(180)) }),
        ),
        /** A warehouse run by a third-party logistics provider: its fulfilment requests go to that provider's API. */
        fulfilledBy: z.optional(z.enum(['shipbob'])),
        /** A store's minutes to accept a store task before it is re-sourced to the next location the rules allow. */
        acceptSlaMinutes: z.optional(z.number().check(z.int(), z.positive())),
      }),
    )
    .check(z.minLength(1)),
  /** Applies to every channel, and is what `channels` entries override field by field. */
  defaultChannel: ChannelInventoryPolicy,
  /** Channels listed here also get AvailabilityChanged events; the others only reserve. */
  channels: z.partialRecord(SalesChannel, z.partial(ChannelInventoryPolicy)),
  /** Flash-sale SKUs whose stock at each location is split over `shards` bucket items (see docs/inventory.md, "Hot SKUs"). */
  shardedSkus: z.record(StockKey, z.object({ shards: z.number().check(z.int(), z.gte(2), z.lte(MAX_SHARDS)) })),
  /**
   * SKUs sold by weight or measure and the unit their stock is kept in: their ledger, on hand,
   * reservations and available-to-sell count thousandths of it (see docs/inventory.md, "Stock in a
   * SKU's unit"). Every other SKU counts whole units.
   */
  stockUnits: z._default(z.record(StockKey, MeasureUnit), {}),
  sweeper: z.object({
    /** How many days back the sweeper looks for due reservations; older ones need `ops inventory verify`. */
    lookbackDays: z.number().check(z.int(), z.gte(1), z.lte(31)),
  }),
});

export const InventoryPolicy = PolicyShape.check(
  z.superRefine((policy, ctx) => {
    const known = new Set(policy.locations.map((location) => location.id));
    if (known.size !== policy.locations.length)
      ctx.addIssue({ code: 'custom', path: ['locations'], message: 'has a repeated location id' });
    const checkRanking = (locations: readonly string[] | undefined, path: (string | number)[]) => {
      (locations ?? []).forEach((id, i) => {
        if (!known.has(id))
          ctx.addIssue({ code: 'custom', path: [...path, i], message: `"${id}" is not in locations` });
      });
      if (locations && new Set(locations).size !== locations.length)
        ctx.addIssue({ code: 'custom', path, message: 'ranks a location twice' });
    };
    checkRanking(policy.defaultChannel.locations, ['defaultChannel', 'locations']);
    for (const [channel, override] of Object.entries(policy.channels))
      checkRanking(override?.locations, ['channels', channel, 'locations']);
  }),
);
export type InventoryPolicy = z.infer<typeof InventoryPolicy>;

/**
 * The defaults: one distribution centre and one store; the web shop sells from both and refuses an
 * order it cannot cover; Amazon sells from the warehouse only and is shown a cautious figure.
 */
export const DEFAULT_INVENTORY_POLICY: z.input<typeof InventoryPolicy> = {
  locations: [
    { id: 'wh-east', name: 'East distribution centre', kind: 'warehouse' },
    { id: 'store-042', name: 'Portland store', kind: 'store', timeZone: 'America/New_York' },
  ],
  defaultChannel: {
    locations: ['wh-east', 'store-042'],
    onShortage: 'reject',
    reservationTtlMinutes: 72 * 60,
    exposure: { bufferUnits: 0, percentOfAvailable: 100 },
  },
  channels: {
    shopify: {},
    amazon: { locations: ['wh-east'], exposure: { bufferUnits: 2, percentOfAvailable: 80, maxListedQuantity: 50 } },
  },
  shardedSkus: {},
  stockUnits: {},
  sweeper: { lookbackDays: 3 },
};

/**
 * Reads the policy once, at cold start: the defaults with any top-level section replaced by the JSON
 * in FABRIC_INVENTORY_POLICY. Throws ConfigError naming the failing path.
 */
export function loadInventoryPolicy(env: NodeJS.ProcessEnv = process.env): InventoryPolicy {
  return readPolicy(InventoryPolicy, DEFAULT_INVENTORY_POLICY, 'FABRIC_INVENTORY_POLICY', env);
}

/** A channel's policy: the default with the channel's own fields laid over it. */
export function channelPolicy(policy: InventoryPolicy, channel: SalesChannel): ChannelInventoryPolicy {
  return { ...policy.defaultChannel, ...policy.channels[channel] };
}

/** Channels that are shown a figure (and get AvailabilityChanged), in a stable order. */
export function exposedChannels(policy: InventoryPolicy): SalesChannel[] {
  return SalesChannel.options.filter((channel) => policy.channels[channel] !== undefined);
}

/** Buckets per location for a SKU: 1 unless the SKU is listed as sharded. */
export function shardCount(policy: InventoryPolicy, sku: string): number {
  return policy.shardedSkus[sku]?.shards ?? 1;
}

/** What the SKU's stock counts: whole units, or thousandths of the unit the policy names for it. */
export function stockUnitOf(policy: InventoryPolicy, sku: string): StockUnit {
  return policy.stockUnits[sku] ?? 'each';
}

/** Location id to time zone, for the locations that name one. */
export function locationTimeZones(policy: InventoryPolicy): Record<string, string> {
  return Object.fromEntries(
    policy.locations.flatMap((location) => (location.timeZone ? [[location.id, location.timeZone]] : [])),
  );
}

export function locationIds(policy: InventoryPolicy): string[] {
  return policy.locations.map((location) => location.id);
}
