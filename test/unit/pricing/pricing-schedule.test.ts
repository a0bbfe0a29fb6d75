import { DEFAULT_DATA_OWNERSHIP } from '#domain/kernel/data-ownership';
import {
  publishDueWindows,
  recordPrice,
  recordPromotion,
  type PricingStore,
  type ScheduledChange,
} from '#domain/pricing/schedule';
import type { PriceEntry, Promotion } from '#domain/pricing/model';
import type { FabricEvent } from '#domain/kernel/event';

/** The pricing store in memory: enough to follow windows from recording to publication. */
class MemoryPricingStore implements PricingStore {
  readonly prices: PriceEntry[] = [];
  readonly promotions = new Map<string, Promotion>();
  readonly windows = new Map<string, ScheduledChange>();

  async putPrice(entry: PriceEntry) {
    this.prices.push(entry);
  }
  async putPromotion(promotion: Promotion) {
    this.promotions.set(promotion.promotionId, promotion);
  }
  async pricesFor(skus: readonly string[]) {
    return this.prices.filter((entry) => skus.includes(entry.sku));
  }
  async promotionsFor(skus: readonly string[]) {
    return [...this.promotions.values()].filter((promotion) =>
      promotion.targets.skus.some((sku) => skus.includes(sku)),
    );
  }
  async schedule(changes: readonly ScheduledChange[]) {
    for (const change of changes) this.windows.set(change.windowKey, change);
  }
  async dueChanges(now: Date, limit: number) {
    return [...this.windows.values()]
      .filter((change) => Date.parse(change.dueAt) <= now.getTime())
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))
      .slice(0, limit);
  }
  readonly leases = new Map<string, number>();
  async claim(change: ScheduledChange, until: number, now: number) {
    if (!this.windows.has(change.windowKey) || (this.leases.get(change.windowKey) ?? 0) >= now) return false;
    this.leases.set(change.windowKey, until);
    return true;
  }
  async complete(change: ScheduledChange) {
    this.windows.delete(change.windowKey);
  }
}

function setup() {
  const store = new MemoryPricingStore();
  const events: FabricEvent[] = [];
  return {
    store,
    events,
    ports: {
      store,
      publisher: { publish: async (published: readonly FabricEvent[]) => void events.push(...published) },
      ownership: DEFAULT_DATA_OWNERSHIP,
    },
  };
}

const price: PriceEntry = {
  sku: 'TEE-1',
  priceList: 'base',
  currency: 'USD',
  amountMinor: 2400,
  effectiveFrom: '2026-11-24T00:00:00.000Z',
  sourceSystem: 'erp',
};
const promotion: Promotion = {
  promotionId: 'P-1',
  name: 'Weekend',
  startsAt: '2026-11-28T00:00:00.000Z',
  endsAt: '2026-11-30T00:00:00.000Z',
  targets: { skus: ['TEE-1'] },
  rule: { kind: 'percentage', percentOff: 10 },
  sourceSystem: 'merchandising',
};

describe('pricing windows', () => {
  it('schedules a future price and publishes it once when due', async () => {
    const { store, events, ports } = setup();
    expect((await recordPrice(price, ports, new Date('2026-11-23T12:00:00Z'))).outcome).toBe('scheduled');
    expect(events).toHaveLength(0);
    expect(await publishDueWindows(ports, new Date('2026-11-23T23:59:59Z'))).toHaveLength(0);
    expect(await publishDueWindows(ports, new Date('2026-11-24T00:00:00Z'))).toHaveLength(1);
    expect(await publishDueWindows(ports, new Date('2026-11-24T00:01:00Z'))).toHaveLength(0);
    expect(events.map((event) => [event.detailType, (event.data as { appliedLate: boolean }).appliedLate])).toEqual([
      ['PriceChanged', false],
    ]);
    expect(store.windows.size).toBe(0);
  });

  it('applies a price whose time has passed at once and flags it late', async () => {
    const { store, events, ports } = setup();
    const outcome = await recordPrice(price, ports, new Date('2026-11-24T06:00:00Z'));
    expect(outcome).toEqual({
      outcome: 'applied_late',
      windows: [{ windowKey: 'price#TEE-1#base#USD#2026-11-24T00:00:00.000Z', dueAt: price.effectiveFrom, late: true }],
    });
    expect(events[0].data).toMatchObject({
      sku: 'TEE-1',
      amountMinor: 2400,
      appliedLate: true,
      effectiveAt: price.effectiveFrom,
    });
    expect(store.windows.size).toBe(0);
  });

  it('starts a promotion that arrives after its start at once, and still ends it on time', async () => {
    const { events, ports } = setup();
    await recordPromotion(promotion, ports, new Date('2026-11-28T09:00:00Z'));
    expect(events.map((event) => event.detailType)).toEqual(['PromotionActivated']);
    expect(events[0].data).toMatchObject({ appliedLate: true });
    await publishDueWindows(ports, new Date('2026-11-30T00:00:00Z'));
    expect(events.map((event) => [event.detailType, (event.data as { appliedLate: boolean }).appliedLate])).toEqual([
      ['PromotionActivated', true],
      ['PromotionEnded', false],
    ]);
  });

  it('publishes due windows oldest first across pages', async () => {
    const { events, ports } = setup();
    for (let day = 25; day >= 24; day -= 1)
      await recordPrice(
        { ...price, effectiveFrom: `2026-11-${day}T00:00:00.000Z` },
        ports,
        new Date('2026-11-23T00:00:00Z'),
      );
    await recordPromotion(promotion, ports, new Date('2026-11-23T00:00:00Z'));
    const published = await publishDueWindows(ports, new Date('2026-12-01T00:00:00Z'), 1);
    expect(published.map((window) => window.dueAt)).toEqual([
      '2026-11-24T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
      promotion.startsAt,
      promotion.endsAt,
    ]);
    expect(events).toHaveLength(4);
  });

  it('leaves a window another run holds to that run, and publishes it once the lease lapses', async () => {
    const { store, events, ports } = setup();
    await recordPrice(price, ports, new Date('2026-11-23T00:00:00Z'));
    const due = new Date('2026-11-24T00:00:00Z');
    const [window] = await store.dueChanges(due, 10);
    expect(await store.claim(window, due.getTime() + 60_000, due.getTime())).toBe(true);
    expect(await publishDueWindows(ports, due)).toHaveLength(0);
    expect(events).toHaveLength(0);
    expect(await publishDueWindows(ports, new Date(due.getTime() + 60_001))).toHaveLength(1);
    expect(events.map((event) => event.detailType)).toEqual(['PriceChanged']);
  });

  it('refuses a promotion from a system that does not own promotions, storing nothing', async () => {
    const { store, events, ports } = setup();
    const outcome = await recordPromotion(
      { ...promotion, sourceSystem: 'erp' },
      ports,
      new Date('2026-11-23T00:00:00Z'),
    );
    expect(outcome).toEqual({
      outcome: 'refused',
      message: 'promotions is owned by merchandising; a change from erp is refused',
    });
    expect(store.promotions.size).toBe(0);
    expect(events.map((event) => [event.detailType, event.data])).toEqual([
      [
        'ChangeRefused',
        {
          domain: 'promotions',
          owner: 'merchandising',
          sourceSystem: 'erp',
          subject: 'promotion#P-1',
          via: 'api',
          refusedAt: '2026-11-23T00:00:00.000Z',
        },
      ],
    ]);
  });
});
