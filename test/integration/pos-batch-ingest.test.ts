import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { objectCreatedEvent } from '../../scripts/local-fabric/object-trigger';
import type { Context, S3Event } from 'aws-lambda';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { WireEvent, fromWireEvent, type FabricEvent } from '#domain/kernel/event';
import { toSnsFilterPolicy } from '#events/routing-rules';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import type { PosBatchSummary } from '#domain/pos/batch';
import type { QuarantinedLine } from '#domain/pos/parsed-item';
import { csvLines, generatedTransactions, jsonlLines, take } from '../fixtures/pos/generate';
import { eventually, startTestFabric } from './support/test-fabric';
import { expectErrorLogs } from './support/expected-error-logs';

/**
 * The acceptance runs, through the real path: an object put into the local POS bucket, the
 * runtime's S3 trigger invoking pos-batch-ingest, events on the local bus, the pos-stock-movements
 * consumer moving stock through the inventory service, summaries and quarantine in the bucket.
 */

// Stores 777, 888 and 999 are no locations of the inventory policy: their batches are ingested all the same,
// and the pos-stock-movements consumer refuses their stock movements at ERROR until someone adds the store.
const unknownStores = expectErrorLogs(
  /^UnknownLocationError: store store-(777|888|999) is not a location of the inventory policy/,
);

// Read by the ingest function at cold start: batches over 40 lines go through the continuation queue.
process.env.FABRIC_POS_MAX_LINES_PER_INVOCATION = '40';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pos');
const DAY = '2026-11-23';
let fabric: LocalFabric;
let bucket: string;
let probe: PosEventProbe;

beforeAll(async () => {
  fabric = await startTestFabric('pos-ingest', { scheduleIntervalMs: () => 0 });
  bucket = fabric.resources.buckets.posBatches;
  probe = await PosEventProbe.subscribe(fabric);
  const xref = new DynamoSkuCrossReference(
    fabric.resources.tables.crossReference,
    DynamoDBDocumentClient.from(fabric.clients.dynamodb),
  );
  for (const [code, sku] of Object.entries({
    'TSHIRT-RED-M': 'SKU-TS-R-M',
    'TSHIRT-RED-L': 'SKU-TS-R-L',
    'MUG-WHITE': 'SKU-MUG-W',
    'CAP-BLUE': 'SKU-CAP-B',
    'SOCKS-3PK': 'SKU-SOCKS',
    'TOTE-CANVAS': 'SKU-TOTE',
  })) {
    await xref.mapSku('pos', { channelSku: code }, sku);
  }
});

afterAll(async () => {
  await fabric?.stop();
});

/** A queue subscribed to the fabric topic for POS events, as a routing rule would be. */
class PosEventProbe {
  readonly events: FabricEvent[] = [];

  private constructor(private readonly queueUrl: string) {}

  static async subscribe(target: LocalFabric): Promise<PosEventProbe> {
    const { QueueUrl } = await target.clients.sqs.send(
      new CreateQueueCommand({ QueueName: `${target.resources.prefix}-pos-probe` }),
    );
    const { Attributes } = await target.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await target.clients.sns.send(
      new SubscribeCommand({
        TopicArn: target.resources.topicArn,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn!,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicyScope: 'MessageBody',
          FilterPolicy: toSnsFilterPolicy({ source: [EventSource.pos] }),
        },
      }),
    );
    return new PosEventProbe(QueueUrl!);
  }

  /** Drains what arrived so far into `events`. */
  async poll(): Promise<FabricEvent[]> {
    for (;;) {
      const { Messages = [] } = await fabric.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages.length) return this.events;
      this.events.push(...Messages.map((message) => fromWireEvent(WireEvent.parse(JSON.parse(message.Body!)))));
      await fabric.clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
  }

  async forBatch(batchId: string, detailType: string): Promise<FabricEvent[]> {
    await this.poll();
    return this.events.filter(
      (event) =>
        (event.detailType === detailType &&
          (event.data as { batch?: { batchId: string }; summary?: { batchId: string } }).batch?.batchId === batchId) ||
        (event.detailType === detailType &&
          (event.data as { summary?: { batchId: string } }).summary?.batchId === batchId),
    );
  }
}

async function upload(storeId: string, batchId: string, file: string, body: string | Buffer): Promise<void> {
  await fabric.clients.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: `incoming/${storeId}/${DAY}/${batchId}.${file}`, Body: body }),
  );
}

async function text(key: string): Promise<string> {
  const { Body } = await fabric.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Body!.transformToString();
}

