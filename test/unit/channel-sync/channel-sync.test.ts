import fc from 'fast-check';
import {
  coalesceAvailability,
  pendingFigure,
  type AvailabilityChange,
  type PublicationFigure,
  type PublicationKey,
  type PublicationLedger,
  type PublicationRecord,
  type PublishedFigure,
} from '#domain/channel-sync/publication';
import {
  correctDrift,
  publishAvailability,
  type ChannelInventoryApi,
  type ListingQuantity,
  type ListingResult,
  type SyncPorts,
} from '#domain/channel-sync/availability-sync';
import type { SalesChannel } from '#domain/kernel/order';

/** The ledger's contract in memory: each method is atomic on its item, as the DynamoDB conditions make it. */
class MemoryLedger implements PublicationLedger {
  readonly items = new Map<string, PublicationRecord>();
  now = 0;

  async offer(key: PublicationKey, sku: string, figure: PublicationFigure) {
    const record = this.items.get(this.id(key)) ?? { ...key, sku };
    if (record.wanted && record.wanted.version >= figure.version) return { accepted: false, record: { ...record } };
    const next = { ...record, wanted: figure };
    this.items.set(this.id(key), next);
    return { accepted: true, record: { ...next } };
  }

  async claim(key: PublicationKey, owner: string, leaseMs: number) {
    const record = this.items.get(this.id(key));
    if (!record || (record.lease && record.lease.until >= this.now)) return undefined;
    const next = { ...record, lease: { owner, until: this.now + leaseMs } };
    this.items.set(this.id(key), next);
    return { ...next };
  }

  async offerAndClaim(key: PublicationKey, sku: string, figure: PublicationFigure, owner: string, leaseMs: number) {
    const record = this.items.get(this.id(key)) ?? { ...key, sku };
    if (record.wanted && record.wanted.version >= figure.version) return undefined;
    if (record.lease && record.lease.until >= this.now) return undefined;
    const next = { ...record, wanted: figure, lease: { owner, until: this.now + leaseMs } };
    this.items.set(this.id(key), next);
    return { ...next };
  }

  async settle(key: PublicationKey, owner: string, published: PublishedFigure, listingRef?: string) {
    const record = this.items.get(this.id(key))!;
    if (record.lease?.owner !== owner || (record.published && record.published.version > published.version))
      throw new Error('lease lost');
    const next: PublicationRecord = { ...record, published, ...(listingRef ? { listingRef } : {}) };
    const released = !record.wanted || record.wanted.version <= published.version;
    if (released) delete next.lease;
    this.items.set(this.id(key), next);
    return { released, record: { ...next } };
  }

  async release(key: PublicationKey, owner: string) {
    const record = this.items.get(this.id(key));
    if (record?.lease?.owner === owner) {
      const next = { ...record };
      delete next.lease;
      this.items.set(this.id(key), next);
    }
  }

  async read(key: PublicationKey) {
    return this.items.get(this.id(key));
  }

  async readMany(keys: readonly PublicationKey[]) {
    return keys.flatMap((key) => this.items.get(this.id(key)) ?? []);
  }

  async list(channel: SalesChannel) {
    return [...this.items.values()].filter((record) => record.channel === channel);
  }

  private id(key: PublicationKey) {
    return `${key.channel}#${key.subject}`;
  }
}

/** A channel that records every quantity it is sent, and may yield to other work mid-call. */
class RecordingChannel implements ChannelInventoryApi {
  readonly channel = 'ebay' as const;
  readonly calls: ListingQuantity[][] = [];
  readonly listed = new Map<string, number>();
  constructor(
    readonly maxBatch = 25,
    private readonly during: () => Promise<void> = async () => undefined,
  ) {}

  async setAvailable(listings: readonly ListingQuantity[]): Promise<ListingResult[]> {
    this.calls.push([...listings]);
    await this.during();
    for (const listing of listings) this.listed.set(listing.sku, listing.quantity);
    return listings.map((listing) => ({ sku: listing.sku, ok: true as const }));
  }

  async readAvailable(listings: readonly { sku: string }[]) {
    return new Map(listings.filter((l) => this.listed.has(l.sku)).map((l) => [l.sku, this.listed.get(l.sku)!]));
  }

