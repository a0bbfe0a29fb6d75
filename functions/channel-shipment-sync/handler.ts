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
import { SHIPMENT_SYNC_SCOPE, confirmShipmentToChannel } from '../../shared/domain/channel-sync-shipment';

const config = readConfig({ FABRIC_TABLE_ORDERS: requiredName, FABRIC_TABLE_CROSS_REFERENCE: requiredName, FABRIC_TABLE_IDEMPOTENCY: requiredName });
const executor = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, SHIPMENT_SYNC_SCOPE);
const apis = outboundChannelApisFromEnv(publicationTableFromEnv());
const ports = {
  orders: new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE),
  fulfilment: apis.fulfilment,
  once: onceRunner(executor),
};

/** Sends one ShipmentConfirmed to the order's channel, once per shipment id. */
async function syncShipment(record: SQSRecord): Promise<void> {
  const event = parseEventBody(record.body, 'ShipmentConfirmed');
  const { shipment } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId: shipment.orderId, shipmentId: shipment.shipmentId });
  const result = await confirmShipmentToChannel(shipment, ports);
  metrics.addMetric(result.duplicate ? 'ShipmentSyncReplayed' : result.outcome === 'confirmed' ? 'ShipmentsSentToChannel' : 'ShipmentsWithoutChannelApi', MetricUnit.Count, 1);
  logger.info('shipment synced to channel', { ...result });
}

export const handler = queueConsumer(syncShipment, {
  failureMetric: 'ShipmentSyncFailed',
  beforeBatch: (context) => executor.registerLambdaContext(context),
});
