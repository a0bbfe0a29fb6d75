import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readAvailability } from '#domain/inventory/exposure';
import { StockKey } from '#domain/kernel/product';
import { formatIssues } from '#domain/kernel/validation';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { metrics } from '#shared/adapters/observability';
import { jsonAnswer } from '#shared/api/http-answer';

const { store, policy } = inventoryStoreFromEnv();

/**
 * GET /availability/{sku}: available-to-sell from the positions (strongly consistent reads), in total,
 * per location with every named quantity, and per channel after its exposure rule. A SKU with no
 * stock anywhere answers zeros, which is what order validation needs to know.
 */
async function answerAvailability(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const sku = StockKey.safeParse(event.pathParameters?.sku ?? '');
  if (!sku.success)
    return jsonAnswer(400, {
      message: 'invalid SKU',
      errors: formatIssues(sku.error).map((issue) => ({ ...issue, path: 'sku' })),
    });
  const view = await readAvailability(sku.data, store, policy);
  metrics.addMetric('AvailabilityQueries', MetricUnit.Count, 1);
  return jsonAnswer(200, view);
}

export const handler = withObservability(answerAvailability);
