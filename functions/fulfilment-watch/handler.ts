import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { watchFulfilment } from '#domain/fulfilment';
import { fulfilmentPortsFromEnv } from '#shared/wiring/fulfilment-ports';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const { ports, shipments } = fulfilmentPortsFromEnv();

/**
 * Every minute: store tasks past their acceptance SLA are re-sourced, pickups past their hold expire,
 * and ShipBob orders that shipped go through the shipment flow. A request that failed stays due for
 * the next run: a passing failure is a WARN, one that will not pass by itself (a refusal) an ERROR.
 */
async function watch(_event: unknown, context: Context): Promise<void> {
  shipments.registerLambdaContext(context);
  const outcomes = await watchFulfilment(ports);
  const count = (outcome: string) => outcomes.filter((o) => o.outcome === outcome).length;
  metrics.addMetric('StoreSlaMissed', MetricUnit.Count, count('sla_missed'));
  metrics.addMetric('PickupsExpired', MetricUnit.Count, count('pickup_expired'));
  metrics.addMetric('ShippedBy3pl', MetricUnit.Count, count('shipped_by_3pl'));
  const failed = outcomes.filter((o) => o.outcome === 'failed');
  metrics.addMetric('FulfilmentWatchFailures', MetricUnit.Count, failed.length);
  const refused = failed.filter((o) => o.permanent);
  if (refused.length) logger.error('fulfilment requests refused: a person must look', { failed: refused });
  if (failed.length > refused.length)
    logger.warn('fulfilment requests to retry next run', { failed: failed.filter((o) => !o.permanent) });
  const done = outcomes.filter((o) => o.outcome !== 'failed' && o.outcome !== 'polled');
  if (done.length) logger.info('fulfilment watch', { done });
}

export const handler = withObservability(watch);
