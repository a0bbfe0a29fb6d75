import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEventBody } from '../../events/catalog';
import { consumeShipment } from '../../shared/domain/inventory-fulfilment';
import { inventoryStoreFromEnv } from '../../shared/adapters/inventory-store';
import { eventPublisherFromEnv } from '../../shared/adapters/event-publisher';
import { withObservability } from '../../shared/adapters/lambda-middleware';
import { logger, metrics } from '../../shared/adapters/observability';

const ports = { ...inventoryStoreFromEnv(), publisher: eventPublisherFromEnv() };
const processor = new BatchProcessor(EventType.SQS);

/** Consumes the order's reservation for one ShipmentConfirmed, once per shipment id. */
async function consumeForShipment(record: SQSRecord): Promise<void> {
  const event = parseEventBody(record.body, 'ShipmentConfirmed');
  const { shipment } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId: shipment.orderId, shipmentId: shipment.shipmentId });
  const outcome = await consumeShipment(shipment, ports);
  metrics.addMetric(outcome.result === 'duplicate' ? 'ShipmentsReplayed' : 'ShipmentsConsumed', MetricUnit.Count, 1);
  if (outcome.unreserved > 0) metrics.addMetric('UnreservedUnitsShipped', MetricUnit.Count, outcome.unreserved);
  logger.info('shipment consumed', { ...outcome });
}

async function receiveBatch(event: SQSEvent, context: Context) {
  const response = await processPartialResponse(event, consumeForShipment, processor, { context });
  metrics.addMetric('ShipmentEventsFailed', MetricUnit.Count, response.batchItemFailures.length);
  return response;
}

export const handler = withObservability(receiveBatch);
