import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import { appendOutbox, releaseOrderStock, reserveOrderStock, type InventoryPorts } from '#domain/inventory/reservation';
import { sweepInventory } from '#domain/inventory/sweeper';
import { holdReservationUntil } from '#domain/inventory/hold';
import type { FulfilmentRequest } from '#domain/fulfilment';
import type { Order } from '#domain/kernel/order';
import { availability, orderReceivedBody, postAdjustment, stockOrder } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

// WooCommerce holds a reservation for one minute; a pickup waits two hours at the store once ready. Before
// the fix the sweeper released a waiting pickup's units at the reservation's expiry, and the customer's
// order was neither held nor cancelled.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  locations: [
    { id: 'wh-east', name: 'East distribution centre', kind: 'warehouse' },
    {
      id: 'store-042',
      name: 'Portland store',
      kind: 'store',
      timeZone: 'America/New_York',
      channelLocationIds: { woocommerce: 'local_pickup:42' },
    },
  ],
  defaultChannel: {
    locations: ['store-042', 'wh-east'],
    onShortage: 'reject',
    reservationTtlMinutes: 1,
    exposure: { bufferUnits: 0, percentOfAvailable: 100 },
  },
});
process.env.FABRIC_PICKUP_HOLD_HOURS = '2';

const HOUR = 3_600_000;
const reference = { kind: 'erp_document', id: 'PO-2602' };
let fabric: LocalFabric;
let store: DynamoInventoryStore;
let orders: DynamoOrderRepository;
let serial = 0;

beforeAll(async () => {
  fabric = await startTestFabric('pickup-hold', { scheduleIntervalMs: () => 0 });
  store = new DynamoInventoryStore(fabric.resources.tables.inventory);
  orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
});

afterAll(async () => {
  await fabric?.stop();
});

/** The inventory use cases against the fabric's table, at `now`, publishing nowhere. */
function inventoryAt(now: Date): InventoryPorts {
  return { store, publisher: { publish: async () => undefined }, policy: loadInventoryPolicy(), now: () => now };
}

async function stockedSku(quantity: number): Promise<string> {
  const sku = `HOLD-${Date.now().toString(36)}-${++serial}`;
  const answer = await postAdjustment(fabric, { type: 'receipt', sku, locationId: 'store-042', quantity, reference });
  expect(answer.status).toBe(201);
  return sku;
}

async function reservedAtStore(sku: string): Promise<number> {
  const { locations } = await availability(fabric, sku);
  return locations.find((l: { locationId: string }) => l.locationId === 'store-042').reserved;
}

async function act(taskId: string, action: string) {
  const response = await fetch(`${fabric.apiUrl}/store-tasks/${encodeURIComponent(taskId)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return { status: response.status, body: (await response.json()) as { task: FulfilmentRequest } };
}

describe('a pickup made ready', () => {
  it('is held past the reservation TTL until an hour after its pickup expires: the sweeper leaves it to the watch', async () => {
    const sku = await stockedSku(3);
    const order: Order = {
      ...stockOrder('woocommerce', `H-${Date.now().toString(36)}-${++serial}`, [{ sku, quantity: 1 }]),
      delivery: { method: 'pickup', channelLocationId: 'local_pickup:42' },
    };
    await orders.recordOrder(order, { eventId: `test-${order.orderId}`, deliveryId: `test-${order.channelOrderId}` });
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
    );
    const task = await eventually('the pickup task', async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/${order.orderId}/fulfilment`);
      return ((await response.json()) as { requests: FulfilmentRequest[] }).requests[0];
    });
    const reservedUntil = (await store.readReservation(order.orderId)).header?.expiresAt;
    await act(task.requestId, 'accept');

    const ready = (await act(task.requestId, 'picked')).body.task;

    expect(ready.status).toBe('ready_for_pickup');
    const heldUntil = new Date(Date.parse(ready.pickupExpiresAt!) + HOUR).toISOString();
    const { header } = await store.readReservation(order.orderId);
    expect(header).toMatchObject({ status: 'reserved', expiresAt: heldUntil, sweepAt: heldUntil });
    expect(Date.parse(heldUntil) - Date.parse(reservedUntil!)).toBeGreaterThan(2 * HOUR);

    // The channel's one-minute TTL has long passed; the two-hour hold has not.
    const afterTtl = await sweepInventory(inventoryAt(new Date(Date.parse(reservedUntil!) + 10 * 60_000)));
    const sweptLate = await releaseOrderStock(
      order,
      'RESERVATION_EXPIRED',
      inventoryAt(new Date(Date.parse(reservedUntil!) + 60_000)),
    );

    expect(afterTtl.failed).toEqual([]);
    expect(sweptLate).toEqual({ status: 'reserved', replayed: true });
    expect((await store.readReservation(order.orderId)).header?.status).toBe('reserved');
    expect(await reservedAtStore(sku)).toBe(1);

    // Should the watch never come, the sweeper still releases the units once the margin after the hold has passed.
    await sweepInventory(inventoryAt(new Date(Date.parse(heldUntil) + 60_000)));

    expect((await store.readReservation(order.orderId)).header?.status).toBe('expired');
  });
});

