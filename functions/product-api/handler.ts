import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { SourceSystem, loadDataOwnership } from '#domain/kernel/data-ownership';
import { Product } from '#domain/kernel/product';
import { recordProductChanges } from '#domain/catalog/product-changes';
import { formatIssues } from '#domain/kernel/validation';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';
import { jsonAnswer, rawBody } from '#shared/api/http-answer';

const config = readConfig({ FABRIC_TABLE_CROSS_REFERENCE: requiredName });
const ports = {
  catalog: new DynamoSkuCrossReference(config.FABRIC_TABLE_CROSS_REFERENCE),
  publisher: eventPublisherFromEnv(),
  ownership: loadDataOwnership(),
};

/** Up to 100 products a request: one cross-reference write batch per 25 items stays well inside the timeout. */
const ProductChangeRequest = z.object({
  sourceSystem: SourceSystem,
  products: z.array(Product).check(z.minLength(1), z.maxLength(100)),
});

/**
 * POST /products `{sourceSystem, products: [...]}`: 200 with the count recorded; 400 with field
 * paths; 403 naming the domain and its owner when the sender does not own the item master.
 */
async function changeProducts(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody(event).toString('utf8'));
  } catch {
    return jsonAnswer(400, {
      message: 'the body is not valid JSON',
      errors: [{ path: '(body)', message: 'is not valid JSON' }],
    });
  }
  const request = ProductChangeRequest.safeParse(body);
  if (!request.success)
    return jsonAnswer(400, { message: 'the product change is not valid', errors: formatIssues(request.error) });
  const outcome = await recordProductChanges(
    request.data.products,
    request.data.sourceSystem,
    'api',
    ports,
    new Date(),
  );
  metrics.addMetric(`ProductChanges_${outcome.outcome}`, MetricUnit.Count, 1);
  logger.info('product change answered', { sourceSystem: request.data.sourceSystem, ...outcome });
  if (outcome.outcome === 'refused') return jsonAnswer(403, { message: outcome.message });
  return jsonAnswer(200, outcome);
}

export const handler = withObservability(changeProducts);
