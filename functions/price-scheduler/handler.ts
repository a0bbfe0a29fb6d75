import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { publishDueWindows } from '#domain/pricing/schedule';
import { DynamoPricingStore } from '#shared/adapters/pricing-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({ FABRIC_TABLE_PRICING: requiredName });
const ports = { store: new DynamoPricingStore(config.FABRIC_TABLE_PRICING), publisher: eventPublisherFromEnv() };

/**
 * Every minute (EventBridge Scheduler; locally the runtime's timer): publishes the price and promotion
 * windows due now. The clock is read here, once per run, so a test's fake clock decides what is due.
 */
async function publishDuePricing(): Promise<void> {
  const now = new Date();
  const published = await publishDueWindows(ports, now);
  metrics.addMetric('PricingWindowsPublished', MetricUnit.Count, published.length);
  for (const window of published)
    metrics.addMetric('PricingWindowPublishLagMs', MetricUnit.Milliseconds, now.getTime() - Date.parse(window.dueAt));
  if (published.length)
    logger.info('pricing windows published', {
      windows: published.map(({ windowKey, dueAt }) => ({ windowKey, dueAt })),
    });
}

export const handler = withObservability(publishDuePricing);
