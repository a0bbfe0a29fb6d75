import type { LocalFabric } from '../scripts/local-fabric/local-fabric';
import {
  SAMPLE_CATALOG,
  sampleShopifyOrder,
  seededRandom,
  shopifyDeliveryHeaders,
} from '../scripts/sample/shopify-orders';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { functions, type FunctionName } from '#shared/config/topology';
import { EMPTY_RECEIVE, startAwsRequestMeter, type FunctionReading, type MeterReading } from './aws-request-meter';
import { format, record, report } from './harness';

/**
 * The sample orders differ only in their lines (one to three, of one to three units), so a hundred
 * give per-order figures that stay within a few percent from run to run, in well under a minute.
 */
const ORDERS = 100;
/** After the last sales order, the fabric is done when nothing but polling has happened for this long (batching windows are at most 2 s). */
const QUIET_MS = 3000;
const SETTLE_TIMEOUT_MS = 180_000;

/** Issue 27's goals, which the figures are reported against. */
const GOAL = { requestsPerOrder: 50, writeUnitsPerOrder: 45, singleLineReservationWriteUnits: 6 };

/**
 * Public on-demand list prices, us-east-1, in USD per single request or unit. Estimates, not a quote:
 * they ignore free tiers, data transfer, CloudWatch, X-Ray and Secrets Manager (read at cold start).
 */
const PRICE = {
  apiGatewayRestRequest: 3.5 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  sqsRequest: 0.4 / 1e6,
  eventBridgeEvent: 1 / 1e6,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
};
/** Assumed billed duration of an invocation, at the function's configured memory; measured locally it is lower. */
const LAMBDA_SECONDS_PER_INVOCATION = 0.1;

/**
 * Requests the local runtime makes in place of AWS machinery that bills nothing per order: it lists
 * buckets where S3 would push event notifications, and its pollers' empty long polls are a cost per
 * queue and hour, whatever the order volume.
 */
const NOT_PER_ORDER = new Set(['S3.ListObjectsV2', EMPTY_RECEIVE]);

/**
 * What an order costs in AWS over its whole path: metered while signed Shopify orders go through the
 * local fabric from webhook to ERP sales order and lifecycle `posted_to_erp`, with every consumer the
 * order reaches on the way (intake, reservation, price and oversell checks, availability sync, the
 * lifecycle, the ERP connector). Prints requests per order by operation, invocations per order by
 * function, DynamoDB units and events, and prices them per 1,000 orders beside the floor any
 * serverless webhook intake pays (one API Gateway request and one Lambda invocation per order).
 * Orders are sent one at a time, as fast as the webhook answers, on a fabric whose event sources wait
 * out batching windows as Lambda's do, so each consumer's batches hold what arrived within its
 * window, as in AWS at that rate; one order sent alone afterwards gives the dear end (every batch of
 * one record). Runs on a fabric with the sample catalog mapped and in stock and nothing
 * else in flight: handler modules keep the configuration of the first fabric they were loaded for,
 * so one process gets one fabric.
 */
