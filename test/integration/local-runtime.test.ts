import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { QueueEventSource } from '../../scripts/local-fabric/queue-event-source';
import type { LocalLambda } from '../../scripts/local-fabric/lambda-invoker';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { functions } from '#shared/config/topology';
import { toWireEvent } from '#domain/kernel/event';
import { createEvent } from '#domain/kernel/event';
import { OrderReceived } from '#domain/intake/events';
import { sampleShopifyOrder } from '../../scripts/sample/shopify-orders';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { received as objectsReceived } from './fixtures/object-probe.handler';
import { startTestFabric, eventually } from './support/test-fabric';
import { expectErrorLogs } from './support/expected-error-logs';

let fabric: LocalFabric;
// The poison record's last receive is an ERROR by design (a person must look at the DLQ): asserted, not printed.
const poisonRecords = expectErrorLogs(/^EventContractError: not a fabric event envelope/);

beforeAll(async () => {
  fabric = await startTestFabric('runtime', {
    functions: {
      ...functions,
      'object-probe': {
        entry: 'test/integration/fixtures/object-probe.handler.ts',
        description: 'records S3 object-created events',
        timeoutSeconds: 5,
        memoryMb: 128,
        objectTriggers: [{ bucket: 'posBatches', prefix: 'incoming/' }],
      },
    },
  });
});

afterAll(async () => {
  await fabric?.stop();
});

function orderReceivedBody(orderNumber: number): string {
  const order = mapShopifyOrder(
    ShopifyOrderPayload.parse(sampleShopifyOrder(orderNumber)),
    (key) => `SKU-${key.channelSku}`,
  );
  return JSON.stringify(
    toWireEvent(
      createEvent(OrderReceived, { order, deliveryId: `test-${orderNumber}` }, { correlationId: order.orderId }),
    ),
  );
}

