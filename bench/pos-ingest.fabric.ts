import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalFabric } from '../scripts/local-fabric/local-fabric';
import { functions } from '#shared/config/topology';
import { writeCsvBatch } from '../test/fixtures/pos/generate';
import { report } from './harness';

const FABRIC_LINES = 20_000;
const SKUS = {
  'TSHIRT-RED-M': 'SKU-TS-R-M',
  'TSHIRT-RED-L': 'SKU-TS-R-L',
  'MUG-WHITE': 'SKU-MUG-W',
  'CAP-BLUE': 'SKU-CAP-B',
  'SOCKS-3PK': 'SKU-SOCKS',
  'TOTE-CANVAS': 'SKU-TOTE',
};

/**
 * The same batch shape, smaller, uploaded into the local fabric: the real trigger and handler over
 * DynamoDB Local and fauxqs. Beside it, the ceiling of the AWS calls the ingest cannot avoid (one
 * conditional put per transaction, its events published in batches of ten) made against the same
 * emulators with no fabric logic: on a laptop DynamoDB Local's write rate is what bounds both.
 */
async function benchThroughFabric(dir: string): Promise<void> {
  const file = path.join(dir, 'fabric-batch.csv');
  const transactions = await writeCsvBatch(file, FABRIC_LINES, { storeId: 'store-bench' });

  // The stock consumer is acknowledged, not run: this figure is the ingest's, not the inventory's.
  const fabric = await startLocalFabric({
    prefix: `bench-pos-${randomUUID().slice(0, 6)}`,
    apiPort: 0,
    scheduleIntervalMs: () => 0,
    functions: {
      ...functions,
      'pos-stock-movements': { ...functions['pos-stock-movements'], entry: 'bench/support/acknowledge.handler.ts' },
    },
  });
  try {
    // Loaded after the fabric has set the environment (log level included) that adapters read when first loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DynamoSkuCrossReference } =
      require('#shared/adapters/cross-reference') as typeof import('#shared/adapters/cross-reference');
    const xref = new DynamoSkuCrossReference(
      fabric.resources.tables.crossReference,
      DynamoDBDocumentClient.from(fabric.clients.dynamodb),
    );
    for (const [code, sku] of Object.entries(SKUS)) await xref.mapSku('pos', { channelSku: code }, sku);
    // On the quiet fabric, before the upload: measured after it, the ceiling would share the emulators
    // with the consumers still draining what the ingest published, and read lower the faster it was.
    const ceilingSeconds = await sameCallsWithoutFabric(fabric, file, transactions);
    const bucket = fabric.resources.buckets.posBatches;
    const started = Date.now();
    await fabric.clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'incoming/store-bench/2026-11-23/bench.csv',
        Body: readFileSync(file),
      }),
    );
    for (;;) {
      const { KeyCount } = await fabric.clients.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'summaries/store-bench/' }),
      );
      if (KeyCount) break;
      if (Date.now() - started > 5 * 60_000) throw new Error('the POS batch was not ingested within 5 minutes');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    report({
      name: 'POS batch ingest through the local fabric, 20,000-line CSV (real handler)',
      unit: 'lines/s',
      value: FABRIC_LINES / seconds,
      ceilingName: 'a conditional put and a 1/10 publish per transaction, no fabric logic',
      ceiling: FABRIC_LINES / ceilingSeconds,
      notes: `${transactions.toLocaleString('en-US')} transactions, upload -> summary through the S3 trigger, DynamoDB Local and fauxqs (stock consumer stubbed); ${seconds.toFixed(1)} s`,
    });
  } finally {
    await fabric.stop();
  }
}

async function sameCallsWithoutFabric(
  fabric: Awaited<ReturnType<typeof startLocalFabric>>,
  file: string,
  transactions: number,
): Promise<number> {
  const { dynamodb, sns } = fabric.clients;
  // A transaction event's size, from the file's first transaction, published under a detail-type no rule matches.
  const sample = JSON.stringify({ 'detail-type': 'Ceiling', body: readFileSync(file, 'utf8').slice(0, 900) });
  const started = Date.now();
  for (let chunk = 0; chunk < transactions; chunk += 100) {
    const ids = Array.from({ length: Math.min(100, transactions - chunk) }, (_, i) => `ceiling-${chunk + i}`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < ids.length) {
          const id = ids[next++];
          await dynamodb.send(
            new PutItemCommand({
              TableName: fabric.resources.tables.posIngest,
              Item: { pk: { S: `TXN#${id}` }, sk: { S: 'CLAIM' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        }
      }),
    );
    const batches = [];
    for (let i = 0; i < ids.length; i += 10) batches.push(ids.slice(i, i + 10));
    for (let i = 0; i < batches.length; i += 4) {
      await Promise.all(
        batches.slice(i, i + 4).map((batch) =>
          sns.send(
            new PublishBatchCommand({
              TopicArn: fabric.resources.topicArn,
              PublishBatchRequestEntries: batch.map((id, n) => ({
                Id: String(n),
                Message: sample.replace('Ceiling', `Ceiling-${id}`),
              })),
            }),
          ),
        ),
      );
    }
  }
  return (Date.now() - started) / 1000;
}

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const dir = mkdtempSync(path.join(tmpdir(), 'fabric-pos-bench-'));
  try {
    await benchThroughFabric(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
