import {
  StoreTaskInputError,
  StoreTaskStateError,
  OrderNotYetStoredError,
  actOnStoreTask,
  collectAtTill,
  pickupHoldHours,
  releaseFulfilment,
  watchFulfilment,
  type FulfilmentPorts,
  type FulfilmentStore,
  type RequestStatus,
  type ShipmentToConfirm,
  type StockPorts,
  type StoredRequest,
} from '#domain/fulfilment';
import { ConfigError } from '#domain/kernel/errors';
import { TransientError } from '#domain/kernel/errors';
import { exceptionFrom } from '#domain/exceptions';
import type { Order } from '#domain/kernel/order';
import { balancedOrder, thrownBy } from '../builders';
import { MemoryPublisher } from '../support/pos-in-memory';

/** The fulfilment table as a map, with its conditional writes. */
class MemoryFulfilmentStore implements FulfilmentStore {
  readonly requests = new Map<string, StoredRequest>();

  async createRequest(request: StoredRequest) {
    if (this.requests.has(request.requestId)) return false;
    this.requests.set(request.requestId, structuredClone(request));
    return true;
  }
  async getRequest(requestId: string) {
    const found = this.requests.get(requestId);
    return found && structuredClone(found);
  }
  async updateRequest(next: StoredRequest, expectVersion: number) {
    if (this.requests.get(next.requestId)?.version !== expectVersion) return false;
    this.requests.set(next.requestId, structuredClone(next));
    return true;
  }
  async listByOrder(orderId: string) {
    return [...this.requests.values()].filter((r) => r.orderId === orderId);
  }
  async listByLocation(locationId: string, status?: RequestStatus) {
    return [...this.requests.values()].filter((r) => r.locationId === locationId && (!status || r.status === status));
  }
  async listDue(now: Date) {
    return [...this.requests.values()].filter((r) => r.dueAt && r.dueAt <= now.toISOString());
  }
}

const order = balancedOrder();
const START = new Date('2026-12-07T10:00:00.000Z');

function fulfilment(overrides: { move?: StockPorts['moveReservation']; hold?: StockPorts['holdReservation'] } = {}) {
  let now = START;
  /** How the stored order is delivered: each test's task sets it. */
  const orderDelivery = { method: undefined as Order['delivery'] };
  const publisher = new MemoryPublisher();
  const store = new MemoryFulfilmentStore();
  const moves: Parameters<StockPorts['moveReservation']>[0][] = [];
  const released: string[] = [];
  const holds: Parameters<StockPorts['holdReservation']>[0][] = [];
  const shipments: ShipmentToConfirm[] = [];
  const ports: FulfilmentPorts = {
    store,
    publisher,
    locations: [
      { id: 'wh-east', kind: 'warehouse' },
      {
        id: 'store-042',
        kind: 'store',
        acceptSlaMinutes: 30,
        channelLocationIds: { shopify: 'gid://shopify/Location/42' },
      },
      { id: 'store-043', kind: 'store', acceptSlaMinutes: 30 },
    ],
    orders: {
      getOrder: async (orderId) =>
        orderId === order.orderId ? { ...order, delivery: orderDelivery.method } : undefined,
    },
    shipbob: {
      createOrder: async () => ({ providerOrderId: '700000001' }),
      shipmentsOf: async () => [],
    },
    confirmShipment: async (shipment) => {
      shipments.push(shipment);
      return { status: 202, body: { shipmentId: shipment.shipmentId } };
    },
    stock: {
      moveReservation:
        overrides.move ??
        (async (move) => {
          moves.push(move);
          return { outcome: 'moved', toLocationId: 'store-043' };
        }),
      holdReservation:
        overrides.hold ??
        (async (hold) => {
          holds.push(hold);
        }),
      releaseExpiredPickup: async ({ orderId }) => {
        released.push(orderId);
      },
    },
    pickupHoldHours: 2,
    now: () => now,
    pickupCode: () => '424242',
  };
  return {
    orderDelivery,
    ports,
    store,
    publisher,
    moves,
    released,
    holds,
    shipments,
    advance: (minutes: number) => {
      now = new Date(now.getTime() + minutes * 60_000);
    },
  };
}

async function storeTask(
  world: ReturnType<typeof fulfilment>,
  attempt = 1,
  method: Order['delivery'] = { method: 'ship_from_store' },
) {
  world.orderDelivery.method = method;
  const [task] = await releaseFulfilment(
    {
      orderId: order.orderId,
      attempt,
      allocations: [{ lineId: '1', sku: 'APP-TSHIRT-RED-M', locationId: 'store-042', quantity: 2 }],
    },
    world.ports,
  );
  return task;
}

