import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InventoryAdjusted, ReservationRejected } from '#domain/inventory/events';
import { UnknownEventError, detailTypeOf, parseEvent } from '#domain/kernel/event';
import { enlistBackorder, fillBackorders, type BackorderRun } from '#domain/inventory/backorders';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const ports = { ...inventoryStoreFromEnv(), publisher: eventPublisherFromEnv() };

/**
 * A backordered order (ReservationRejected, outcome backordered) joins its SKUs' waiting lists and is
 * offered what is there; stock that arrived (InventoryAdjusted: a receipt, a return, a transfer in) is
 * offered to the SKU's waiting orders, first backordered first. Every fill is conditional on the order,
 * so a redelivery fills nothing twice.
 */
async function fillFromEvent(record: SQSRecord): Promise<void> {
  const detailType = detailTypeOf(record.body);
  let run: BackorderRun;
  if (detailType === 'ReservationRejected') {
    const event = parseEvent(record.body, ReservationRejected);
    logger.appendKeys({ correlationId: event.correlationId, orderId: event.data.orderId });
    if (event.data.outcome !== 'backordered') return;
    run = await enlistBackorder({ orderId: event.data.orderId, backorderedAt: event.time }, ports, {
      causationId: event.id,
    });
  } else if (detailType === 'InventoryAdjusted') {
    const event = parseEvent(record.body, InventoryAdjusted);
    logger.appendKeys({ correlationId: event.correlationId, sku: event.data.sku });
    run = await fillBackorders(event.data.sku, ports, { causationId: event.id });
  } else {
    throw new UnknownEventError(`backorder-fill does not consume ${detailType}`);
  }
  metrics.addMetric('BackordersFilled', MetricUnit.Count, run.filled.length);
  metrics.addMetric('BackordersPartlyFilled', MetricUnit.Count, run.partlyFilled.length);
  logger.info('backorders offered stock', { detailType, ...run });
}

export const handler = queueConsumer(fillFromEvent, { failureMetric: 'BackorderFillEventsFailed' });