  sent(sku: string): number[] {
    return this.calls
      .flat()
      .filter((listing) => listing.sku === sku)
      .map((listing) => listing.quantity);
  }
}

const change = (sku: string, version: number, available = 100 - version): AvailabilityChange => ({
  channel: 'ebay',
  sku,
  version,
  available,
  changedAt: '2026-11-23T10:00:00.000Z',
});

function ports(ledger: MemoryLedger, api: ChannelInventoryApi, owner = 'consumer-1'): SyncPorts {
  return {
    ledger,
    inventoryApi: (channel) => (channel === api.channel ? api : undefined),
    owner,
    leaseMs: 90_000,
    now: () => new Date('2026-11-23T10:00:01.000Z'),
    timeLeftMs: () => 60_000,
  };
}

describe('coalescing', () => {
  it('keeps only the highest version per channel and SKU, in any order', () => {
    const changes = [
      change('A', 3),
      change('A', 7),
      change('B', 1),
      change('A', 5),
      { ...change('A', 2), channel: 'shopify' as const },
    ];
    expect(coalesceAvailability(changes).map((c) => [c.channel, c.sku, c.version])).toEqual([
      ['ebay', 'A', 7],
      ['ebay', 'B', 1],
      ['shopify', 'A', 2],
    ]);
  });

  it('keeps the maximum version whatever the permutation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sku: fc.constantFrom('A', 'B', 'C'), version: fc.integer({ min: 0, max: 1000 }) }), {
          minLength: 1,
        }),
        (raw) => {
          const kept = coalesceAvailability(raw.map(({ sku, version }) => change(sku, version)));
          for (const sku of new Set(raw.map((r) => r.sku))) {
            expect(kept.filter((c) => c.sku === sku).map((c) => c.version)).toEqual([
              Math.max(...raw.filter((r) => r.sku === sku).map((r) => r.version)),
            ]);
          }
        },
      ),
    );
  });
});

describe('publishing availability', () => {
  it('sends a batch of changes as one call with the latest figure per SKU', async () => {
    const ledger = new MemoryLedger();
    const api = new RecordingChannel();

    const result = await publishAvailability(
      [change('A', 1), change('A', 2), change('B', 1), change('A', 3)],
      ports(ledger, api),
    );

    expect(api.calls).toEqual([
      [
        { sku: 'A', quantity: 97 },
        { sku: 'B', quantity: 99 },
      ],
    ]);
    expect(result.published.map((p) => [p.sku, p.version])).toEqual([
      ['A', 3],
      ['B', 1],
    ]);
    expect(result.published[0].lagMs).toBe(1000);
    expect((await ledger.read({ channel: 'ebay', subject: 'availability#A' }))?.lease).toBeUndefined();
  });

  it('skips a version older than one already published, and sends the previous figure for compare-and-swap', async () => {
    const ledger = new MemoryLedger();
    const api = new RecordingChannel();
    await publishAvailability([change('A', 5, 40)], ports(ledger, api));

    const late = await publishAvailability([change('A', 4, 41)], ports(ledger, api));
    await publishAvailability([change('A', 6, 39)], ports(ledger, api));

    expect(late).toMatchObject({ published: [], superseded: 1 });
    expect(api.calls).toEqual([[{ sku: 'A', quantity: 40 }], [{ sku: 'A', quantity: 39, previous: 40 }]]);
  });

  it('hands a newer figure to the consumer already publishing, which sends it before letting go', async () => {
    const ledger = new MemoryLedger();
    let interleave: (() => Promise<void>) | undefined;
    const api = new RecordingChannel(25, async () => {
      const other = interleave;
      interleave = undefined;
      await other?.();
    });
    let handedOver = 0;
    interleave = async () => {
      handedOver = (await publishAvailability([change('A', 9, 10)], ports(ledger, api, 'consumer-2'))).handedOver;
    };

    await publishAvailability([change('A', 8, 11)], ports(ledger, api));

    expect(handedOver).toBe(1);
    expect(api.sent('A')).toEqual([11, 10]);
    expect(pendingFigure((await ledger.read({ channel: 'ebay', subject: 'availability#A' }))!)).toBeUndefined();
  });

  it('never sends an older figure after a newer one, and always ends on the newest, however consumers interleave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.scheduler(),
        async (batches, scheduler) => {
          const ledger = new MemoryLedger();
          const api = new RecordingChannel(25, () => scheduler.schedule(Promise.resolve()));
          const runs = batches.map((versions, i) =>
            scheduler.schedule(Promise.resolve(), `consumer-${i}`).then(() =>
              publishAvailability(
                versions.map((v) => change('A', v)),
                ports(ledger, api, `consumer-${i}`),
              ),
            ),
          );
          let finished = false;
          const all = Promise.all(runs).then(() => {
            finished = true;
          });
          // Calls schedule more work as they go: keep releasing it until every consumer has returned.
          while (!finished) {
            await scheduler.waitAll();
            await new Promise((resolve) => setImmediate(resolve));
          }
          await all;
          const sent = api.sent('A');
          const newest = Math.max(...batches.flat());
          expect(sent.every((quantity, i) => i === 0 || quantity < sent[i - 1])).toBe(true);
          expect(sent.at(-1)).toBe(100 - newest);
        },
      ),
    );
  });

  it('releases the lease and reports the SKUs when the channel call fails, so the change is retried', async () => {
    const ledger = new MemoryLedger();
    const api = new RecordingChannel();
    api.setAvailable = async () => {
      throw Object.assign(new Error('ebay API is rate limiting this client'), { name: 'ChannelRateLimitedError' });
    };

    const result = await publishAvailability([change('A', 1), change('B', 1)], ports(ledger, api));

    expect(result.failed.map((f) => f.sku)).toEqual(['A', 'B']);
    const record = await ledger.read({ channel: 'ebay', subject: 'availability#A' });
    expect(record?.lease).toBeUndefined();
    expect(pendingFigure(record!)).toMatchObject({ version: 1 });
  });
});