async function keysUnder(prefix: string): Promise<string[]> {
  const { Contents = [] } = await fabric.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return Contents.map((object) => object.Key!).sort();
}

/** The summaries of a batch's uploads, oldest first, once there are `count` of them. */
async function summaries(storeId: string, batchId: string, count = 1, timeoutMs = 20_000): Promise<PosBatchSummary[]> {
  return eventually(
    `${count} summaries of ${batchId}`,
    async () => {
      const keys = await keysUnder(`summaries/${storeId}/${DAY}/${batchId}/`);
      if (keys.length < count) return undefined;
      const found = await Promise.all(keys.map(async (key) => JSON.parse(await text(key)) as PosBatchSummary));
      return found.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
    },
    timeoutMs,
  );
}

async function adjust(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${fabric.apiUrl}/inventory/adjustments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
}

async function storeStock(sku: string): Promise<{ onHand: number; damaged: number }> {
  const response = await fetch(`${fabric.apiUrl}/availability/${sku}`);
  const view = (await response.json()) as { locations: { locationId: string; onHand: number; damaged: number }[] };
  const { onHand, damaged } = view.locations.find((location) => location.locationId === 'store-042')!;
  return { onHand, damaged };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 2_500));

describe('POS batch uploads through the local fabric', () => {
  it('records the transactions of an uploaded batch once, moves store stock, and changes nothing when the batch is uploaded again', async () => {
    await adjust({
      type: 'receipt',
      sku: 'SKU-TS-R-M',
      locationId: 'store-042',
      quantity: 10,
      reference: { kind: 'erp_document', id: 'PO-POS-1' },
    });
    await adjust({
      type: 'receipt',
      sku: 'SKU-MUG-W',
      locationId: 'store-042',
      quantity: 5,
      reference: { kind: 'erp_document', id: 'PO-POS-2' },
    });
    const batch = readFileSync(path.join(FIXTURES, 'store-042-batch.csv'));

    await upload('store-042', 'csv-1', 'csv', batch);

    const [first] = await summaries('store-042', 'csv-1');
    expect(first).toMatchObject({
      status: 'completed',
      counts: { lines: 10, accepted: 3, duplicates: 0, rejected: 0 },
      gaps: 0,
    });
    // 2 shirts sold; a mug sold, and one returned damaged: on hand unchanged, one of them damaged.
    // The mug's sale and its return are separate movements that may land in either order: wait for both.
    expect(
      await eventually('stock to move', async () => {
        const [shirts, mugs] = await Promise.all([storeStock('SKU-TS-R-M'), storeStock('SKU-MUG-W')]);
        return shirts.onHand === 8 && mugs.onHand === 5 && mugs.damaged === 1 ? { shirts, mugs } : undefined;
      }),
    ).toEqual({ shirts: { onHand: 8, damaged: 0 }, mugs: { onHand: 5, damaged: 1 } });
    // 1003 was cancelled at the till: accepted and counted, but it moves nothing and publishes nothing.
    expect(
      (await probe.forBatch('csv-1', 'PosTransactionRecorded'))
        .map((event) => (event.data as { transaction: { transactionId: string } }).transaction.transactionId)
        .sort(),
    ).toEqual(['store-042:R1:2026-11-23:1001', 'store-042:R1:2026-11-23:1002']);

    // The store uploads the same file again (a new PUT of the same bytes): every transaction is a duplicate.
    await upload('store-042', 'csv-1', 'csv', batch);

    const [, second] = await summaries('store-042', 'csv-1', 2);
    expect(second).toMatchObject({ status: 'completed', counts: { accepted: 0, duplicates: 3 } });
    await settle();
    expect(await Promise.all([storeStock('SKU-TS-R-M'), storeStock('SKU-MUG-W')])).toEqual([
      { onHand: 8, damaged: 0 },
      { onHand: 5, damaged: 1 },
    ]);
    expect(await probe.forBatch('csv-1', 'PosTransactionRecorded')).toHaveLength(2);
    expect(await probe.forBatch('csv-1', 'PosBatchProcessed')).toHaveLength(2);
  });

  it('does nothing when S3 delivers the same notification twice', async () => {
    await upload('store-042', 'jsonl-1', 'jsonl', readFileSync(path.join(FIXTURES, 'store-042-batch.jsonl')));
    const [summary] = await summaries('store-042', 'jsonl-1');
    await settle();
    const before = await storeStock('SKU-TS-R-M');

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require('../../functions/pos-batch-ingest/handler') as {
      handler: (event: S3Event, context: Context) => Promise<unknown>;
    };
    await handler(
      objectCreatedEvent(fabric.resources.buckets.posBatches, { Key: summary.key, Size: 1 }, summary.uploadId),
      lambdaContext(),
    );

    await settle();
    expect(await summaries('store-042', 'jsonl-1')).toHaveLength(1);
    // 501 and 502; 503 is a control transaction, which publishes nothing.
    expect(await probe.forBatch('jsonl-1', 'PosTransactionRecorded')).toHaveLength(2);
    expect(await storeStock('SKU-TS-R-M')).toEqual(before);
  });

  it('quarantines exactly the 3 bad lines of a batch, with their reasons, and records the rest', async () => {
    const lines = take(
      12,
      jsonlLines(generatedTransactions({ storeId: 'store-777', registers: 2 }), { storeId: 'store-777' }),
    );
    lines[2] = 'store-777,R1,this is a CSV line in a JSONL batch';
    lines[6] = lines[6].replace('"businessDay":"2026-11-23"', '"businessDay":"23/11/2026"');
    lines[10] = lines[10].replace(/"tenders":\[.*\]/, '"tenders":[{"method":"cash","amount":"0.01"}]');

    await upload('store-777', 'bad-lines', 'jsonl', `${lines.join('\n')}\n`);

    const [summary] = await summaries('store-777', 'bad-lines');
    expect(summary.counts).toMatchObject({ lines: 12, accepted: 9, rejected: 3, quarantinedLines: 3 });
    const quarantine = (await Promise.all((await keysUnder(summary.quarantinePrefix!)).map(text)))
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as QuarantinedLine);
    expect(quarantine.map((line) => [line.lineNumber, line.raw])).toEqual([
      [3, lines[2]],
      [7, lines[6]],
      [11, lines[10]],
    ]);
    expect(quarantine.map((line) => line.reason)).toEqual([
      expect.stringMatching(/^not valid JSON/),
      'businessDay: must be a date such as 2026-11-23',
      expect.stringMatching(/^tenders: add up to 0.01 but the transaction totals/),
    ]);
  });

  it('quarantines a file that cannot be read, whole, with the reason beside it', async () => {
    await upload('store-042', 'not-gzip', 'csv.gz', 'store_id,register_id\n');

    const [summary] = await summaries('store-042', 'not-gzip');

    expect(summary).toMatchObject({
      status: 'quarantined',
      reason: 'the name ends in .gz but the content is not gzip',
      counts: { accepted: 0 },
    });
    expect(await keysUnder(summary.quarantinePrefix!)).toEqual([
      `${summary.quarantinePrefix}not-gzip.csv.gz`,
      `${summary.quarantinePrefix}reason.json`,
    ]);
    expect(JSON.parse(await text(`${summary.quarantinePrefix}reason.json`))).toMatchObject({
      reason: summary.reason,
      key: summary.key,
    });
  });

  it('splits a large batch across invocations through the continuation queue, recording every transaction once', async () => {
    const rows = [
      ...take(200, csvLines(generatedTransactions({ storeId: 'store-888', registers: 3 }), { storeId: 'store-888' })),
    ];

    await upload('store-888', 'large', 'csv', `${rows.join('\n')}\n`);

    const [summary] = await summaries('store-888', 'large', 1, 45_000);
    expect(summary.invocations).toBeGreaterThanOrEqual(4);
    expect(summary.counts).toMatchObject({ lines: 200, duplicates: 0 });
    const recorded = (await probe.forBatch('large', 'PosTransactionRecorded')).map(
      (event) => (event.data as { transaction: { transactionId: string } }).transaction.transactionId,
    );
    expect(new Set(recorded).size).toBe(summary.counts.accepted);
    expect(recorded.length).toBe(summary.counts.accepted);
    expect(await probe.forBatch('large', 'PosBatchProcessed')).toHaveLength(1);
  });

  it('records the transactions of a store the inventory policy does not hold, and says at ERROR that their stock cannot move', async () => {
    await upload(
      'store-999',
      'unknown-store',
      'jsonl',
      `${take(2, jsonlLines(generatedTransactions({ storeId: 'store-999', registers: 1 }), { storeId: 'store-999' })).join('\n')}\n`,
    );

    const [summary] = await summaries('store-999', 'unknown-store');

    expect(summary.counts).toMatchObject({ lines: 2, accepted: 2 });
    const refused = await eventually(
      'the stock movements refused',
      async () => unknownStores.kept(/store-999/)[0],
      20_000,
    );
    expect(refused.message).toMatch(/retrying will not change that/);
  });
});

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'pos-batch-ingest',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:pos-batch-ingest',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: 'test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 600_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
