import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { DEFAULT_INVENTORY_POLICY, InventoryPolicy } from '#domain/inventory/policy';
import { releaseOrderStock, reserveOrderStock, type InventoryPorts } from '#domain/inventory/reservation';
import { AdjustmentRequest, adjustStock } from '#domain/inventory/adjustment';
import { enlistBackorder, fillBackorders } from '#domain/inventory/backorders';
import { readAvailability } from '#domain/inventory/exposure';
import type { FabricEvent } from '#domain/kernel/event';
import { EventSource } from '#events/catalog';
import { EventProbe, orderReceivedBody, postAdjustment, stockOrder, ledgerAgrees } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

/** WooCommerce backorders what it cannot cover, from the warehouse first, then the store. */
const POLICY = { channels: { woocommerce: { onShortage: 'backorder' } } };
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify(POLICY);
const policy = InventoryPolicy.parse({ ...DEFAULT_INVENTORY_POLICY, ...POLICY });

let fabric: LocalFabric;
let probe: EventProbe;
let store: DynamoInventoryStore;
let ports: InventoryPorts;
const published: FabricEvent[] = [];
let sequence = 0;

// The use cases below publish into `published`, not to the fabric; the last test goes through the fabric's consumers.
beforeAll(async () => {
  fabric = await startTestFabric('inventory-backorders');
  store = new DynamoInventoryStore(fabric.resources.tables.inventory);
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.inventory], 'detail-type': ['BackorderFilled'] });
  ports = { store, policy, publisher: { publish: async (events) => void published.push(...events) } };
});

afterAll(async () => {
  await fabric?.stop();
});

const newSku = () => `BACK-${++sequence}`;

async function receive(sku: string, quantity: number, locationId = 'wh-east'): Promise<void> {
  const request = AdjustmentRequest.parse({
    type: 'receipt',
    sku,
    locationId,
    quantity,
    reference: { kind: 'erp_document', id: `PO-${sku}-${++sequence}` },
  });
  expect((await adjustStock(request, `rcv-${sku}-${sequence}`, ports)).kind).toBe('applied');
}

/** A WooCommerce order reserved as stock allows, and put on the waiting lists as its ReservationRejected would. */
async function backorder(sku: string, quantity: number, enlist = true): Promise<string> {
  const orderId = `ord-back-${++sequence}`;
  const outcome = await reserveOrderStock(
    { orderId, channel: 'woocommerce', lines: [{ lineId: '1', sku, quantity }] },
    ports,
  );
  expect(outcome.status).toBe('backordered');
  if (enlist) await enlistPublished(orderId);
  return orderId;
}

/** What the backorder-fill consumer does with the order's published ReservationRejected. */
async function enlistPublished(orderId: string) {
  const event = published.find(
    (e) => e.detailType === 'ReservationRejected' && (e.data as { orderId: string }).orderId === orderId,
  ) as FabricEvent;
  return enlistBackorder({ orderId, backorderedAt: event.time }, ports, {
    causationId: event.id,
  });
}

async function holds(orderId: string) {
  const { header, parts } = await store.readReservation(orderId);
  const held = parts.filter((p) => p.status === 'reserved').flatMap((p) => p.allocations);
  return {
    status: header?.status,
    held: held.reduce((sum, a) => sum + a.quantity - a.consumed, 0),
    short: header?.lines.reduce((sum, line) => sum + line.short, 0),
  };
}

const filledEvents = (orderId: string) =>
  new Map(
    published
      .filter((e) => e.detailType === 'BackorderFilled' && (e.data as { orderId: string }).orderId === orderId)
      .map((e) => [e.id, e]),
  );

