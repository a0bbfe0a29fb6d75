import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import {
  SAMPLE_CATALOG,
  sampleShopifyOrder,
  seededRandom,
  shopifyDeliveryHeaders,
} from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog } from '../../scripts/sample/sample-traffic';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { DynamoInventoryStore, inventoryStoreFromEnv, positionKey } from '#shared/adapters/inventory-store';
import { documentClient } from '#shared/adapters/aws-clients';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import fc from 'fast-check';
import {
  ReservationInProgressError,
  allocationWrites,
  applyOrderToStock,
  type InventoryPorts,
} from '#domain/inventory/reservation';
import { AdjustmentRequest, adjustStock } from '#domain/inventory/adjustment';
import { ShipmentExceedsStockError, consumeShipment } from '#domain/inventory/fulfilment';
import { isClean, verifyInventory } from '#domain/inventory/verification';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { ShipmentConfirmed } from '#domain/orders/events';
import { ReservationRejected, ReservationReleased } from '#domain/inventory/events';
import { toWireEvent, type FabricEvent } from '#domain/kernel/event';
import { EventProbe, availability, orderReceivedBody, postAdjustment, stockOrder } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

// eBay holds reservations for one minute and reserves what it can; FLASH-1 and PROP-FLASH are sharded flash-sale SKUs.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  channels: {
    shopify: {},
    amazon: { locations: ['wh-east'], exposure: { bufferUnits: 2, percentOfAvailable: 80, maxListedQuantity: 50 } },
    ebay: { onShortage: 'partial', reservationTtlMinutes: 1 },
  },
  shardedSkus: { 'FLASH-1': { shards: 3 }, 'PROP-FLASH': { shards: 3 } },
});

const reference = { kind: 'erp_document', id: 'PO-7731' };
let fabric: LocalFabric;
let probe: EventProbe;
let store: DynamoInventoryStore;
let sku = 0;

beforeAll(async () => {
  fabric = await startTestFabric('inventory-flow', { scheduleIntervalMs: () => 0 });
  store = new DynamoInventoryStore(fabric.resources.tables.inventory);
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.inventory] });
  await seedSampleCatalog(fabric.resources.tables.crossReference);
});

afterAll(async () => {
  await fabric?.stop();
});

/** A SKU no other test touches, received at each location as given. */
async function stockedSku(stock: Record<string, number>, name = `TEE-${++sku}`): Promise<string> {
  for (const [locationId, quantity] of Object.entries(stock)) {
    const answer = await postAdjustment(fabric, { type: 'receipt', sku: name, locationId, quantity, reference });
    expect(answer.status).toBe(201);
  }
  return name;
}

async function publish(event: FabricEvent): Promise<void> {
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(event)) }),
  );
}

async function publishOrder(order: ReturnType<typeof stockOrder>): Promise<void> {
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
  );
}

/** The order's reservation once decided (and, when given, in that status) with its events published. */
async function decided(orderId: string, status?: string) {
  return eventually(`a reservation decision for ${orderId}`, async () => {
    const { header } = await store.readReservation(orderId);
    return header && !header.outbox && header.status !== 'in_progress' && (!status || header.status === status)
      ? header
      : undefined;
  });
}

async function eventsFor(
  detailType: string,
  match: (data: Record<string, any>) => boolean,
  count = 1,
): Promise<Record<string, any>[]> {
  return eventually(`${count} ${detailType} event(s)`, async () => {
    await probe.drain();
    const found = probe
      .distinct(detailType)
      .map((event) => event.data)
      .filter(match);
    return found.length >= count ? found : undefined;
  });
}

describe('reservations through the webhook path', () => {
  const secret = DEVELOPMENT_WEBHOOK_SECRETS.shopify;

  it('reserves a signed Shopify order, answers GET /availability from the positions, and releases it when Shopify cancels it', async () => {
    for (const item of SAMPLE_CATALOG) await stockedSku({ 'wh-east': 20, 'store-042': 5 }, item.sku);
    const payload = sampleShopifyOrder(4242, seededRandom(11));
    const wanted = new Map<string, number>();
    for (const line of payload.line_items as { sku: string; quantity: number }[]) {
      const internal = SAMPLE_CATALOG.find((item) => item.channelSku === line.sku)!.sku;
      wanted.set(internal, (wanted.get(internal) ?? 0) + line.quantity);
    }
    const body = JSON.stringify(payload);

    const answer = await postShopifyOrder(fabric.apiUrl, body, shopifyDeliveryHeaders(body, secret));

    expect(answer.status).toBe(202);
    const orderId = String(answer.body.orderId);
    expect((await decided(orderId)).status).toBe('reserved');
    for (const [internal, quantity] of wanted) {
      const view = await availability(fabric, internal);
      expect(view.locations[0]).toMatchObject({
        locationId: 'wh-east',
        onHand: 20,
        reserved: quantity,
        availableToSell: 20 - quantity,
      });
      expect(view.total).toMatchObject({ onHand: 25, reserved: quantity, availableToSell: 25 - quantity });
      expect(view.channels).toEqual([
        { channel: 'shopify', availableToSell: 25 - quantity, listed: 25 - quantity },
        { channel: 'amazon', availableToSell: 20 - quantity, listed: Math.floor((18 - quantity) * 0.8) },
        { channel: 'ebay', availableToSell: 25 - quantity, listed: 25 - quantity },
      ]);
    }
    const [reserved] = await eventsFor('InventoryReserved', (data) => data.orderId === orderId);
    expect(reserved.allocations.map((a: { locationId: string }) => a.locationId)).toEqual(
      Array((payload.line_items as unknown[]).length).fill('wh-east'),
    );

    const cancelled = JSON.stringify({
      ...payload,
      cancelled_at: '2026-11-27T12:00:00Z',
      updated_at: '2026-11-27T12:00:00Z',
    });
    const cancel = await postShopifyOrder(
      fabric.apiUrl,
      cancelled,
      shopifyDeliveryHeaders(cancelled, secret, 'orders/cancelled'),
    );

    expect(cancel.status).toBe(202);
    await decided(orderId, 'cancelled');
    const [released] = await eventsFor('ReservationReleased', (data) => data.orderId === orderId);
    expect(released.reason).toBe('ORDER_CANCELLED');
    for (const internal of wanted.keys())
      expect((await availability(fabric, internal)).total).toMatchObject({ reserved: 0, availableToSell: 25 });
  });

  it('does not reserve for an order held as needs_attention', async () => {
    const payload = sampleShopifyOrder(4243, seededRandom(3));
    (payload.line_items as { sku: string }[])[0].sku = 'NOBODY-MAPPED-THIS';
    const body = JSON.stringify(payload);

    const answer = await postShopifyOrder(fabric.apiUrl, body, shopifyDeliveryHeaders(body, secret));

    expect(answer.body.needsAttention).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await store.readReservation(String(answer.body.orderId))).header).toBeUndefined();
  });
});

