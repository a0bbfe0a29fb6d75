import { parseArgs } from 'node:util';
import { channelApisFromEnv } from '../../shared/channels/channel-apis';
import { webhookAdapters } from '../../shared/channels/registry';
import { DynamoSkuCrossReference } from '../../shared/adapters/cross-reference';
import { eventPublisherFromEnv } from '../../shared/adapters/event-publisher';
import { S3DeliveryArchive } from '../../shared/adapters/raw-archive';
import { webhookSecretsFromEnv } from '../../shared/adapters/webhook-secrets';
import { SalesChannel } from '../../shared/domain/order';
import { replayArchivedDelivery } from '../../shared/domain/webhook-delivery';
import type { LocalResources } from '../local-fabric/provision';

export interface ReplaySummary {
  republished: number;
  skipped: number;
}

/**
 * `replay --from <time> --to <time> [--channel c] [--detail-type T] [--dry-run]`: publishes again what
 * the webhook deliveries archived in the window carry (shared/domain/webhook-delivery.ts
 * replayArchivedDelivery). Safe to run twice: consumers dedupe on business keys. In AWS, the bus's
 * archive replays published events (DEPLOY.md); the raw archive also reaches deliveries that were
 * refused before anything was published.
 */
export async function replay(resources: LocalResources, argv: string[]): Promise<ReplaySummary> {
  const { values } = parseArgs({
    args: argv,
    options: { from: { type: 'string' }, to: { type: 'string' }, channel: { type: 'string' }, 'detail-type': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  const from = new Date(values.from ?? '');
  const to = new Date(values.to ?? new Date().toISOString());
  if (Number.isNaN(from.getTime())) throw new Error('replay: --from must be an ISO time, e.g. 2026-11-23T09:00:00Z');
  if (Number.isNaN(to.getTime()) || to <= from) throw new Error('replay: --to must be an ISO time after --from');
  const adapters = webhookAdapters(channelApisFromEnv());
  const channels = values.channel ? [SalesChannel.parse(values.channel)] : (Object.keys(adapters) as SalesChannel[]);
  const archive = new S3DeliveryArchive(resources.buckets.rawArchive);
  const ports = { publisher: eventPublisherFromEnv(), secrets: webhookSecretsFromEnv(), skus: new DynamoSkuCrossReference(resources.tables.crossReference) };
  const dryRun = values['dry-run'];
  const publisher = dryRun ? { publish: async () => undefined } : ports.publisher;

  const summary: ReplaySummary = { republished: 0, skipped: 0 };
  for await (const { key, delivery, verdict } of archive.deliveriesBetween(from, to, channels)) {
    const outcome = await replayArchivedDelivery(delivery, verdict, adapters[delivery.channel]!, { ...ports, publisher }, {
      ...(values['detail-type'] ? { detailTypes: [values['detail-type']] } : {}),
    });
    if (outcome.outcome === 'republished') {
      summary.republished += 1;
      console.log(`  ${dryRun ? 'would publish' : 'published'}  ${key}  ${outcome.orderId}  ${outcome.events.map((event) => event.detailType).join(', ')}`);
    } else {
      summary.skipped += 1;
      console.log(`  skipped    ${key}  ${outcome.reason}`);
    }
  }
  console.log(`${dryRun ? 'dry run: ' : ''}${summary.republished} delivery(ies) ${dryRun ? 'would be ' : ''}published again, ${summary.skipped} skipped`);
  return summary;
}