describe('a store task', () => {
  it('is made once per location and attempt, with an accept-by time from the store SLA', async () => {
    const world = fulfilment();

    const task = await storeTask(world);
    await storeTask(world);

    expect(world.store.requests.size).toBe(1);
    expect(task).toMatchObject({
      requestId: `${order.orderId}.store-042.1`,
      route: 'store_task',
      status: 'open',
      method: 'ship_from_store',
      acceptBy: '2026-12-07T10:30:00.000Z',
    });
    expect(world.publisher.ofType('FulfilmentRequested')).toHaveLength(1);
  });

  it('refuses an action its status does not allow, naming the status', async () => {
    const world = fulfilment();
    const task = await storeTask(world);

    const error = await actOnStoreTask(task.requestId, { action: 'picked' }, 'store-app', world.ports).catch((e) => e);

    expect(error).toBeInstanceOf(StoreTaskStateError);
    expect(error.message).toMatch(/is open; picked applies to accepted/);
  });

  it('answers a repeated accept with the task as it is, and records the move once', async () => {
    const world = fulfilment();
    const task = await storeTask(world);

    await actOnStoreTask(task.requestId, { action: 'accept' }, 'store-app', world.ports);
    const again = await actOnStoreTask(task.requestId, { action: 'accept' }, 'store-app', world.ports);

    expect(again.status).toBe('accepted');
    expect(again.history).toEqual([{ at: START.toISOString(), from: 'open', to: 'accepted', by: 'store-app' }]);
    expect(world.publisher.ofType('StoreTaskChanged')).toHaveLength(1);
  });

  it('ships from the store through the shipment flow with the carrier and tracking number given', async () => {
    const world = fulfilment();
    const task = await storeTask(world);
    await actOnStoreTask(task.requestId, { action: 'accept' }, 'store-app', world.ports);

    const shipped = await actOnStoreTask(
      task.requestId,
      { action: 'shipped', carrier: 'UPS', trackingNumber: '1Z999' },
      'store-app',
      world.ports,
    );

    expect(shipped.status).toBe('shipped');
    expect(world.shipments).toEqual([
      expect.objectContaining({
        shipmentId: `${task.requestId}.shipped`,
        locationId: 'store-042',
        carrier: 'UPS',
        trackingNumber: '1Z999',
        lines: [{ lineId: '1', sku: 'APP-TSHIRT-RED-M', quantity: 2 }],
      }),
    ]);
  });
});

