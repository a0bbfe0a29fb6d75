import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEvent } from '#domain/kernel/event';
import { ShipmentConfirmed } from '#domain/orders/events';
import { consumeShipment } from '#domain/inventory/fulfilment';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const ports = { ...inventoryStoreFromEnv(), publisher: eventPublisherFromEnv() };

/** Consumes the order's reservation for one ShipmentConfirmed, once per shipment id. */
async function consumeForShipment(record: SQSRecord): Promise<void> {
  const event = parseEvent(record.body, ShipmentConfirmed);
  const { shipment } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId: shipment.orderId, shipmentId: shipment.shipmentId });
  const outcome = await consumeShipment(shipment, ports);
  metrics.addMetric(outcome.result === 'duplicate' ? 'ShipmentsReplayed' : 'ShipmentsConsumed', MetricUnit.Count, 1);
  if (outcome.unreserved > 0) metrics.addMetric('UnreservedUnitsShipped', MetricUnit.Count, outcome.unreserved);
  logger.info('shipment consumed', { ...outcome });
}

export const handler = queueConsumer(consumeForShipment, { failureMetric: 'ShipmentEventsFailed' });