describe('reservation rules', () => {
  it('splits a line over the ranked locations when the first cannot cover it', async () => {
    const tee = await stockedSku({ 'wh-east': 3, 'store-042': 4 });
    const order = stockOrder('shopify', `split-${tee}`, [{ sku: tee, quantity: 5 }]);

    await publishOrder(order);

    expect((await decided(order.orderId)).status).toBe('reserved');
    const [event] = await eventsFor('InventoryReserved', (data) => data.orderId === order.orderId);
    expect(event.allocations).toEqual([
      { lineId: '1', sku: tee, locationId: 'wh-east', quantity: 3 },
      { lineId: '1', sku: tee, locationId: 'store-042', quantity: 2 },
    ]);
  });

  it('refuses a multi-line order whole when one line is short, holding nothing of the others', async () => {
    const plenty = await stockedSku({ 'wh-east': 10 });
    const scarce = await stockedSku({ 'wh-east': 1 });
    const order = stockOrder('shopify', `all-or-nothing-${scarce}`, [
      { sku: plenty, quantity: 2 },
      { sku: scarce, quantity: 2 },
    ]);

    await publishOrder(order);

    expect((await decided(order.orderId)).status).toBe('rejected');
    const [rejected] = await eventsFor('ReservationRejected', (data) => data.orderId === order.orderId);
    expect(rejected).toMatchObject({
      outcome: 'rejected',
      onShortage: 'reject',
      lines: [
        { sku: plenty, reserved: 0, short: 0 },
        { sku: scarce, reserved: 0, short: 1 },
      ],
    });
    expect((await availability(fabric, plenty)).total.reserved).toBe(0);
  });

  it('reserves what it can under a partial policy and reports the rest as dropped', async () => {
    const scarce = await stockedSku({ 'wh-east': 1, 'store-042': 1 });
    const order = stockOrder('ebay', `partial-${scarce}`, [{ sku: scarce, quantity: 5 }]);

    await publishOrder(order);

    expect((await decided(order.orderId)).status).toBe('partially_reserved');
    const [rejected] = await eventsFor('ReservationRejected', (data) => data.orderId === order.orderId);
    expect(rejected).toMatchObject({ outcome: 'partially_rejected', lines: [{ requested: 5, reserved: 2, short: 3 }] });
  });

  it('spreads a flash-sale SKU over its buckets and reserves across them, with the same answers as a plain SKU', async () => {
    await stockedSku({ 'wh-east': 10 }, 'FLASH-1');
    const orders = Array.from({ length: 4 }, (_, i) =>
      stockOrder('shopify', `flash-${i}`, [{ sku: 'FLASH-1', quantity: 3 }]),
    );

    await Promise.all(orders.map(publishOrder));

    const statuses = await Promise.all(orders.map(async (order) => (await decided(order.orderId)).status));
    expect(statuses.sort()).toEqual(['rejected', 'reserved', 'reserved', 'reserved']);
    expect((await availability(fabric, 'FLASH-1')).total).toMatchObject({
      onHand: 10,
      reserved: 9,
      availableToSell: 1,
    });
    const buckets = await store.readPositions(
      [0, 1, 2].map((shard) => ({ sku: 'FLASH-1', locationId: 'wh-east', shard })),
    );
    expect(buckets.map((bucket) => bucket.onHand)).toEqual([4, 3, 3]);
  });
});

describe('an order seen before', () => {
  // Nothing reads the reservation before planning: the header's absent condition in the write decides.
  const recording = () => {
    const published: FabricEvent[] = [];
    const ports: InventoryPorts = {
      store,
      policy: loadInventoryPolicy(),
      publisher: {
        publish: async (events) => {
          published.push(...events);
        },
      },
    };
    return { ports, published };
  };

  it('answers a replay with the first decision, though the stock it planned on is gone, and changes nothing', async () => {
    const tee = await stockedSku({ 'wh-east': 2 });
    const order = stockOrder('shopify', `seen-${tee}`, [{ sku: tee, quantity: 2 }]);
    const first = recording();
    expect(await applyOrderToStock(order, first.ports)).toEqual({
      action: 'reserve',
      status: 'reserved',
      replayed: false,
    });
    const ledgerBefore = await store.readLedger({ sku: tee, locationId: 'wh-east', shard: 0 });

    const replay = recording();
    expect(await applyOrderToStock(order, replay.ports)).toEqual({
      action: 'reserve',
      status: 'reserved',
      replayed: true,
    });

    expect(replay.published).toEqual([]);
    expect(await store.readLedger({ sku: tee, locationId: 'wh-east', shard: 0 })).toEqual(ledgerBefore);
    expect((await availability(fabric, tee)).total).toMatchObject({ onHand: 2, reserved: 2, availableToSell: 0 });
    expect((await store.readReservation(order.orderId)).parts).toHaveLength(1);
  });

  it('answers a replay of an order reserved in parts with the first decision: its plan writes nothing, so the record decides', async () => {
    // Enough stock left after the first reservation that the replay's plan again needs parts.
    const skus = [await stockedSku({ 'wh-east': 120 }), await stockedSku({ 'wh-east': 120 })];
    const order = stockOrder(
      'shopify',
      `seen-big-${skus[0]}`,
      Array.from({ length: 120 }, (_, i) => ({ sku: skus[i % 2], quantity: 1 })),
    );
    expect(await applyOrderToStock(order, recording().ports)).toEqual({
      action: 'reserve',
      status: 'reserved',
      replayed: false,
    });
    const partsBefore = (await store.readReservation(order.orderId)).parts;

    const replay = recording();
    expect(await applyOrderToStock(order, replay.ports)).toEqual({
      action: 'reserve',
      status: 'reserved',
      replayed: true,
    });

    expect(replay.published).toEqual([]);
    expect((await store.readReservation(order.orderId)).parts).toEqual(partsBefore);
    for (const sku of skus)
      expect((await availability(fabric, sku)).total).toMatchObject({ reserved: 60, availableToSell: 60 });
  });

  it('leaves an order another worker is still reserving in parts to that worker, for the message to come back', async () => {
    const tee = await stockedSku({ 'wh-east': 2 });
    const order = stockOrder('shopify', `claimed-${tee}`, [{ sku: tee, quantity: 1 }]);
    const claimed = {
      orderId: order.orderId,
      channel: order.channel,
      onShortage: 'reject' as const,
      status: 'in_progress' as const,
      lines: [],
      claim: { id: 'other-worker', until: new Date(Date.now() + 60_000).toISOString() },
      updatedAt: new Date().toISOString(),
    };
    expect((await store.putReservationHeader({ next: claimed, expect: { absent: true } })).kind).toBe('committed');

    await expect(applyOrderToStock(order, recording().ports)).rejects.toBeInstanceOf(ReservationInProgressError);

    expect((await availability(fabric, tee)).total).toMatchObject({ reserved: 0, availableToSell: 2 });
    expect((await store.readReservation(order.orderId)).header).toMatchObject({ claim: { id: 'other-worker' } });
  });
});

