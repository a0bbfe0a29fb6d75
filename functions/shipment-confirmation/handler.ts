import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { loadInventoryPolicy, locationIds } from '#domain/inventory/policy';
import { SHIPMENT_CONFIRMATION_SCOPE, confirmShipment } from '#domain/orders/shipment-confirmation';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { IdempotentExecutor, onceRunner } from '#shared/adapters/idempotency';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';
import { jsonAnswer, lowerCaseHeaders, rawBody } from '#shared/api/http-answer';

const config = readConfig({
  FABRIC_BUCKET_RAW_ARCHIVE: requiredName,
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
});

const shipments = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, SHIPMENT_CONFIRMATION_SCOPE);
const ports = {
  archive: new S3DeliveryArchive(config.FABRIC_BUCKET_RAW_ARCHIVE),
  orders: new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE),
  lifecycles: new DynamoLifecycleStore(config.FABRIC_TABLE_ORDERS),
  publisher: eventPublisherFromEnv(),
  once: onceRunner(shipments),
};
const locations = locationIds(loadInventoryPolicy());

/**
 * POST /shipments, from a warehouse (WMS, 3PL): 202 `{shipmentId, orderId}` published; 200 with
 * `duplicate: true` for a repeat; 400 with field paths; 404 for an order the fabric does not know; 409
 * for a cancelled order or a repeat still being confirmed; 422 naming the lines that do not match the
 * order, or for a shipment id already used for another request.
 */
async function receiveShipment(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  shipments.registerLambdaContext(context);
  const answer = await confirmShipment(
    {
      requestId: event.requestContext?.requestId ?? context.awsRequestId,
      receivedAt: new Date().toISOString(),
      headers: lowerCaseHeaders(event),
      rawBody: rawBody(event),
    },
    ports,
    locations,
  );
  metrics.addDimensions({ status: String(answer.status) });
  metrics.addMetric('ShipmentConfirmations', MetricUnit.Count, 1);
  logger.info('shipment confirmation answered', { status: answer.status, answer: answer.body });
  return jsonAnswer(answer.status, answer.body);
}

export const handler = withObservability(receiveShipment);