/** Messages waiting to be received: those received and not yet deleted are not among them. */
async function visible(queueUrl: string): Promise<number> {
  const { Attributes } = await fabric.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

async function depth(queueUrl: string): Promise<number> {
  const { Attributes } = await fabric.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

describe('the local event backbone', () => {
  it('routes an event to a rule queue only when it matches the rule pattern', async () => {
    const intake = fabric.resources.queues['order-intake'];
    const unmatched = JSON.stringify({ ...JSON.parse(orderReceivedBody(1)), 'detail-type': 'ShipmentConfirmed' });

    await fabric.clients.sns.send(new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: unmatched }));
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(2) }),
    );

    const orderId = JSON.parse(orderReceivedBody(2)).detail.data.order.orderId;
    const stored = await eventually('the matching event to be consumed', async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/${orderId}`);
      return response.status === 200 ? response : undefined;
    });
    expect(stored.status).toBe(200);
    // Had the unmatched event been delivered, its consumer would fail it and it would stay in flight.
    await eventually('the rule queue to drain', async () => ((await depth(intake.url)) === 0 ? true : undefined), 3000);
    expect(await depth(intake.dlqUrl)).toBe(0);
  });
});

describe('the local SQS event-source mapping', () => {
  it('deletes the good records of a batch and moves a poison record to the DLQ after maxReceiveCount', async () => {
    const intake = fabric.resources.queues['order-intake'];
    // Same redrive policy as AWS, but a one-second visibility timeout so five receives take seconds.
    await fabric.clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: intake.url, Attributes: { VisibilityTimeout: '1' } }),
    );

    await fabric.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: intake.url,
        Entries: [
          { Id: 'good', MessageBody: orderReceivedBody(10) },
          { Id: 'poison', MessageBody: JSON.stringify({ detail: { data: 'not an order' } }) },
        ],
      }),
    );

    const dead = await eventually(
      'the poison record in the DLQ',
      async () => {
        const { Messages } = await fabric.clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: intake.dlqUrl, MessageSystemAttributeNames: ['All'] }),
        );
        return Messages?.length ? Messages : undefined;
      },
      20_000,
    );
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0].Body!)).toEqual({ detail: { data: 'not an order' } });
    expect(poisonRecords.kept(/not a fabric event envelope/)).toEqual([
      expect.objectContaining({
        message: 'record failed on its last receive; it goes to the DLQ',
        details: expect.objectContaining({ receiveCount: '5', maxReceiveCount: 5 }),
      }),
    ]);
    expect(await depth(intake.url)).toBe(0);
    const goodOrderId = JSON.parse(orderReceivedBody(10)).detail.data.order.orderId;
    expect((await fetch(`${fabric.apiUrl}/orders/${goodOrderId}`)).status).toBe(200);
  });

  it('deletes every handled record of a batch larger than the ten SQS deletes per request', async () => {
    const { QueueUrl } = await fabric.clients.sqs.send(
      new CreateQueueCommand({ QueueName: 'runtime-large-batches', Attributes: { VisibilityTimeout: '300' } }),
    );
    for (let start = 0; start < 30; start += 10) {
      await fabric.clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `change ${start + i}` })),
        }),
      );
    }
    const handled: string[] = [];
    const consumer = {
      name: 'large-batch-probe',
      invoke: async (event: SQSEvent) => {
        handled.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
    };
    const source = new QueueEventSource(
      fabric.clients.sqs,
      { url: QueueUrl!, arn: 'arn:aws:sqs:us-east-1:000000000000:runtime-large-batches' },
      {
        name: 'runtime-large-batches',
        batchSize: 100,
        maxBatchingWindowSeconds: 1,
        maxReceiveCount: 5,
        visibilityTimeoutSeconds: 300,
        maxConcurrency: 1,
      },
      consumer as unknown as LocalLambda,
      () => undefined,
    );
    source.start();
    try {
      // With a 300 s visibility timeout, a record handled but not deleted would still count as in flight.
      await eventually('every record deleted', async () => ((await depth(QueueUrl!)) === 0 ? true : undefined), 10_000);
    } finally {
      await source.stop();
    }
    expect(new Set(handled).size).toBe(30);
  });

  it.each([
    { waitsOutWindow: true, batches: [['first', 'second']] },
    { waitsOutWindow: false, batches: [['first'], ['second']] },
  ])(
    'waits out the batching window for a fuller batch as Lambda does only when asked to: $waitsOutWindow',
    async ({ waitsOutWindow, batches }) => {
      const name = `runtime-window-${waitsOutWindow ? 'waited' : 'cut'}`;
      const { QueueUrl } = await fabric.clients.sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '300' } }),
      );
      const invoked: string[][] = [];
      const consumer = {
        name: 'window-probe',
        invoke: async (event: SQSEvent) => {
          invoked.push(event.Records.map((r) => r.body));
          return { batchItemFailures: [] };
        },
      };
      const source = new QueueEventSource(
        fabric.clients.sqs,
        { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` },
        { name, batchSize: 10, maxBatchingWindowSeconds: 5, maxReceiveCount: 5, visibilityTimeoutSeconds: 300 },
        consumer as unknown as LocalLambda,
        () => undefined,
        waitsOutWindow,
      );
      source.start();
      try {
        await fabric.clients.sqs.send(
          new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'first' }] }),
        );
        // The first is received (and, cut short, delivered alone) before the second is sent, well inside the window.
        await eventually(
          'the first received',
          async () => ((await visible(QueueUrl!)) === 0 ? true : undefined),
          10_000,
        );
        await fabric.clients.sqs.send(
          new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '2', MessageBody: 'second' }] }),
        );
        await eventually('both handled', async () => (invoked.flat().length === 2 ? true : undefined), 10_000);
      } finally {
        await source.stop();
      }
      expect(invoked).toEqual(batches);
    },
  );

  it('runs at most maxConcurrency batches at once and leaves the rest visible on the queue, not received and waiting', async () => {
    const { QueueUrl } = await fabric.clients.sqs.send(
      new CreateQueueCommand({ QueueName: 'runtime-bounded', Attributes: { VisibilityTimeout: '300' } }),
    );
    await fabric.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 6 }, (_, i) => ({ Id: String(i), MessageBody: `sale ${i}` })),
      }),
    );
    let running = 0;
    let mostAtOnce = 0;
    const release: (() => void)[] = [];
    const consumer = {
      name: 'bounded-probe',
      invoke: async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running -= 1;
        return { batchItemFailures: [] };
      },
    };
    const source = new QueueEventSource(
      fabric.clients.sqs,
      { url: QueueUrl!, arn: 'arn:aws:sqs:us-east-1:000000000000:runtime-bounded' },
      {
        name: 'runtime-bounded',
        batchSize: 1,
        maxBatchingWindowSeconds: 0,
        maxReceiveCount: 5,
        visibilityTimeoutSeconds: 300,
        maxConcurrency: 2,
      },
      consumer as unknown as LocalLambda,
      () => undefined,
    );
    source.start();
    try {
      await eventually('two batches under way', async () => (release.length === 2 ? true : undefined));
      const { Attributes } = await fabric.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      expect(Attributes).toMatchObject({
        ApproximateNumberOfMessages: '4',
        ApproximateNumberOfMessagesNotVisible: '2',
      });
      // Each finished batch lets the next one in, until all six are handled and deleted.
      for (let handled = 0; handled < 6; handled += 1) {
        await eventually(`batch ${handled + 1} under way`, async () => (release.length > 0 ? true : undefined));
        release.shift()!();
      }
      await eventually('every record deleted', async () => ((await depth(QueueUrl!)) === 0 ? true : undefined));
    } finally {
      await source.stop();
    }
    expect(mostAtOnce).toBe(2);
  });

  it('long-polls once per queue, not once per concurrent batch: a quiet queue costs about one receive per message', async () => {
    const { QueueUrl } = await fabric.clients.sqs.send(
      new CreateQueueCommand({ QueueName: 'runtime-quiet', Attributes: { VisibilityTimeout: '300' } }),
    );
    const polling = new SQSClient({
      endpoint: fabric.endpoints.messaging,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let receives = 0;
    polling.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'ReceiveMessageCommand') receives += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countReceives' },
    );
    const handled: string[] = [];
    const consumer = {
      name: 'quiet-probe',
      invoke: async (event: SQSEvent) => {
        handled.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
    };
    const source = new QueueEventSource(
      polling,
      { url: QueueUrl!, arn: 'arn:aws:sqs:us-east-1:000000000000:runtime-quiet' },
      {
        name: 'runtime-quiet',
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
        maxReceiveCount: 5,
        visibilityTimeoutSeconds: 300,
        maxConcurrency: 5,
      },
      consumer as unknown as LocalLambda,
      () => undefined,
    );
    source.start();
    try {
      // One message at a time, each handled before the next arrives: five waiting polls would all wake for each.
      for (let i = 0; i < 8; i += 1) {
        await fabric.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `adjustment ${i}` }));
        await eventually(`adjustment ${i} handled`, async () => (handled.length === i + 1 ? true : undefined));
      }
    } finally {
      await source.stop();
    }
    // Eight receives that found a message, plus the poll under way when the test stops.
    expect(receives).toBeLessThanOrEqual(9);
  });
});

describe('the local S3 object trigger', () => {
  it('invokes the subscribed function with an S3 ObjectCreated event for a new object under its prefix', async () => {
    const bucket = fabric.resources.buckets.posBatches;

    await fabric.clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'incoming/store-042/2026-11-23/batch 7.csv', Body: 'sku,qty\n' }),
    );
    await fabric.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'elsewhere/ignored.csv', Body: 'x' }));

    const event = await eventually('the object-created event', async () => objectsReceived[0]);
    expect(event.Records[0]).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: bucket }, object: { key: 'incoming/store-042/2026-11-23/batch+7.csv', size: 8 } },
    });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(objectsReceived).toHaveLength(1);
  });
});
