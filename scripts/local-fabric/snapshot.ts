import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageBatchCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { LocalClients, LocalResources } from './provision';

interface SavedMessage {
  body: string;
  attributes: Record<string, MessageAttributeValue>;
}

/**
 * fauxqs keeps queues and objects in memory. So that a local fabric loses nothing across a clean
 * restart, the runtime saves every object of its buckets and every message of its queues (ready,
 * delayed and in flight, DLQs included) on stop, and puts them back on the next start. Receive counts
 * start again from zero: a restart is a fresh set of attempts, as a redrive would be.
 */
export async function saveMessagingSnapshot(directory: string, resources: LocalResources, clients: LocalClients, messagingEndpoint: string): Promise<{ objects: number; messages: number }> {
  rmSync(directory, { recursive: true, force: true });
  let objects = 0;
  for (const bucket of Object.values(resources.buckets)) {
    let token: string | undefined;
    do {
      const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const { Key } of page.Contents ?? []) {
        const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const file = path.join(directory, 's3', bucket, Key!);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, await object.Body!.transformToByteArray());
        objects += 1;
      }
      token = page.NextContinuationToken;
    } while (token);
  }
  let messages = 0;
  const queues = (await (await fetch(`${messagingEndpoint}/_fauxqs/queues`)).json()) as { name: string }[];
  for (const { name } of queues.filter((queue) => queue.name.startsWith(`${resources.prefix}-`))) {
    const inspected = (await (await fetch(`${messagingEndpoint}/_fauxqs/queues/${encodeURIComponent(name)}`)).json()) as {
      messages: { ready: FauxqsMessage[]; delayed: FauxqsMessage[]; inflight: { message: FauxqsMessage }[] };
    };
    const saved: SavedMessage[] = [...inspected.messages.ready, ...inspected.messages.delayed, ...inspected.messages.inflight.map((entry) => entry.message)]
      .map((message) => ({ body: message.body, attributes: message.messageAttributes ?? {} }));
    if (saved.length === 0) continue;
    mkdirSync(path.join(directory, 'queues'), { recursive: true });
    writeFileSync(path.join(directory, 'queues', `${name}.json`), JSON.stringify(saved));
    messages += saved.length;
  }
  return { objects, messages };
}

interface FauxqsMessage {
  body: string;
  messageAttributes?: Record<string, MessageAttributeValue>;
}

/** Puts a saved snapshot back into freshly provisioned emulators, then removes it so it is applied once. */
export async function restoreMessagingSnapshot(directory: string, clients: LocalClients): Promise<{ objects: number; messages: number }> {
  if (!existsSync(directory)) return { objects: 0, messages: 0 };
  let objects = 0;
  const s3Root = path.join(directory, 's3');
  for (const bucket of existsSync(s3Root) ? readdirSync(s3Root) : []) {
    for (const file of readdirSync(path.join(s3Root, bucket), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())) {
      const absolute = path.join(file.parentPath, file.name);
      const key = path.relative(path.join(s3Root, bucket), absolute).split(path.sep).join('/');
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(absolute) }));
      objects += 1;
    }
  }
  let messages = 0;
  const queueRoot = path.join(directory, 'queues');
  for (const file of existsSync(queueRoot) ? readdirSync(queueRoot) : []) {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: path.basename(file, '.json') }));
    const saved = JSON.parse(readFileSync(path.join(queueRoot, file), 'utf8')) as SavedMessage[];
    for (let i = 0; i < saved.length; i += 10) {
      await clients.sqs.send(new SendMessageBatchCommand({
        QueueUrl,
        Entries: saved.slice(i, i + 10).map((message, j) => ({ Id: String(j), MessageBody: message.body, MessageAttributes: message.attributes })),
      }));
    }
    messages += saved.length;
  }
  rmSync(directory, { recursive: true, force: true });
  return { objects, messages };
}
