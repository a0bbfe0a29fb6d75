import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishBatchCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { FabricEvent } from '#domain/kernel/event';
import { EventBridgePublisher, EventPublishError, EventTooLargeError } from '#shared/adapters/event-publisher';
import { SnsBusPublisher } from '#shared/adapters/sns-bus-publisher';
import { LOCAL_REGION } from '../../scripts/local-fabric/provision';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function stockEvent(n: number): FabricEvent {
  return {
    id: `evt-${n}`,
    source: 'fabric.inventory',
    detailType: 'InventoryAdjusted',
    time: new Date(0).toISOString(),
    correlationId: `corr-${n}`,
    schemaVersion: 1,
    data: { sku: `SKU-${n}` },
  };
}

/** Counts the requests a client sends, whatever the command. */
function countRequests(client: SNSClient): { sent: number } {
  const counter = { sent: 0 };
  client.middlewareStack.add(
    (next) => (args) => {
      counter.sent += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return counter;
}

describe('the local bus publisher, against the emulator', () => {
  const endpoint = sharedEmulators().messaging;
  const sns = new SNSClient({ endpoint, region: LOCAL_REGION, credentials });
  const sqs = new SQSClient({ endpoint, region: LOCAL_REGION, credentials });
  let topicArn: string;
  let queueUrl: string;

  beforeAll(async () => {
    const prefix = uniquePrefix('publisher');
    ({ TopicArn: topicArn } = (await sns.send(new CreateTopicCommand({ Name: `${prefix}-events` }))) as {
      TopicArn: string;
    });
    ({ QueueUrl: queueUrl } = (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-all` }))) as {
      QueueUrl: string;
    });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
  });

  test('records handled side by side publish together, ten events a request, and every event arrives', async () => {
    const client = new SNSClient({ endpoint, region: LOCAL_REGION, credentials });
    const requests = countRequests(client);
    const publisher = new SnsBusPublisher(topicArn, client);

    // Twelve records of one batch, each publishing its own event in the same turn of the event loop.
    await Promise.all(Array.from({ length: 12 }, (_, n) => publisher.publish([stockEvent(n)])));

    expect(requests.sent).toBe(2);
    const ids: string[] = [];
    while (ids.length < 12) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) break;
      ids.push(...Messages.map((message) => JSON.parse(message.Body!).id));
    }
    expect(ids.sort()).toEqual(Array.from({ length: 12 }, (_, n) => `evt-${n}`).sort());
  });

  test('a caller that publishes after the others went out is sent on its own, not lost', async () => {
    const client = new SNSClient({ endpoint, region: LOCAL_REGION, credentials });
    const requests = countRequests(client);
    const publisher = new SnsBusPublisher(topicArn, client);

    await publisher.publish([stockEvent(100)]);
    await publisher.publish([stockEvent(101), stockEvent(102)]);

    expect(requests.sent).toBe(2);
  });

  test("a missing topic fails every caller of the request with the bus's own error", async () => {
    const publisher = new SnsBusPublisher(`${topicArn}-gone`, sns);

    const outcomes = await Promise.allSettled([publisher.publish([stockEvent(1)]), publisher.publish([stockEvent(2)])]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/Topic does not exist/);
  });
});

// The emulators accept every entry: a bus that refuses some of one request is played by a mock.
describe('a bus that refuses some events of a request', () => {
  test('SNS: only the caller whose event was refused fails, with the reason; the others are published', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishBatchCommand).resolves({
      Successful: [{ Id: '0' }, { Id: '2' }],
      Failed: [{ Id: '1', Code: 'InternalError', Message: 'try again', SenderFault: false }],
    });
    const publisher = new SnsBusPublisher(
      'arn:aws:sns:us-east-1:000000000000:bus',
      new SNSClient({ region: LOCAL_REGION }),
    );

    const outcomes = await Promise.allSettled([0, 1, 2].map((n) => publisher.publish([stockEvent(n)])));

    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (outcomes[1] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(EventPublishError);
    expect(reason.message).toBe('SNS rejected 1 of 1 events: try again');
    sns.restore();
  });

  test('many events from one call go out ten a request, four requests at a time', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    let underWay = 0;
    let mostAtOnce = 0;
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: unknown[] }) => {
      underWay += 1;
      mostAtOnce = Math.max(mostAtOnce, underWay);
      await new Promise((resolve) => setTimeout(resolve, 5));
      underWay -= 1;
      return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: String(i) })) };
    });
    const publisher = new EventBridgePublisher('fabric-bus', new EventBridgeClient({ region: LOCAL_REGION }));

    await publisher.publish(Array.from({ length: 95 }, (_, n) => stockEvent(n)));

    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([
      10, 10, 10, 10, 10, 10, 10, 10, 10, 5,
    ]);
    expect(mostAtOnce).toBe(4);
    eventBridge.restore();
  });

  test('a request never carries more than 256 KiB of events: large orders go out in more requests, and one too large with nowhere to put its payload fails alone, unsent', async () => {
    const sns = mockClient(SNSClient);
    const sizes: number[][] = [];
    sns
      .on(PublishBatchCommand)
      .callsFake(async (input: { PublishBatchRequestEntries: { Id: string; Message: string }[] }) => {
        const bytes = input.PublishBatchRequestEntries.map((entry) => Buffer.byteLength(entry.Message));
        sizes.push(bytes);
        // As SNS does: the whole request refused when its messages together pass the limit.
        if (bytes.reduce((sum, n) => sum + n, 0) > 262_144)
          throw Object.assign(new Error('The length of all the batch messages put together is more than the limit.'), {
            name: 'BatchRequestTooLong',
          });
        return { Successful: input.PublishBatchRequestEntries.map((entry) => ({ Id: entry.Id })) };
      });
    const publisher = new SnsBusPublisher(
      'arn:aws:sns:us-east-1:000000000000:bus',
      new SNSClient({ region: LOCAL_REGION }),
    );
    const order = (n: number, kib: number) => ({ ...stockEvent(n), data: { lines: 'x'.repeat(kib * 1024) } });

    const outcomes = await Promise.allSettled([
      publisher.publish([order(1, 100)]),
      publisher.publish([order(2, 100)]),
      publisher.publish([order(3, 100)]),
      publisher.publish([order(4, 300)]),
      publisher.publish([stockEvent(5)]),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(EventTooLargeError);
    expect(sizes.map((request) => request.length)).toEqual([2, 2]);
    expect(
      sizes
        .filter((request) => request.length > 1)
        .every((request) => request.reduce((sum, n) => sum + n, 0) <= 262_144),
    ).toBe(true);
    sns.restore();
  });

  test('an event that cannot be serialized fails its own caller only', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishBatchCommand).callsFake(async (input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
      Successful: input.PublishBatchRequestEntries.map((entry) => ({ Id: entry.Id })),
    }));
    const publisher = new SnsBusPublisher(
      'arn:aws:sns:us-east-1:000000000000:bus',
      new SNSClient({ region: LOCAL_REGION }),
    );

    const outcomes = await Promise.allSettled([
      publisher.publish([{ ...stockEvent(1), data: { units: 1n } }]),
      publisher.publish([stockEvent(2)]),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/BigInt/);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(1);
    sns.restore();
  });

  test('EventBridge: entries answer by position; a caller with one refused event of two fails', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'a' }, { EventId: 'b' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    const publisher = new EventBridgePublisher('fabric-bus', new EventBridgeClient({ region: LOCAL_REGION }));

    const outcomes = await Promise.allSettled([
      publisher.publish([stockEvent(0)]),
      publisher.publish([stockEvent(1), stockEvent(2)]),
    ]);

    const sent = eventBridge.commandCalls(PutEventsCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0].args[0].input.Entries?.map((entry) => entry.EventBusName)).toEqual([
      'fabric-bus',
      'fabric-bus',
      'fabric-bus',
    ]);
    expect(outcomes[0].status).toBe('fulfilled');
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe(
      'EventBridge rejected 1 of 2 events: ThrottlingException: slow down',
    );
    eventBridge.restore();
  });
});
