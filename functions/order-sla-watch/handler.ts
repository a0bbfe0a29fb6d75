import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { tableEnvVar } from '#shared/config/topology';
import { reportStuckOrders } from '#domain/orders/sla';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({ [tableEnvVar('orders')]: requiredName });
const ports = { watch: new DynamoLifecycleStore(config[tableEnvVar('orders')]), publisher: eventPublisherFromEnv() };

/** Every 15 minutes: orders overdue in their state become OrderStuck events, and the OrdersStuck count an alarm watches. */
async function watchOrderSlas(): Promise<void> {
  const stuck = await reportStuckOrders(ports);
  metrics.addMetric('OrdersStuck', MetricUnit.Count, stuck.length);
  if (stuck.length)
    logger.warn('orders past their SLA', {
      stuck: stuck.map(({ orderId, state, deadline }) => ({ orderId, state, deadline })),
    });
}

export const handler = withObservability(watchOrderSlas);
