import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEvent } from '#domain/kernel/event';
import { AvailabilityChanged } from '#domain/inventory/events';
import { DynamoPublicationLedger, publicationTableFromEnv } from '#shared/adapters/publication-ledger';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { logRecordFailure, readReceiveLimits, trailEntry } from '#shared/adapters/queue-consumer';
import { tableEnvVar } from '#shared/config/topology';
import { logger, metrics } from '#shared/adapters/observability';
import { readConfig, requiredName } from '#shared/config/env';
import { outboundChannelApisFromEnv } from '#shared/channels/channel-apis';
import type { AvailabilityChange } from '#domain/channel-sync/publication';
import { publishAvailability } from '#domain/channel-sync/availability-sync';

const table = publicationTableFromEnv();
const ledger = new DynamoPublicationLedger(table);
const apis = outboundChannelApisFromEnv(table);
const trail = new DynamoEventTrail(
  readConfig({ [tableEnvVar('eventTrail')]: requiredName })[tableEnvVar('eventTrail')],
);
const receiveLimits = readReceiveLimits();
/** Longer than the function's 60 s timeout: a lease outlives its holder only when the holder died. */
const LEASE_MS = 90_000;

/**
 * AvailabilityChanged (one queue per channel): the whole batch is coalesced per SKU and published
 * through the channel's inventory API; only the records of SKUs whose publication failed go back to
 * the queue. No idempotency record: the publication ledger's version conditions make a redelivered
 * change either superseded or the same figure, published once (shared/adapters/publication-ledger.ts).
 */
async function syncBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  /** messageId -> why the record goes back to the queue. */
  const failures = new Map<string, string>();
  const changes: { record: SQSRecord; change: AvailabilityChange }[] = [];
  for (const record of event.Records) {
    try {
      changes.push({ record, change: parseEvent(record.body, AvailabilityChanged).data });
    } catch (error) {
      failures.set(record.messageId, logRecordFailure(record, error, receiveLimits));
    }
  }
  if (changes.length > 0) {
    const result = await publishAvailability(
      changes.map((c) => c.change),
      {
        ledger,
        inventoryApi: apis.inventory,
        owner: `${context.awsRequestId}-${randomUUID().slice(0, 8)}`,
        leaseMs: LEASE_MS,
        now: () => new Date(),
        timeLeftMs: () => context.getRemainingTimeInMillis(),
      },
    );
    for (const published of result.published) {
      metrics.addMetric('ChannelPropagationLag', MetricUnit.Milliseconds, published.lagMs);
    }
    metrics.addMetric('AvailabilityPublished', MetricUnit.Count, result.published.length);
    metrics.addMetric('AvailabilityChangesCoalesced', MetricUnit.Count, result.superseded + result.handedOver);
    const failed = new Map(result.failed.map((f) => [`${f.channel}#${f.sku}`, f.reason]));
    // Each record that goes back for it is logged below, loud on its last receive only.
    for (const failure of result.failed)
      logger.warn('availability not published; its changes return to the queue', { ...failure });
    for (const unlisted of result.unlisted)
      logger.warn('the channel does not list this SKU; the figure waits in the ledger for the drift check', {
        ...unlisted,
      });
    metrics.addMetric('AvailabilityForUnlistedSkus', MetricUnit.Count, result.unlisted.length);
    for (const { record, change } of changes) {
      const reason = failed.get(`${change.channel}#${change.sku}`);
      if (reason) failures.set(record.messageId, logRecordFailure(record, reason, receiveLimits));
    }
    logger.info('availability synced', {
      changes: changes.length,
      published: result.published.length,
      superseded: result.superseded,
      handedOver: result.handedOver,
      failed: result.failed.length,
    });
  }
  metrics.addMetric('ChannelSyncRecordsFailed', MetricUnit.Count, failures.size);
  const handledAt = new Date();
  const entries = event.Records.flatMap(
    (record) => trailEntry(record, handledAt, failures.get(record.messageId)) ?? [],
  );
  // As every queue consumer does: the trail explains, it never fails a batch.
  await trail
    .record(entries)
    .catch((error: unknown) => logger.warn('event trail not written', { error: String(error) }));
  return { batchItemFailures: [...failures.keys()].map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = withObservability(syncBatch);
