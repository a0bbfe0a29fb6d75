import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { readConfig, requiredName } from '#shared/config/env';
import { SalesChannel } from '#domain/kernel/order';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { jsonAnswer } from '#shared/api/http-answer';
import { PathId } from '#shared/api/path-id';
import { formatIssues } from '#domain/kernel/validation';
import { metrics } from '#shared/adapters/observability';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

const config = readConfig({
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
});

const orders = new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE);

/**
 * GET /orders/{orderId} and GET /orders/by-channel/{channel}/{channelOrderId}: the order, held or
 * canonical, with one `status` (its lifecycle state, or needs_attention) and the channel's as `channelStatus`.
 */
async function findOrder(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const params = event.pathParameters ?? {};
  const idName = params.orderId !== undefined ? 'orderId' : 'channelOrderId';
  const id = PathId.safeParse(params[idName] ?? '');
  if (!id.success)
    return jsonAnswer(400, {
      message: `invalid ${idName}`,
      errors: formatIssues(id.error).map((issue) => ({ ...issue, path: idName })),
    });
  let orderId = params.orderId;
  if (!orderId) {
    const channel = SalesChannel.safeParse(params.channel);
    if (!channel.success) {
      return jsonAnswer(400, {
        message: 'unknown channel',
        errors: [{ path: 'channel', message: `must be one of ${SalesChannel.options.join(', ')}` }],
      });
    }
    orderId = await orders.findOrderId(channel.data, id.data);
    if (!orderId) {
      metrics.addMetric('OrderLookupsMissed', MetricUnit.Count, 1);
      return jsonAnswer(404, { message: `no ${channel.data} order ${id.data}` });
    }
  }
  const found = await orders.viewOrder(orderId);
  metrics.addMetric(found ? 'OrderLookupsFound' : 'OrderLookupsMissed', MetricUnit.Count, 1);
  return found ? jsonAnswer(200, found) : jsonAnswer(404, { message: `no order ${orderId}` });
}

export const handler = withObservability(findOrder);
