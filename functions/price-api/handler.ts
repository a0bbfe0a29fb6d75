import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { loadDataOwnership } from '#domain/kernel/data-ownership';
import { PriceEntry, Promotion, effectivePrice } from '#domain/pricing/model';
import { recordPrice, recordPromotion, type RecordOutcome } from '#domain/pricing/schedule';
import { SalesChannel } from '#domain/kernel/order';
import { StockKey } from '#domain/kernel/product';
import { formatIssues } from '#domain/kernel/validation';
import { DynamoPricingStore } from '#shared/adapters/pricing-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';
import { jsonAnswer, rawBody } from '#shared/api/http-answer';

const config = readConfig({ FABRIC_TABLE_PRICING: requiredName });
const ports = {
  store: new DynamoPricingStore(config.FABRIC_TABLE_PRICING),
  publisher: eventPublisherFromEnv(),
  ownership: loadDataOwnership(),
};

const PriceQuery = z.object({
  sku: StockKey,
  channel: SalesChannel,
  at: z.optional(z.iso.datetime({ offset: true })),
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/))),
});

/**
 * POST /prices and POST /promotions: 202 scheduled, 200 applied at once (late, flagged) with the
 * windows; 400 with field paths; 403 naming the domain and its owner when the sender does not own it.
 * GET /prices/{sku}?channel=&at=&currency=: 200 the effective price with the promotion that applies;
 * 404 when no price is in force.
 */
async function answerPrices(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (event.httpMethod === 'GET') return lookUp(event);
  let body: unknown;
  try {
    body = JSON.parse(rawBody(event).toString('utf8'));
  } catch {
    return jsonAnswer(400, {
      message: 'the body is not valid JSON',
      errors: [{ path: '(body)', message: 'is not valid JSON' }],
    });
  }
  const now = new Date();
  let outcome: RecordOutcome;
  if (event.resource === '/promotions') {
    const promotion = Promotion.safeParse(body);
    if (!promotion.success)
      return jsonAnswer(400, { message: 'the promotion is not valid', errors: formatIssues(promotion.error) });
    outcome = await recordPromotion(promotion.data, ports, now);
  } else {
    const entry = PriceEntry.safeParse(body);
    if (!entry.success)
      return jsonAnswer(400, { message: 'the price is not valid', errors: formatIssues(entry.error) });
    outcome = await recordPrice(entry.data, ports, now);
  }
  metrics.addMetric(`PricingChanges_${outcome.outcome}`, MetricUnit.Count, 1);
  logger.info('pricing change answered', { resource: event.resource, ...outcome });
  if (outcome.outcome === 'refused') return jsonAnswer(403, { message: outcome.message });
  return jsonAnswer(outcome.outcome === 'scheduled' ? 202 : 200, outcome);
}

async function lookUp(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const query = PriceQuery.safeParse({ ...event.queryStringParameters, sku: event.pathParameters?.sku });
  if (!query.success)
    return jsonAnswer(400, { message: 'the price query is not valid', errors: formatIssues(query.error) });
  const { sku, channel, currency } = query.data;
  const at = query.data.at ? new Date(query.data.at) : new Date();
  const [prices, promotions] = await Promise.all([ports.store.pricesFor([sku]), ports.store.promotionsFor([sku])]);
  const answer = effectivePrice(sku, channel, at, prices, promotions, currency);
  metrics.addMetric('PriceLookups', MetricUnit.Count, 1);
  if (!answer)
    return jsonAnswer(404, { message: `no price is in force for ${sku} on ${channel} at ${at.toISOString()}` });
  return jsonAnswer(200, answer);
}

export const handler = withObservability(answerPrices);
