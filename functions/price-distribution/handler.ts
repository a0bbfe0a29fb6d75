import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import { WireEvent, parseEvent } from '#domain/kernel/event';
import { PriceChanged, PromotionActivated, PromotionEnded } from '#domain/pricing/events';
import { distributePriceWindow, type PriceAcknowledgement, type PriceWindow } from '#domain/pricing/distribution';
import { DynamoPricingStore, S3PosPriceFiles, recordPricePublication } from '#shared/adapters/pricing-store';
import { DynamoPublicationLedger } from '#shared/adapters/publication-ledger';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';
import { channelPriceApisFromEnv } from './channel-price-apis';

const config = readConfig({
  FABRIC_TABLE_PRICING: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_BUCKET_POS_BATCHES: requiredName,
  FABRIC_TABLE_CHANNEL_PUBLICATIONS: requiredName,
});
const ledger = new DynamoPublicationLedger(config.FABRIC_TABLE_CHANNEL_PUBLICATIONS);
const ports = {
  prices: new DynamoPricingStore(config.FABRIC_TABLE_PRICING),
  products: new DynamoSkuCrossReference(config.FABRIC_TABLE_CROSS_REFERENCE),
  channelApis: channelPriceApisFromEnv(config.FABRIC_TABLE_CHANNEL_PUBLICATIONS),
  storeFiles: new S3PosPriceFiles(config.FABRIC_BUCKET_POS_BATCHES),
  stores: loadInventoryPolicy()
    .locations.filter((location) => location.kind === 'store')
    .map((location) => location.id),
  acknowledge: async (ack: PriceAcknowledgement) => {
    const recorded = await recordPricePublication(ledger, ack, randomUUID());
    if (recorded !== 'recorded')
      logger.info('price publication not recorded', {
        channel: ack.channel,
        storeId: ack.storeId,
        sku: ack.sku,
        windowKey: ack.windowKey,
        recorded,
      });
  },
  now: () => new Date(),
};

/** One PriceChanged, PromotionActivated or PromotionEnded to every channel listing its SKUs and every store. */
async function distributeWindow(record: SQSRecord): Promise<void> {
  const window = priceWindowOf(record.body);
  logger.appendKeys({ correlationId: window.windowKey });
  const outcome = await distributePriceWindow(window, ports);
  for (const push of outcome.pushed) {
    metrics.addMetric(`PricePropagationLagMs_${push.channel}`, MetricUnit.Milliseconds, push.lagMs);
  }
  metrics.addMetric('StorePriceFilesWritten', MetricUnit.Count, outcome.storeFiles.length);
  if (outcome.skipped.length) metrics.addMetric('PricePushesSkipped', MetricUnit.Count, outcome.skipped.length);
  logger.info('price window distributed', {
    pushed: outcome.pushed.length,
    skipped: outcome.skipped,
    storeFiles: outcome.storeFiles,
  });
}

function priceWindowOf(body: string): PriceWindow {
  const detailType = WireEvent.parse(JSON.parse(body))['detail-type'];
  if (detailType === 'PriceChanged') {
    const { data } = parseEvent(body, PriceChanged);
    return { skus: [data.sku], effectiveAt: data.effectiveAt, windowKey: data.windowKey };
  }
  const { data } = parseEvent(body, detailType === 'PromotionEnded' ? PromotionEnded : PromotionActivated);
  return { skus: data.promotion.targets.skus, effectiveAt: data.effectiveAt, windowKey: data.windowKey };
}

export const handler = queueConsumer(distributeWindow, { failureMetric: 'PriceWindowsFailed' });
