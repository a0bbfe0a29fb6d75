import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { peek, redrive } from '../../scripts/ops/dlq';
import { toWireEvent } from '#domain/kernel/event';
import { createEvent } from '#domain/kernel/event';
import { OrderReceived } from '#domain/intake/events';
import { SAMPLE_CATALOG, sampleShopifyOrder } from '../../scripts/sample/shopify-orders';
import { S3EventClaimChecks } from '#shared/adapters/event-claim-checks';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { startTestFabric, eventually } from './support/test-fabric';

let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('redrive');
  // Same redrive policy as AWS (five receives), one-second visibility so the retries take seconds.
  await fabric.clients.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: fabric.resources.queues['order-intake'].url,
      Attributes: { VisibilityTimeout: '1' },
    }),
  );
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  await fabric?.stop();
});

function orderReceived(orderNumber: number) {
  const order = mapShopifyOrder(
    ShopifyOrderPayload.parse(sampleShopifyOrder(orderNumber)),
    (key) => `SKU-${key.channelSku}`,
  );
  return {
    order,
    body: JSON.stringify(
      toWireEvent(
        createEvent(OrderReceived, { order, deliveryId: `delivery-${orderNumber}` }, { correlationId: order.orderId }),
      ),
    ),
  };
}

const wrongMapping = (channelOrderId: string) => ({
  pk: { S: `CHANNEL_ORDER#shopify#${channelOrderId}` },
  sk: { S: 'ORDER' },
});

describe('dead-letter redrive', () => {
  it('holds a message that keeps failing, shows why it is held, and after the fix processes it exactly once, however often redriven', async () => {
    const { order, body } = orderReceived(900);
    // The fault: the cross-reference already maps this channel order to another order.
    await fabric.clients.dynamodb.send(
      new PutItemCommand({
        TableName: fabric.resources.tables.crossReference,
        Item: { ...wrongMapping(order.channelOrderId), orderId: { S: 'ord_someoneelseentirely23456' } },
      }),
    );
    await fabric.clients.sns.send(new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: body }));

    const held = await eventually(
      'the message in the DLQ',
      async () => {
        const found = await peek(fabric.resources, fabric.clients, ['order-intake']);
        return found.length ? found : undefined;
      },
      30_000,
    );
    expect(held).toEqual([
      expect.objectContaining({
        businessKey: `${order.orderId}#${order.channelUpdatedAt}#received`,
        processed: 'NOT_FOUND',
      }),
    ]);
    expect(held[0].event).toMatchObject({ detailType: 'OrderReceived', correlationId: order.orderId });
    expect(held[0].problem).toBeUndefined();
    expect(held[0].lastFailure).toBe(
      `CrossReferenceConflictError: shopify order ${order.channelOrderId} is already mapped to another order id`,
    );

    await fabric.clients.dynamodb.send(
      new DeleteItemCommand({
        TableName: fabric.resources.tables.crossReference,
        Key: wrongMapping(order.channelOrderId),
      }),
    );
    const dryRun = await redrive(fabric.resources, fabric.clients, ['order-intake', '--dry-run']);
    expect(dryRun).toEqual({ moved: 0, kept: 1 });
    expect(await redrive(fabric.resources, fabric.clients, ['order-intake'])).toEqual({ moved: 1, kept: 0 });

    // The creation's history entry is written just after the order (not in one transaction with it).
    const stored = await eventually('the redriven order, with its creation in the history', async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/${order.orderId}`);
      const found =
        response.status === 200 ? ((await response.json()) as { history: { change: string }[] }) : undefined;
      return found?.history.length ? found : undefined;
    });
    expect(stored.history.map((h) => h.change)).toEqual(['created']);
    expect(await redrive(fabric.resources, fabric.clients, ['order-intake'])).toEqual({ moved: 0, kept: 0 });
  });

  it('tells, before a redrive, that a held copy of an already processed event would change nothing', async () => {
    const { order, body } = orderReceived(901);
    await fabric.clients.sns.send(new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: body }));
    await eventually('the order stored', async () =>
      (await fetch(`${fabric.apiUrl}/orders/${order.orderId}`)).status === 200 ? true : undefined,
    );
    await fabric.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: fabric.resources.queues['order-intake'].dlqUrl, MessageBody: body }),
    );

    const held = await peek(fabric.resources, fabric.clients, ['order-intake', '--order', order.orderId]);

    expect(held).toEqual([expect.objectContaining({ processed: 'COMPLETED' })]);
    await redrive(fabric.resources, fabric.clients, ['order-intake', '--order', order.orderId]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = (await (await fetch(`${fabric.apiUrl}/orders/${order.orderId}`)).json()) as { history: unknown[] };
    expect(after.history).toHaveLength(1);
  });

  it('shows a held claim check as the whole order it stands for, and a redrive of the pointer stores every line', async () => {
    const lines = 3_000;
    const order = mapShopifyOrder(
      ShopifyOrderPayload.parse(sampleShopifyOrder(903, Math.random, SAMPLE_CATALOG, lines)),
      (key) => `SKU-${key.channelSku}`,
    );
    const whole = toWireEvent(
      createEvent(OrderReceived, { order, deliveryId: 'delivery-903' }, { correlationId: order.orderId }),
    );
    const pointer = await new S3EventClaimChecks(fabric.resources.buckets.eventClaimChecks, fabric.clients.s3).check(
      whole,
    );
    await fabric.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: fabric.resources.queues['order-intake'].dlqUrl,
        MessageBody: JSON.stringify(pointer),
      }),
    );

    const held = await peek(fabric.resources, fabric.clients, ['order-intake', '--order', order.orderId]);

    expect(held).toEqual([
      expect.objectContaining({
        businessKey: `${order.orderId}#${order.channelUpdatedAt}#received`,
        processed: 'NOT_FOUND',
      }),
    ]);
    expect(held[0].problem).toBeUndefined();
    expect((held[0].event!.data as { order: { lines: unknown[] } }).order.lines).toHaveLength(lines);
    await redrive(fabric.resources, fabric.clients, ['order-intake', '--order', order.orderId]);
    const stored = await eventually(
      'the redriven order',
      async () => {
        const response = await fetch(`${fabric.apiUrl}/orders/${order.orderId}`);
        return response.status === 200 ? ((await response.json()) as { order: { lines: unknown[] } }) : undefined;
      },
      30_000,
    );
    expect(stored.order.lines).toHaveLength(lines);
  });

  it('redrives only the held messages that match a filter and leaves the rest held', async () => {
    const dlqUrl = fabric.resources.queues['order-intake'].dlqUrl;
    const first = orderReceived(902);
    await fabric.clients.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: first.body }));
    await fabric.clients.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"not":"an event"}' }));

    const result = await redrive(fabric.resources, fabric.clients, ['order-intake', '--order', first.order.orderId]);

    expect(result).toEqual({ moved: 1, kept: 1 });
    const left = await peek(fabric.resources, fabric.clients, ['order-intake']);
    expect(left.map((m) => m.message.Body)).toEqual(['{"not":"an event"}']);
    expect(left[0].problem).toMatch(/^not a fabric event envelope: id /);
  });
});
