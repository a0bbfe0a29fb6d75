import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { DynamoFulfilmentStore } from '#shared/adapters/fulfilment-store';
import { EventSource } from '#events/catalog';
import { toWireEvent } from '#domain/kernel/event';
import type { FulfilmentRequest } from '#domain/fulfilment';
import type { Order } from '#domain/kernel/order';
import {
  EventProbe,
  availability,
  orderReceivedBody,
  postAdjustment,
  queueDepth,
  stockOrder,
} from './support/inventory-support';
import { eventually, retryQuickly, startTestFabric } from './support/test-fabric';

// A store first for WooCommerce (store tasks: pickup, ship from store, re-sourced to the warehouse on a
// reject); Walmart from a ShipBob-run warehouse; eBay from the warehouse, waiting for stock it lacks. Pickups wait 1.8 seconds before the watch may expire them.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  locations: [
    { id: 'wh-east', name: 'East distribution centre', kind: 'warehouse' },
    { id: 'wh-bob', name: 'ShipBob Chicago', kind: 'warehouse', fulfilledBy: 'shipbob' },
    {
      id: 'store-042',
      name: 'Portland store',
      kind: 'store',
      timeZone: 'America/New_York',
      acceptSlaMinutes: 30,
      channelLocationIds: { woocommerce: 'local_pickup:42' },
    },
  ],
  defaultChannel: {
    locations: ['store-042', 'wh-east'],
    onShortage: 'reject',
    reservationTtlMinutes: 72 * 60,
    exposure: { bufferUnits: 0, percentOfAvailable: 100 },
  },
  channels: { walmart: { locations: ['wh-bob'] }, ebay: { locations: ['wh-east'], onShortage: 'backorder' } },
});
process.env.FABRIC_PICKUP_HOLD_HOURS = '0.0005';

const reference = { kind: 'erp_document', id: 'PO-2601' };
let fabric: LocalFabric;
let probe: EventProbe;
let orders: DynamoOrderRepository;
let lifecycles: DynamoLifecycleStore;
let serial = 0;

beforeAll(async () => {
  fabric = await startTestFabric('fulfilment', { scheduleIntervalMs: () => 0 });
  await retryQuickly(fabric, ['order-lifecycle', 'fulfilment-release', 'erp-sales-order-posting']);
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.fulfilment, EventSource.inventory],
    'detail-type': [
      'FulfilmentRequested',
      'PickupReady',
      'PickupExpired',
      'ShipmentConfirmed',
      'InventoryReserved',
      'ReservationMoved',
      'ReservationReleased',
    ],
  });
  orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
  lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
});

afterAll(async () => {
  await fabric?.stop();
});

/** A SKU no other test uses, received at each location as given. */
async function stockedSku(stock: Record<string, number>): Promise<string> {
  const sku = `FUL-${Date.now().toString(36)}-${++serial}`;
  for (const [locationId, quantity] of Object.entries(stock)) {
    const answer = await postAdjustment(fabric, { type: 'receipt', sku, locationId, quantity, reference });
    expect(answer.status).toBe(201);
  }
  return sku;
}

/** An order stored as intake stores it, then published: the fabric reserves it and releases it to its locations. */
async function placeOrder(
  channel: 'woocommerce' | 'walmart' | 'ebay',
  sku: string,
  quantity: number,
  delivery?: Order['delivery'],
) {
  const order: Order = {
    ...stockOrder(channel, `F-${Date.now().toString(36)}-${++serial}`, [{ sku, quantity }]),
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '100 N Racine Ave',
      city: 'Chicago',
      region: 'IL',
      postalCode: '60607',
      countryCode: 'US',
    },
    ...(delivery ? { delivery } : {}),
  };
  await orders.recordOrder(order, { eventId: `test-${order.orderId}`, deliveryId: `test-${order.channelOrderId}` });
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
  );
  return order;
}

async function fulfilmentOf(orderId: string): Promise<{ requests: FulfilmentRequest[]; sourcing?: unknown }> {
  const response = await fetch(`${fabric.apiUrl}/orders/${orderId}/fulfilment`);
  expect(response.status).toBe(200);
  return (await response.json()) as { requests: FulfilmentRequest[] };
}

async function requestsOnceThere(orderId: string, count = 1): Promise<FulfilmentRequest[]> {
  return eventually(
    `${count} fulfilment request(s) for ${orderId}`,
    async () => {
      const { requests } = await fulfilmentOf(orderId);
      return requests.length >= count && requests.every((r) => r.status !== 'open' || r.route === 'store_task')
        ? requests
        : undefined;
    },
    20_000,
  );
}

