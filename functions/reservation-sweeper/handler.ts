import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { sweepInventory } from '#domain/inventory/sweeper';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const ports = { ...inventoryStoreFromEnv(), publisher: eventPublisherFromEnv() };

/**
 * Every minute: releases expired reservations and publishes events a crash left pending. A record that
 * fails is logged and retried on the next run rather than failing the run, so one bad record never
 * holds up the others.
 */
async function sweep(): Promise<void> {
  const outcome = await sweepInventory(ports);
  metrics.addMetric('ReservationsExpired', MetricUnit.Count, outcome.released);
  metrics.addMetric('OutboxesDrained', MetricUnit.Count, outcome.drained);
  metrics.addMetric('SweepFailures', MetricUnit.Count, outcome.failed.length);
  if (outcome.failed.length)
    logger.error('sweeper could not finish some records; they are retried next run', { failed: outcome.failed });
  else logger.info('sweep done', { released: outcome.released, drained: outcome.drained });
}

export const handler = withObservability(sweep);