describe('the reservation record', () => {
  const quiet = () => ({ store, policy: loadInventoryPolicy(), publisher: { publish: async () => undefined } });
  const orderItems = async (orderId: string) =>
    (
      await documentClient().send(
        new QueryCommand({
          TableName: fabric.resources.tables.inventory,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  const shipmentOf = (orderId: string, shipmentId: string, sku: string, quantity: number) => ({
    shipmentId,
    orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z1',
    shippedAt: '2026-11-28T09:00:00Z',
    lines: [{ lineId: '1', sku, quantity }],
  });

  it('stores the part of a reservation decided in one transaction inside its header, and ships and releases it there', async () => {
    const tee = await stockedSku({ 'wh-east': 3 });
    const order = stockOrder('shopify', `one-item-${tee}`, [{ sku: tee, quantity: 2 }]);
    await applyOrderToStock(order, quiet());

    const items = await orderItems(order.orderId);
    expect(items.map((item) => item.sk)).toEqual(['RESERVATION']);
    expect(items[0].part).toMatchObject({ partNo: 0, status: 'reserved', version: 1 });
    const { header, parts } = await store.readReservation(order.orderId);
    expect(parts).toEqual([
      {
        partNo: 0,
        status: 'reserved',
        version: 1,
        inHeader: true,
        allocations: [{ lineId: '1', sku: tee, locationId: 'wh-east', shard: 0, quantity: 2, consumed: 0 }],
      },
    ]);
    expect(header?.part).toEqual(parts[0]);

    await consumeShipment(shipmentOf(order.orderId, `SHP-${tee}`, tee, 1), quiet());
    expect((await store.readReservation(order.orderId)).parts).toEqual([
      expect.objectContaining({
        status: 'reserved',
        version: 2,
        allocations: [expect.objectContaining({ consumed: 1 })],
      }),
    ]);
    await applyOrderToStock({ ...order, status: 'cancelled' }, quiet());

    const released = await store.readReservation(order.orderId);
    expect(released.header?.status).toBe('cancelled');
    expect(released.parts).toEqual([expect.objectContaining({ status: 'released', version: 3, inHeader: true })]);
    expect((await orderItems(order.orderId)).map((item) => item.sk)).toEqual(['RESERVATION']);
    expect((await availability(fabric, tee)).total).toMatchObject({ onHand: 2, reserved: 0, availableToSell: 2 });
  });

  it('stores the part as an item of its own while the region is upgraded, the switch off, and releases it with the switch on', async () => {
    const environment = (value?: string) => ({
      ...process.env,
      FABRIC_TABLE_INVENTORY: fabric.resources.tables.inventory,
      FABRIC_RESERVATION_PART_IN_HEADER: value,
    });
    const upgrading = inventoryStoreFromEnv(environment('false')).store;
    const tee = await stockedSku({ 'wh-east': 3 });
    const order = stockOrder('shopify', `upgrading-${tee}`, [{ sku: tee, quantity: 2 }]);
    await applyOrderToStock(order, { ...quiet(), store: upgrading });

    const items = await orderItems(order.orderId);
    expect(items.map((item) => item.sk)).toEqual(['PART#000', 'RESERVATION']);
    expect(items[1]).not.toHaveProperty('part');
    expect(items[0]).toMatchObject({ partNo: 0, status: 'reserved', version: 1 });
    expect((await store.readReservation(order.orderId)).parts).toEqual([
      expect.not.objectContaining({ inHeader: true }),
    ]);

    const upgraded = inventoryStoreFromEnv(environment()).store;
    await applyOrderToStock({ ...order, status: 'cancelled' }, { ...quiet(), store: upgraded });
    expect((await store.readReservation(order.orderId)).parts).toEqual([
      expect.objectContaining({ status: 'released', version: 2 }),
    ]);
    expect((await availability(fabric, tee)).total).toMatchObject({ reserved: 0, availableToSell: 3 });

    const another = stockOrder('shopify', `upgraded-${tee}`, [{ sku: tee, quantity: 1 }]);
    await applyOrderToStock(another, { ...quiet(), store: upgraded });
    expect((await orderItems(another.orderId)).map((item) => item.sk)).toEqual(['RESERVATION']);
    expect(() => inventoryStoreFromEnv(environment('no'))).toThrow(
      /FABRIC_RESERVATION_PART_IN_HEADER: must be "true" or "false"/,
    );
  });

  it('refuses a header write that would roll back or drop the part stored inside it', async () => {
    const tee = await stockedSku({ 'wh-east': 3 });
    const order = stockOrder('shopify', `stale-${tee}`, [{ sku: tee, quantity: 1 }]);
    await applyOrderToStock(order, quiet());
    const read = await store.readReservation(order.orderId);
    const [part] = read.parts;
    const header = read.header!;
    const { part: _part, ...headerWithoutPart } = header;
    expect(
      (
        await store.updateReservationPart({
          orderId: order.orderId,
          part: { ...part, version: 2 },
          expectVersion: 1,
          buckets: [],
        })
      ).kind,
    ).toBe('committed');

    const stale = await store.putReservationHeader({ next: header, expect: { status: 'reserved' } });
    const dropped = await store.putReservationHeader({ next: headerWithoutPart, expect: { status: 'reserved' } });

    expect([stale.kind, dropped.kind]).toEqual(['superseded', 'superseded']);
    const fresh = (await store.readReservation(order.orderId)).header!;
    expect(fresh.part).toMatchObject({ version: 2 });
    expect((await store.putReservationHeader({ next: fresh, expect: { status: 'reserved' } })).kind).toBe('committed');
    expect((await store.readReservation(order.orderId)).parts).toEqual([
      expect.objectContaining({ version: 2, inHeader: true }),
    ]);
  });

  it('ships and releases a reservation stored before, its part an item of its own', async () => {
    const tee = await stockedSku({ 'wh-east': 3 });
    const order = stockOrder('shopify', `part-item-${tee}`, [{ sku: tee, quantity: 2 }]);
    const allocations = [{ lineId: '1', sku: tee, locationId: 'wh-east', shard: 0, quantity: 2 }];
    const written = await store.commitReservationPart({
      orderId: order.orderId,
      part: { partNo: 0, status: 'reserved', allocations: allocations.map((a) => ({ ...a, consumed: 0 })), version: 1 },
      buckets: allocationWrites(allocations, {
        kind: 'reservation',
        reasonCode: 'ORDER_RESERVED',
        idPrefix: `res:${order.orderId}:0`,
        orderId: order.orderId,
        occurredAt: new Date().toISOString(),
      }),
    });
    const decision = await store.putReservationHeader({
      next: {
        orderId: order.orderId,
        channel: order.channel,
        onShortage: 'reject',
        status: 'reserved',
        lines: [{ lineId: '1', sku: tee, requested: 2, reserved: 2, short: 0 }],
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        updatedAt: new Date().toISOString(),
      },
      expect: { absent: true },
    });
    expect([written.kind, decision.kind]).toEqual(['committed', 'committed']);

    await consumeShipment(shipmentOf(order.orderId, `SHP-${tee}`, tee, 1), quiet());
    await applyOrderToStock({ ...order, status: 'cancelled' }, quiet());

    const { header, parts } = await store.readReservation(order.orderId);
    expect(header).not.toHaveProperty('part');
    expect(parts).toEqual([
      {
        partNo: 0,
        status: 'released',
        version: 3,
        allocations: [{ ...allocations[0], consumed: 1 }],
      },
    ]);
    expect((await orderItems(order.orderId)).map((item) => item.sk)).toEqual(['PART#000', 'RESERVATION']);
    expect(header?.status).toBe('cancelled');
    expect((await availability(fabric, tee)).total).toMatchObject({ onHand: 2, reserved: 0, availableToSell: 2 });
  });

  it('loses no unit when a cancellation and a shipment of a reservation stored in its header race', async () => {
    const tee = await stockedSku({ 'wh-east': 20 });
    const orders = Array.from({ length: 5 }, (_, i) =>
      stockOrder('shopify', `race-${i}-${tee}`, [{ sku: tee, quantity: 2 }]),
    );
    for (const order of orders) await applyOrderToStock(order, quiet());
    const untilDone = async (work: () => Promise<unknown>) => {
      for (;;) {
        try {
          return await work();
        } catch (error) {
          if (!(error instanceof ReservationInProgressError)) throw error;
        }
      }
    };

    await Promise.all(
      orders.flatMap((order, i) => [
        untilDone(() => applyOrderToStock({ ...order, status: 'cancelled' }, quiet())),
        untilDone(() => consumeShipment(shipmentOf(order.orderId, `SHP-${i}-${tee}`, tee, 1), quiet())),
      ]),
    );

    // Each order shipped one unit (from its reservation or, after the release, from stock) and holds nothing.
    expect((await availability(fabric, tee)).total).toMatchObject({ onHand: 15, reserved: 0, availableToSell: 15 });
    for (const order of orders) {
      const { header, parts } = await store.readReservation(order.orderId);
      expect(['cancelled', 'fulfilled']).toContain(header?.status);
      expect(parts).toEqual([
        expect.objectContaining({ inHeader: true, status: expect.stringMatching(/released|fulfilled/) }),
      ]);
    }
    const { positions, movements, parts } = await store.scanForVerification();
    const mine = (item: { sku: string }) => item.sku === tee;
    expect(
      isClean(
        verifyInventory(
          positions.filter(mine),
          movements.filter(mine),
          parts.filter((p) => p.allocations.some(mine)),
        ),
      ),
    ).toBe(true);
  });

  it("stores a header's lines and outbox events packed, and still reads a header stored plain before they were", async () => {
    const tee = await stockedSku({ 'wh-east': 2 });
    const order = stockOrder('shopify', `outbox-${tee}`, [{ sku: tee, quantity: 1 }]);
    const event = createEvent(
      ReservationReleased,
      {
        orderId: order.orderId,
        reason: 'ORDER_CANCELLED',
        allocations: [{ lineId: '1', sku: tee, locationId: 'wh-east', quantity: 1 }],
      },
      { correlationId: order.orderId },
    );
    const header = {
      orderId: order.orderId,
      channel: order.channel,
      onShortage: 'reject' as const,
      status: 'cancelled' as const,
      lines: [{ lineId: '1', sku: tee, requested: 1, reserved: 0, short: 1 }],
      updatedAt: new Date().toISOString(),
      outbox: { events: [event], skus: [], token: 'first' },
    };
    expect((await store.putReservationHeader({ next: header, expect: { absent: true } })).kind).toBe('committed');
    const key = { pk: `ORDER#${order.orderId}`, sk: 'RESERVATION' };
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: fabric.resources.tables.inventory, Key: key }),
    );
    expect(Item?.packed).toBeInstanceOf(Uint8Array);
    expect(Item).not.toHaveProperty('lines');
    expect(Item?.outbox).toEqual({ token: 'first', skus: [] });
    expect((await store.readReservation(order.orderId)).header).toEqual(header);

    await documentClient().send(
      new PutCommand({ TableName: fabric.resources.tables.inventory, Item: { ...key, ...header } }),
    );
    expect((await store.readReservation(order.orderId)).header).toEqual(header);
  });
});

describe('a decision its delivery did not publish', () => {
  const policy = loadInventoryPolicy();
  const rawHeader = async (orderId: string) =>
    (
      await documentClient().send(
        new GetCommand({
          TableName: fabric.resources.tables.inventory,
          Key: { pk: `ORDER#${orderId}`, sk: 'RESERVATION' },
          ConsistentRead: true,
        }),
      )
    ).Item;

  it("is published by the order's redelivery after a crash between the commit and the publish, and listed for expiry only then", async () => {
    const tee = await stockedSku({ 'wh-east': 3 });
    const order = stockOrder('shopify', `crashed-${tee}`, [{ sku: tee, quantity: 2 }]);
    // The first delivery's process dies while it publishes: its publish never returns, and SQS redelivers.
    void applyOrderToStock(order, { store, policy, publisher: { publish: () => new Promise<never>(() => undefined) } });
    const pending = await eventually('the decision to commit', () => rawHeader(order.orderId));
    expect(pending.outbox).toBeDefined();
    expect(pending).not.toHaveProperty('sweepPk');
    const { header: committed } = await store.readReservation(order.orderId);

    const published: FabricEvent[] = [];
    const redelivery = await applyOrderToStock(order, {
      store,
      policy,
      publisher: {
        publish: async (events) => {
          published.push(...events);
        },
      },
    });

    expect(redelivery).toEqual({ action: 'reserve', status: 'reserved', replayed: true });
    expect(published.filter((event) => event.detailType === 'InventoryReserved')).toEqual(
      committed?.outbox?.events.filter((event) => event.detailType === 'InventoryReserved'),
    );
    const drained = await rawHeader(order.orderId);
    expect(drained).not.toHaveProperty('outbox');
    expect(drained).toMatchObject({ sweepAt: committed?.expiresAt, sweepPk: expect.stringMatching(/^SWEEP#/) });
    expect((await availability(fabric, tee)).total).toMatchObject({ reserved: 2, availableToSell: 1 });
    expect((await store.readReservation(order.orderId)).parts).toHaveLength(1);
  });

  it('is listed for the sweeper when publishing it fails, and the sweeper publishes it', async () => {
    const tee = await stockedSku({ 'wh-east': 3 });
    const order = stockOrder('shopify', `unpublished-${tee}`, [{ sku: tee, quantity: 1 }]);
    // Decided three minutes ago, so its sweep time (two minutes after the failed publish) has passed.
    const threeMinutesAgo = () => new Date(Date.now() - 3 * 60_000);
    const unreachable = {
      publish: async () => {
        throw new Error('the bus is unreachable');
      },
    };

    await expect(
      applyOrderToStock(order, { store, policy, publisher: unreachable, now: threeMinutesAgo }),
    ).rejects.toThrow('the bus is unreachable');
    const { header: pending } = await store.readReservation(order.orderId);
    expect(pending?.outbox).toBeDefined();
    expect(await rawHeader(order.orderId)).toMatchObject({ sweepPk: expect.stringMatching(/^SWEEP#/) });

    await fabric.runScheduled('reservation-sweeper');

    const [reserved] = await eventsFor('InventoryReserved', (data) => data.orderId === order.orderId);
    expect(reserved).toMatchObject({ allocations: [{ sku: tee, quantity: 1 }] });
    expect(await decided(order.orderId, 'reserved')).toMatchObject({ sweepAt: pending?.expiresAt });
    expect((await availability(fabric, tee)).total).toMatchObject({ reserved: 1, availableToSell: 2 });
  });

  it('is published by the sweeper when its redelivery dies too, after listing it', async () => {
    const tee = await stockedSku({ 'wh-east': 3 });
    const order = stockOrder('shopify', `crashed-twice-${tee}`, [{ sku: tee, quantity: 1 }]);
    // Both deliveries three minutes ago, so the redelivery's sweep time (two minutes on) has passed.
    const threeMinutesAgo = () => new Date(Date.now() - 3 * 60_000);
    const dying = { publish: () => new Promise<never>(() => undefined) };
    // The first delivery dies while it publishes (no catch runs), and so does its redelivery: the order
    // would go to the dead-letter queue with its events unpublished.
    void applyOrderToStock(order, { store, policy, publisher: dying, now: threeMinutesAgo });
    const pending = await eventually('the decision to commit', () => rawHeader(order.orderId));
    expect(pending).not.toHaveProperty('sweepPk');
    void applyOrderToStock(order, { store, policy, publisher: dying, now: threeMinutesAgo });
    const listed = await eventually('the redelivery to list the decision', async () => {
      const header = await rawHeader(order.orderId);
      return header?.sweepPk ? header : undefined;
    });
    expect(listed.outbox).toBeDefined();

    await fabric.runScheduled('reservation-sweeper');

    const [reserved] = await eventsFor('InventoryReserved', (data) => data.orderId === order.orderId);
    expect(reserved).toMatchObject({ allocations: [{ sku: tee, quantity: 1 }] });
    expect(await decided(order.orderId, 'reserved')).toMatchObject({ sweepAt: listed.expiresAt });
    expect((await availability(fabric, tee)).total).toMatchObject({ reserved: 1, availableToSell: 2 });
  });

  it('is released by the next sweep when its dead-letter queue is redriven long after it expired', async () => {
    const tee = await stockedSku({ 'wh-east': 3 });
    const order = stockOrder('shopify', `redriven-${tee}`, [{ sku: tee, quantity: 2 }]);
    // Decided ten days ago, held for three: its expiry lies further back than the sweeper looks.
    const tenDaysAgo = () => new Date(Date.now() - 10 * 86_400_000);
    void applyOrderToStock(order, {
      store,
      policy,
      publisher: { publish: () => new Promise<never>(() => undefined) },
      now: tenDaysAgo,
    });
    await eventually('the decision to commit', () => rawHeader(order.orderId));
    const { header: committed } = await store.readReservation(order.orderId);
    expect(Date.parse(committed!.expiresAt!)).toBeLessThan(Date.now() - 4 * 86_400_000);

    const redriven = Date.now();
    const redrive = await applyOrderToStock(order, { store, policy, publisher: { publish: async () => undefined } });

    expect(redrive).toEqual({ action: 'reserve', status: 'reserved', replayed: true });
    const drained = await rawHeader(order.orderId);
    expect(drained).not.toHaveProperty('outbox');
    expect(Date.parse(drained!.sweepAt)).toBeGreaterThanOrEqual(redriven);

    await fabric.runScheduled('reservation-sweeper');

    expect((await store.readReservation(order.orderId)).header?.status).toBe('expired');
    expect((await availability(fabric, tee)).total).toMatchObject({ reserved: 0, availableToSell: 3 });
    const [released] = await eventsFor('ReservationReleased', (data) => data.orderId === order.orderId);
    expect(released).toMatchObject({ reason: 'RESERVATION_EXPIRED', allocations: [{ sku: tee, quantity: 2 }] });
  });

  it('is still finished by the sweeper when it was written listed for the sweeper, as decisions were before', async () => {
    const tee = await stockedSku({ 'wh-east': 1 });
    const order = stockOrder('shopify', `listed-${tee}`, [{ sku: tee, quantity: 2 }]);
    const line = { lineId: '1', sku: tee, requested: 2, reserved: 0, short: 2 };
    const rejected = createEvent(
      ReservationRejected,
      {
        orderId: order.orderId,
        channel: order.channel,
        onShortage: 'reject',
        outcome: 'rejected',
        reason: 'INSUFFICIENT_STOCK',
        lines: [line],
      },
      { correlationId: order.orderId },
    );
    const header = {
      orderId: order.orderId,
      channel: order.channel,
      onShortage: 'reject' as const,
      status: 'rejected' as const,
      lines: [line],
      updatedAt: new Date().toISOString(),
      outbox: { events: [rejected], skus: [], token: 'old' },
      sweepAt: new Date(Date.now() - 60_000).toISOString(),
    };
    expect((await store.putReservationHeader({ next: header, expect: { absent: true } })).kind).toBe('committed');
    expect(await rawHeader(order.orderId)).toMatchObject({ sweepPk: expect.stringMatching(/^SWEEP#/) });

    await fabric.runScheduled('reservation-sweeper');

    const [published] = await eventsFor('ReservationRejected', (data) => data.orderId === order.orderId);
    expect(published).toMatchObject({ outcome: 'rejected', lines: [line] });
    const drained = await rawHeader(order.orderId);
    expect(drained).not.toHaveProperty('outbox');
    expect(drained).not.toHaveProperty('sweepPk');
  });
});

describe('POST /inventory/adjustments', () => {
  it('answers 400 with the failing field paths', async () => {
    const answer = await postAdjustment(fabric, {
      type: 'transfer',
      sku: 'TEE',
      fromLocationId: 'wh-east',
      toLocationId: 'wh-west',
      quantity: 0,
      reference,
    });

    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(['quantity']);
    const unknown = await postAdjustment(fabric, {
      type: 'transfer',
      sku: 'TEE',
      fromLocationId: 'wh-east',
      toLocationId: 'wh-west',
      quantity: 1,
      reference,
    });
    expect(unknown.body.errors).toEqual([
      { path: 'toLocationId', message: expect.stringContaining('"wh-west" is not a location') },
    ]);
  });

  it('applies a repeated key once, answers the repeat as a duplicate, and refuses the key for another request', async () => {
    const tee = `TEE-${++sku}`;
    const receipt = { type: 'receipt', sku: tee, locationId: 'store-042', quantity: 7, reference };

    const first = await postAdjustment(fabric, receipt, `receipt-${tee}`);
    const again = await postAdjustment(fabric, receipt, `receipt-${tee}`);
    const other = await postAdjustment(fabric, { ...receipt, quantity: 8 }, `receipt-${tee}`);

    expect([first.status, again.status, other.status]).toEqual([201, 200, 422]);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect((await availability(fabric, tee)).total.onHand).toBe(7);
    const adjusted = await eventsFor('InventoryAdjusted', (data) => data.sku === tee);
    expect(adjusted).toEqual([
      expect.objectContaining({
        adjustmentId: `receipt-${tee}`,
        changes: [{ locationId: 'store-042', quantityName: 'onHand', delta: 7 }],
      }),
    ]);
  });

  it('answers 409 for a sale or transfer the stock cannot cover, changing nothing', async () => {
    const tee = await stockedSku({ 'wh-east': 2 });

    const sale = await postAdjustment(fabric, {
      type: 'sale',
      sku: tee,
      locationId: 'wh-east',
      quantity: 3,
      reference: { kind: 'pos_transaction', id: 'T-1' },
    });

    expect(sale.status).toBe(409);
    expect(sale.body.message).toContain('sellableOnHand');
    expect((await availability(fabric, tee)).total.onHand).toBe(2);
  });

  it('counts, transfers and marks damage, each moving exactly the named quantities', async () => {
    const tee = await stockedSku({ 'wh-east': 10 });

    const count = await postAdjustment(fabric, {
      type: 'count',
      sku: tee,
      locationId: 'wh-east',
      countedOnHand: 8,
      reference: { kind: 'stock_count', id: 'C-1' },
    });
    const transfer = await postAdjustment(fabric, {
      type: 'transfer',
      sku: tee,
      fromLocationId: 'wh-east',
      toLocationId: 'store-042',
      quantity: 3,
      reference: { kind: 'transfer', id: 'TR-1' },
    });
    const damage = await postAdjustment(fabric, {
      type: 'adjustment',
      sku: tee,
      locationId: 'store-042',
      quantityName: 'damaged',
      delta: 1,
      reasonCode: 'DAMAGED_IN_TRANSIT',
      reference: { kind: 'transfer', id: 'TR-1' },
    });

    expect([count.status, transfer.status, damage.status]).toEqual([201, 201, 201]);
    expect(count.body.changes).toEqual([{ locationId: 'wh-east', quantityName: 'onHand', delta: -2 }]);
    const view = await availability(fabric, tee);
    expect(view.locations.map((l: Record<string, number>) => [l.onHand, l.damaged, l.availableToSell])).toEqual([
      [5, 0, 5],
      [3, 1, 2],
    ]);
  });
});

describe('AvailabilityChanged', () => {
  it('tells a channel only when its own figure changes, with a growing version', async () => {
    const tee = await stockedSku({ 'wh-east': 100 });
    await stockedSku({ 'store-042': 4 }, tee);

    const changes = await eventsFor('AvailabilityChanged', (data) => data.sku === tee, 5);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const order = ['shopify', 'amazon', 'ebay'];
    expect(probe.distinct('AvailabilityChanged').filter((event) => event.data.sku === tee)).toHaveLength(5);
    expect(
      changes
        .sort((a, b) => a.version - b.version || order.indexOf(a.channel) - order.indexOf(b.channel))
        .map((c) => [c.channel, c.previous, c.available, c.version]),
    ).toEqual([
      ['shopify', null, 100, 1],
      ['amazon', null, 50, 1],
      ['ebay', null, 100, 1],
      ['shopify', 100, 104, 2],
      ['ebay', 100, 104, 2],
    ]);
  });
});

describe('fulfilment and expiry', () => {
  it('takes shipped units off hand and reserved together, once per shipment', async () => {
    const tee = await stockedSku({ 'wh-east': 6 });
    const order = stockOrder('shopify', `ship-${tee}`, [{ sku: tee, quantity: 4 }]);
    await publishOrder(order);
    await decided(order.orderId);
    const shipment = createEvent(
      ShipmentConfirmed,
      {
        shipment: {
          shipmentId: `SHP-${tee}`,
          orderId: order.orderId,
          locationId: 'wh-east',
          carrier: 'UPS',
          trackingNumber: '1Z999',
          shippedAt: '2026-11-28T09:00:00Z',
          lines: [{ lineId: '1', sku: tee, quantity: 4 }],
        },
      },
      { correlationId: order.orderId },
    );

    await publish(shipment);
    await publish(shipment);

    const header = await eventually('the reservation to be fulfilled', async () => {
      const { header: found } = await store.readReservation(order.orderId);
      return found?.status === 'fulfilled' ? found : undefined;
    });
    expect(header.sweepAt).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await availability(fabric, tee)).total).toMatchObject({ onHand: 2, reserved: 0, availableToSell: 2 });
  });

  it('takes a unit shipped from another location off that location, and releases the hold where it was', async () => {
    const tee = await stockedSku({ 'store-042': 2, 'wh-east': 3 });
    const order = stockOrder('shopify', `resourced-${tee}`, [{ sku: tee, quantity: 1 }]);
    await publishOrder(order);
    await decided(order.orderId, 'reserved');
    expect(
      (await availability(fabric, tee)).locations.find((l: { locationId: string }) => l.locationId === 'wh-east')
        .reserved,
    ).toBe(1);

    const outcome = await consumeShipment(
      {
        shipmentId: `SHP-${tee}`,
        orderId: order.orderId,
        locationId: 'store-042',
        carrier: 'UPS',
        trackingNumber: '1Z1',
        shippedAt: '2026-11-28T09:00:00Z',
        lines: [{ lineId: '1', sku: tee, quantity: 1 }],
      },
      { store, policy: loadInventoryPolicy(), publisher: { publish: async () => undefined } },
    );

    expect(outcome).toEqual({ result: 'consumed', fromReservations: 0, unreserved: 1 });
    expect((await store.readReservation(order.orderId)).header?.status).toBe('fulfilled');
    const view = await availability(fabric, tee);
    expect(view.locations.map((l: Record<string, unknown>) => [l.locationId, l.onHand, l.reserved])).toEqual([
      ['wh-east', 3, 0],
      ['store-042', 1, 0],
    ]);
  });

  it("releases an expired reservation from the sweeper's scheduled run, and no other", async () => {
    const tee = await stockedSku({ 'wh-east': 5 });
    const publisher = { publish: async () => undefined };
    const twoMinutesAgo = () => new Date(Date.now() - 2 * 60_000);
    const ports: InventoryPorts = { store, publisher, policy: loadInventoryPolicy(), now: twoMinutesAgo };
    const expiring = stockOrder('ebay', `expiring-${tee}`, [{ sku: tee, quantity: 2 }]);
    const lasting = stockOrder('shopify', `lasting-${tee}`, [{ sku: tee, quantity: 1 }]);
    await applyOrderToStock(expiring, ports);
    await applyOrderToStock(lasting, ports);

    await fabric.runScheduled('reservation-sweeper');

    expect((await store.readReservation(expiring.orderId)).header?.status).toBe('expired');
    expect((await store.readReservation(lasting.orderId)).header?.status).toBe('reserved');
    expect((await availability(fabric, tee)).total).toMatchObject({ reserved: 1, availableToSell: 4 });
    const [released] = await eventsFor('ReservationReleased', (data) => data.orderId === expiring.orderId);
    expect(released).toMatchObject({ reason: 'RESERVATION_EXPIRED', allocations: [{ sku: tee, quantity: 2 }] });
  });
});

describe('orders larger than one transaction', () => {
  /** `count` one-unit lines alternating over two SKUs: one bucket update each, but a ledger line per line. */
  const lines = (skus: string[], count: number) =>
    Array.from({ length: count }, (_, i) => ({ sku: skus[i % skus.length], quantity: 1 }));

  it('reserves a 120-line order in parts of at most 100 actions and releases every part on cancellation', async () => {
    const skus = [await stockedSku({ 'wh-east': 60 }), await stockedSku({ 'wh-east': 60 })];
    const order = stockOrder('shopify', `big-${skus[0]}`, lines(skus, 120));

    await publishOrder(order);
    await decided(order.orderId, 'reserved');
    expect((await store.readReservation(order.orderId)).parts.map((part) => part.allocations.length)).toEqual([96, 24]);
    await publishOrder({ ...order, status: 'cancelled', channelUpdatedAt: '2026-11-27T10:00:00.000Z' });

    await decided(order.orderId, 'cancelled');
    const { parts } = await store.readReservation(order.orderId);
    expect(parts.map((part) => part.status)).toEqual(['released', 'released']);
    for (const tee of skus)
      expect((await availability(fabric, tee)).total).toMatchObject({ reserved: 0, availableToSell: 60 });
  });

  it('undoes the parts already written when a later part finds its stock gone, so a refused order holds nothing', async () => {
    const skus = [await stockedSku({ 'wh-east': 60 }), await stockedSku({ 'wh-east': 60 })];
    const order = stockOrder('shopify', `bigshort-${skus[0]}`, lines(skus, 120));
    const policy = loadInventoryPolicy();
    let parts = 0;
    // Between the first and the second part, a store sells the last units of the second SKU.
    const racing = Object.assign(Object.create(store) as DynamoInventoryStore, {
      commitReservationPart: async (input: Parameters<DynamoInventoryStore['commitReservationPart']>[0]) => {
        if (parts++ === 1) {
          const sale = await postAdjustment(fabric, {
            type: 'sale',
            sku: skus[1],
            locationId: 'wh-east',
            quantity: 20,
            reference: { kind: 'pos_transaction', id: 'T-race' },
          });
          expect(sale.status).toBe(201);
        }
        return store.commitReservationPart(input);
      },
    });

    const outcome = await applyOrderToStock(order, {
      store: racing,
      policy,
      publisher: { publish: async () => undefined },
    });

    expect(outcome).toMatchObject({ action: 'reserve', status: 'rejected' });
    const { parts: written } = await store.readReservation(order.orderId);
    expect(written.map((part) => part.status)).toEqual(['released']);
    expect((await availability(fabric, skus[0])).total).toMatchObject({ reserved: 0, availableToSell: 60 });
    expect((await availability(fabric, skus[1])).total).toMatchObject({ reserved: 0, availableToSell: 40 });
  });
});

describe('any sequence of operations through the real store', () => {
  type Step =
    | { op: 'receipt' | 'sale' | 'return'; locationId: string; quantity: number }
    | { op: 'count'; locationId: string; counted: number }
    | { op: 'damage'; locationId: string; delta: number }
    | { op: 'transfer'; from: number; quantity: number }
    | { op: 'order'; quantity: number }
    | { op: 'cancel'; order: number }
    | { op: 'ship'; order: number; from: number };
  const LOCATIONS = ['wh-east', 'store-042'];
  const locationId = fc.constantFrom(...LOCATIONS);
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      op: fc.constantFrom('receipt', 'sale', 'return'),
      locationId,
      quantity: fc.integer({ min: 1, max: 6 }),
    }),
    fc.record({ op: fc.constant('count'), locationId, counted: fc.integer({ min: 0, max: 8 }) }),
    fc.record({ op: fc.constant('damage'), locationId, delta: fc.integer({ min: -2, max: 3 }).filter((d) => d !== 0) }),
    fc.record({
      op: fc.constant('transfer'),
      from: fc.integer({ min: 0, max: 1 }),
      quantity: fc.integer({ min: 1, max: 4 }),
    }),
    fc.record({ op: fc.constant('order'), quantity: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ op: fc.constant('cancel'), order: fc.nat(10) }),
    fc.record({ op: fc.constant('ship'), order: fc.nat(10), from: fc.integer({ min: 0, max: 1 }) }),
  ) as fc.Arbitrary<Step>;

  it('never loses or creates a unit, never promises a unit that is not there, and keeps position and ledger in agreement', async () => {
    const ports: InventoryPorts = {
      store,
      policy: loadInventoryPolicy(),
      publisher: { publish: async () => undefined },
    };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), fc.boolean(), async (steps, sharded) => {
        const tee = sharded ? 'PROP-FLASH' : `PROP-${++run}`;
        const before = (await availability(fabric, tee)).total.onHand as number;
        let moved = 0;
        const orders: ReturnType<typeof stockOrder>[] = [];
        for (const [i, s] of steps.entries()) {
          const ref = { kind: 'manual', id: `prop-${run}-${i}` } as const;
          const adjust = async (body: Record<string, unknown>) => {
            const outcome = await adjustStock(
              AdjustmentRequest.parse({ sku: tee, reference: ref, ...body }),
              `prop-${tee}-${run}-${i}-${Date.now()}`,
              ports,
            );
            if (outcome.kind === 'applied')
              moved += outcome.result.changes
                .filter((c) => c.quantityName === 'onHand')
                .reduce((sum, c) => sum + c.delta, 0);
          };
          if (s.op === 'receipt' || s.op === 'sale' || s.op === 'return')
            await adjust({ type: s.op, locationId: s.locationId, quantity: s.quantity });
          if (s.op === 'count') await adjust({ type: 'count', locationId: s.locationId, countedOnHand: s.counted });
          if (s.op === 'damage')
            await adjust({
              type: 'adjustment',
              locationId: s.locationId,
              quantityName: 'damaged',
              delta: s.delta,
              reasonCode: 'DAMAGED',
            });
          if (s.op === 'transfer')
            await adjust({
              type: 'transfer',
              fromLocationId: LOCATIONS[s.from],
              toLocationId: LOCATIONS[1 - s.from],
              quantity: s.quantity,
            });
          if (s.op === 'order') {
            const order = stockOrder('shopify', `prop-${tee}-${run}-${i}-${Date.now()}`, [
              { sku: tee, quantity: s.quantity },
            ]);
            orders.push(order);
            const outcome = await applyOrderToStock(order, ports);
            if (outcome.status === 'reserved') {
              // The guard was on the buckets the order took from: none of them can be left promising more than it has.
              const { parts } = await store.readReservation(order.orderId);
              for (const bucket of await store.readPositions(parts.flatMap((part) => part.allocations)))
                expect(bucket.available).toBeGreaterThanOrEqual(0);
            }
          }
          const target = 'order' in s ? orders[s.order % Math.max(1, orders.length)] : undefined;
          if (s.op === 'cancel' && target) await applyOrderToStock({ ...target, status: 'cancelled' }, ports);
          if (
            s.op === 'ship' &&
            target &&
            (await store.readReservation(target.orderId)).header?.status === 'reserved'
          ) {
            // Shipped from either location, whichever held it: a warehouse may pick from a shelf the plan did not choose.
            const shipped = consumeShipment(
              {
                shipmentId: `S-${target.orderId}`,
                orderId: target.orderId,
                locationId: LOCATIONS[s.from],
                carrier: 'UPS',
                trackingNumber: '1Z',
                shippedAt: '2026-11-28T09:00:00Z',
                lines: [{ lineId: '1', sku: tee, quantity: target.lines[0].quantity }],
              },
              ports,
            );
            // The books there may not have the units beyond the order's holds: refused whole, nothing moves.
            const outcome = await shipped.catch((error: unknown) => {
              if (error instanceof ShipmentExceedsStockError) return { fromReservations: 0, unreserved: 0 };
              throw error;
            });
            moved -= outcome.fromReservations + outcome.unreserved;
          }
        }
        const scan = await store.scanForVerification();
        const mine = <T extends { sku: string }>(items: T[]) => items.filter((item) => item.sku === tee);
        const report = verifyInventory(
          mine(scan.positions),
          mine(scan.movements),
          scan.parts.map((part) => ({ ...part, allocations: mine(part.allocations) })),
        );
        expect(report.ledgerDrift).toEqual([]);
        expect(report.reservedDrift).toEqual([]);
        const view = await availability(fabric, tee);
        expect(view.total.onHand).toBe(before + moved);
        for (const location of view.locations) {
          for (const figure of ['onHand', 'reserved', 'damaged', 'sellableOnHand', 'availableToSell'])
            expect(location[figure]).toBeGreaterThanOrEqual(0);
        }
      }),
      {
        numRuns: 25,
        // Found by CI: a line held at the store, shipped from the warehouse whose only unit another order holds.
        examples: [
          [
            [
              { op: 'count', locationId: 'wh-east', counted: 3 },
              { op: 'transfer', from: 0, quantity: 3 },
              { op: 'order', quantity: 1 },
              { op: 'receipt', locationId: 'wh-east', quantity: 1 },
              { op: 'damage', locationId: 'store-042', delta: 3 },
              { op: 'order', quantity: 1 },
              { op: 'ship', order: 0, from: 0 },
            ],
            false,
          ],
        ],
      },
    );
  });
});

describe('the ledger', () => {
  it('agrees with every position after all of the above, and names a position someone changed by hand', async () => {
    const clean = await store.scanForVerification();
    expect(isClean(verifyInventory(clean.positions, clean.movements, clean.parts))).toBe(true);

    await documentClient().send(
      new UpdateCommand({
        TableName: fabric.resources.tables.inventory,
        Key: positionKey({ sku: 'FLASH-1', locationId: 'wh-east', shard: 2 }),
        UpdateExpression: 'ADD onHand :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );

    const tampered = await store.scanForVerification();
    expect(verifyInventory(tampered.positions, tampered.movements, tampered.parts).ledgerDrift).toEqual([
      {
        key: { sku: 'FLASH-1', locationId: 'wh-east', shard: 2 },
        drift: [{ figure: 'onHand', stored: 4, rebuilt: 3 }],
      },
    ]);
  });
});