async function act(taskId: string, action: string, body: Record<string, unknown> = {}) {
  const response = await fetch(`${fabric.apiUrl}/store-tasks/${encodeURIComponent(taskId)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function stockAt(sku: string, locationId: string): Promise<{ onHand: number; reserved: number }> {
  const { locations } = await availability(fabric, sku);
  const { onHand, reserved } = locations.find((l: { locationId: string }) => l.locationId === locationId);
  return { onHand, reserved };
}

/** Waits until the named queues hold nothing, so that a duplicate effect would have happened by now. */
const drained = (...rules: string[]) =>
  eventually(
    `${rules.join(', ')} drained`,
    async () => {
      for (const rule of rules) if ((await queueDepth(fabric, fabric.resources.queues[rule].url)) > 0) return undefined;
      return true;
    },
    30_000,
  );

const lifecycleIs = (orderId: string, state: string) =>
  eventually(
    `order ${orderId} ${state}`,
    async () => ((await lifecycles.load(orderId))?.state === state ? true : undefined),
    30_000,
  );

const eventsAbout = async (detailType: string, orderId: string) =>
  (await probe.drain()).filter((event) => event.detailType === detailType && event.correlationId === orderId);

describe('a pickup order at a store', () => {
  let order: Order;
  let task: FulfilmentRequest;
  let pickupCode: string;
  let sku: string;

  it('becomes a store task the store lists, without a pickup code or an acceptance deadline', async () => {
    sku = await stockedSku({ 'store-042': 5 });
    order = await placeOrder('woocommerce', sku, 2, { method: 'pickup', channelLocationId: 'local_pickup:42' });

    [task] = await requestsOnceThere(order.orderId);

    expect(task).toMatchObject({
      requestId: `${order.orderId}.store-042.1`,
      locationId: 'store-042',
      locationKind: 'store',
      method: 'pickup',
      route: 'store_task',
      status: 'open',
      attempt: 1,
      lines: [{ lineId: '1', sku, quantity: 2 }],
    });
    expect(task.acceptBy).toBeUndefined();
    const listed = (await (await fetch(`${fabric.apiUrl}/stores/store-042/tasks?status=open`)).json()) as {
      tasks: FulfilmentRequest[];
    };
    expect(listed.tasks.map((t: FulfilmentRequest) => t.requestId)).toContain(task.requestId);
    expect(JSON.stringify(listed)).not.toContain('pickupCode');
  });

  it('is accepted, picked and ready for pickup: PickupReady carries the code to the channel', async () => {
    expect((await act(task.requestId, 'accept')).body.task.status).toBe('accepted');
    const ready = await act(task.requestId, 'picked');

    expect(ready.status).toBe(200);
    expect(ready.body.task).toMatchObject({ status: 'ready_for_pickup' });
    expect(ready.body.task.pickupCode).toBeUndefined();
    const [event] = await eventually('PickupReady', async () => {
      const found = await eventsAbout('PickupReady', order.orderId);
      return found.length ? found : undefined;
    });
    expect(event.data).toMatchObject({
      orderId: order.orderId,
      channel: 'woocommerce',
      channelOrderId: order.channelOrderId,
      locationId: 'store-042',
      channelLocationId: 'local_pickup:42',
      pickupCode: expect.stringMatching(/^\d{6}$/),
      lines: [{ lineId: '1', sku, quantity: 2 }],
    });
    pickupCode = (event.data as { pickupCode: string }).pickupCode;
    // Now that the task has a code, neither the store's list nor the order's parts show it.
    const listed = await (await fetch(`${fabric.apiUrl}/stores/store-042/tasks`)).text();
    const parts = await (await fetch(`${fabric.apiUrl}/orders/${order.orderId}/fulfilment`)).text();
    expect(listed).toContain(task.requestId);
    expect(`${listed}${parts}`).not.toContain(pickupCode);
  });

  it('refuses a collection with a wrong code, naming `code`', async () => {
    const wrong = pickupCode === '000000' ? '111111' : '000000';

    const answer = await act(task.requestId, 'collect', { code: wrong });

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'code' })]);
  });

  it('ships the order when collected with its code, and a repeated collection consumes the stock once', async () => {
    await lifecycleIs(order.orderId, 'posted_to_erp');

    const collected = await act(task.requestId, 'collect', { code: pickupCode });
    const again = await act(task.requestId, 'collect', { code: pickupCode });

    expect(collected.body.task.status).toBe('collected');
    expect(again).toMatchObject({ status: 200, body: { task: { status: 'collected' } } });
    await lifecycleIs(order.orderId, 'shipped');
    await eventually('the collected units off hand', async () =>
      (await stockAt(sku, 'store-042')).onHand === 3 ? true : undefined,
    );
    // A second collection would have taken the units off hand again by the time the queue is empty.
    await drained('inventory-fulfilment');
    expect(await stockAt(sku, 'store-042')).toEqual({ onHand: 3, reserved: 0 });
    expect(await eventsAbout('ShipmentConfirmed', order.orderId)).toHaveLength(1);
  });

  it('answers 409 naming the status for an action the task is past', async () => {
    const answer = await act(task.requestId, 'reject', { reason: 'no longer on the shelf' });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/collected/);
  });
});

describe('a pickup nobody collects', () => {
  it('expires after the pickup hold: its units go back to stock and the order is cancelled', async () => {
    const sku = await stockedSku({ 'store-042': 3 });
    const order = await placeOrder('woocommerce', sku, 1, { method: 'pickup', channelLocationId: 'local_pickup:42' });
    const [task] = await requestsOnceThere(order.orderId);
    await act(task.requestId, 'accept');
    await act(task.requestId, 'picked');
    expect(await stockAt(sku, 'store-042')).toEqual({ onHand: 3, reserved: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    await fabric.runScheduled('fulfilment-watch');

    const { requests } = await fulfilmentOf(order.orderId);
    expect(requests[0]).toMatchObject({ status: 'expired' });
    expect(await stockAt(sku, 'store-042')).toEqual({ onHand: 3, reserved: 0 });
    await lifecycleIs(order.orderId, 'cancelled');
    expect(await eventsAbout('PickupExpired', order.orderId)).toHaveLength(1);
    expect((await eventsAbout('ReservationReleased', order.orderId))[0].data).toMatchObject({
      reason: 'PICKUP_EXPIRED',
    });
    expect((await fulfilmentOf(order.orderId)).requests[0].status).toBe('expired');
  });
});

describe('a store that rejects a pick', () => {
  it('re-sources the part to the warehouse once: the reservation moves and the warehouse gets a request', async () => {
    const sku = await stockedSku({ 'store-042': 2, 'wh-east': 5 });
    const order = await placeOrder('woocommerce', sku, 2);
    const [task] = await requestsOnceThere(order.orderId);
    // A shipped order's part at a store is the store's to ship.
    expect(task).toMatchObject({ locationId: 'store-042', route: 'store_task', method: 'ship_from_store' });

    const refused = await act(task.requestId, 'reject', {});
    const stray = await act(task.requestId, 'reject', { reason: 'damaged stock', code: '123456' });
    const notAnObject = await fetch(`${fabric.apiUrl}/store-tasks/${encodeURIComponent(task.requestId)}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '["accept"]',
    });
    const rejected = await act(task.requestId, 'reject', { reason: 'damaged stock' });
    const again = await act(task.requestId, 'reject', { reason: 'damaged stock' });

    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'reason' })]);
    expect(stray.status).toBe(400);
    expect(JSON.stringify(stray.body.errors)).toContain('code');
    expect(notAnObject.status).toBe(400);
    expect(await notAnObject.json()).toMatchObject({ errors: [{ path: '(body)', message: 'must be a JSON object' }] });
    expect(rejected.body.task).toMatchObject({ status: 'rejected', rejectReason: 'damaged stock' });
    expect(again.status).toBe(200);
    const requests = await requestsOnceThere(order.orderId, 2);
    expect(requests.find((r) => r.locationId === 'wh-east')).toMatchObject({
      requestId: `${order.orderId}.wh-east.2`,
      method: 'ship',
      route: 'warehouse',
      status: 'released',
      attempt: 2,
      lines: [{ lineId: '1', sku, quantity: 2 }],
    });
    // Only a store's requests enter the store task index (a write unit each): a warehouse's is read by its order.
    const fulfilment = new DynamoFulfilmentStore(fabric.resources.tables.fulfilment);
    expect(await fulfilment.listByLocation('wh-east')).toEqual([]);
    expect((await fulfilment.listByLocation('store-042')).map((r) => r.requestId)).toContain(task.requestId);
    expect(await stockAt(sku, 'store-042')).toEqual({ onHand: 2, reserved: 0 });
    expect(await stockAt(sku, 'wh-east')).toEqual({ onHand: 5, reserved: 2 });
    expect(await eventsAbout('ReservationMoved', order.orderId)).toHaveLength(1);
  });
});

