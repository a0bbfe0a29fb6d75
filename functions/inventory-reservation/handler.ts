import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEvent } from '#domain/kernel/event';
import { OrderReceived } from '#domain/intake/events';
import { applyOrderToStock } from '#domain/inventory/reservation';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { sourcingRuleStoreFromEnv } from '#shared/adapters/sourcing-rule-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { DynamoPublicationLedger, publicationTableFromEnv } from '#shared/adapters/publication-ledger';
import { checkOversells } from '#domain/channel-sync';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const ports = {
  ...inventoryStoreFromEnv(),
  publisher: eventPublisherFromEnv(),
  sourcingRules: sourcingRuleStoreFromEnv(),
};
const ledger = new DynamoPublicationLedger(publicationTableFromEnv());

/**
 * Checks one OrderReceived against the zeros its channel had acknowledged (OversellIncident), then
 * reserves (or, for a cancelled order, releases) its stock. Both are once-only without an idempotency
 * record: the reservation on the order id inside the write itself (the header's absent condition), the
 * check because it only reads and its incidents' event ids come from the order and SKU; so a
 * redelivery or an archive replay of any age changes nothing twice. Not enough stock is a decision
 * (ReservationRejected), not a failure; a record fails only when a store is unreachable or another
 * worker holds the order, and is then retried by SQS.
 */
async function reserveForOrder(record: SQSRecord): Promise<void> {
  const event = parseEvent(record.body, OrderReceived);
  const { order } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId: order.orderId });
  const incidents = await checkOversells(order, { ledger, publisher: ports.publisher }, { causationId: event.id });
  for (const incident of incidents)
    logger.warn('oversell: the channel sold a SKU after acknowledging zero', { ...incident });
  metrics.addMetric('OversellIncidents', MetricUnit.Count, incidents.length);
  const outcome = await applyOrderToStock(order, ports, { causationId: event.id });
  const metric =
    outcome.action === 'skip'
      ? 'OrdersNotForStock'
      : outcome.replayed
        ? 'StockDecisionsReplayed'
        : `StockDecisions_${outcome.status}`;
  metrics.addMetric(metric, MetricUnit.Count, 1);
  logger.info('order applied to stock', { ...outcome, orderStatus: order.status, channel: order.channel });
}

export const handler = queueConsumer(reserveForOrder, { failureMetric: 'ReservationEventsFailed' });
