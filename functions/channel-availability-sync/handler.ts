import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEventBody } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { OversellIncident } from '#domain/channel-sync/events';
import { DynamoPublicationLedger, publicationTableFromEnv } from '#shared/adapters/publication-ledger';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { logRecordFailure, readReceiveLimits, trailEntry } from '#shared/adapters/queue-consumer';
import { redeemClaimCheck } from '#shared/adapters/event-claim-checks';
import { tableEnvVar } from '#shared/config/topology';
import { logger, metrics } from '#shared/adapters/observability';
import { readConfig, requiredName } from '#shared/config/env';
import { outboundChannelApisFromEnv } from '#shared/channels/channel-apis';
import type { AvailabilityChange } from '#domain/channel-sync/publication';
import { publishAvailability } from '#domain/channel-sync/availability-sync';
import { findOversells } from '#domain/channel-sync/oversell';
import { oversellIncidentId } from '#domain/channel-sync/model';

const table = publicationTableFromEnv();
const ledger = new DynamoPublicationLedger(table);
const apis = outboundChannelApisFromEnv(table);
const publisher = eventPublisherFromEnv();
const trail = new DynamoEventTrail(
  readConfig({ [tableEnvVar('eventTrail')]: requiredName })[tableEnvVar('eventTrail')],
);
const receiveLimits = readReceiveLimits();
/** Longer than the function's 60 s timeout: a lease outlives its holder only when the holder died. */
const LEASE_MS = 90_000;

/**
 * Two queues feed this function. AvailabilityChanged (one queue per channel): the whole batch is
 * coalesced per SKU and published through the channel's inventory API; only the records of SKUs whose
 * publication failed go back to the queue. OrderReceived: the order is checked, once, against the
 * zeros the channel had acknowledged (OversellIncident).
 */
async function syncBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  /** messageId -> why the record goes back to the queue. */
  const failures = new Map<string, string>();
  const changes: { record: SQSRecord; change: AvailabilityChange }[] = [];
  for (const record of event.Records) {
    try {
      const detailType = (JSON.parse(record.body) as { 'detail-type'?: string })['detail-type'];
      if (detailType === 'OrderReceived') await checkOversell(await redeemClaimCheck(record));
      else changes.push({ record, change: parseEventBody(record.body, 'AvailabilityChanged').data });
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

/**
 * Once-only without an idempotency record: the check only reads the publication ledger, and each
 * incident's event id is derived from the order and SKU (oversellIncidentId), so a redelivery or a
 * later version of the order publishes the same event again, which the exceptions queue already holds.
 */
async function checkOversell(record: SQSRecord): Promise<void> {
  const event = parseEventBody(record.body, 'OrderReceived');
  const { order } = event.data;
  const incidents = await findOversells(order, ledger);
  await publisher.publish(
    incidents.map((incident) => ({
      ...createEvent(OversellIncident, incident, { correlationId: order.orderId, causationId: event.id }),
      id: oversellIncidentId(order.orderId, incident.sku),
    })),
  );
  for (const incident of incidents)
    logger.warn('oversell: the channel sold a SKU after acknowledging zero', { ...incident });
  metrics.addMetric('OversellIncidents', MetricUnit.Count, incidents.length);
}

export const handler = withObservability(syncBatch);
