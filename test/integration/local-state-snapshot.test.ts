import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startTestFabric, uniquePrefix } from './support/test-fabric';

describe('local state across a clean restart', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fabric-snapshot-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('puts back the bucket objects and DLQ messages that fauxqs held only in memory', async () => {
    const prefix = uniquePrefix('snapshot');
    const first = await startTestFabric('snapshot', { prefix, dataDir });
    const { rawArchive } = first.resources.buckets;
    const dlqUrl = first.resources.queues['order-intake'].dlqUrl;
    await first.clients.s3.send(new PutObjectCommand({ Bucket: rawArchive, Key: 'webhooks/shopify/2026/11/23/10/a.delivery.json', Body: '{"kept":true}' }));
    await first.clients.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"poison":true}' }));
    await first.stop();
    // Shared emulators survive the stop; empty them as an emulator restart would.
    await first.clients.s3.send(new DeleteObjectCommand({ Bucket: rawArchive, Key: 'webhooks/shopify/2026/11/23/10/a.delivery.json' }));
    await first.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: dlqUrl }));

    const second = await startTestFabric('snapshot', { prefix, dataDir });
    try {
      expect(second.restored).toEqual({ objects: 1, messages: 1 });
      const object = await second.clients.s3.send(new GetObjectCommand({ Bucket: rawArchive, Key: 'webhooks/shopify/2026/11/23/10/a.delivery.json' }));
      expect(await object.Body!.transformToString()).toBe('{"kept":true}');
      const { Messages = [] } = await second.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
      expect(Messages.map((m) => m.Body)).toEqual(['{"poison":true}']);
    } finally {
      await second.stop();
    }
  });
});