describe('backorders filled by what arrives', () => {
  it('fills the first backordered order first: it becomes reserved with BackorderFilled, the next gets what is left', async () => {
    const sku = newSku();
    const [first, second, third] = [await backorder(sku, 2), await backorder(sku, 2), await backorder(sku, 2)];
    await receive(sku, 3);

    const run = await fillBackorders(sku, ports, { causationId: 'receipt-1' });

    expect(run).toEqual({ filled: [first], partlyFilled: [second] });
    expect(await holds(first)).toEqual({ status: 'reserved', held: 2, short: 0 });
    expect(await holds(second)).toEqual({ status: 'backordered', held: 1, short: 1 });
    expect(await holds(third)).toEqual({ status: 'backordered', held: 0, short: 2 });
    const [filled] = filledEvents(first).values();
    expect(filled).toMatchObject({
      correlationId: first,
      causationId: 'receipt-1',
      data: { orderId: first, channel: 'woocommerce', allocations: [{ sku, locationId: 'wh-east', quantity: 2 }] },
    });
    expect((await store.backordersOf(sku)).map((entry) => entry.orderId)).toEqual([second, third]);
    expect((await readAvailability(sku, store, policy)).total).toMatchObject({ onHand: 3, reserved: 3 });
    expect(await ledgerAgrees(store, sku)).toBe(true);
  });

  it('fills only the short units of an order that held part of its line, and BackorderFilled names all it holds', async () => {
    const sku = newSku();
    await receive(sku, 1, 'store-042');
    const orderId = await backorder(sku, 3);
    expect(await holds(orderId)).toEqual({ status: 'backordered', held: 1, short: 2 });
    await receive(sku, 5);

    await fillBackorders(sku, ports);

    expect(await holds(orderId)).toEqual({ status: 'reserved', held: 3, short: 0 });
    const [filled] = filledEvents(orderId).values();
    expect(filled.data).toMatchObject({
      allocations: expect.arrayContaining([
        { lineId: '1', sku, locationId: 'store-042', quantity: 1 },
        { lineId: '1', sku, locationId: 'wh-east', quantity: 2 },
      ]),
    });
    expect((await readAvailability(sku, store, policy)).total).toMatchObject({ onHand: 6, reserved: 3 });
  });

  it('never gives an order more than it asked for when two receipts race to fill the same backorders', async () => {
    const sku = newSku();
    const orders = [];
    for (let i = 0; i < 5; i += 1) orders.push(await backorder(sku, 2));
    await Promise.all([receive(sku, 3), receive(sku, 3)]);

    // Each receipt's event delivered twice, all four runs at once.
    await Promise.all(Array.from({ length: 4 }, () => fillBackorders(sku, ports)));

    expect(await Promise.all(orders.map(holds))).toEqual([
      { status: 'reserved', held: 2, short: 0 },
      { status: 'reserved', held: 2, short: 0 },
      { status: 'reserved', held: 2, short: 0 },
      { status: 'backordered', held: 0, short: 2 },
      { status: 'backordered', held: 0, short: 2 },
    ]);
    for (const orderId of orders.slice(0, 3)) expect(filledEvents(orderId).size).toBe(1);
    expect((await readAvailability(sku, store, policy)).total).toMatchObject({ onHand: 6, reserved: 6, available: 0 });
    expect(await ledgerAgrees(store, sku)).toBe(true);
  });

  it('fills nothing twice when a receipt is delivered again after its backorders were filled', async () => {
    const sku = newSku();
    const orderId = await backorder(sku, 2);
    await receive(sku, 4);
    await fillBackorders(sku, ports);

    const again = await fillBackorders(sku, ports);

    expect(again).toEqual({ filled: [], partlyFilled: [] });
    expect(await holds(orderId)).toEqual({ status: 'reserved', held: 2, short: 0 });
    expect(filledEvents(orderId).size).toBe(1);
    expect((await readAvailability(sku, store, policy)).total).toMatchObject({ onHand: 4, reserved: 2 });
  });

  it('loses no backorder whose event was still on its way when stock arrived: listing it offers the stock, once', async () => {
    const sku = newSku();
    const orderId = await backorder(sku, 2, false);
    await receive(sku, 2);
    expect(await fillBackorders(sku, ports)).toEqual({ filled: [], partlyFilled: [] });

    const runs = [await enlistPublished(orderId), await enlistPublished(orderId)];

    expect(runs).toEqual([
      { filled: [orderId], partlyFilled: [] },
      { filled: [], partlyFilled: [] },
    ]);
    expect(await holds(orderId)).toEqual({ status: 'reserved', held: 2, short: 0 });
    expect(await store.backordersOf(sku)).toEqual([]);
  });

  it('takes a cancelled backorder off the list without filling it', async () => {
    const sku = newSku();
    const cancelled = await backorder(sku, 1);
    const waiting = await backorder(sku, 1);
    await releaseOrderStock({ orderId: cancelled, channel: 'woocommerce' }, 'ORDER_CANCELLED', ports);
    await receive(sku, 1);

    expect(await fillBackorders(sku, ports)).toEqual({ filled: [waiting], partlyFilled: [] });
    expect(await holds(cancelled)).toMatchObject({ status: 'cancelled', held: 0 });
    expect(await store.backordersOf(sku)).toEqual([]);
  });

  it('through the fabric: a backordered WooCommerce order is filled by a receipt posted to the adjustments API', async () => {
    const sku = newSku();
    const order = stockOrder('woocommerce', `backorder-${sku}`, [{ sku, quantity: 2 }]);
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
    );
    await eventually('the order to be backordered', async () =>
      (await store.readReservation(order.orderId)).header?.status === 'backordered' ? true : undefined,
    );

    const receipt = await postAdjustment(fabric, {
      type: 'receipt',
      sku,
      locationId: 'wh-east',
      quantity: 2,
      reference: { kind: 'erp_document', id: `PO-${sku}` },
    });

    expect(receipt.status).toBe(201);
    const filled = await eventually('BackorderFilled', async () => {
      await probe.drain();
      return probe.distinct('BackorderFilled').find((event) => event.data.orderId === order.orderId);
    });
    expect(filled.data.allocations).toEqual([{ lineId: '1', sku, locationId: 'wh-east', quantity: 2 }]);
    expect(await holds(order.orderId)).toEqual({ status: 'reserved', held: 2, short: 0 });
  });
});
