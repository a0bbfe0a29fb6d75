import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEvent } from '#domain/kernel/event';
import { OrderStateChanged, ShipmentConfirmed } from '#domain/orders/events';
import { PickupReady } from '#domain/fulfilment/events';
import { ReturnReceived } from '#domain/returns/events';
import { IdempotentExecutor, onceRunner } from '#shared/adapters/idempotency';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { publicationTableFromEnv } from '#shared/adapters/publication-ledger';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { logger, metrics } from '#shared/adapters/observability';
import { readConfig, requiredName } from '#shared/config/env';
import { outboundChannelApisFromEnv } from '#shared/channels/channel-apis';
import { cancelOnChannel, cancellationReasonFor } from '#domain/channel-sync/cancellation-sync';
import { tellChannelPickupReady } from '#domain/channel-sync/pickup-sync';
import { confirmShipmentToChannel } from '#domain/channel-sync/shipment-sync';
import { recordReturnOnChannel } from '#domain/channel-sync/return-sync';
import {
  CANCELLATION_SYNC_SCOPE,
  PICKUP_SYNC_SCOPE,
  RETURN_SYNC_SCOPE,
  SHIPMENT_SYNC_SCOPE,
} from '#domain/channel-sync/model';

const config = readConfig({
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
});
const shipments = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, SHIPMENT_SYNC_SCOPE);
const cancellations = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, CANCELLATION_SYNC_SCOPE);
const returns = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, RETURN_SYNC_SCOPE);
const pickups = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, PICKUP_SYNC_SCOPE);
const apis = outboundChannelApisFromEnv(publicationTableFromEnv());
const orders = new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE);
const publisher = eventPublisherFromEnv();
const RETURN_SYNC_METRICS = {
  recorded: 'ReturnsSentToChannel',
  no_channel_api: 'ReturnsWithoutChannelApi',
  reported_by_channel: 'ReturnsReportedByChannel',
} as const;

/**
 * What the fabric decided about an order, told to the order's channel: a ShipmentConfirmed (once per
 * shipment id) from the channel-shipment-sync queue, a pickup ready at a store (once per order and
 * store) from the channel-pickup-sync queue, a stock refusal's or an expired pickup's cancellation
 * (once per order) from the channel-cancellation-sync queue, or a return received elsewhere (once per
 * return id) from the channel-return-sync queue.
 */
async function syncOrder(record: SQSRecord): Promise<void> {
  const detailType = (JSON.parse(record.body) as { 'detail-type'?: string })['detail-type'];
  if (detailType === 'OrderStateChanged') {
    const event = parseEvent(record.body, OrderStateChanged);
    logger.appendKeys({ correlationId: event.correlationId, orderId: event.data.orderId });
    const result = await cancelOnChannel(
      event.data.orderId,
      { orders, cancellation: apis.cancellation, once: onceRunner(cancellations), publisher },
      cancellationReasonFor(event.data.on),
      { causationId: event.id },
    );
    metrics.addMetric(
      result.duplicate
        ? 'CancellationSyncReplayed'
        : result.outcome === 'cancelled'
          ? 'CancellationsSentToChannel'
          : 'CancellationsWithoutChannelApi',
      MetricUnit.Count,
      1,
    );
    if (result.outcome === 'no_channel_api')
      logger.error('the channel has no cancellation API here: raised for a person to cancel and refund it there', {
        ...result,
      });
    else logger.info('cancellation synced to channel', { ...result });
    return;
  }
  if (detailType === 'PickupReady') {
    const event = parseEvent(record.body, PickupReady);
    logger.appendKeys({ correlationId: event.correlationId, orderId: event.data.orderId });
    const result = await tellChannelPickupReady(event.data, {
      orders,
      pickups: apis.pickups,
      once: onceRunner(pickups),
    });
    metrics.addMetric(
      result.duplicate
        ? 'PickupSyncReplayed'
        : result.outcome === 'told'
          ? 'PickupsReadySentToChannel'
          : 'PickupsReadyWithoutChannelApi',
      MetricUnit.Count,
      1,
    );
    if (result.outcome === 'no_channel_api')
      logger.warn('the channel cannot tell its customer here: the store calls the customer with the pickup code', {
        ...result,
        locationId: event.data.locationId,
      });
    else logger.info('pickup ready synced to channel', { ...result, locationId: event.data.locationId });
    return;
  }
  if (detailType === 'ReturnReceived') {
    const event = parseEvent(record.body, ReturnReceived);
    const { customerReturn } = event.data;
    logger.appendKeys({ correlationId: event.correlationId, returnId: customerReturn.returnId });
    const result = await recordReturnOnChannel(customerReturn, {
      orders,
      returns: apis.returns,
      once: onceRunner(returns),
    });
    metrics.addMetric(
      result.duplicate ? 'ReturnSyncReplayed' : RETURN_SYNC_METRICS[result.outcome],
      MetricUnit.Count,
      1,
    );
    if (result.outcome === 'no_channel_api')
      logger.warn('the channel has no returns API here: record the return on the channel by hand', { ...result });
    else logger.info('return synced to channel', { ...result });
    return;
  }
  const event = parseEvent(record.body, ShipmentConfirmed);
  const { shipment } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId: shipment.orderId, shipmentId: shipment.shipmentId });
  const result = await confirmShipmentToChannel(shipment, {
    orders,
    fulfilment: apis.fulfilment,
    once: onceRunner(shipments),
  });
  metrics.addMetric(
    result.duplicate
      ? 'ShipmentSyncReplayed'
      : result.outcome === 'confirmed'
        ? 'ShipmentsSentToChannel'
        : 'ShipmentsWithoutChannelApi',
    MetricUnit.Count,
    1,
  );
  logger.info('shipment synced to channel', { ...result });
}

export const handler = queueConsumer(syncOrder, {
  failureMetric: 'ChannelOrderSyncFailed',
  beforeBatch: (context) => {
    shipments.registerLambdaContext(context);
    cancellations.registerLambdaContext(context);
    returns.registerLambdaContext(context);
    pickups.registerLambdaContext(context);
  },
});
