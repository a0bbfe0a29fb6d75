import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEventBody } from '../../events/catalog';
import { applyOrderToStock } from '../../shared/domain/inventory-reservation';
import { inventoryStoreFromEnv } from '../../shared/adapters/inventory-store';
import { eventPublisherFromEnv } from '../../shared/adapters/event-publisher';
import { withObservability } from '../../shared/adapters/lambda-middleware';
import { logger, metrics } from '../../shared/adapters/observability';

const ports = { ...inventoryStoreFromEnv(), publisher: eventPublisherFromEnv() };
const processor = new BatchProcessor(EventType.SQS);

/**
 * Reserves (or, for a cancelled order, releases) stock for one OrderReceived. Idempotent on the order
 * id inside the write itself, so a redelivery or an archive replay of any age changes nothing twice.
 * Not enough stock is a decision (ReservationRejected), not a failure; a record fails only when the
 * store is unreachable or another worker holds the order, and is then retried by SQS.
 */
async function reserveForOrder(record: SQSRecord): Promise<void> {
  const event = parseEventBody(record.body, 'OrderReceived');
  const { order } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId: order.orderId });
  const outcome = await applyOrderToStock(order, ports, { causationId: event.id });
  const metric = outcome.action === 'skip' ? 'OrdersNotForStock' : outcome.replayed ? 'StockDecisionsReplayed' : `StockDecisions_${outcome.status}`;
  metrics.addMetric(metric, MetricUnit.Count, 1);
  logger.info('order applied to stock', { ...outcome, orderStatus: order.status, channel: order.channel });
}

async function receiveBatch(event: SQSEvent, context: Context) {
  const response = await processPartialResponse(event, reserveForOrder, processor, { context });
  metrics.addMetric('ReservationEventsFailed', MetricUnit.Count, response.batchItemFailures.length);
  return response;
}

export const handler = withObservability(receiveBatch);
