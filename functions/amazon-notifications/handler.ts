import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { acceptQueuedNotification } from '#domain/intake/queued-notification';
import { amazonNotificationAdapter } from '#shared/channels/amazon/amazon-notification.adapter';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { PowertoolsDeliveryDeduplicator } from '#shared/adapters/idempotency';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_BUCKET_RAW_ARCHIVE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
});

const deduplicator = new PowertoolsDeliveryDeduplicator(config.FABRIC_TABLE_IDEMPOTENCY, 'channel-notification');
const ports = {
  archive: new S3DeliveryArchive(config.FABRIC_BUCKET_RAW_ARCHIVE),
  publisher: eventPublisherFromEnv(),
  deduplicator,
};

/** One SP-API notification from the fabric's SQS destination: archived, deduplicated, handed on as ChannelOrderNotified. */
async function receiveNotification(record: SQSRecord): Promise<void> {
  const receivedAt = new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString();
  const result = await acceptQueuedNotification(
    { messageId: record.messageId, body: record.body, receivedAt },
    amazonNotificationAdapter,
    ports,
  );
  metrics.addMetric(`AmazonNotifications_${result.outcome}`, MetricUnit.Count, 1);
  logger.info('amazon notification', { messageId: record.messageId, ...result });
}

export const handler = queueConsumer(receiveNotification, {
  failureMetric: 'NotificationsFailed',
  beforeBatch: (context) => deduplicator.executor.registerLambdaContext(context),
});
