// First: the request meter must wrap http.request before any SDK client sends one.
import './aws-request-meter';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startLocalFabric, type LocalFabric } from '../scripts/local-fabric/local-fabric';
import {
  SAMPLE_CATALOG,
  sampleShopifyOrder,
  seededRandom,
  shopifyDeliveryHeaders,
} from '../scripts/sample/shopify-orders';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { report } from './harness';
import { measureOrderCost } from './order-cost.bench';

const ORDERS = 300;
const CONCURRENCY = 8;

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Units of each sample SKU received at the warehouse: over four times what the run's 400 orders take. */
const STOCK_PER_SKU = 2000;

/**
 * Orders per second from signed webhook to readable canonical order through the whole local fabric,
 * against the ceiling of issuing the same AWS calls per order to the same emulators with no fabric
 * logic in between: the ratio is what our code adds on top of the infrastructure it talks to. The
 * catalog is in stock, so the orders go on to be reserved and posted to the ERP while the run goes on,
 * as they would in AWS. Scheduled functions (sweeper, SLA watch, pollers) are off: they cost per
 * hour, not per order, and would only add noise to both figures.
 */
export async function benchOrderThroughput(): Promise<void> {
  const fabric = await startLocalFabric({ prefix: 'bench', apiPort: 0, scheduleIntervalMs: () => 0 });
  try {
    // Loaded after the fabric has set the environment that the adapters read when first loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { seedSampleCatalog, waitForOrder } =
      require('../scripts/sample/sample-traffic') as typeof import('../scripts/sample/sample-traffic');
    await seedSampleCatalog(fabric.resources.tables.crossReference);
    await receiveSampleStock(fabric.apiUrl);
    // First, while nothing else is in flight: its meter must see the measured orders' work only. It
    // also leaves every handler module loaded, so the throughput below is that of a warm fabric.
    await measureOrderCost(fabric);

    const random = seededRandom(7);
    const deliveries = Array.from({ length: ORDERS }, (_, i) => {
      const body = JSON.stringify(sampleShopifyOrder(50_000 + i, random));
      return { body, headers: shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify) };
    });
    const started = Date.now();
    const orderIds: string[] = [];
    await inParallel(deliveries, async ({ body, headers }) => {
      const response = await fetch(`${fabric.apiUrl}/webhooks/shopify`, { method: 'POST', headers, body });
      orderIds.push(((await response.json()) as { orderId: string }).orderId);
    });
    await inParallel(orderIds, async (orderId) => {
      if (!(await waitForOrder(fabric.apiUrl, orderId, 60_000)))
        throw new Error(`order ${orderId} never became readable`);
    });
    const fabricRate = ORDERS / ((Date.now() - started) / 1000);
    const ceiling = await sameCallsWithoutFabric(
      fabric,
      deliveries.map((d) => d.body),
    );
    report({
      name: 'end-to-end orders through the local fabric',
      unit: 'orders/s',
      value: fabricRate,
      ceilingName: 'the same AWS calls per order, no fabric logic',
      ceiling,
      notes: `${ORDERS} orders, ${CONCURRENCY} concurrent senders, webhook -> readable, reservations and ERP postings under way beside them`,
    });
  } finally {
    await fabric.stop();
  }
}

/** Receives the sample catalog into the warehouse through the adjustments API, as a goods-in scan would. */
async function receiveSampleStock(apiUrl: string): Promise<void> {
  for (const { sku } of SAMPLE_CATALOG) {
    const response = await fetch(`${apiUrl}/inventory/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `bench-receipt-${sku}` },
      body: JSON.stringify({
        type: 'receipt',
        sku,
        locationId: 'wh-east',
        quantity: STOCK_PER_SKU,
        reference: { kind: 'erp_document', id: 'bench-receipt' },
      }),
    });
    if (response.status >= 300)
      throw new Error(`receipt of ${sku} answered ${response.status}: ${await response.text()}`);
  }
}

async function sameCallsWithoutFabric(fabric: LocalFabric, bodies: string[]): Promise<number> {
  const { s3, dynamodb, sns, sqs } = fabric.clients;
  const { tables, buckets, topicArn } = fabric.resources;
  const started = Date.now();
  let n = 0;
  await inParallel(bodies, async (body) => {
    const id = `ceiling-${n++}`;
    const key = { pk: { S: id }, sk: { S: 'ORDER' } };
    await s3.send(new PutObjectCommand({ Bucket: buckets.rawArchive, Key: `ceiling/${id}.delivery.json`, Body: body }));
    await dynamodb.send(
      new BatchGetItemCommand({
        RequestItems: {
          [tables.crossReference]: { Keys: [{ pk: { S: 'CHANNEL_SKU#shopify' }, sk: { S: 'sku:MUG-WHITE' } }] },
        },
      }),
    );
    await dynamodb.send(
      new PutItemCommand({ TableName: tables.idempotency, Item: { id: { S: id }, status: { S: 'INPROGRESS' } } }),
    );
    // Published with a detail-type no rule matches: the ceiling must not feed the fabric's own queue.
    await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ 'detail-type': 'Ceiling', body }) }),
    );
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: tables.idempotency,
        Key: { id: { S: id } },
        UpdateExpression: 'SET #s = :c',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':c': { S: 'COMPLETED' } },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: buckets.rawArchive, Key: `ceiling/${id}.verdict.json`, Body: '{}' }));
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: fabric.resources.queues['order-intake'].url, MaxNumberOfMessages: 1 }),
    );
    for (const message of Messages)
      await sqs.send(
        new DeleteMessageCommand({
          QueueUrl: fabric.resources.queues['order-intake'].url,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
    await dynamodb.send(
      new PutItemCommand({
        TableName: tables.idempotency,
        Item: { id: { S: `${id}-v` }, status: { S: 'INPROGRESS' } },
      }),
    );
    await dynamodb.send(new GetItemCommand({ TableName: tables.orders, Key: key }));
    await dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: tables.orders, Item: { ...key, body: { S: body } } } },
          { Put: { TableName: tables.orders, Item: { pk: { S: id }, sk: { S: 'HISTORY#1' } } } },
          { Put: { TableName: tables.crossReference, Item: { pk: { S: `CHANNEL_ORDER#${id}` }, sk: { S: 'ORDER' } } } },
        ],
      }),
    );
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: tables.idempotency,
        Key: { id: { S: `${id}-v` } },
        UpdateExpression: 'SET #s = :c',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':c': { S: 'COMPLETED' } },
      }),
    );
    await dynamodb.send(
      new QueryCommand({
        TableName: tables.orders,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: id } },
      }),
    );
  });
  return bodies.length / ((Date.now() - started) / 1000);
}
