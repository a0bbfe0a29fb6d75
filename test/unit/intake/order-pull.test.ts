import type { ChannelOrderMapper } from '#domain/intake/channel-ports';
import { catchUpChannel } from '#domain/intake/catch-up';
import {
  ConnectorStateConflictError,
  isCatchUpDelivery,
  recoveredByCatchUp,
  pullOrders,
  type ConnectorState,
  type OrderFeed,
  type OrderPullPorts,
} from '#domain/intake/order-pull';
import type { FabricEvent } from '#domain/kernel/event';
import { balancedOrder } from '../builders';
import { orderIdFor } from '#domain/kernel/order';

interface FakeOrder {
  id: string;
  modified: string;
}

/** A channel search over fixed orders: [from, to] inclusive, sorted, pages of two, and a fault switch. */
function fakeFeed(orders: FakeOrder[]) {
  const calls: { window: { from: string; to: string }; page?: string }[] = [];
  let failOnPage: string | undefined;
  const mapper: ChannelOrderMapper<FakeOrder> = {
    channel: 'ebay',
    channelOrderId: (order) => order.id,
    skuKeys: () => [{ channelSku: 'TSHIRT-RED-M' }],
    toCanonicalOrder: (order) =>
      balancedOrder({
        orderId: orderIdFor('ebay', order.id),
        channel: 'ebay',
        channelOrderId: order.id,
        channelUpdatedAt: order.modified,
      }),
  };
  const feed: OrderFeed<FakeOrder> = {
    channel: 'ebay',
    connector: 'ebay-orders',
    mapper,
    async fetchPage(window, page) {
      calls.push({ window, ...(page ? { page } : {}) });
      if (page && page === failOnPage) throw new Error(`page ${page} failed`);
      const inWindow = orders
        .filter((o) => o.modified >= window.from && o.modified <= window.to)
        .sort((a, b) => a.modified.localeCompare(b.modified));
      const offset = Number(page ?? 0);
      const slice = inWindow.slice(offset, offset + 2);
      return {
        orders: slice.map((o) => ({ kind: 'order' as const, channelOrderId: o.id, version: o.modified, payload: o })),
        raw: slice,
        ...(offset + 2 < inWindow.length ? { nextPage: String(offset + 2) } : {}),
      };
    },
  };
  return {
    feed,
    calls,
    failOn: (page: string | undefined) => {
      failOnPage = page;
    },
  };
}

function fakePorts() {
  let stored: ConnectorState = { version: 0 };
  const published: FabricEvent[] = [];
  const done = new Map<string, { orderId: string; outcome: string }>();
  /** The versions the order store holds, as the webhook left them. */
  const delivered = new Map<string, string>();
  const failures: { connector: string; reason: string; at: string }[] = [];
  const ports: OrderPullPorts = {
    delivered: { storedVersion: async (orderId) => delivered.get(orderId) },
    state: {
      async load() {
        return structuredClone(stored);
      },
      async save(_connector, state) {
        if (state.version !== stored.version) throw new ConnectorStateConflictError('moved');
        stored = { ...structuredClone(state), version: state.version + 1 };
        return stored.version;
      },
    },
    archive: { archiveDelivery: async (d) => d.requestId, recordVerdict: async () => undefined },
    publisher: {
      publish: async (events) => {
        published.push(...events);
      },
    },
    skus: { resolveSkus: async () => new Map([['sku:TSHIRT-RED-M', 'APP-TSHIRT-RED-M']]) },
    once: (async (key: string, work: () => Promise<{ orderId: string; outcome: string }>) => {
      const earlier = done.get(key);
      if (earlier) return { ...earlier, duplicate: true };
      const result = await work();
      done.set(key, result);
      return { ...result, duplicate: false };
    }) as OrderPullPorts['once'],
  };
  const catchUpPorts = {
    ...ports,
    failures: {
      async recordFailure(connector: string, reason: string, at: string) {
        failures.push({ connector, reason, at });
        return { failures: failures.length, failingSince: failures[0].at };
      },
    },
  };
  return {
    ports,
    catchUpPorts,
    delivered,
    failures,
    published,
    state: () => stored,
    receivedIds: () =>
      published
        .filter((e) => e.detailType === 'OrderReceived')
        .map((e) => (e.data as { order: { channelOrderId: string } }).order.channelOrderId),
  };
}

