import fc from 'fast-check';
import { ConfigError } from '#domain/kernel/errors';
import { channelPolicy, exposedChannels, loadInventoryPolicy, shardCount } from '#domain/inventory/policy';
import { applyMovements, emptyPosition } from '#domain/inventory/model';
import { describeAvailability, exposeToChannel, refreshAvailability } from '#domain/inventory/exposure';
import type { InventoryRepository, PublishedAvailability } from '#domain/inventory/records';
import type { SalesChannel } from '#domain/kernel/order';
import type { FabricEvent } from '#domain/kernel/event';
import { thrownBy } from '../builders';

describe('exposeToChannel', () => {
  test.each([
    [57, { bufferUnits: 2, percentOfAvailable: 50, maxListedQuantity: 20 }, 20],
    [57, { bufferUnits: 2, percentOfAvailable: 50 }, 27],
    [57, { bufferUnits: 0, percentOfAvailable: 100 }, 57],
    [1, { bufferUnits: 2, percentOfAvailable: 100 }, 0],
  ])('shows a channel %i available as %j -> %i', (available, rule, listed) => {
    expect(exposeToChannel(available, rule)).toBe(listed);
  });

  test('never lists below zero, above what is available, or above the cap, and never less when more is available', () => {
    const rule = fc.record({
      bufferUnits: fc.nat(20),
      percentOfAvailable: fc.integer({ min: 0, max: 100 }),
      maxListedQuantity: fc.option(fc.nat(100), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.nat(500), fc.nat(50), rule, (available, more, exposure) => {
        const listed = exposeToChannel(available, exposure);
        expect(listed).toBeGreaterThanOrEqual(0);
        expect(listed).toBeLessThanOrEqual(Math.min(available, exposure.maxListedQuantity ?? Infinity));
        expect(exposeToChannel(available + more, exposure)).toBeGreaterThanOrEqual(listed);
      }),
    );
  });
});

describe('the inventory policy', () => {
  test('defaults to two locations, Shopify and Amazon exposed, nothing sharded', () => {
    const policy = loadInventoryPolicy({});

    expect(exposedChannels(policy)).toEqual(['shopify', 'amazon']);
    expect(channelPolicy(policy, 'amazon')).toMatchObject({
      locations: ['wh-east'],
      onShortage: 'reject',
      exposure: { bufferUnits: 2, maxListedQuantity: 50 },
    });
    expect(shardCount(policy, 'ANY-SKU')).toBe(1);
  });

  test('lets FABRIC_INVENTORY_POLICY replace whole sections', () => {
    const policy = loadInventoryPolicy({
      FABRIC_INVENTORY_POLICY: JSON.stringify({
        shardedSkus: { 'FLASH-1': { shards: 4 } },
        channels: { ebay: { onShortage: 'partial' } },
      }),
    });

    expect(shardCount(policy, 'FLASH-1')).toBe(4);
    expect(channelPolicy(policy, 'ebay')).toMatchObject({ onShortage: 'partial', locations: ['wh-east', 'store-042'] });
    expect(exposedChannels(policy)).toEqual(['ebay']);
  });

  test('refuses a ranking that names a location nobody declared, naming the path', () => {
    const error = thrownBy(ConfigError, () =>
      loadInventoryPolicy({
        FABRIC_INVENTORY_POLICY: JSON.stringify({ channels: { amazon: { locations: ['wh-west'] } } }),
      }),
    );

    expect(error.message).toContain('channels.amazon.locations.0: "wh-west" is not in locations');
  });

  test('refuses more buckets than one transaction can adjust', () => {
    expect(() =>
      loadInventoryPolicy({ FABRIC_INVENTORY_POLICY: JSON.stringify({ shardedSkus: { 'FLASH-1': { shards: 64 } } }) }),
    ).toThrow(/shardedSkus\.FLASH-1\.shards/);
  });
});

describe('availability of a SKU', () => {
  const policy = loadInventoryPolicy({});
  const receipt = (locationId: string, quantity: number) =>
    applyMovements(emptyPosition({ sku: 'TEE', locationId, shard: 0 }), [
      {
        movementId: `r-${locationId}`,
        sku: 'TEE',
        locationId,
        shard: 0,
        kind: 'receipt',
        quantity,
        reasonCode: 'RECEIPT',
        reference: { kind: 'erp_document', id: 'PO-1' },
        occurredAt: '2026-11-23T10:00:00.000Z',
      },
    ]);

  test('answers in total, per location and per channel after its exposure rule, versioned by the revisions', () => {
    const view = describeAvailability('TEE', [receipt('wh-east', 60), receipt('store-042', 7)], policy);

    expect(view.total).toMatchObject({ onHand: 67, availableToSell: 67 });
    expect(view.locations.map((l) => [l.locationId, l.availableToSell])).toEqual([
      ['wh-east', 60],
      ['store-042', 7],
    ]);
    expect(view.channels).toEqual([
      { channel: 'shopify', availableToSell: 67, listed: 67 },
      { channel: 'amazon', availableToSell: 60, listed: 46 },
    ]);
    expect(view.version).toBe(2);
  });

  /** A store whose positions and published records are plain maps: enough for refreshAvailability. */
  function fakeStore(positions: ReturnType<typeof receipt>[]) {
    const recorded = new Map<SalesChannel, PublishedAvailability>();
    const store: Pick<InventoryRepository, 'readPositions' | 'readAvailabilityStates' | 'recordPublishedAvailability'> =
      {
        readPositions: async (keys) =>
          keys.map(
            (key) =>
              positions.find((p) => p.locationId === key.locationId && p.shard === key.shard) ?? emptyPosition(key),
          ),
        readAvailabilityStates: async (requests) =>
          new Map(
            await Promise.all(
              requests.map(
                async ({ sku, keys }) =>
                  [sku, { positions: await store.readPositions(keys), published: new Map(recorded) }] as const,
              ),
            ),
          ),
        recordPublishedAvailability: async (_sku, figures) => {
          const stale: SalesChannel[] = [];
          for (const [channel, published] of figures) {
            const last = recorded.get(channel);
            if (last && last.version >= published.version) stale.push(channel);
            else recorded.set(channel, published);
          }
          return stale;
        },
      };
    return { store: store as InventoryRepository, recorded, positions };
  }

  test('tells each channel only when its own figure changed, with a growing version', async () => {
    const { store, positions } = fakeStore([receipt('wh-east', 100)]);
    const published: FabricEvent[] = [];
    const ports = {
      store,
      policy,
      publisher: {
        publish: async (events: readonly FabricEvent[]) => {
          published.push(...events);
        },
      },
    };

    await refreshAvailability(['TEE'], ports);
    positions.push(receipt('store-042', 5));
    await refreshAvailability(['TEE'], ports);
    await refreshAvailability(['TEE'], ports);

    expect(
      published.map((e) => [
        (e.data as { channel: string }).channel,
        (e.data as { available: number }).available,
        (e.data as { version: number }).version,
      ]),
    ).toEqual([
      ['shopify', 100, 1],
      ['amazon', 50, 1],
      ['shopify', 105, 2],
    ]);
  });

  test('does not publish a figure from a read older than the one already published', async () => {
    const { store, recorded } = fakeStore([receipt('wh-east', 10)]);
    recorded.set('shopify', { available: 3, version: 9 });
    recorded.set('amazon', { available: 3, version: 9 });
    const published: FabricEvent[] = [];

    await refreshAvailability(['TEE'], {
      store,
      policy,
      publisher: {
        publish: async (events) => {
          published.push(...events);
        },
      },
    });

    expect(published).toEqual([]);
  });
});
