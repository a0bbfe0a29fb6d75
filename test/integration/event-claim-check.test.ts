import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { toWireEvent, type FabricEvent } from '#domain/kernel/event';
import { EVENT_BUS_MAX_BYTES } from '#events/claim-check';
import { SnsBusPublisher } from '#shared/adapters/sns-bus-publisher';
import { S3EventClaimChecks, redeemClaimCheck } from '#shared/adapters/event-claim-checks';
import { LOCAL_REGION } from '../../scripts/local-fabric/provision';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const endpoint = sharedEmulators().messaging;
const sns = new SNSClient({ endpoint, region: LOCAL_REGION, credentials });
const sqs = new SQSClient({ endpoint, region: LOCAL_REGION, credentials });
const s3 = new S3Client({ endpoint, region: LOCAL_REGION, credentials, forcePathStyle: true });
let topicArn: string;
let queueUrl: string;
let publisher: SnsBusPublisher;

beforeAll(async () => {
  const prefix = uniquePrefix('claim-check');
  const bucket = `${prefix}-claims`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
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
  publisher = new SnsBusPublisher(topicArn, sns, new S3EventClaimChecks(bucket, s3));
});

/** An event whose EventBridge-shaped JSON, which is the local SNS message, is exactly `bytes` long. */
function eventOfSize(id: string, bytes: number): FabricEvent {
  const event: FabricEvent = {
    id,
    source: 'fabric.intake',
    detailType: 'OrderReceived',
    time: new Date().toISOString(),
    correlationId: id,
    schemaVersion: 1,
    data: { lines: '' },
  };
  const padding = bytes - Buffer.byteLength(JSON.stringify(toWireEvent(event)));
  return { ...event, data: { lines: 'x'.repeat(padding) } };
}

async function received(id: string): Promise<Message> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const found = Messages.find((message) => JSON.parse(message.Body!).id === id);
    if (found) return found;
  }
  throw new Error(`${id} never arrived`);
}

function asRecord(message: Message): SQSRecord {
  return {
    messageId: message.MessageId!,
    body: message.Body!,
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:all',
    attributes: { ApproximateReceiveCount: '1' },
  } as unknown as SQSRecord;
}

describe('claim checks on the local bus (fauxqs SNS takes at most 262,144 bytes a message, as SNS does)', () => {
  test('an event of exactly the bus limit travels whole', async () => {
    const event = eventOfSize(`at-limit-${Date.now()}`, EVENT_BUS_MAX_BYTES);

    await publisher.publish([event]);

    const message = await received(event.id);
    expect(Buffer.byteLength(message.Body!)).toBe(EVENT_BUS_MAX_BYTES);
    expect(JSON.parse(message.Body!).detail.metadata.claimCheck).toBeUndefined();
  });

  test('an event one byte over travels as a small claim check, and its consumer gets it back whole', async () => {
    const event = eventOfSize(`over-limit-${Date.now()}`, EVENT_BUS_MAX_BYTES + 1);

    await publisher.publish([event]);

    const message = await received(event.id);
    expect(Buffer.byteLength(message.Body!)).toBeLessThan(2048);
    expect(JSON.parse(message.Body!).detail.metadata.claimCheck).toMatchObject({
      key: expect.stringContaining(event.id),
    });
    const redeemed = await redeemClaimCheck(asRecord(message), s3);
    expect(JSON.parse(redeemed.body)).toEqual(toWireEvent(event));
  });

  test('a body without a claim check reaches its consumer untouched', async () => {
    const record = asRecord({
      MessageId: 'm-1',
      Body: JSON.stringify({ notificationType: 'ORDER_CHANGE', payload: { claimCheck: 'not ours' } }),
    });

    expect(await redeemClaimCheck(record, s3)).toBe(record);
  });
});
