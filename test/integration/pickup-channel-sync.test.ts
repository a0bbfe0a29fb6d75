import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder } from '../../scripts/sample/sample-traffic';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { PickupReady } from '#domain/fulfilment/events';
import { OrderStateChanged } from '#domain/orders/events';
import { createEvent, toWireEvent } from '#domain/kernel/event';
import type { Order } from '#domain/kernel/order';
import { readShopifyFixture } from '../fixtures/shopify';
import { queueDepth, stockOrder } from './support/inventory-support';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { eventually, startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('pickup-sync', { scheduleIntervalMs: () => 0 });
});

afterAll(async () => {
  await fabric?.stop();
});

/**
 * Shopify's local pickup order, delivered as a signed orders/create webhook and stored by the intake.
 * The cross-reference is left empty, so the order waits in needs_attention and no reservation, refusal
 * or cancellation runs beside the sync under test; its lines are named by their channel SKU.
 */
async function takeShopifyPickupOrder(channelOrderId: string): Promise<Order> {
  const payload = readShopifyFixture('orders-create-local-pickup');
  payload.id = channelOrderId;
  payload.admin_graphql_api_id = `gid://shopify/Order/${channelOrderId}`;
  const body = JSON.stringify(payload);
  const answer = await postShopifyOrder(
    fabric.apiUrl,
    body,
    shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
  );
  expect(answer.status).toBe(202);
  const stored = await eventually(
    'the pickup order stored',
    async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/${String(answer.body.orderId)}`);
      return response.status === 200 ? ((await response.json()) as { order: Order }).order : undefined;
    },
    20_000,
  );
  fabric.channelApis.outbound.addOrder('shopify', channelOrderId, {
    lines: stored.lines.map((line) => ({ lineId: line.channelLineId, quantity: line.quantity })),
    pickupLocationId: '71234567801',
  });
  return stored;
}

describe('a pickup ready at the store, told to Shopify', () => {
  it('marks the pickup fulfillment order prepared once, though PickupReady is delivered twice', async () => {
    const channelOrderId = String(5_900_000_000_000 + Math.floor(Math.random() * 1_000_000));
    const order = await takeShopifyPickupOrder(channelOrderId);
    expect(order.delivery).toEqual({ method: 'pickup', channelLocationId: '71234567801' });
    const ready = createEvent(
      PickupReady,
      {
        orderId: order.orderId,
        channel: 'shopify',
        channelOrderId,
        locationId: 'store-austin',
        pickupCode: 'K7P2Q9',
        lines: order.lines.map((line) => ({ lineId: line.lineId, sku: line.channelSku, quantity: line.quantity })),
        readyAt: new Date().toISOString(),
      },
      { correlationId: order.orderId },
    );
    const queue = fabric.resources.queues['channel-pickup-sync'];
    const prepared = () => fabric.channelApis.outbound.pickups.filter((p) => p.channelOrderId === channelOrderId);
    const consumed = () =>
      eventually(
        'the delivery consumed',
        async () => ((await queueDepth(fabric, queue.url)) === 0 ? true : undefined),
        20_000,
      );

    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(ready)) }),
    );
    await eventually(
      'Shopify to hear the pickup is ready',
      async () => (prepared().length > 0 ? true : undefined),
      20_000,
    );
    await consumed();
    // At-least-once delivery: the same event lands on the queue again.
    await fabric.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(toWireEvent(ready)) }),
    );
    await consumed();

    expect(prepared()).toHaveLength(1);
    expect(prepared()[0].body).toEqual({
      input: {
        lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: `gid://shopify/FulfillmentOrder/${channelOrderId}` }],
      },
    });
    expect(await queueDepth(fabric, queue.dlqUrl)).toBe(0);
  });
});

describe('a pickup nobody collected, cancelled on Shopify', () => {
  it('cancels and refunds the order once when the lifecycle cancels it because the pickup expired', async () => {
    const channelOrderId = String(5_900_000_000_000 + Math.floor(Math.random() * 1_000_000));
    const order = await takeShopifyPickupOrder(channelOrderId);
    const expired = createEvent(
      OrderStateChanged,
      { orderId: order.orderId, from: 'posted_to_erp', to: 'cancelled', version: 4, on: 'pickup_expired' },
      { correlationId: order.orderId },
    );
    const queue = fabric.resources.queues['channel-cancellation-sync'];
    const cancelled = () =>
      fabric.channelApis.outbound.cancellations.filter((c) => c.channelOrderId === channelOrderId);
    const consumed = () =>
      eventually(
        'the delivery consumed',
        async () => ((await queueDepth(fabric, queue.url)) === 0 ? true : undefined),
        20_000,
      );

    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(expired)) }),
    );
    await eventually('Shopify to cancel the order', async () => (cancelled().length > 0 ? true : undefined), 20_000);
    await consumed();
    await fabric.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(toWireEvent(expired)) }),
    );
    await consumed();

    expect(cancelled()).toHaveLength(1);
    expect(cancelled()[0].body).toMatchObject({
      reason: 'OTHER',
      refundMethod: { originalPaymentMethodsRefund: true },
      notifyCustomer: true,
    });
    expect(await queueDepth(fabric, queue.dlqUrl)).toBe(0);
  });
});

describe('a pickup nobody collected, on a channel the fabric cannot cancel on', () => {
  it('is raised once in the exceptions work queue for a person to cancel and refund it there', async () => {
    const orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
    const exceptions = new DynamoExceptionStore(fabric.resources.tables.exceptions);
    const order: Order = {
      ...stockOrder('square', `SQPICK${Date.now().toString(36).toUpperCase()}`, [{ sku: 'TOTE-01', quantity: 1 }]),
      delivery: { method: 'pickup', channelLocationId: 'LSQSTORE42' },
    };
    await orders.recordOrder(order, { eventId: `test-${order.orderId}`, deliveryId: `test-${order.channelOrderId}` });
    const expired = createEvent(
      OrderStateChanged,
      { orderId: order.orderId, from: 'posted_to_erp', to: 'cancelled', version: 4, on: 'pickup_expired' },
      { correlationId: order.orderId },
    );
    const queue = fabric.resources.queues['channel-cancellation-sync'];

    const consumed = (rule: string) =>
      eventually(
        `${rule} consumed`,
        async () => ((await queueDepth(fabric, fabric.resources.queues[rule].url)) === 0 ? true : undefined),
        20_000,
      );
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(expired)) }),
    );
    const raised = await eventually(
      'the exception raised',
      async () =>
        (await exceptions.list({ kind: 'ChannelCancellationNeeded' })).find((e) => e.orderId === order.orderId),
      20_000,
    );
    await consumed('channel-cancellation-sync');
    await fabric.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(toWireEvent(expired)) }),
    );
    await consumed('channel-cancellation-sync');
    await consumed('exceptions');

    expect(raised).toMatchObject({
      status: 'open',
      severity: 'critical',
      channel: 'square',
      reasonCode: 'CANCEL_ON_CHANNEL',
    });
    expect(raised.reason).toContain(`square order ${order.channelOrderId} (its pickup was never collected)`);
    expect(
      (await exceptions.list({ kind: 'ChannelCancellationNeeded' })).filter((e) => e.orderId === order.orderId),
    ).toHaveLength(1);
    expect(fabric.channelApis.outbound.cancellations.filter((c) => c.channelOrderId === order.channelOrderId)).toEqual(
      [],
    );
    expect(await queueDepth(fabric, queue.dlqUrl)).toBe(0);
  });
});
