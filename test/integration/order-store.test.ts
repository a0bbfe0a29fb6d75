import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { CrossReferenceConflictError, DynamoOrderRepository, DynamoOrderVersions } from '#shared/adapters/order-store';
import { orderIdFor } from '#domain/kernel/order';
import { balancedOrder } from '../unit/builders';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

let orders: DynamoOrderRepository;
let documents: DynamoDBDocumentClient;
let tables: { orders: string; crossReference: string };
let sequence = 0;

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  const resources = await provisionLocalResources(uniquePrefix('order-store'), clients);
  documents = DynamoDBDocumentClient.from(clients.dynamodb);
  tables = resources.tables;
  orders = new DynamoOrderRepository(resources.tables.orders, resources.tables.crossReference, documents);
});

function newOrder(channelUpdatedAt = '2026-12-01T10:00:00.000Z') {
  const channelOrderId = `store-${++sequence}`;
  return balancedOrder({ orderId: orderIdFor('shopify', channelOrderId), channelOrderId, channelUpdatedAt });
}

const source = (n: number) => ({ eventId: `evt-${n}`, deliveryId: `delivery-${n}` });

const itemOf = async (orderId: string, sk: string) =>
  (await documents.send(new GetCommand({ TableName: tables.orders, Key: { pk: `ORDER#${orderId}`, sk } }))).Item;

