import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEventBody } from '../../events/catalog';
import { IdempotentExecutor, onceRunner } from '../../shared/adapters/idempotency';
import { DynamoOrderRepository } from '../../shared/adapters/order-store';
import { publicationTableFromEnv } from '../../shared/adapters/publication-ledger';
import { queueConsumer } from '../../shared/adapters/queue-consumer';
import { logger, metrics } from '../../shared/adapters/observability';
import { readConfig, requiredName } from '../../shared/config/env';
import { outboundChannelApisFromEnv } from '../../shared/channels/channel-apis';
import { CANCELLATION_SYNC_SCOPE, cancelOnChannel } from '../../shared/domain/channel-sync-cancellation';

const config = readConfig({ FABRIC_TABLE_ORDERS: requiredName, FABRIC_TABLE_CROSS_REFERENCE: requiredName, FABRIC_TABLE_IDEMPOTENCY: requiredName });
const executor = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, CANCELLATION_SYNC_SCOPE);
const apis = outboundChannelApisFromEnv(publicationTableFromEnv());
const ports = {
  orders: new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE),
  cancellation: apis.cancellation,
  once: onceRunner(executor),
};

/** Asks the channel to cancel an order the fabric refused for stock, once per order. */
async function syncCancellation(record: SQSRecord): Promise<void> {
  const event = parseEventBody(record.body, 'OrderStateChanged');
  logger.appendKeys({ correlationId: event.correlationId, orderId: event.data.orderId });
  const result = await cancelOnChannel(event.data.orderId, ports);
  metrics.addMetric(result.duplicate ? 'CancellationSyncReplayed' : result.outcome === 'cancelled' ? 'CancellationsSentToChannel' : 'CancellationsWithoutChannelApi', MetricUnit.Count, 1);
  if (result.outcome === 'no_channel_api') logger.warn('the channel has no cancellation API here: cancel the order on the channel by hand', { ...result });
  else logger.info('cancellation synced to channel', { ...result });
}

export const handler = queueConsumer(syncCancellation, {
  failureMetric: 'CancellationSyncFailed',
  beforeBatch: (context) => executor.registerLambdaContext(context),
});