const at = (minute: number) => new Date(Date.UTC(2025, 2, 14, 14, minute)).toISOString();
const options = (minute: number, hasTimeLeft = () => true) => ({
  now: new Date(at(minute)),
  overlapMs: 5 * 60_000,
  settleMs: 60_000,
  initialLookbackMs: 60 * 60_000,
  hasTimeLeft,
});
const orders = [1, 2, 3, 4, 5].map((n) => ({ id: `04-0000${n}`, modified: at(10 + n) }));

describe('pullOrders', () => {
  test('publishes every order of the window once and moves the cursor to the window end', async () => {
    const { feed } = fakeFeed(orders);
    const fake = fakePorts();

    const report = await pullOrders(feed, fake.ports, options(30));

    expect(report).toMatchObject({
      pages: 3,
      published: 5,
      duplicates: 0,
      completed: true,
      window: { from: at(-30), to: at(29) },
    });
    expect(fake.receivedIds()).toEqual(['04-00001', '04-00002', '04-00003', '04-00004', '04-00005']);
    expect(fake.state()).toMatchObject({ cursor: at(29) });
    expect(fake.state().run).toBeUndefined();
  });

  test('resumes a run that failed mid-window at the failing page: nothing missed, nothing published twice', async () => {
    const { feed, calls, failOn } = fakeFeed(orders);
    const fake = fakePorts();
    failOn('2');

    await expect(pullOrders(feed, fake.ports, options(30))).rejects.toThrow('page 2 failed');
    expect(fake.receivedIds()).toEqual(['04-00001', '04-00002']);
    expect(fake.state()).toMatchObject({ run: { window: { from: at(-30), to: at(29) }, page: '2' } });

    failOn(undefined);
    const resumed = await pullOrders(feed, fake.ports, options(45));

    expect(resumed).toMatchObject({
      published: 3,
      duplicates: 0,
      completed: true,
      window: { from: at(-30), to: at(29) },
    });
    expect(calls.at(-2)).toMatchObject({ page: '2' });
    expect(fake.receivedIds()).toEqual(['04-00001', '04-00002', '04-00003', '04-00004', '04-00005']);
  });

  test('stops between pages when time runs out and resumes at the next page', async () => {
    const { feed } = fakeFeed(orders);
    const fake = fakePorts();

    const first = await pullOrders(
      feed,
      fake.ports,
      options(30, () => false),
    );
    const second = await pullOrders(feed, fake.ports, options(31));

    expect(first).toMatchObject({ pages: 1, published: 2, completed: false });
    expect(second).toMatchObject({ published: 3, completed: true });
    expect(fake.receivedIds()).toHaveLength(5);
  });

  test('counts what the overlapping next window sees again as duplicates, and publishes a newer version', async () => {
    const changing = [...orders];
    const { feed } = fakeFeed(changing);
    const fake = fakePorts();
    await pullOrders(feed, fake.ports, options(30));
    changing.push({ id: '04-00005', modified: at(30) });

    const next = await pullOrders(feed, fake.ports, options(40));

    expect(next.window).toEqual({ from: at(24), to: at(39) });
    expect(next).toMatchObject({ published: 1, duplicates: 0 });
    expect(fake.receivedIds()).toEqual(['04-00001', '04-00002', '04-00003', '04-00004', '04-00005', '04-00005']);
  });

  test('re-running the same window publishes nothing new', async () => {
    const { feed } = fakeFeed(orders);
    const fake = fakePorts();
    await pullOrders(feed, fake.ports, options(30));
    fake.ports.state.save = async () => 1;
    fake.ports.state.load = async () => ({ version: 1 });

    const again = await pullOrders(feed, fake.ports, options(30));

    expect(again).toMatchObject({ published: 0, duplicates: 5 });
  });
});