describe('a backordered order', () => {
  it('is released to the warehouse only once the stock it waited for arrives', async () => {
    const sku = await stockedSku({ 'wh-east': 1 });
    const order = await placeOrder('ebay', sku, 3);
    await lifecycleIs(order.orderId, 'backordered');
    expect((await fulfilmentOf(order.orderId)).requests).toEqual([]);

    const receipt = await postAdjustment(fabric, {
      type: 'receipt',
      sku,
      locationId: 'wh-east',
      quantity: 5,
      reference,
    });
    expect(receipt.status).toBe(201);

    const [request] = await requestsOnceThere(order.orderId);
    expect(request).toMatchObject({
      requestId: `${order.orderId}.wh-east.1`,
      route: 'warehouse',
      status: 'released',
      lines: [{ lineId: '1', sku, quantity: 3 }],
    });
  });
});

describe('an order cancelled on its channel', () => {
  it('takes its open store task off the store list', async () => {
    const sku = await stockedSku({ 'store-042': 2 });
    const order = await placeOrder('woocommerce', sku, 1);
    const [task] = await requestsOnceThere(order.orderId);

    await fabric.clients.sns.send(
      new PublishCommand({
        TopicArn: fabric.resources.topicArn,
        Message: orderReceivedBody({ ...order, status: 'cancelled', channelUpdatedAt: '2026-11-27T09:00:00.000Z' }),
      }),
    );

    const cancelled = await eventually('the store task cancelled', async () => {
      const { requests } = await fulfilmentOf(order.orderId);
      return requests[0].status === 'cancelled' ? requests[0] : undefined;
    });
    expect(cancelled.history.at(-1)).toMatchObject({ from: 'open', to: 'cancelled', reason: 'ORDER_CANCELLED' });
    const open = (await (await fetch(`${fabric.apiUrl}/stores/store-042/tasks?status=open`)).json()) as {
      tasks: FulfilmentRequest[];
    };
    expect(open.tasks.map((t) => t.requestId)).not.toContain(task.requestId);
  });
});