export async function measureOrderCost(fabric: LocalFabric): Promise<void> {
  const random = seededRandom(3);
  const meter = startAwsRequestMeter(fabric);
  const erpRequestsBefore = fabric.erp.requests.length;
  const orderIds: string[] = [];
  for (let i = 0; i < ORDERS; i += 1) {
    const body = JSON.stringify(sampleShopifyOrder(70_000 + i, random));
    const response = await fetch(`${fabric.apiUrl}/webhooks/shopify`, {
      method: 'POST',
      headers: shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
      body,
    });
    orderIds.push(((await response.json()) as { orderId: string }).orderId);
  }
  const seconds = await settle(fabric, meter.read, orderIds);
  const reading = meter.read();
  meter.stop();
  const posted = await postedToErp(fabric, orderIds);
  const alone = await measureSingleLineOrder(fabric);
  const erpRequests = fabric.erp.requests.length - erpRequestsBefore;

  const perOrder = (n: number) => n / ORDERS;
  console.log(
    `AWS requests per order, webhook to ERP sales order (${ORDERS} orders, sent one at a time; ${posted}/${ORDERS} reached posted_to_erp, settled ${seconds.toFixed(0)} s after the last was sent):`,
  );
  for (const [operation, n] of sorted(reading.requests)) {
    console.log(
      `  ${operation.padEnd(34)} ${perOrder(n).toFixed(2)}${NOT_PER_ORDER.has(operation) ? '  (left out: local stand-in or idle polling, not a cost per order)' : ''}`,
    );
  }
  const byTable = (units: Record<string, number>) =>
    sorted(units)
      .map(([table, n]) => `${table} ${perOrder(n).toFixed(1)}`)
      .join(', ');
  console.log(`DynamoDB write units per order: ${byTable(reading.dynamoWriteUnits)}`);
  console.log(`DynamoDB read units per order: ${byTable(reading.dynamoReadUnits)}`);
  printPerFunction(reading, perOrder);
  const units = `${perOrder(sum(reading.dynamoWriteUnits)).toFixed(1)} DynamoDB write units, ${perOrder(sum(reading.dynamoReadUnits)).toFixed(1)} read units, ${perOrder(reading.publishedEvents).toFixed(1)} events, ${perOrder(reading.consumedMessages).toFixed(1)} queue deliveries`;
  console.log(`Per order: ${units}; ${perOrder(erpRequests).toFixed(1)} ERP requests (not AWS)`);
  const cost = costOf(reading);
  const cents = (usdPerOrder: number) => 100 * 1000 * usdPerOrder;
  console.log(
    `Per 1,000 orders, US cents: ${Object.entries(cost)
      .map(([service, usd]) => `${service} ${format(cents(perOrder(usd)))}`)
      .join(', ')}`,
  );
  const requests = perOrderRequests(reading.requests);
  const sentOneAtATime = `${ORDERS} Shopify orders of 1 to 3 lines, sent one at a time; ${posted}/${ORDERS} posted to the ERP`;
  report({
    name: 'AWS requests per order (webhook to ERP sales order)',
    unit: 'requests',
    value: perOrder(requests),
    ceilingName: 'the goal',
    ceiling: GOAL.requestsPerOrder,
    notes: `${sentOneAtATime}, batched as Lambda batches them; ${perOrder(sum(reading.invocations)).toFixed(1)} invocations, ${perOrder(reading.consumedMessages).toFixed(1)} queue deliveries; idle polls and local stand-ins left out; an order sent alone, every batch of one record: ${alone.requests} requests, ${alone.writeUnits.toFixed(0)} write units`,
  });
  report({
    name: 'DynamoDB write units per order (webhook to ERP sales order)',
    unit: 'WCU',
    value: perOrder(sum(reading.dynamoWriteUnits)),
    ceilingName: 'the goal',
    ceiling: GOAL.writeUnitsPerOrder,
    notes: `${sentOneAtATime}; estimated as on-demand bills them (bench/aws-request-meter.ts); ${perOrder(sum(reading.dynamoReadUnits)).toFixed(1)} read units`,
  });
  report({
    name: 'estimated AWS cost per 1,000 orders (webhook to ERP sales order, lifecycle moved)',
    unit: 'US cents',
    value: cents(perOrder(sum(cost))),
    ceilingName: 'floor: 1 API Gateway request + 1 Lambda invocation per order',
    ceiling: cents(PRICE.apiGatewayRestRequest + invocationPrice('marketplace-webhook')),
    notes: `per order: ${perOrder(requests).toFixed(1)} AWS API requests, ${perOrder(sum(reading.invocations)).toFixed(1)} invocations, ${units}; ${posted}/${ORDERS} posted to the ERP; us-east-1 list prices, no free tier`,
  });
}

/** A reading's requests per order, by operation, left out what is not a cost per order. */
export function perOrderCalls(reading: MeterReading, orders: number): CallsPerOrder {
  return Object.fromEntries(
    Object.entries(reading.requests)
      .filter(([operation]) => !NOT_PER_ORDER.has(operation))
      .map(([operation, n]) => [operation, n / orders]),
  );
}

/** What an order asks of AWS from webhook to ERP sales order: requests per order, by operation (fractions are averages). */
export type CallsPerOrder = Record<string, number>;

/**
 * One function's share of the orders' requests, invocations and DynamoDB units, per order: printed as
 * a table and kept in results.json (one detail figure per function and measure), so the next change
 * sees where the count went.
 */
function printPerFunction(reading: MeterReading, perOrder: (n: number) => number): void {
  const rows = sorted(reading.byFunction)
    .map(([name, own]: [string, FunctionReading]) => ({
      name,
      invocations: perOrder(sum(own.invocations)),
      requests: perOrder(perOrderRequests(own.requests)),
      writeUnits: perOrder(sum(own.dynamoWriteUnits)),
      readUnits: perOrder(sum(own.dynamoReadUnits)),
    }))
    .filter((row) => row.invocations + row.requests > 0);
  console.log("Per function, per order (its queue's receives and deletes included):");
  console.log(
    `  ${'function'.padEnd(28)} ${'invocations'.padStart(11)} ${'requests'.padStart(9)} ${'write units'.padStart(11)} ${'read units'.padStart(10)}`,
  );
  for (const row of rows) {
    console.log(
      `  ${row.name.padEnd(28)} ${row.invocations.toFixed(2).padStart(11)} ${row.requests.toFixed(2).padStart(9)} ${row.writeUnits.toFixed(2).padStart(11)} ${row.readUnits.toFixed(2).padStart(10)}`,
    );
    for (const [measure, value] of [
      ['invocations', row.invocations],
      ['requests', row.requests],
      ['write units', row.writeUnits],
      ['read units', row.readUnits],
    ] as const)
      record({
        name: `${measure} per order: ${row.name}`,
        unit: measure,
        value,
        ceilingName: 'the whole order',
        ceiling:
          measure === 'invocations'
            ? perOrder(sum(reading.invocations))
            : measure === 'requests'
              ? perOrder(perOrderRequests(reading.requests))
              : measure === 'write units'
                ? perOrder(sum(reading.dynamoWriteUnits))
                : perOrder(sum(reading.dynamoReadUnits)),
        detail: true,
      });
  }
}

