import type { LocalFabric } from '../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder, seededRandom, shopifyDeliveryHeaders } from '../scripts/sample/shopify-orders';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '../shared/adapters/webhook-secrets';
import { startAwsRequestMeter, type MeterReading } from './aws-request-meter';
import { report } from './harness';

const ORDERS = 100;

/**
 * Public on-demand list prices, us-east-1, in USD per single request or unit. Estimates, not a quote:
 * they ignore free tiers, data transfer and CloudWatch.
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
/** Assumed billed duration per invocation at the configured 512 MB; measured locally it is lower. */
const LAMBDA_GB_SECONDS_PER_INVOCATION = 0.5 * 0.1;

/**
 * AWS requests and DynamoDB write units per order, metered while signed orders go from webhook to
 * stored order through the local fabric, priced per 1,000 orders; beside it the floor any serverless
 * webhook intake pays (one API Gateway request and one Lambda invocation per order). Runs on a
 * fabric whose sample catalog is already seeded: handler modules keep the configuration of the first
 * fabric they were loaded for, so one process gets one fabric.
 */
export async function measureOrderCost(fabric: LocalFabric): Promise<void> {
  const random = seededRandom(3);
  const meter = startAwsRequestMeter(fabric.endpoints);
  for (let i = 0; i < ORDERS; i += 1) {
    const body = JSON.stringify(sampleShopifyOrder(70_000 + i, random));
    await fetch(`${fabric.apiUrl}/webhooks/shopify`, { method: 'POST', headers: shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify), body });
  }
  // The orders' work is done when nothing but idle queue polling has happened for two seconds.
  const busy = () => Object.entries(meter.read().requests).filter(([op]) => op !== 'SQS.ReceiveMessage').reduce((sum, [, n]) => sum + n, 0);
  const deadline = Date.now() + 120_000;
  let last = -1;
  while (Date.now() < deadline) {
    const now = busy();
    if (now === last) break;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  const reading = meter.read();
  meter.stop();
  const perOrder = (n: number) => n / ORDERS;
  const requests = Object.entries(reading.requests).sort(([a], [b]) => a.localeCompare(b));
  console.log(`AWS requests per order, every consumer of the order included (${ORDERS} orders, local pollers' idle receives included):`);
  for (const [operation, count] of requests) console.log(`  ${operation.padEnd(34)} ${perOrder(count).toFixed(2)}`);
  console.log(`  DynamoDB write units ${perOrder(reading.dynamoWriteUnits).toFixed(2)}, read units ${perOrder(reading.dynamoReadUnits).toFixed(2)}, events ${perOrder(reading.publishedEvents).toFixed(2)}`);
  report({
    name: 'estimated AWS cost per 1,000 orders (webhook to stored and reserved order)',
    unit: 'US cents',
    value: 100 * 1000 * perOrder(costOf(reading)),
    ceilingName: 'floor: 1 API Gateway request + 1 Lambda invocation per order',
    ceiling: 100 * 1000 * (PRICE.apiGatewayRestRequest + PRICE.lambdaRequest + LAMBDA_GB_SECONDS_PER_INVOCATION * PRICE.lambdaArmGbSecond),
    notes: 'us-east-1 list prices; no free tier',
  });
}

function costOf(reading: MeterReading): number {
  const count = (prefix: string) => Object.entries(reading.requests).filter(([op]) => op.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
  const invocations = ORDERS + count('SQS.DeleteMessage');
  return ORDERS * PRICE.apiGatewayRestRequest
    + invocations * (PRICE.lambdaRequest + LAMBDA_GB_SECONDS_PER_INVOCATION * PRICE.lambdaArmGbSecond)
    + reading.dynamoWriteUnits * PRICE.dynamoWriteUnit
    + reading.dynamoReadUnits * PRICE.dynamoReadUnit
    + count('SQS.') * PRICE.sqsRequest
    + reading.publishedEvents * PRICE.eventBridgeEvent
    + (reading.requests['S3.PUT'] ?? 0) * PRICE.s3Put
    + (reading.requests['S3.GET'] ?? 0) * PRICE.s3Get;
}
