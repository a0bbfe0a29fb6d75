import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from '#domain/kernel/schema';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { tableEnvVar } from '#shared/config/topology';
import { SalesChannel } from '#domain/kernel/order';
import { formatIssues } from '#domain/kernel/validation';
import {
  ORDERS_BY_SKU_LIMIT,
  orderDetail,
  orderDetailByChannel,
  orderReadStores,
  orderTrace,
  ordersWithSku,
} from '#shared/operations/orders';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { metrics } from '#shared/adapters/observability';
import { jsonAnswer } from '#shared/api/http-answer';
import { PathId, invalidPathId } from '#shared/api/path-id';

const config = readConfig({
  [tableEnvVar('orders')]: requiredName,
  [tableEnvVar('crossReference')]: requiredName,
  [tableEnvVar('inventory')]: requiredName,
  [tableEnvVar('eventTrail')]: requiredName,
});

const stores = orderReadStores({
  orders: config[tableEnvVar('orders')],
  crossReference: config[tableEnvVar('crossReference')],
  inventory: config[tableEnvVar('inventory')],
  eventTrail: config[tableEnvVar('eventTrail')],
});

const BySku = z.object({
  sku: PathId,
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(ORDERS_BY_SKU_LIMIT))),
});

const invalid = (message: string, issues: { path: string; message: string }[]) =>
  jsonAnswer(400, { message, errors: issues });

/**
 * GET /orders/{orderId} and GET /orders/by-channel/{channel}/{channelOrderId}: the order, held or
 * canonical, with one `status` (its lifecycle state, or needs_attention) and the channel's as
 * `channelStatus`, its lifecycle, reserved stock and ERP documents (shared/operations/orders.ts).
 * GET /orders/{orderId}/trace: `{ orderId, steps: [{ at, sinceStartMs, what }] }`, oldest first.
 * GET /orders?sku=&limit=: `{ sku, orders: [...], more }`, newest placed first.
 */
async function answerOrders(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const params = event.pathParameters ?? {};
  if (event.resource === '/orders') {
    const query = BySku.safeParse(event.queryStringParameters ?? {});
    if (!query.success) return invalid('invalid query', formatIssues(query.error));
    return jsonAnswer(200, await ordersWithSku(stores, query.data.sku, query.data.limit));
  }
  if (params.orderId !== undefined) {
    const orderId = PathId.safeParse(params.orderId);
    if (!orderId.success) return invalidPathId('orderId', orderId.error);
    if (event.resource.endsWith('/trace')) {
      const trace = await orderTrace(stores, orderId.data);
      return trace
        ? jsonAnswer(200, { orderId: trace.orderId, steps: trace.steps })
        : jsonAnswer(404, { message: `nothing known about order ${orderId.data}` });
    }
    return found(await orderDetail(stores, orderId.data), `no order ${orderId.data}`);
  }
  const channelOrderId = PathId.safeParse(params.channelOrderId ?? '');
  if (!channelOrderId.success) return invalidPathId('channelOrderId', channelOrderId.error);
  const channel = SalesChannel.safeParse(params.channel);
  if (!channel.success)
    return invalid('unknown channel', [
      { path: 'channel', message: `must be one of ${SalesChannel.options.join(', ')}` },
    ]);
  return found(
    await orderDetailByChannel(stores, channel.data, channelOrderId.data),
    `no ${channel.data} order ${channelOrderId.data}`,
  );
}

function found(detail: unknown, missing: string): APIGatewayProxyResult {
  metrics.addMetric(detail ? 'OrderLookupsFound' : 'OrderLookupsMissed', MetricUnit.Count, 1);
  return detail ? jsonAnswer(200, detail) : jsonAnswer(404, { message: missing });
}

export const handler = withObservability(answerOrders);
