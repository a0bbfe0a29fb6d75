import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { orderIdFor } from '#domain/kernel/order';
import { balancedOrder } from '../unit/builders';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

let orders: DynamoOrderRepository;
let sequence = 0;

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  const resources = await provisionLocalResources(uniquePrefix('order-store'), clients);
  orders = new DynamoOrderRepository(
    resources.tables.orders,
    resources.tables.crossReference,
    DynamoDBDocumentClient.from(clients.dynamodb),
  );
});

function newOrder(channelUpdatedAt = '2026-12-01T10:00:00.000Z') {
  const channelOrderId = `store-${++sequence}`;
  return balancedOrder({ orderId: orderIdFor('shopify', channelOrderId), channelOrderId, channelUpdatedAt });
}

const source = (n: number) => ({ eventId: `evt-${n}`, deliveryId: `delivery-${n}` });

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
});