describe('a pickup task', () => {
  it('is ready with its code once picked, refuses a wrong code naming `code`, and ships once when collected', async () => {
    const world = fulfilment();
    const task = await storeTask(world, 1, { method: 'pickup', channelLocationId: 'gid://shopify/Location/42' });
    await actOnStoreTask(task.requestId, { action: 'accept' }, 'store-app', world.ports);

    const ready = await actOnStoreTask(task.requestId, { action: 'picked' }, 'store-app', world.ports);
    const wrong = await actOnStoreTask(task.requestId, { action: 'collect', code: '111111' }, 'pos', world.ports).catch(
      (e) => e,
    );
    await actOnStoreTask(task.requestId, { action: 'collect', code: '424242' }, 'pos', world.ports);
    const again = await actOnStoreTask(task.requestId, { action: 'collect', code: '424242' }, 'pos', world.ports);

    expect(task.acceptBy).toBeUndefined();
    expect(ready).toMatchObject({ status: 'ready_for_pickup', pickupExpiresAt: '2026-12-07T12:00:00.000Z' });
    expect(ready).not.toHaveProperty('pickupCode');
    expect(world.publisher.ofType('PickupReady')[0].data).toMatchObject({
      pickupCode: '424242',
      channelLocationId: 'gid://shopify/Location/42',
    });
    expect(wrong).toBeInstanceOf(StoreTaskInputError);
    expect(wrong.path).toBe('code');
    expect(again.status).toBe('collected');
    expect(world.shipments.map((s) => s.shipmentId)).toEqual([`${task.requestId}.collected`]);
    expect(world.publisher.ofType('PickupCollected')).toHaveLength(1);
  });

  it('holds its reservation until an hour after the pickup expires, before it is ready, so the sweeper never releases it first', async () => {
    const world = fulfilment();
    const task = await storeTask(world, 1, { method: 'pickup', channelLocationId: 'gid://shopify/Location/42' });
    await actOnStoreTask(task.requestId, { action: 'accept' }, 'store-app', world.ports);

    const ready = await actOnStoreTask(task.requestId, { action: 'picked' }, 'store-app', world.ports);

    expect(ready.pickupExpiresAt).toBe('2026-12-07T12:00:00.000Z');
    expect(world.holds).toEqual([{ orderId: task.orderId, until: '2026-12-07T13:00:00.000Z' }]);
  });

  it('stays accepted when its reservation could not be held, so the store says picked again', async () => {
    const world = fulfilment({
      hold: async () => {
        throw new Error('inventory table unavailable');
      },
    });
    const task = await storeTask(world, 1, { method: 'pickup', channelLocationId: 'gid://shopify/Location/42' });
    await actOnStoreTask(task.requestId, { action: 'accept' }, 'store-app', world.ports);

    const failed = await actOnStoreTask(task.requestId, { action: 'picked' }, 'store-app', world.ports).catch(
      (e: Error) => e,
    );

    expect(failed).toBeInstanceOf(Error);
    expect((await world.store.getRequest(task.requestId))?.status).toBe('accepted');
    expect(world.publisher.ofType('PickupReady')).toHaveLength(0);
  });

  it('expires once its hold has passed: units released, PickupExpired published', async () => {
    const world = fulfilment();
    const task = await storeTask(world, 1, { method: 'pickup' });
    await actOnStoreTask(task.requestId, { action: 'accept' }, 'store-app', world.ports);
    await actOnStoreTask(task.requestId, { action: 'picked' }, 'store-app', world.ports);

    world.advance(119);
    const early = await watchFulfilment(world.ports);
    world.advance(1);
    const due = await watchFulfilment(world.ports);
    const after = await watchFulfilment(world.ports);

    expect(early).toEqual([]);
    expect(due).toEqual([{ requestId: task.requestId, outcome: 'pickup_expired' }]);
    expect(after).toEqual([]);
    expect(world.released).toEqual([order.orderId]);
    expect(world.publisher.ofType('PickupExpired')).toHaveLength(1);
    expect(world.store.requests.get(task.requestId)?.status).toBe('expired');
  });
});

describe('a pickup handed over at the till', () => {
  const till = { orderId: order.orderId, storeId: 'store-042', registerId: 'R2' };

  it('collects the task at that store by the till, through the same one shipment a collect action makes', async () => {
    const world = fulfilment();
    const task = await storeTask(world, 1, { method: 'pickup' });
    await actOnStoreTask(task.requestId, { action: 'accept' }, 'store-app', world.ports);

    const collected = await collectAtTill(till, world.ports);
    const replayed = await collectAtTill(till, world.ports);
    const atTheCounter = await actOnStoreTask(
      task.requestId,
      { action: 'collect', code: '424242' },
      'store-app',
      world.ports,
    );

    expect(collected).toMatchObject({ outcome: 'collected', task: { status: 'collected' } });
    expect(collected.outcome === 'collected' && collected.task.history.at(-1)).toMatchObject({
      from: 'accepted',
      to: 'collected',
      by: 'pos:store-042:R2',
    });
    expect(replayed).toMatchObject({ outcome: 'already_collected' });
    expect(atTheCounter.status).toBe('collected');
    expect(world.shipments).toEqual([
      expect.objectContaining({
        shipmentId: `${task.requestId}.collected`,
        locationId: 'store-042',
        carrier: 'in-store pickup',
      }),
    ]);
    expect(world.publisher.ofType('PickupCollected')).toHaveLength(1);
  });

  it('collects an open task too: the customer has the goods, so the pickup must not expire and refund them', async () => {
    const world = fulfilment();
    const task = await storeTask(world, 1, { method: 'pickup' });

    const collected = await collectAtTill(till, world.ports);

    expect(collected).toMatchObject({ outcome: 'collected', task: { requestId: task.requestId, status: 'collected' } });
  });

  it('collects nothing for an order that is not a pickup, or is a pickup at another store', async () => {
    const shipped = fulfilment();
    await storeTask(shipped, 1, { method: 'ship' });
    const elsewhere = fulfilment();
    await storeTask(elsewhere, 1, { method: 'pickup' });

    const notAPickup = await collectAtTill(till, shipped.ports);
    const otherStore = await collectAtTill({ ...till, storeId: 'store-043' }, elsewhere.ports);

    expect(notAPickup).toEqual({
      outcome: 'not_a_pickup_here',
      reason: `order ${order.orderId} is not a pickup order`,
    });
    expect(otherStore).toMatchObject({
      outcome: 'not_a_pickup_here',
      reason: expect.stringMatching(/no pickup task at store-043/),
    });
    expect([...shipped.shipments, ...elsewhere.shipments]).toEqual([]);
    // The goods left the shelf with no stock movement: each is raised for a person.
    const raised = [
      ...shipped.publisher.ofType('TillHandOverUnmatched'),
      ...elsewhere.publisher.ofType('TillHandOverUnmatched'),
    ];
    expect(raised.map((event) => event.data)).toEqual([
      { ...till, reason: `order ${order.orderId} is not a pickup order` },
      { ...till, storeId: 'store-043', reason: expect.stringMatching(/no pickup task at store-043/) },
    ]);
    expect(exceptionFrom(raised[0])).toMatchObject({
      kind: 'TillHandOverUnmatched',
      orderId: order.orderId,
      reasonCode: 'TILL_HAND_OVER_UNMATCHED',
    });
  });

  it('is retried while the order, or its release to the store, is not stored yet', async () => {
    const world = fulfilment();
    world.orderDelivery.method = { method: 'pickup' };

    const unknown = await collectAtTill({ ...till, orderId: 'ord_unknown00000000000000' }, world.ports).catch((e) => e);
    const unreleased = await collectAtTill(till, world.ports).catch((e) => e);

    expect(unknown).toBeInstanceOf(OrderNotYetStoredError);
    expect(unknown).toBeInstanceOf(TransientError);
    expect(unreleased).toBeInstanceOf(OrderNotYetStoredError);
    expect(world.shipments).toEqual([]);
  });
});

