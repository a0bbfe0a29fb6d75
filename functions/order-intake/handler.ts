import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { parseEvent } from '#domain/kernel/event';
import { OrderReceived } from '#domain/intake/events';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { recoveredByCatchUp } from '#domain/intake/order-pull';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
});

const orders = new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE);

/**
 * Stores one OrderReceived, once per order version (order id + channel updated-at + status), with no
 * idempotency record of its own: recordOrder's transaction requires no stored order, or a stored
 * version older than this one, so a redelivery or a replay of the same version under any message id
 * is a `duplicate` that writes nothing, and racing copies cannot both store it.
 */
async function recordReceivedOrder(record: SQSRecord): Promise<void> {
  const event = parseEvent(record.body, OrderReceived);
  const { order, deliveryId } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId: order.orderId });
  const result = await orders.recordOrder(order, { eventId: event.id, deliveryId });
  const replayed = result === 'duplicate';
  metrics.addMetric(
    replayed
      ? 'OrderVersionsReplayed'
      : result === 'stale_update_ignored'
        ? 'StaleOrderUpdatesIgnored'
        : 'OrderVersionsRecorded',
    MetricUnit.Count,
    1,
  );
  if (recoveredByCatchUp({ deliveryId, result, replayed })) {
    // A version only the catch-up pull brought: the channel's webhook for it never came. Per channel,
    // so the alarm names the channel whose webhooks are failing.
    const recovered = metrics.singleMetric();
    recovered.addDimension('channel', order.channel);
    recovered.addMetric('OrdersRecoveredByCatchUp', MetricUnit.Count, 1);
    logger.info('order recovered by catch-up', {
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      result,
    });
  }
  metrics.addMetric('EventLagMs', MetricUnit.Milliseconds, Date.now() - Date.parse(event.time));
  logger.info('order recorded', { result, replayed, channel: order.channel, channelOrderId: order.channelOrderId });
}

export const handler = queueConsumer(recordReceivedOrder, { failureMetric: 'OrderEventsFailed' });