describe('a part held at a ShipBob-run warehouse', () => {
  let sku: string;
  let order: Order;
  let request: FulfilmentRequest;

  it('creates the ShipBob order once, even when the reservation is delivered again', async () => {
    sku = await stockedSku({ 'wh-bob': 4 });
    order = await placeOrder('walmart', sku, 3);

    [request] = await requestsOnceThere(order.orderId);
    const [reserved] = await eventually('InventoryReserved', async () => {
      const found = await eventsAbout('InventoryReserved', order.orderId);
      return found.length ? found : undefined;
    });
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(reserved)) }),
    );
    await drained('fulfilment-release');
    [request] = (await fulfilmentOf(order.orderId)).requests;

    expect(request).toMatchObject({ route: 'shipbob', status: 'sent_to_3pl', providerOrderId: expect.any(String) });
    const created = fabric.channelApis.shipbob.byReference(request.requestId);
    expect(created).toMatchObject({
      id: Number(request.providerOrderId),
      products: [{ reference_id: sku, quantity: 3 }],
    });
    expect(fabric.channelApis.callsTo(/^\/1\.0\/order$/).filter((call) => call.method === 'POST')).toHaveLength(1);
  });

  it('takes what ShipBob shipped into the shipment flow: the order ships and its units leave the warehouse', async () => {
    await lifecycleIs(order.orderId, 'posted_to_erp');
    fabric.channelApis.shipbob.ship(request.requestId, { carrier: 'USPS', trackingNumber: '9400100000000000000001' });
    await fabric.runScheduled('fulfilment-watch');

    await lifecycleIs(order.orderId, 'shipped');
    const [shipped] = await eventsAbout('ShipmentConfirmed', order.orderId);
    expect(shipped.data).toMatchObject({
      shipment: { locationId: 'wh-bob', carrier: 'USPS', trackingNumber: '9400100000000000000001' },
    });
    expect((await fulfilmentOf(order.orderId)).requests[0]).toMatchObject({ status: 'shipped' });
    expect(
      await eventually('the shipped units off hand', async () => {
        const now = await stockAt(sku, 'wh-bob');
        return now.onHand === 1 ? now : undefined;
      }),
    ).toEqual({ onHand: 1, reserved: 0 });
  });
});
