import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { adjustStock, parseAdjustmentRequest } from '#domain/inventory/adjustment';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';
import { jsonAnswer, lowerCaseHeaders, rawBody } from '#shared/api/http-answer';

const ports = { ...inventoryStoreFromEnv(), publisher: eventPublisherFromEnv() };

/**
 * POST /inventory/adjustments: 201 applied; 200 `duplicate: true` for a repeat of the same key and
 * request; 400 with field paths; 409 when the stock is not there (or kept moving during a count), or a
 * transfer step does not follow from the transfer (not shipped, received already);
 * 422 when the key was used for a different request.
 */
async function adjustInventory(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody(event).toString('utf8'));
  } catch {
    return jsonAnswer(400, {
      message: 'the body is not valid JSON',
      errors: [{ path: '(body)', message: 'is not valid JSON' }],
    });
  }
  const parsed = parseAdjustmentRequest(body, lowerCaseHeaders(event)['idempotency-key'], ports.policy);
  if (!parsed.ok) return jsonAnswer(400, { message: 'the adjustment is not valid', errors: parsed.issues });

  const outcome = await adjustStock(parsed.request, parsed.adjustmentId, ports);
  metrics.addMetric(`Adjustments_${outcome.kind}`, MetricUnit.Count, 1);
  logger.info('adjustment answered', {
    adjustmentId: parsed.adjustmentId,
    type: parsed.request.type,
    sku: parsed.request.sku,
    outcome: outcome.kind,
  });
  switch (outcome.kind) {
    case 'applied':
      return jsonAnswer(201, outcome.result);
    case 'duplicate':
      return jsonAnswer(200, { ...outcome.result, duplicate: true });
    case 'key_reused':
      return jsonAnswer(422, { message: `adjustment ${parsed.adjustmentId} was already used for a different request` });
    case 'insufficient':
    case 'refused':
      return jsonAnswer(409, { message: outcome.message });
    case 'busy':
      return jsonAnswer(409, {
        message: 'stock kept moving while the adjustment was applied; retry with the same key',
      });
  }
}

export const handler = withObservability(adjustInventory);