describe('unlisted SKUs', () => {
  it('keeps the figure wanted without failing the change, and the drift check sends it once the SKU is listed', async () => {
    const ledger = new MemoryLedger();
    const api = new RecordingChannel();
    const setAvailable = api.setAvailable.bind(api);
    let listed = false;
    api.setAvailable = async (listings) =>
      listed
        ? setAvailable(listings)
        : listings.map((l) => ({ sku: l.sku, ok: false as const, unlisted: true, reason: 'not listed' }));

    const result = await publishAvailability([change('NEW', 1, 6)], ports(ledger, api));
    listed = true;
    const { corrections } = await correctDrift(api, ports(ledger, api));

    expect(result).toMatchObject({ failed: [], unlisted: [{ channel: 'ebay', sku: 'NEW' }] });
    expect(corrections).toMatchObject([{ sku: 'NEW', reason: 'PUBLICATION_STALLED', corrected: 6 }]);
    expect(api.listed.get('NEW')).toBe(6);
  });
});

describe('drift check', () => {
  it('re-publishes what the channel lists differently and a stalled figure, and leaves what agrees', async () => {
    const ledger = new MemoryLedger();
    const api = new RecordingChannel();
    await publishAvailability(
      [change('SAME', 1, 5), change('EDITED', 1, 7), change('STALLED', 1, 9)],
      ports(ledger, api),
    );
    api.listed.set('EDITED', 2);
    await ledger.offer({ channel: 'ebay', subject: 'availability#STALLED' }, 'STALLED', {
      version: 2,
      value: 8,
      eventTime: '2026-11-23T10:00:00.000Z',
    });

    const { corrections } = await correctDrift(api, ports(ledger, api));

    expect(corrections.map((c) => [c.sku, c.reason, c.listed, c.corrected])).toEqual([
      ['EDITED', 'LISTED_QUANTITY_DIFFERS', 2, 7],
      ['STALLED', 'PUBLICATION_STALLED', 9, 8],
    ]);
    expect(api.listed.get('EDITED')).toBe(7);
    expect(api.calls.at(-1)).toEqual([
      { sku: 'EDITED', quantity: 7, previous: 2 },
      { sku: 'STALLED', quantity: 8, previous: 9 },
    ]);
  });
});
