import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createEvent, toWireEvent } from '#domain/kernel/event';
import { OrderReceived } from '#domain/intake/events';
import { logger } from '#shared/adapters/observability';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder } from '../../scripts/sample/shopify-orders';
import { postAdjustment } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('console-dlq-inventory');
});

afterAll(async () => {
  await fabric?.stop();
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${fabric.apiUrl}${path}`);
  return { status: response.status, body: await response.json() };
}

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${fabric.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** An OrderReceived as the order-intake queue carries it, for an order no fabric has seen. */
function orderReceived() {
  const order = mapShopifyOrder(
    ShopifyOrderPayload.parse(sampleShopifyOrder(Math.floor(Math.random() * 1_000_000) + 10_000)),
    (key) => `SKU-${key.channelSku}`,
  );
  const event = createEvent(
    OrderReceived,
    { order, deliveryId: `delivery-${order.channelOrderId}` },
    {
      correlationId: order.orderId,
    },
  );
  return { order, body: JSON.stringify(toWireEvent(event)) };
}

describe('dead-letter queues through the API', () => {
  test('lists every DLQ with its depth, and the age of the oldest message of one that holds some', async () => {
    const { order, body } = orderReceived();
    await fabric.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: fabric.resources.queues['order-intake'].dlqUrl, MessageBody: body }),
    );

    const { status, body: answer } = await get('/dead-letter-queues');

    expect(status).toBe(200);
    expect(answer.queues.map((queue: { rule: string }) => queue.rule)).toEqual(
      expect.arrayContaining(['order-intake', 'inventory-reservation', 'amazon-notifications']),
    );
    expect(answer.queues.find((queue: { rule: string }) => queue.rule === 'order-intake')).toEqual({
      rule: 'order-intake',
      depth: expect.any(Number),
      oldestAgeSeconds: expect.any(Number),
    });
    await post('/dead-letter-queues/order-intake/redrive', { dryRun: false, orderId: order.orderId });
  });

  test('peeks without taking, previews a redrive that moves nothing, then redrives and the order is stored', async () => {
    const { order, body } = orderReceived();
    await fabric.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: fabric.resources.queues['order-intake'].dlqUrl, MessageBody: body }),
    );
    const filter = `orderId=${encodeURIComponent(order.orderId)}`;

    const peeked = await get(`/dead-letter-queues/order-intake/messages?${filter}`);
    const peekedAgain = await get(`/dead-letter-queues/order-intake/messages?${filter}`);
    const preview = await post('/dead-letter-queues/order-intake/redrive', { dryRun: true, orderId: order.orderId });
    const stillHeld = await get(`/dead-letter-queues/order-intake/messages?${filter}`);

    expect(peeked.status).toBe(200);
    expect(peeked.body.messages).toEqual([
      expect.objectContaining({
        detailType: 'OrderReceived',
        correlationId: order.orderId,
        businessKey: `${order.orderId}#${order.channelUpdatedAt}#received`,
        processed: 'NOT_FOUND',
        whyHeld: expect.stringContaining('the event is valid'),
      }),
    ]);
    expect(peeked.body.messages[0]).not.toHaveProperty('body');
    expect(peekedAgain.body.messages.map((m: { messageId: string }) => m.messageId)).toEqual([
      peeked.body.messages[0].messageId,
    ]);
    expect(preview.body).toMatchObject({
      dryRun: true,
      moved: 0,
      messages: [expect.objectContaining({ correlationId: order.orderId })],
    });
    expect(stillHeld.body.messages).toHaveLength(1);

    const info = jest.spyOn(logger, 'info');
    const redriven = await post('/dead-letter-queues/order-intake/redrive', { dryRun: false, orderId: order.orderId });

    expect(redriven.status).toBe(200);
    expect(redriven.body).toMatchObject({ dryRun: false, moved: 1, by: expect.any(String) });
    expect(info).toHaveBeenCalledWith(
      'dead-letter redrive',
      expect.objectContaining({ by: redriven.body.by, rule: 'order-intake', moved: 1 }),
    );
    info.mockRestore();
    await eventually('the redriven order stored', async () =>
      (await get(`/orders/${order.orderId}`)).status === 200 ? true : undefined,
    );
    expect((await get(`/dead-letter-queues/order-intake/messages?${filter}`)).body.messages).toEqual([]);
  });

  test('shows a body that is not a fabric event as it is, and keeps it held when a filter names something else', async () => {
    const junk = `{"not":"an event ${randomUUID()}"}`;
    await fabric.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: fabric.resources.queues['order-intake'].dlqUrl, MessageBody: junk }),
    );

    const peeked = await get('/dead-letter-queues/order-intake/messages');
    const redriven = await post('/dead-letter-queues/order-intake/redrive', { dryRun: false, orderId: 'ord_other' });

    const shown = peeked.body.messages.find((m: { body?: string }) => m.body === junk);
    expect(shown).toEqual(expect.objectContaining({ whyHeld: expect.stringMatching(/^not a fabric event envelope/) }));
    expect(shown).not.toHaveProperty('detailType');
    expect(redriven.body).toMatchObject({ moved: 0, kept: peeked.body.examined });
  });

  test.each([
    ['a channel that does not exist', '/dead-letter-queues/order-intake/messages?channel=nowhere', 'channel'],
    ['a limit that is not a number', '/dead-letter-queues/order-intake/messages?limit=many', 'limit'],
  ])('answers 400 naming the field for %s', async (_, path, field) => {
    const { status, body } = await get(path);

    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ path: field })]);
  });

  test('answers 400 naming dryRun when a redrive does not say whether it is a dry run', async () => {
    const { status, body } = await post('/dead-letter-queues/order-intake/redrive', { orderId: 'ord_1' });

    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ path: 'dryRun' })]);
  });

  test('answers 400 for a body that is not JSON', async () => {
    const response = await fetch(`${fabric.apiUrl}/dead-letter-queues/order-intake/redrive`, {
      method: 'POST',
      body: '{dryRun:',
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors).toEqual([{ path: '(body)', message: 'is not valid JSON' }]);
  });

  test('answers 404 for a rule the fabric does not have', async () => {
    expect((await get('/dead-letter-queues/no-such-rule/messages')).status).toBe(404);
    expect((await post('/dead-letter-queues/no-such-rule/redrive', { dryRun: true })).status).toBe(404);
  });
});