describe('re-sourcing', () => {
  it('moves a task the store did not accept within its SLA to the next location, once', async () => {
    const world = fulfilment();
    const task = await storeTask(world);

    world.advance(31);
    const outcomes = await watchFulfilment(world.ports);
    await watchFulfilment(world.ports);

    expect(outcomes).toEqual([{ requestId: task.requestId, outcome: 'sla_missed' }]);
    expect(world.moves).toEqual([
      {
        orderId: order.orderId,
        fromLocationId: 'store-042',
        moveId: task.requestId,
        reason: 'STORE_SLA_MISSED',
        exclude: [],
      },
    ]);
    expect(world.store.requests.get(task.requestId)?.status).toBe('sla_missed');
  });

  it('raises FulfilmentUnsourceable for a re-sourced part rejected again, and moves nothing', async () => {
    const world = fulfilment();
    const task = await storeTask(world, 2);

    await actOnStoreTask(task.requestId, { action: 'reject', reason: 'shelf empty' }, 'store-app', world.ports);

    expect(world.moves).toEqual([]);
    const [raised] = world.publisher.ofType('FulfilmentUnsourceable');
    expect(raised.data).toMatchObject({ reason: 'REJECTED_TWICE', detail: 'shelf empty', locationId: 'store-042' });
    expect(exceptionFrom(raised)).toMatchObject({
      kind: 'FulfilmentUnsourceable',
      orderId: order.orderId,
      reasonCode: 'REJECTED_TWICE',
    });
  });

  it('raises FulfilmentUnsourceable when no other location can take the part, and the task ends rejected', async () => {
    const world = fulfilment({ move: async () => ({ outcome: 'no_location' }) });
    const task = await storeTask(world);

    const rejected = await actOnStoreTask(
      task.requestId,
      { action: 'reject', reason: 'damaged' },
      'store-app',
      world.ports,
    );

    expect(rejected).toMatchObject({ status: 'rejected', rejectReason: 'damaged' });
    expect(world.publisher.ofType('FulfilmentUnsourceable')[0].data).toMatchObject({ reason: 'NO_LOCATION' });
  });
});

describe('the pickup hold', () => {
  it('is 72 hours unless FABRIC_PICKUP_HOLD_HOURS says otherwise, fractions allowed', () => {
    expect(pickupHoldHours({})).toBe(72);
    expect(pickupHoldHours({ FABRIC_PICKUP_HOLD_HOURS: '0.05' })).toBe(0.05);
  });

  it('refuses a hold that is not a positive number, naming the variable', () => {
    const error = thrownBy(ConfigError, () => pickupHoldHours({ FABRIC_PICKUP_HOLD_HOURS: 'two days' }));

    expect(error.message).toMatch(/FABRIC_PICKUP_HOLD_HOURS/);
    expect(() => pickupHoldHours({ FABRIC_PICKUP_HOLD_HOURS: '0' })).toThrow(/FABRIC_PICKUP_HOLD_HOURS/);
  });
});
