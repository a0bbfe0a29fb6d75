import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { readConfig, requiredName } from '#shared/config/env';
import { pullOrders } from '#domain/intake/order-pull';
import { channelApisFromEnv } from '#shared/channels/channel-apis';
import { ebayOrderFeed } from '#shared/channels/ebay/ebay-api.client';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoConnectorStateStore } from '#shared/adapters/connector-state';
import { IdempotentExecutor, onceRunner } from '#shared/adapters/idempotency';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_BUCKET_RAW_ARCHIVE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_TABLE_CONNECTOR_STATE: requiredName,
  /** How far each window reaches back before the cursor: eBay indexes a modification within minutes. */
  FABRIC_EBAY_PULL_OVERLAP_MINUTES: z.coerce.number().int().nonnegative().default(10),
  FABRIC_EBAY_PULL_SETTLE_SECONDS: z.coerce.number().int().nonnegative().default(30),
  /** The first run's reach; getOrders serves the last 90 days. */
  FABRIC_EBAY_PULL_INITIAL_DAYS: z.coerce.number().int().positive().max(90).default(3),
  /** Orders per getOrders page (eBay allows up to 200). */
  FABRIC_EBAY_PULL_PAGE_SIZE: z.coerce.number().int().positive().max(200).default(50),
});

const pulls = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, 'channel-order-pull');
const feed = ebayOrderFeed(channelApisFromEnv().ebay(), { pageSize: config.FABRIC_EBAY_PULL_PAGE_SIZE });
const ports = {
  state: new DynamoConnectorStateStore(config.FABRIC_TABLE_CONNECTOR_STATE),
  archive: new S3DeliveryArchive(config.FABRIC_BUCKET_RAW_ARCHIVE),
  publisher: eventPublisherFromEnv(),
  skus: new DynamoSkuCrossReference(config.FABRIC_TABLE_CROSS_REFERENCE),
  once: onceRunner(pulls),
};

/** Scheduled: pulls eBay orders modified since the persisted cursor and publishes each new version once. */
async function pollEbayOrders(_event: unknown, context: Context) {
  pulls.registerLambdaContext(context);
  const report = await pullOrders(feed, ports, {
    now: new Date(),
    overlapMs: config.FABRIC_EBAY_PULL_OVERLAP_MINUTES * 60_000,
    settleMs: config.FABRIC_EBAY_PULL_SETTLE_SECONDS * 1000,
    initialLookbackMs: config.FABRIC_EBAY_PULL_INITIAL_DAYS * 86_400_000,
    // Leave room for one more page, its publishes and the state write.
    hasTimeLeft: () => context.getRemainingTimeInMillis() > 20_000,
  });
  metrics.addMetric('PulledOrdersPublished', MetricUnit.Count, report.published);
  metrics.addMetric('PulledOrdersDuplicate', MetricUnit.Count, report.duplicates);
  logger.info('ebay orders pulled', { ...report });
  return report;
}

export const handler = withObservability(pollEbayOrders);
