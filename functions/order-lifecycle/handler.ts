import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { detailTypeOf } from '#domain/kernel/event';
import { UnknownEventError } from '#events/catalog';
import { moveOrders } from '#domain/orders/lifecycle-events';
import { LIFECYCLE_DETAIL_TYPES, type LifecycleDetailType } from '#domain/orders/model';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({ FABRIC_TABLE_ORDERS: requiredName });
const ports = { store: new DynamoLifecycleStore(config.FABRIC_TABLE_ORDERS), publisher: eventPublisherFromEnv() };

/**
 * Moves order lifecycles for one event. Idempotent per event key on the order's lifecycle item; an
 * event that comes before the step it needs fails the record, so SQS delivers it again later.
 */
async function moveOrderLifecycle(record: SQSRecord): Promise<void> {
  const detailType = detailTypeOf(record.body);
  if (!LIFECYCLE_DETAIL_TYPES.includes(detailType as LifecycleDetailType))
    throw new UnknownEventError(`order-lifecycle does not consume ${detailType}`);
  const results = await moveOrders(record.body, detailType as LifecycleDetailType, ports);
  for (const result of results) metrics.addMetric(`OrderLifecycle_${result.split(':')[2]}`, MetricUnit.Count, 1);
  logger.info('order lifecycle applied', { detailType, results });
}

export const handler = queueConsumer(moveOrderLifecycle, { failureMetric: 'OrderLifecycleEventsFailed' });
