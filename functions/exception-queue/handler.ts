import type { Context, ScheduledEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { tableEnvVar } from '#shared/config/topology';
import { detailTypeOf } from '#domain/kernel/event';
import { parseEventBody, type DetailType } from '#events/catalog';
import { openExceptionFigures, takeExceptionEvent } from '#domain/exceptions';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  [tableEnvVar('exceptions')]: requiredName,
  [tableEnvVar('orders')]: requiredName,
  [tableEnvVar('crossReference')]: requiredName,
});
const store = new DynamoExceptionStore(config[tableEnvVar('exceptions')]);
const ports = {
  store,
  heldOrders: new DynamoOrderRepository(config[tableEnvVar('orders')], config[tableEnvVar('crossReference')]),
};

/** One exception event raises or counts its row; an order's move resolves what it ended. Idempotent per event. */
async function takeIntoWorkQueue(record: SQSRecord): Promise<void> {
  const event = parseEventBody(record.body, detailTypeOf(record.body) as DetailType);
  const result = await takeExceptionEvent(event, ports);
  if (result.outcome === 'raised') {
    const { id, kind, severity, count, status } = result.record;
    // A new row is work for a person; a repeat only counts.
    if (count === 1)
      logger.warn('exception raised', { exceptionId: id, kind, severity, correlationId: event.correlationId });
    metrics.addMetric('ExceptionsRaised', MetricUnit.Count, 1);
    logger.info('exception recorded', { exceptionId: id, count, status });
  } else if (result.outcome === 'resolved' && result.ids.length) {
    metrics.addMetric('ExceptionsResolved', MetricUnit.Count, result.ids.length);
    logger.info('exceptions resolved by the order moving on', {
      orderId: event.correlationId,
      exceptionIds: result.ids,
    });
  }
}

const consume = queueConsumer(takeIntoWorkQueue, { failureMetric: 'ExceptionEventsFailed' });

/** Every few minutes: open exceptions per kind and the age of the oldest, which the operations alarms watch. */
const report = withObservability(async (): Promise<void> => {
  const perKind = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], kind: string, value: number) => {
    const single = metrics.singleMetric();
    single.addDimension('kind', kind);
    single.addMetric(name, unit, value);
  };
  for (const figure of openExceptionFigures(await store.list({ status: 'open' }), new Date())) {
    perKind('OpenExceptions', MetricUnit.Count, figure.kind, figure.open);
    perKind('OldestOpenExceptionAgeSeconds', MetricUnit.Seconds, figure.kind, figure.oldestAgeSeconds);
  }
});

export async function handler(event: SQSEvent | ScheduledEvent, context: Context): Promise<unknown> {
  return 'Records' in event ? consume(event, context) : report(event, context);
}
