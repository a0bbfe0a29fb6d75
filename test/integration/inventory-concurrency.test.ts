import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { isClean, verifyInventory } from '#domain/inventory/verification';
import type { ReservationStatus } from '#domain/inventory/records';
import type { SalesChannel } from '#domain/kernel/order';
import type { FabricEvent } from '#domain/kernel/event';
import { EventSource } from '#events/catalog';
import {
  EventProbe,
  availability,
  orderReceivedBody,
  postAdjustment,
  queueDepth,
  stockOrder,
} from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';
import { seededRandom } from '../../scripts/sample/shopify-orders';

/**
 * The acceptance run: 200 single-unit orders at once against 50 on hand. Shopify refuses what
 * it cannot cover; WooCommerce backorders it. The same numbers must come out when every event is
 * delivered twice, for a plain SKU and for a sharded one.
 */
const POLICY = {
  channels: { shopify: { onShortage: 'reject' }, woocommerce: { onShortage: 'backorder' } },
  shardedSkus: Object.fromEntries(['HOT-SHARDED-ONCE', 'HOT-SHARDED-TWICE'].map((sku) => [sku, { shards: 4 }])),
};
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify(POLICY);

// Two runs of 400-800 deliveries each on a 2-core machine: more than the suite's default minute under load.
jest.setTimeout(120_000);

const ORDERS = 200;
const ON_HAND = 50;
let fabric: LocalFabric;
let probe: EventProbe;
let store: DynamoInventoryStore;

beforeAll(async () => {
  fabric = await startTestFabric('inventory-concurrency', { scheduleIntervalMs: () => 0 });
  store = new DynamoInventoryStore(fabric.resources.tables.inventory);
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.inventory],
    'detail-type': ['InventoryReserved', 'ReservationRejected'],
  });
});

afterAll(async () => {
  await fabric?.stop();
});

async function receive(sku: string): Promise<void> {
  const answer = await postAdjustment(fabric, {
    type: 'receipt',
    sku,
    locationId: 'wh-east',
    quantity: ON_HAND,
    reference: { kind: 'erp_document', id: `PO-${sku}` },
  });
  expect(answer.status).toBe(201);
}

function orders(sku: string, channel: SalesChannel) {
  return Array.from({ length: ORDERS }, (_, i) => stockOrder(channel, `${sku}-${i}`, [{ sku, quantity: 1 }]));
}

/** What a run ends with: reservation statuses, the SKU's position, events per type, and whether the ledger agrees. */
async function outcome(sku: string, orderIds: string[]) {
  const { total } = await availability(fabric, sku);
  const scan = await store.scanForVerification();
  const statuses: Partial<Record<ReservationStatus, number>> = {};
  for (const header of scan.headers.filter((h) => orderIds.includes(h.orderId)))
    statuses[header.status] = (statuses[header.status] ?? 0) + 1;
  const mine = <T extends { sku: string }>(items: T[]) => items.filter((item) => item.sku === sku);
  const report = verifyInventory(
    mine(scan.positions),
    mine(scan.movements),
    scan.parts.map((part) => ({ ...part, allocations: mine(part.allocations) })),
  );
  await probe.drain();
  const eventsFor = (type: string) =>
    probe.distinct<{ orderId: string }>(type).filter((event) => orderIds.includes(event.data.orderId));
  const ordersWith = (events: FabricEvent<{ orderId: string }>[]) =>
    new Set(events.map((event) => event.data.orderId)).size;
  return {
    statuses,
    position: { onHand: total.onHand, reserved: total.reserved, available: total.available },
    ledgerAgrees: isClean(report),
    ledgerUnits: report.movements,
    events: {
      InventoryReserved: [eventsFor('InventoryReserved').length, ordersWith(eventsFor('InventoryReserved'))],
      ReservationRejected: [eventsFor('ReservationRejected').length, ordersWith(eventsFor('ReservationRejected'))],
    },
  };
}

/** Fires the orders at once, each delivered `deliveries` times in a shuffled order, and waits until the queue is empty. */
async function fire(batch: ReturnType<typeof orders>, deliveries: number): Promise<void> {
  // Duplicates land anywhere in the queue: some in the same batch as their original, racing it.
  const random = seededRandom(deliveries * 7919 + batch.length);
  const bodies = batch
    .flatMap((order) => Array.from({ length: deliveries }, () => orderReceivedBody(order)))
    .map((body) => ({ body, at: random() }))
    .sort((a, b) => a.at - b.at)
    .map(({ body }) => body);
  const queue = fabric.resources.queues['inventory-reservation'];
  await Promise.all(
    Array.from({ length: Math.ceil(bodies.length / 10) }, (_, i) =>
      fabric.clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: bodies.slice(i * 10, i * 10 + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
        }),
      ),
    ),
  );
}

const KINDS = [
  { kind: 'plain', skuPrefix: 'HOT-PLAIN', channel: 'shopify', shortStatus: 'rejected' },
  { kind: 'sharded', skuPrefix: 'HOT-SHARDED', channel: 'woocommerce', shortStatus: 'backordered' },
] as const;
const results = new Map<string, Awaited<ReturnType<typeof outcome>>>();

describe('200 concurrent single-unit orders at a SKU with 50 on hand, a plain one (Shopify refuses) and a sharded one (WooCommerce backorders)', () => {
  test.each([
    ['once', 1],
    ['twice', 2],
  ] as const)(
    'each event delivered %s: exactly 50 reserved, 150 refused or backordered, ledger agrees, same numbers',
    async (label, deliveries) => {
      const runs = KINDS.map(({ skuPrefix, channel }) => ({
        sku: `${skuPrefix}-${label.toUpperCase()}`,
        batch: orders(`${skuPrefix}-${label.toUpperCase()}`, channel),
      }));
      await Promise.all(runs.map(({ sku }) => receive(sku)));

      await Promise.all(runs.map(({ batch }) => fire(batch, deliveries)));

      const queue = fabric.resources.queues['inventory-reservation'];
      await eventually(
        'every delivery to be consumed',
        async () => ((await queueDepth(fabric, queue.url)) === 0 ? true : undefined),
        100_000,
      );
      for (const [i, { kind, shortStatus }] of KINDS.entries()) {
        const result = await outcome(
          runs[i].sku,
          runs[i].batch.map((order) => order.orderId),
        );
        expect(result).toEqual({
          statuses: { reserved: ON_HAND, [shortStatus]: ORDERS - ON_HAND },
          position: { onHand: ON_HAND, reserved: ON_HAND, available: 0 },
          ledgerAgrees: true,
          ledgerUnits: 1 + ON_HAND + (kind === 'sharded' ? 3 : 0),
          events: { InventoryReserved: [ON_HAND, ON_HAND], ReservationRejected: [ORDERS - ON_HAND, ORDERS - ON_HAND] },
        });
        results.set(`${kind}-${label}`, result);
        if (label === 'twice') expect(result).toEqual(results.get(`${kind}-once`));
      }
      expect(await queueDepth(fabric, queue.dlqUrl)).toBe(0);
    },
  );
});
