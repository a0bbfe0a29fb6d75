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

/** What the channels must be told of some SKUs: the events, and the write that records them once published. */
export interface AvailabilityRefresh {
  events: FabricEvent[];
  /** Records the figures the events carry, unless a newer version is already recorded; call after publishing them. */
  record(): Promise<void>;
}

/**
 * What channels must be told about these SKUs: one AvailabilityChanged per channel whose figure
 * differs from the last one published, carrying the positions' version. Reads every SKU's positions
 * and published figures in one batch; publishes nothing, so a caller can send the events in the same
 * publish as its own.
 */
export async function availabilityRefresh(
  skus: Iterable<string>,
  ports: { store: InventoryRepository; policy: InventoryPolicy; now?: () => Date },
): Promise<AvailabilityRefresh> {
  const wanted = [...new Set(skus)];
  if (wanted.length === 0) return { events: [], record: async () => {} };
  const states = await ports.store.readAvailabilityStates(
    wanted.map((sku) => ({ sku, keys: bucketKeys(sku, locationIds(ports.policy), shardCount(ports.policy, sku)) })),
  );
  const changedAt = (ports.now?.() ?? new Date()).toISOString();
  const events: FabricEvent[] = [];
  const figures = new Map<string, Map<SalesChannel, { available: number; version: number }>>();
  for (const sku of wanted) {
    const state = states.get(sku);
    if (!state) continue;
    const view = describeAvailability(sku, state.positions, ports.policy);
    const changes = view.channels.filter(({ channel, listed }) => {
      const last = state.published.get(channel);
      return !last || (last.version < view.version && last.available !== listed);
    });
    if (changes.length === 0) continue;
    for (const { channel, listed } of changes)
      events.push(
        createEvent(
          AvailabilityChanged,
          {
            sku,
            channel,
            available: listed,
            previous: state.published.get(channel)?.available ?? null,
            version: view.version,
            changedAt,
          },
          { correlationId: `sku:${sku}` },
        ),
      );
    figures.set(
      sku,
      new Map(changes.map(({ channel, listed }) => [channel, { available: listed, version: view.version }])),
    );
  }
  return {
    events,
    record: async () => {
      for (const [sku, changed] of figures) await ports.store.recordPublishedAvailability(sku, changed);
    },
  };
}

/**
 * Tells channels when what they may list of a SKU changed (see availabilityRefresh), in one publish.
 * Publishes first, then records each figure unless a newer version is already recorded, so a crash in
 * between repeats an event (same figure, same version) rather than losing one; and an older read
 * arriving late is never published over a newer one. Returns the events published.
 */
export async function refreshAvailability(
  skus: Iterable<string>,
  ports: { store: InventoryRepository; publisher: EventPublisher; policy: InventoryPolicy; now?: () => Date },
): Promise<FabricEvent[]> {
  const refresh = await availabilityRefresh(skus, ports);
  if (refresh.events.length === 0) return [];
  await ports.publisher.publish(refresh.events);
  await refresh.record();
  return refresh.events;
}