describe('order store on DynamoDB Local', () => {
  it('records a version once: the same version delivered again, four times at once, is a duplicate and writes nothing', async () => {
    const order = newOrder();

    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => orders.recordOrder(order, source(n))));

    expect(outcomes.sort()).toEqual(['created', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const stored = await orders.getOrder(order.orderId);
    expect(stored?.order).toEqual(order);
    expect(stored?.history.map((entry) => entry.change)).toEqual(['created']);
    expect(await orders.recordOrder(order, source(6))).toBe('duplicate');
    expect((await orders.getOrder(order.orderId))?.history).toHaveLength(1);
  });

  it("tells the catch-up pull the channel's updated-at of the version it holds: none before the first, the newest after a late older one", async () => {
    const versions = new DynamoOrderVersions(tables.orders, documents);
    const order = newOrder();
    expect(await versions.storedVersion(order.orderId)).toBeUndefined();

    await orders.recordOrder(order, source(1));
    expect(await versions.storedVersion(order.orderId)).toBe(order.channelUpdatedAt);

    await orders.recordOrder({ ...order, channelUpdatedAt: '2026-12-01T11:00:00.000Z' }, source(2));
    await orders.recordOrder({ ...order, channelUpdatedAt: '2026-12-01T09:00:00.000Z' }, source(3));
    expect(await versions.storedVersion(order.orderId)).toBe('2026-12-01T11:00:00.000Z');
  });

  it('replaces a version with a newer one and notes an older one arriving late without storing it', async () => {
    const order = newOrder();
    await orders.recordOrder(order, source(1));
    const newer = { ...order, status: 'cancelled' as const, channelUpdatedAt: '2026-12-01T11:00:00.000Z' };
    const older = { ...order, channelUpdatedAt: '2026-12-01T09:00:00.000Z' };

    expect(await orders.recordOrder(newer, source(2))).toBe('updated');
    expect(await orders.recordOrder(older, source(3))).toBe('stale_update_ignored');
    expect(await orders.recordOrder(order, source(4))).toBe('stale_update_ignored');

    const stored = await orders.getOrder(order.orderId);
    expect(stored?.order).toEqual(newer);
    expect(stored?.history.map((entry) => [entry.change, entry.eventId])).toEqual([
      ['created', 'evt-1'],
      ['updated', 'evt-2'],
      ['stale_update_ignored', 'evt-3'],
      ['stale_update_ignored', 'evt-4'],
    ]);
  });

  it('lets the same version mapped whole replace the one held as needs_attention, once', async () => {
    const order = newOrder();
    const held = { ...order, status: 'needs_attention' as const };
    await orders.recordOrder(held, source(1));

    const fixed = await Promise.all([2, 3].map((n) => orders.recordOrder(order, source(n))));

    expect(fixed.sort()).toEqual(['duplicate', 'updated']);
    expect(await orders.recordOrder(held, source(4))).toBe('stale_update_ignored');
    expect((await orders.getOrder(order.orderId))?.order.status).toBe('received');
  });

  it('stores nothing of an order whose channel order is mapped to another order id', async () => {
    const order = newOrder();
    await documents.send(
      new PutCommand({
        TableName: tables.crossReference,
        Item: { pk: `CHANNEL_ORDER#shopify#${order.channelOrderId}`, sk: 'ORDER', orderId: 'ord_another' },
      }),
    );

    await expect(orders.recordOrder(order, source(1))).rejects.toThrow(CrossReferenceConflictError);

    expect(await orders.viewOrder(order.orderId)).toBeUndefined();
    expect(await itemOf(order.orderId, 'RECEIVED')).toBeUndefined();
    expect(await orders.findOrderId('shopify', order.channelOrderId)).toBe('ord_another');
  });

  it('writes the RECEIVED item of an order whose creating delivery failed before it, when that version comes again', async () => {
    const order = newOrder();
    await orders.recordOrder(order, source(1));
    const created = await itemOf(order.orderId, 'RECEIVED');
    // What a crash between storing the order and writing its RECEIVED item leaves.
    await documents.send(
      new DeleteCommand({ TableName: tables.orders, Key: { pk: `ORDER#${order.orderId}`, sk: 'RECEIVED' } }),
    );

    expect(await orders.recordOrder(order, source(1))).toBe('duplicate');

    const mended = await itemOf(order.orderId, 'RECEIVED');
    expect(mended).toEqual(created);
    expect((await orders.getOrder(order.orderId))?.history.map((entry) => [entry.change, entry.eventId])).toEqual([
      ['created', 'evt-1'],
    ]);
    expect(await orders.findOrderId('shopify', order.channelOrderId)).toBe(order.orderId);
  });

  it('writes the RECEIVED item, without a creation entry it cannot know, when a newer version finds it missing', async () => {
    const order = newOrder();
    await orders.recordOrder(order, source(1));
    const receivedAt = (await itemOf(order.orderId, 'ORDER'))?.recordedAt;
    await documents.send(
      new DeleteCommand({ TableName: tables.orders, Key: { pk: `ORDER#${order.orderId}`, sk: 'RECEIVED' } }),
    );
    const newer = { ...order, status: 'cancelled' as const, channelUpdatedAt: '2026-12-01T11:00:00.000Z' };

    expect(await orders.recordOrder(newer, source(2))).toBe('updated');

    expect(await itemOf(order.orderId, 'RECEIVED')).toMatchObject({ receivedAt, orderId: order.orderId });
    expect((await itemOf(order.orderId, 'RECEIVED'))?.created).toBeUndefined();
    expect((await orders.getOrder(order.orderId))?.history.map((entry) => entry.change)).toEqual(['updated']);
  });

  it('tells the creation of an order held first when the delivery that stored it failed before telling it', async () => {
    const order = newOrder();
    // Holding the order first writes its RECEIVED item with no creation entry.
    await orders.holdOrder({
      orderId: order.orderId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      reason: 'unknown SKU',
      details: [],
      heldAt: '2026-12-01T09:59:00.000Z',
    });
    // What storing the fixed order, then failing before the RECEIVED item's update, leaves.
    await documents.send(
      new PutCommand({
        TableName: tables.orders,
        Item: {
          pk: `ORDER#${order.orderId}`,
          sk: 'ORDER',
          order,
          channelUpdatedAt: order.channelUpdatedAt,
          status: order.status,
          recordedAt: '2026-12-01T10:00:01.000Z',
        },
      }),
    );

    expect(await orders.recordOrder(order, source(1))).toBe('duplicate');

    expect(await itemOf(order.orderId, 'RECEIVED')).toMatchObject({ receivedAt: '2026-12-01T09:59:00.000Z' });
    expect((await orders.getOrder(order.orderId))?.history.map((entry) => [entry.change, entry.eventId])).toEqual([
      ['created', 'evt-1'],
    ]);
  });

  it('tells no creation for a later version delivered again after a newer version mended the RECEIVED item', async () => {
    const order = newOrder();
    await orders.recordOrder(order, source(1));
    await documents.send(
      new DeleteCommand({ TableName: tables.orders, Key: { pk: `ORDER#${order.orderId}`, sk: 'RECEIVED' } }),
    );
    const newer = { ...order, status: 'cancelled' as const, channelUpdatedAt: '2026-12-01T11:00:00.000Z' };
    await orders.recordOrder(newer, source(2));

    expect(await orders.recordOrder(newer, source(3))).toBe('duplicate');

    expect((await itemOf(order.orderId, 'RECEIVED'))?.created).toBeUndefined();
    expect((await orders.getOrder(order.orderId))?.history.map((entry) => entry.change)).toEqual(['updated']);
  });

  it('reads an order stored before RECEIVED items existed, and adds none to it on a redelivery', async () => {
    const order = newOrder();
    const pk = `ORDER#${order.orderId}`;
    const recordedAt = '2026-12-01T10:00:01.000Z';
    const createdEntry = {
      recordedAt,
      change: 'created',
      status: order.status,
      channelUpdatedAt: order.channelUpdatedAt,
      eventId: 'evt-old',
      deliveryId: 'delivery-old',
    };
    await documents.send(
      new PutCommand({
        TableName: tables.orders,
        Item: { pk, sk: 'ORDER', order, channelUpdatedAt: order.channelUpdatedAt, status: order.status, recordedAt },
      }),
    );
    await documents.send(
      new PutCommand({
        TableName: tables.orders,
        Item: { pk, sk: `HISTORY#${recordedAt}#evt-old`, ...createdEntry },
      }),
    );

    expect(await orders.recordOrder(order, source(1))).toBe('duplicate');

    expect(await itemOf(order.orderId, 'RECEIVED')).toBeUndefined();
    expect(await orders.getOrder(order.orderId)).toEqual({ order, history: [createdEntry] });
  });
});
