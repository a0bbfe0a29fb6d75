import { createEvent } from '#domain/kernel/event';
import { AvailabilityChanged } from './events';
import type { FabricEvent } from '#domain/kernel/event';
import {
  channelPolicy,
  exposedChannels,
  locationIds,
  shardCount,
  stockUnitOf,
  type ExposureRule,
  type InventoryPolicy,
} from './policy';
import { availabilityVersion, bucketKeys, stockByLocation, type LocationStock, type StockPosition } from './model';
import type { InventoryRepository } from './records';
import type { SalesChannel } from '#domain/kernel/order';
import type { EventPublisher } from '#domain/kernel/ports';
import type { StockUnit } from '#domain/kernel/unit-of-measure';

/**
 * What each channel is shown of a SKU: a policy, not a copy. From the available-to-sell of the
 * locations that serve the channel: hold back `bufferUnits`, list `percentOfAvailable` percent of the
 * rest (rounded down), never more than `maxListedQuantity`, never below zero.
 */
export function exposeToChannel(availableToSell: number, rule: ExposureRule): number {
  const afterBuffer = Math.max(0, availableToSell - rule.bufferUnits);
  const share = Math.floor((afterBuffer * rule.percentOfAvailable) / 100);
  return rule.maxListedQuantity === undefined ? share : Math.min(share, rule.maxListedQuantity);
}

export interface ChannelAvailability {
  channel: SalesChannel;
  /** Available-to-sell of the channel's locations, before its exposure rule. */
  availableToSell: number;
  /** What the channel may list. */
  listed: number;
}

export interface AvailabilityView {
  sku: string;
  /** What every figure counts: whole units (each), or thousandths of the SKU's unit (420 is 0.420 kg). */
  unit: StockUnit;
  version: number;
  total: Omit<LocationStock, 'locationId'>;
  locations: LocationStock[];
  channels: ChannelAvailability[];
}

/**
 * A SKU's availability from its positions: per location, in total (available-to-sell summed over
 * locations, each clamped at zero: one location's deficit does not eat another's stock), and per
 * exposed channel after its rule; a SKU sold by weight or measure is shown to no channel. `version` is the sum of the buckets' revisions.
 */
export function describeAvailability(
  sku: string,
  positions: readonly StockPosition[],
  policy: InventoryPolicy,
): AvailabilityView {
  const locations = stockByLocation(positions, locationIds(policy));
  const total = {
    onHand: 0,
    reserved: 0,
    incoming: 0,
    safetyStock: 0,
    damaged: 0,
    qualityControl: 0,
    sellableOnHand: 0,
    available: 0,
    availableToSell: 0,
  };
  for (const location of locations) {
    for (const figure of Object.keys(total) as (keyof typeof total)[]) total[figure] += location[figure];
  }
  const unit = stockUnitOf(policy, sku);
  // Channels order whole units; a SKU kept in thousandths of a kg has no such figure to list.
  const channels = (unit === 'each' ? exposedChannels(policy) : []).map((channel) => {
    const rules = channelPolicy(policy, channel);
    const availableToSell = locations
      .filter((l) => rules.locations.includes(l.locationId))
      .reduce((sum, l) => sum + l.availableToSell, 0);
    return { channel, availableToSell, listed: exposeToChannel(availableToSell, rules.exposure) };
  });
  return { sku, unit, version: availabilityVersion(positions), total, locations, channels };
}

/** Reads a SKU's positions (every bucket at every location, strongly consistent) and describes them. */
export async function readAvailability(
  sku: string,
  store: Pick<InventoryRepository, 'readPositions'>,
  policy: InventoryPolicy,
): Promise<AvailabilityView> {
  const positions = await store.readPositions(bucketKeys(sku, locationIds(policy), shardCount(policy, sku)));
  return describeAvailability(sku, positions, policy);
}

/**
 * Tells channels when what they may list of a SKU changed: one AvailabilityChanged per channel whose
 * figure differs from the last one published, carrying the positions' version. Publishes first, then
 * records the figure unless a newer version is already recorded, so a crash in between repeats an
 * event (same figure, same version) rather than losing one; and an older read arriving late is never
 * published over a newer one. Returns the events published.
 */
export async function refreshAvailability(
  skus: Iterable<string>,
  ports: { store: InventoryRepository; publisher: EventPublisher; policy: InventoryPolicy; now?: () => Date },
): Promise<FabricEvent[]> {
  const published: FabricEvent[] = [];
  for (const sku of new Set(skus)) {
    const { positions, published: recorded } = await ports.store.readAvailabilityState(
      sku,
      bucketKeys(sku, locationIds(ports.policy), shardCount(ports.policy, sku)),
    );
    const view = describeAvailability(sku, positions, ports.policy);
    const changedAt = (ports.now?.() ?? new Date()).toISOString();
    const changes = view.channels.filter(({ channel, listed }) => {
      const last = recorded.get(channel);
      return !last || (last.version < view.version && last.available !== listed);
    });
    if (changes.length === 0) continue;
    const events = changes.map(({ channel, listed }) =>
      createEvent(
        AvailabilityChanged,
        {
          sku,
          channel,
          available: listed,
          previous: recorded.get(channel)?.available ?? null,
          version: view.version,
          changedAt,
        },
        { correlationId: `sku:${sku}` },
      ),
    );
    await ports.publisher.publish(events);
    await ports.store.recordPublishedAvailability(
      sku,
      new Map(changes.map(({ channel, listed }) => [channel, { available: listed, version: view.version }])),
    );
    published.push(...events);
  }
  return published;
}
