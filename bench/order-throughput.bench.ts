// First: the request meter must wrap http.request before any SDK client sends one.
import './aws-request-meter';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startLocalFabric, type LocalFabric } from '../scripts/local-fabric/local-fabric';
import {
  SAMPLE_CATALOG,
  sampleShopifyOrder,
  seededRandom,
  shopifyDeliveryHeaders,
} from '../scripts/sample/shopify-orders';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { ERP_REQUESTS_PER_SECOND_ENV } from '#shared/erp/erp-config';
import { format, report } from './harness';
import { measureOrderCost, perOrderCalls, settle, type CallsPerOrder } from './order-cost.bench';
import { startAwsRequestMeter } from './aws-request-meter';

/** Orders in each of the fabric's rounds (one metered, two measured); the ceiling issues the calls of as many, twice. */
const ORDERS_PER_ROUND = 250;

const CONCURRENCY = 8;

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Units of each sample SKU received at the warehouse: over twice what the cost run's 100 orders and the three rounds of 250 take. */
const STOCK_PER_SKU = 2000;

/** How long the orders may take to reach the ERP before the run is called broken. */
const SETTLE_TIMEOUT_MS = 180_000;

/**
 * Orders per second from signed webhook to sales order in the ERP through the whole local fabric
 * (intake, reservation with its oversell check and channel figures, fulfilment release, the
 * lifecycle, the ERP posting, each order's trail), against the ceiling of issuing the very AWS calls
 * the run made, as many per order, to the same emulators with no fabric logic in between: the ratio
 * is what our code adds on top of the infrastructure it talks to. Scheduled functions (sweeper, SLA watch, pollers) are off: they cost per hour, not per order,
 * and would only add noise to both figures.
 */
export async function benchOrderThroughput(): Promise<void> {
  // Business Central takes 20 requests a second, which the ERP connector keeps to: two requests an
  // order would cap the run at 10 orders/s whatever the fabric does. The simulator has no such limit.
  process.env[ERP_REQUESTS_PER_SECOND_ENV] = '1000';
  // Event sources wait out batching windows as Lambda's do: requests per order are counted as AWS would bill them.
  const fabric = await startLocalFabric({
    prefix: 'bench',
    apiPort: 0,
    scheduleIntervalMs: () => 0,
    waitOutBatchingWindows: true,
  });
  try {
    // Loaded after the fabric has set the environment that the adapters read when first loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { seedSampleCatalog } =
      require('../scripts/sample/sample-traffic') as typeof import('../scripts/sample/sample-traffic');
    await seedSampleCatalog(fabric.resources.tables.crossReference);
    await receiveSampleStock(fabric.apiUrl);
    // First, while nothing else is in flight: its meter must see the measured orders' work only.
    await measureOrderCost(fabric);

    const random = seededRandom(7);
    const delivery = (i: number) => {
      const body = JSON.stringify(sampleShopifyOrder(50_000 + i, random));
      return { body, headers: shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify) };
    };
    const [metered, firstOrders, secondOrders] = [0, 1, 2].map((round) =>
      Array.from({ length: ORDERS_PER_ROUND }, (_, i) => delivery(round * ORDERS_PER_ROUND + i)),
    );
    // A round before the measured ones, metered: the ceiling issues the very calls it made, batched as
    // its load batched them. The measured rounds run without the meter, which reads every request's
    // body to price its write units (work the ceiling does not carry), and after this round, which is
    // also the warm-up: the cost run above sent one order at a time. Measured, the first round sent 8
    // at a time (metered too) ran at 60% of the next one's rate; a Lambda fleet that runs warm for
    // hours pays neither the meter nor the warm-up per order.
    const meter = startAwsRequestMeter(fabric);
    const meteredIds = (await throughFabric(fabric, metered)).orderIds;
    const callsPerOrder = perOrderCalls(meter.read(), ORDERS_PER_ROUND);
    await settle(fabric, meter.read, meteredIds);
    meter.stop();
    const first = await throughFabric(fabric, firstOrders);
    // Work that follows the sales order (the lifecycle, the trail) would otherwise run beside the
    // ceiling's first round and slow it by however much of it was left.
    const tail = startAwsRequestMeter(fabric);
    await settle(fabric, tail.read, first.orderIds);
    tail.stop();
    const ceilingFirst = await sameCallsWithoutFabric(fabric, firstOrders, callsPerOrder, 0);
    const ceilingSecond = await sameCallsWithoutFabric(fabric, secondOrders, callsPerOrder, ORDERS_PER_ROUND);
    const second = await throughFabric(fabric, secondOrders);
    const orders = 2 * ORDERS_PER_ROUND;
    const rates = (rounds: number[]) => rounds.map((seconds) => format(ORDERS_PER_ROUND / seconds)).join(' then ');
    report({
      name: 'end-to-end orders through the local fabric',
      unit: 'orders/s',
      value: orders / (first.seconds + second.seconds),
      ceilingName: 'the same AWS calls per order, no fabric logic',
      ceiling: orders / (ceilingFirst + ceilingSecond),
      notes: `${orders} orders in two rounds of ${ORDERS_PER_ROUND} after a metered round, measured fabric, ceiling, ceiling, fabric so that a slow spell of the machine weighs on both sides (fabric ${rates([first.seconds, second.seconds])}, ceiling ${rates([ceilingFirst, ceilingSecond])} orders/s); ${CONCURRENCY} concurrent senders, signed webhook -> sales order in the ERP (its 20 requests/s limit lifted); ceiling per order: ${Object.entries(
        callsPerOrder,
      )
        .map(([operation, n]) => `${n.toFixed(2)} ${operation}`)
        .join(', ')}`,
    });
  } finally {
    await fabric.stop();
  }
}

