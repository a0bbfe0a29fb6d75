import type { Context, ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createEvent } from '#domain/kernel/event';
import { ChannelDriftCorrected } from '#domain/channel-sync/events';
import { DynamoPublicationLedger, publicationTableFromEnv } from '#shared/adapters/publication-ledger';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';
import { outboundChannelApisFromEnv } from '#shared/channels/channel-apis';
import { correctDrift } from '#domain/channel-sync/availability-sync';

const table = publicationTableFromEnv();
const ledger = new DynamoPublicationLedger(table);
const apis = outboundChannelApisFromEnv(table);
const publisher = eventPublisherFromEnv();
/** Longer than the 300 s timeout, as for the sync's leases. */
const LEASE_MS = 330_000;

/**
 * Every channel the fabric publishes to: read back what it lists, correct what drifted from the
 * ledger and publish ChannelDriftCorrected per correction. A channel whose API fails is logged and
 * the others still run; the next schedule tries it again.
 */
async function checkDrift(_event: ScheduledEvent, context: Context): Promise<void> {
  const owner = `drift-${context.awsRequestId}-${randomUUID().slice(0, 8)}`;
  for (const channel of apis.inventoryChannels) {
    // inventoryChannels are the channels that have an inventory API, so none is skipped here.
    const inventory = apis.inventory(channel);
    if (!inventory) continue;
    try {
      const checkedAt = new Date().toISOString();
      const { checked, corrections, result } = await correctDrift(inventory, {
        ledger,
        owner,
        leaseMs: LEASE_MS,
        now: () => new Date(),
        timeLeftMs: () => context.getRemainingTimeInMillis(),
      });
      await publisher.publish(
        corrections.map((correction) =>
          createEvent(ChannelDriftCorrected, { ...correction, checkedAt }, { correlationId: `sku:${correction.sku}` }),
        ),
      );
      metrics.addMetric('ChannelDriftCorrected', MetricUnit.Count, corrections.length);
      logger.info('drift checked', { channel, checked, corrected: corrections.length, failed: result.failed });
    } catch (error) {
      logger.error('drift check failed for a channel', {
        channel,
        error: `${(error as Error).name}: ${(error as Error).message}`,
      });
    }
  }
}

export const handler = withObservability(checkDrift);