describe('the catch-up pull against what the webhooks delivered', () => {
  test('publishes only the versions the order store does not hold, marked as found by catch-up', async () => {
    const { feed } = fakeFeed(orders);
    const fake = fakePorts();
    // The webhook brought 1 and 2 as listed, and 3 at an older version; 4 and 5 never arrived.
    fake.delivered.set(orderIdFor('ebay', '04-00001'), at(11));
    fake.delivered.set(orderIdFor('ebay', '04-00002'), at(12));
    fake.delivered.set(orderIdFor('ebay', '04-00003'), at(5));

    const report = await pullOrders(feed, fake.ports, options(30));

    expect(report).toMatchObject({ published: 3, duplicates: 2, completed: true });
    expect(fake.receivedIds()).toEqual(['04-00003', '04-00004', '04-00005']);
    const deliveryIds = fake.published.map((event) => (event.data as { deliveryId: string }).deliveryId);
    expect(deliveryIds.every(isCatchUpDelivery)).toBe(true);
    expect(isCatchUpDelivery('shopify:3f1c2a')).toBe(false);
  });

  test('a one-off window from `since` pulls every page to the end and leaves the cursor alone', async () => {
    const { feed, calls } = fakeFeed(orders);
    const fake = fakePorts();
    await pullOrders(feed, fake.ports, options(30));
    const cursorBefore = fake.state();

    const report = await pullOrders(feed, fake.ports, { ...options(40), since: at(13), hasTimeLeft: () => false });

    expect(report).toMatchObject({ window: { from: at(13), to: at(39) }, pages: 2, completed: true });
    // Found again through the same once-keys as the scheduled pull: nothing is published twice.
    expect(report).toMatchObject({ published: 0, duplicates: 3 });
    expect(calls.at(-1)).toMatchObject({ window: { from: at(13) }, page: '2' });
    expect(fake.state()).toEqual(cursorBefore);
  });
});

describe('catchUpChannel', () => {
  const catchUpOptions = (minute: number) => ({ ...options(minute), failingAfter: 3 });

  test('a failing run is recorded, not thrown; from the third in a row each raises ChannelCatchUpFailing', async () => {
    const { feed, failOn } = fakeFeed(orders);
    const fake = fakePorts();
    failOn(undefined);
    feed.fetchPage = async () => {
      throw new Error('ebay API answered 503');
    };

    const results = [];
    for (const minute of [30, 45, 60, 75])
      results.push(await catchUpChannel(feed, fake.catchUpPorts, catchUpOptions(minute)));

    expect(results.map((result) => result.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(results[3]).toMatchObject({ reason: 'ebay API answered 503', failures: 4 });
    const raised = fake.published.filter((event) => event.detailType === 'ChannelCatchUpFailing');
    expect(raised.map((event) => event.data)).toEqual([
      expect.objectContaining({ channel: 'ebay', connector: 'ebay-orders', failures: 3, failingSince: at(30) }),
      expect.objectContaining({ failures: 4, failingSince: at(30), reason: 'ebay API answered 503' }),
    ]);
  });

  test('a run that finds another holding the cursor leaves the window to it', async () => {
    const { feed } = fakeFeed(orders);
    const fake = fakePorts();
    fake.ports.state.save = async () => {
      throw new ConnectorStateConflictError('moved');
    };

    const result = await catchUpChannel(feed, fake.catchUpPorts, catchUpOptions(30));

    expect(result).toEqual({ channel: 'ebay', outcome: 'another_run_pulling' });
    expect(fake.failures).toEqual([]);
  });

  test("an operator's one-off window fails loudly, to the operator, without counting as a scheduled failure", async () => {
    const { feed } = fakeFeed(orders);
    const fake = fakePorts();
    feed.fetchPage = async () => {
      throw new Error('ebay API answered 401');
    };

    await expect(catchUpChannel(feed, fake.catchUpPorts, { ...catchUpOptions(30), since: at(0) })).rejects.toThrow(
      'ebay API answered 401',
    );
    expect(fake.failures).toEqual([]);
  });
});

describe('recoveredByCatchUp', () => {
  const pulled = 'catch-up:shopify-orders:5600000005199@2026-12-06T10:00:00Z';

  test('counts a version only the pull brought, created or updated in the store', () => {
    expect(recoveredByCatchUp({ deliveryId: pulled, result: 'created', replayed: false })).toBe(true);
    expect(recoveredByCatchUp({ deliveryId: pulled, result: 'updated', replayed: false })).toBe(true);
  });

  test('counts neither a webhook delivery, nor a replay, nor a stale version the store ignored', () => {
    expect(recoveredByCatchUp({ deliveryId: 'shopify:3f1c2a', result: 'created', replayed: false })).toBe(false);
    expect(recoveredByCatchUp({ deliveryId: pulled, result: 'created', replayed: true })).toBe(false);
    expect(recoveredByCatchUp({ deliveryId: pulled, result: 'stale_update_ignored', replayed: false })).toBe(false);
  });
});