describe('holdReservationUntil against the inventory table', () => {
  async function reserved(): Promise<{ orderId: string; expiresAt: string }> {
    const sku = await stockedSku(2);
    const order = stockOrder('woocommerce', `HU-${Date.now().toString(36)}-${++serial}`, [{ sku, quantity: 1 }]);
    await reserveOrderStock(order, inventoryAt(new Date()));
    const { header } = await store.readReservation(order.orderId);
    expect(header?.status).toBe('reserved');
    expect(header?.outbox).toBeUndefined();
    return { orderId: order.orderId, expiresAt: header!.expiresAt! };
  }

  it('moves the expiry and the sweep index to the new time, and never back', async () => {
    const { orderId, expiresAt } = await reserved();
    const until = new Date(Date.parse(expiresAt) + 3 * HOUR).toISOString();

    expect(await holdReservationUntil(orderId, until, inventoryAt(new Date()))).toBe('extended');
    expect(await holdReservationUntil(orderId, expiresAt, inventoryAt(new Date()))).toBe('unchanged');

    expect((await store.readReservation(orderId)).header).toMatchObject({ expiresAt: until, sweepAt: until });
    const due = async (at: string) =>
      (await store.dueForSweep(new Date(Date.parse(at) + 1_000), 3)).some(
        (item) => item.kind === 'reservation' && item.header.orderId === orderId,
      );
    expect(
      await eventually('the sweep index at the new time', async () => ((await due(until)) ? true : undefined)),
    ).toBe(true);
    expect(await due(expiresAt)).toBe(false);
  });

  it("refuses to write over another writer's change: a pending outbox, another status, a later expiry", async () => {
    const { orderId, expiresAt } = await reserved();
    const later = new Date(Date.parse(expiresAt) + HOUR).toISOString();
    const { header } = await store.readReservation(orderId);
    const withOutbox = { ...header!, outbox: appendOutbox(undefined, [], []), updatedAt: new Date().toISOString() };
    expect((await store.putReservationHeader({ next: withOutbox, expect: { status: 'reserved' } })).kind).toBe(
      'committed',
    );

    const overOutbox = await store.extendReservation({ orderId, expiresAt: later, expectStatus: 'reserved' });
    const overStatus = await store.extendReservation({ orderId, expiresAt: later, expectStatus: 'backordered' });

    expect([overOutbox.kind, overStatus.kind]).toEqual(['superseded', 'superseded']);
    expect((await store.readReservation(orderId)).header).toEqual({ ...withOutbox, sweepAt: withOutbox.sweepAt });
    await store.clearOutbox({ kind: 'reservation', orderId }, withOutbox.outbox.token, expiresAt);
    expect((await store.extendReservation({ orderId, expiresAt: later, expectStatus: 'reserved' })).kind).toBe(
      'committed',
    );
    expect((await store.extendReservation({ orderId, expiresAt: expiresAt, expectStatus: 'reserved' })).kind).toBe(
      'superseded',
    );
    expect((await store.readReservation(orderId)).header).toMatchObject({
      expiresAt: later,
      updatedAt: withOutbox.updatedAt,
    });
  });

  it('leaves a cancelled reservation as the cancellation left it', async () => {
    const { orderId, expiresAt } = await reserved();
    await releaseOrderStock({ orderId, channel: 'woocommerce' }, 'ORDER_CANCELLED', inventoryAt(new Date()));
    const cancelled = (await store.readReservation(orderId)).header;

    expect(
      await holdReservationUntil(
        orderId,
        new Date(Date.parse(expiresAt) + HOUR).toISOString(),
        inventoryAt(new Date()),
      ),
    ).toBe('closed');
    expect((await store.readReservation(orderId)).header).toEqual(cancelled);
  });
});
