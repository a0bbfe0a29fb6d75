import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEvent } from '#domain/kernel/event';
import { ChannelOrderNotified } from '#domain/intake/events';
import { readConfig, requiredName } from '#shared/config/env';
import { fetchNotifiedOrder } from '#domain/intake/order-fetch';
import { ORDER_FETCH_SCOPE } from '#domain/intake/model';
import { channelApisFromEnv, orderSources } from '#shared/channels/channel-apis';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { IdempotentExecutor, onceRunner } from '#shared/adapters/idempotency';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_BUCKET_RAW_ARCHIVE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
});

const fetches = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, ORDER_FETCH_SCOPE);
const sources = orderSources(channelApisFromEnv());
const ports = {
  archive: new S3DeliveryArchive(config.FABRIC_BUCKET_RAW_ARCHIVE),
  publisher: eventPublisherFromEnv(),
  skus: new DynamoSkuCrossReference(config.FABRIC_TABLE_CROSS_REFERENCE),
  once: onceRunner(fetches),
};

/**
 * One ChannelOrderNotified: fetch the order from its channel's API, map it, publish OrderReceived.
 * Once per notification delivery; an API failure or rate limit fails the record, which the queue
 * retries after its visibility timeout and dead-letters after maxReceiveCount.
 */
async function fetchOrder(record: SQSRecord): Promise<void> {
  const event = parseEvent(record.body, ChannelOrderNotified);
  const { channel, channelOrderId } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, channel, channelOrderId });
  const source = sources[channel];
  if (!source) throw new Error(`no order source for channel ${channel}`);
  const result = await fetchNotifiedOrder(event.data, source(), ports);
  metrics.addMetric(result.duplicate ? 'OrderFetchesReplayed' : `OrderFetches_${result.outcome}`, MetricUnit.Count, 1);
  logger.info('order fetched', { ...result });
}

export const handler = queueConsumer(fetchOrder, {
  failureMetric: 'OrderFetchesFailed',
  beforeBatch: (context) => fetches.registerLambdaContext(context),
});