/**
 * One one-line order sent alone once the measured orders settled: the write units of the transaction
 * that reserves it (the reservation the commonest marketplace order pays), and what the whole order
 * cost when nothing shared its batches (the dear end of batching), returned.
 */
async function measureSingleLineOrder(fabric: LocalFabric): Promise<{ requests: number; writeUnits: number }> {
  const body = JSON.stringify(sampleShopifyOrder(79_999, seededRandom(5), SAMPLE_CATALOG, 1));
  const meter = startAwsRequestMeter(fabric);
  const response = await fetch(`${fabric.apiUrl}/webhooks/shopify`, {
    method: 'POST',
    headers: shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
    body,
  });
  const { orderId } = (await response.json()) as { orderId: string };
  await settle(fabric, meter.read, [orderId]);
  const reading = meter.read();
  meter.stop();
  const reservations = reading.transactions.filter((transaction) => transaction.by === 'inventory-reservation');
  if (reservations.length !== 1)
    throw new Error(
      `expected one reservation transaction for order ${orderId}, metered ${reservations.length}: ${JSON.stringify(reading.transactions)}`,
    );
  report({
    name: 'write units of one single-line reservation transaction',
    unit: 'WCU',
    value: reservations[0].writeUnits,
    ceilingName: 'the goal',
    ceiling: GOAL.singleLineReservationWriteUnits,
    notes: 'one Shopify line, the transaction inventory-reservation writes for it',
  });
  return { requests: perOrderRequests(reading.requests), writeUnits: sum(reading.dynamoWriteUnits) };
}

/** Requests that cost per order: idle polls and local stand-ins left out. */
function perOrderRequests(requests: Record<string, number>): number {
  return sum(Object.fromEntries(Object.entries(requests).filter(([op]) => !NOT_PER_ORDER.has(op))));
}

/**
 * Waits until every order has its sales order in the ERP and then nothing but polling has happened
 * for QUIET_MS; returns the seconds it took. Watches only the meter and the ERP simulator's own
 * records, which cost no AWS request.
 */
export async function settle(
  fabric: LocalFabric,
  read: () => MeterReading,
  orderIds: readonly string[],
): Promise<number> {
  const started = Date.now();
  const work = () => {
    const { requests, invocations } = read();
    return (
      sum(
        Object.fromEntries(
          Object.entries(requests).filter(([op]) => !NOT_PER_ORDER.has(op) && op !== 'SQS.ReceiveMessage'),
        ),
      ) + sum(invocations)
    );
  };
  let last = -1;
  let lastChange = Date.now();
  while (Date.now() - started < SETTLE_TIMEOUT_MS) {
    const now = work();
    if (now !== last) lastChange = Date.now();
    last = now;
    if (Date.now() - lastChange >= QUIET_MS && orderIds.every((id) => fabric.erp.salesOrdersFor(id).length > 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (Date.now() - started) / 1000;
}

/** How many of the orders' lifecycles reached posted_to_erp, read once the meter is off. */
async function postedToErp(fabric: LocalFabric, orderIds: readonly string[]): Promise<number> {
  // Loaded only now: the adapters read the environment the fabric set, once, when first loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DynamoLifecycleStore } =
    require('#shared/adapters/order-lifecycle-store') as typeof import('#shared/adapters/order-lifecycle-store');
  const lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  const states = await Promise.all(orderIds.map(async (id) => (await lifecycles.load(id))?.state));
  return states.filter((state) => state === 'posted_to_erp').length;
}

/** USD by service for everything metered, the requests that are not a cost per order left out. */
function costOf(reading: MeterReading): Record<string, number> {
  const requests = (prefix: string) =>
    sum(
      Object.fromEntries(
        Object.entries(reading.requests).filter(([op]) => op.startsWith(prefix) && !NOT_PER_ORDER.has(op)),
      ),
    );
  return {
    'API Gateway': ORDERS * PRICE.apiGatewayRestRequest,
    Lambda: Object.entries(reading.invocations).reduce(
      (usd, [name, n]) => usd + n * invocationPrice(name as FunctionName),
      0,
    ),
    DynamoDB:
      sum(reading.dynamoWriteUnits) * PRICE.dynamoWriteUnit + sum(reading.dynamoReadUnits) * PRICE.dynamoReadUnit,
    // The pollers' receives and deletes, and the bus's delivery of each message into its queue.
    SQS: (requests('SQS.') + reading.consumedMessages) * PRICE.sqsRequest,
    EventBridge: reading.publishedEvents * PRICE.eventBridgeEvent,
    S3: requests('S3.PutObject') * PRICE.s3Put + requests('S3.GetObject') * PRICE.s3Get,
  };
}

/** One invocation of the function: the request, and the assumed duration at its configured memory on arm64. */
function invocationPrice(name: FunctionName): number {
  return (
    PRICE.lambdaRequest + (functions[name].memoryMb / 1024) * LAMBDA_SECONDS_PER_INVOCATION * PRICE.lambdaArmGbSecond
  );
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, n) => total + n, 0);
}

function sorted<T>(counts: Record<string, T>): [string, T][] {
  return Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
}