/** Sends the orders as signed webhooks, 8 at a time, and times them until each has its sales order in the ERP. */
async function throughFabric(
  fabric: LocalFabric,
  deliveries: readonly Delivery[],
): Promise<{ seconds: number; orderIds: string[] }> {
  const started = Date.now();
  const orderIds: string[] = [];
  await inParallel(deliveries, async ({ body, headers }) => {
    const response = await fetch(`${fabric.apiUrl}/webhooks/shopify`, { method: 'POST', headers, body });
    orderIds.push(((await response.json()) as { orderId: string }).orderId);
  });
  // Watched in the ERP simulator's own records, which cost no AWS request and no invocation.
  while (!orderIds.every((orderId) => fabric.erp.salesOrdersFor(orderId).length > 0)) {
    if (Date.now() - started > SETTLE_TIMEOUT_MS)
      throw new Error(
        `${orderIds.filter((orderId) => !fabric.erp.salesOrdersFor(orderId).length).length} orders never reached the ERP`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { seconds: (Date.now() - started) / 1000, orderIds };
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

/**
 * One round of the ceiling: per order, the very operations the fabric's first round made (as many of
 * each per order, to the same emulators, items of the order's size) with no fabric logic in between;
 * returns the seconds it took.
 * Derived from the meter, it follows the fabric's path as that changes instead of a list written down
 * once. A fractional count is spread over the orders: 0.5 GetItem per order is one every other order.
 */
async function sameCallsWithoutFabric(
  fabric: LocalFabric,
  deliveries: readonly Delivery[],
  calls: CallsPerOrder,
  firstIndex: number,
): Promise<number> {
  const { s3, dynamodb, sns, sqs } = fabric.clients;
  const { tables, buckets, topicArn } = fabric.resources;
  const intakeQueue = fabric.resources.queues['order-intake'].url;
  const operations: Record<string, (id: string, body: string) => Promise<unknown>> = {
    'S3.PutObject': (id, body) =>
      s3.send(new PutObjectCommand({ Bucket: buckets.rawArchive, Key: `ceiling/${id}.json`, Body: body })),
    'DynamoDB.BatchGetItem': () =>
      dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tables.crossReference]: { Keys: [{ pk: { S: 'CHANNEL_SKU#shopify' }, sk: { S: 'sku:MUG-WHITE' } }] },
          },
        }),
      ),
    'DynamoDB.GetItem': (id) =>
      dynamodb.send(new GetItemCommand({ TableName: tables.orders, Key: { pk: { S: id }, sk: { S: 'ORDER' } } })),
    'DynamoDB.PutItem': (id) =>
      dynamodb.send(
        new PutItemCommand({
          TableName: tables.idempotency,
          Item: { id: { S: `${id}-${randomUUID()}` }, status: { S: 'INPROGRESS' } },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    'DynamoDB.UpdateItem': (id) =>
      dynamodb.send(
        new UpdateItemCommand({
          TableName: tables.idempotency,
          Key: { id: { S: id } },
          UpdateExpression: 'SET #s = :c',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':c': { S: 'COMPLETED' } },
        }),
      ),
    'DynamoDB.TransactWriteItems': (id, body) =>
      dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: tables.orders,
                Item: { pk: { S: id }, sk: { S: `ORDER#${randomUUID()}` }, body: { S: body } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: { TableName: tables.crossReference, Item: { pk: { S: `CHANNEL_ORDER#${id}` }, sk: { S: 'ORDER' } } },
            },
          ],
        }),
      ),
    'DynamoDB.Query': queryOrder,
    'DynamoDB.BatchWriteItem': (id) =>
      dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [tables.eventTrail]: [{ PutRequest: { Item: { pk: { S: `TRAIL#${id}` }, sk: { S: randomUUID() } } } }],
          },
        }),
      ),
    // Published with a detail-type no rule matches: the ceiling must not feed the fabric's own queues.
    'EventBridge(as SNS).PublishBatch': (id, body) =>
      sns.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: [{ Id: '0', Message: JSON.stringify({ 'detail-type': 'Ceiling', id, body }) }],
        }),
      ),
    'SQS.ReceiveMessage': () => sqs.send(new ReceiveMessageCommand({ QueueUrl: intakeQueue, MaxNumberOfMessages: 1 })),
    // The ceiling's receives find nothing, so its deletes name no message: a batch of one that fails is
    // still one request, as the fabric's delete of what it received is.
    'SQS.DeleteMessageBatch': (id) =>
      sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: intakeQueue,
          Entries: [{ Id: '0', ReceiptHandle: `ceiling-${id}` }],
        }),
      ),
  };
  const unknown = Object.keys(calls).filter((operation) => !(operation in operations));
  if (unknown.length) throw new Error(`the ceiling has no stand-in for ${unknown.join(', ')}: add one`);
  const planFor = (i: number) =>
    Object.entries(calls).flatMap(([operation, n]) =>
      Array.from({ length: Math.floor((i + 1) * n) - Math.floor(i * n) }, () => operations[operation]),
    );
  const started = Date.now();
  let n = firstIndex;
  await inParallel(deliveries, async ({ body }) => {
    const i = n++;
    for (const call of planFor(i)) await call(`ceiling-${i}`, body);
  });
  return (Date.now() - started) / 1000;

  function queryOrder(id: string) {
    return dynamodb.send(
      new QueryCommand({
        TableName: tables.orders,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: id } },
      }),
    );
  }
}
