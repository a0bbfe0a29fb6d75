import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { tableEnvVar } from '#shared/config/topology';
import { formatIssues } from '#domain/kernel/validation';
import { DynamoReceivedOrders } from '#shared/adapters/order-store';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { jsonAnswer } from '#shared/api/http-answer';
import {
  DEFAULT_OVERVIEW_HOURS,
  MAX_OVERVIEW_HOURS,
  exceptionsOverview,
  ordersOverview,
} from '#shared/operations/overview';

const config = readConfig({ [tableEnvVar('orders')]: requiredName, [tableEnvVar('exceptions')]: requiredName });
const orders = new DynamoReceivedOrders(config[tableEnvVar('orders')]);
const exceptions = new DynamoExceptionStore(config[tableEnvVar('exceptions')]);

const WindowQuery = z.object({
  hours: z._default(
    z.coerce
      .number({ error: 'must be a whole number of hours' })
      .check(
        z.int('must be a whole number of hours'),
        z.gte(1, 'must be at least 1'),
        z.lte(MAX_OVERVIEW_HOURS, `must be at most ${MAX_OVERVIEW_HOURS} (a week)`),
      ),
    DEFAULT_OVERVIEW_HOURS,
  ),
});

/**
 * GET /overview/orders?hours=N (orders received per hour by channel and current state) and
 * GET /overview/exceptions?hours=N (exceptions open at the end of each hour): 200, or 400 naming `hours`.
 */
async function answerOverview(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const query = WindowQuery.safeParse(event.queryStringParameters ?? {});
  if (!query.success) return jsonAnswer(400, { message: 'invalid query', errors: formatIssues(query.error) });
  const { hours } = query.data;
  return jsonAnswer(
    200,
    event.resource === '/overview/exceptions'
      ? await exceptionsOverview(exceptions, hours)
      : await ordersOverview(orders, hours),
  );
}

export const handler = withObservability(answerOverview);