describe('inventory through the API', () => {
  const reference = { kind: 'erp_document', id: 'PO-CONSOLE-1' };

  test('shows a SKU per location, what each channel is shown and was told, and its latest movements', async () => {
    const sku = `CONSOLE-${randomUUID().slice(0, 8)}`;
    expect(
      (await postAdjustment(fabric, { type: 'receipt', sku, locationId: 'wh-east', quantity: 7, reference })).status,
    ).toBe(201);
    expect(
      (await postAdjustment(fabric, { type: 'sale', sku, locationId: 'wh-east', quantity: 2, reference })).status,
    ).toBe(201);

    const shown = await eventually(
      'shopify to acknowledge the figure',
      async () => {
        const { body } = await get(`/inventory/skus/${sku}`);
        const shopify = body.channels.find((channel: { channel: string }) => channel.channel === 'shopify');
        return shopify?.published?.value === 5 ? body : undefined;
      },
      20_000,
    );

    expect(shown.locations.find((location: { locationId: string }) => location.locationId === 'wh-east')).toMatchObject(
      {
        name: 'East distribution centre',
        onHand: 5,
        availableToSell: 5,
      },
    );
    expect(shown.total).toMatchObject({ onHand: 5, reserved: 0, availableToSell: 5 });
    expect(shown.channels.find((channel: { channel: string }) => channel.channel === 'shopify')).toMatchObject({
      listed: 5,
      published: { value: 5, version: expect.any(Number), acknowledgedAt: expect.any(String) },
    });
    expect(shown.movements.map((movement: { kind: string }) => movement.kind)).toEqual(['sale', 'receipt']);
  });

  test('answers 404 for a SKU no movement has touched, and 400 naming sku for a malformed one', async () => {
    const unknown = await get(`/inventory/skus/NEVER-${randomUUID().slice(0, 8)}`);
    const malformed = await get(`/inventory/skus/${encodeURIComponent('has space')}`);

    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ path: 'sku' })]);
  });

  test('verifies positions against ledger and reservations', async () => {
    const { status, body } = await get('/inventory/verification');

    expect(status).toBe(200);
    expect(body).toMatchObject({ clean: true, ledgerDrift: [], reservedDrift: [], orphans: [] });
    expect(body.positions).toBeGreaterThan(0);
  });
});
