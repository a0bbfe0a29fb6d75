import { EventBridgeClient, ListRulesCommand, StartReplayCommand, type Rule } from '@aws-sdk/client-eventbridge';
import { channelApisFromEnv } from '#shared/channels/channel-apis';
import { webhookAdapters } from '#shared/channels/registry';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { webhookSecretsFromEnv } from '#shared/adapters/webhook-secrets';
import type { SalesChannel } from '#domain/kernel/order';
import { replayArchivedDelivery } from '#domain/intake/webhook-delivery';
import type { AwsLocation, OpsResources } from './aws-fabric';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

export interface ReplaySummary {
  republished: number;
  skipped: number;
}

type ReplayWindow = { from: Date; to: Date; detailType?: string };

/**
 * `replay --from <time> --to <time> [--channel c] [--detail-type T] [--dry-run]`: publishes again what
 * the webhook deliveries archived in the window carry (shared/domain/intake/webhook-delivery.ts
 * replayArchivedDelivery). Safe to run twice: consumers dedupe on business keys. In a deployed region
 * it replays the bus's archive instead (startArchiveReplay).
 */
export async function replay(resources: OpsResources, argv: string[]): Promise<ReplaySummary | { replayName: string }> {
  const { flags: values } = parseCommand(opsCommands.replay, argv);
  const { from, to = new Date() } = values;
  if (resources.aws)
    return startArchiveReplay(resources.aws, {
      from,
      to,
      ...(values['detail-type'] ? { detailType: values['detail-type'] } : {}),
    });
  const adapters = webhookAdapters(channelApisFromEnv());
  const channels = values.channel ? [values.channel] : (Object.keys(adapters) as SalesChannel[]);
  const archive = new S3DeliveryArchive(resources.buckets.rawArchive);
  const ports = {
    publisher: eventPublisherFromEnv(),
    secrets: webhookSecretsFromEnv(),
    skus: new DynamoSkuCrossReference(resources.tables.crossReference),
  };
  const dryRun = values['dry-run'];
  const publisher = dryRun ? { publish: async () => undefined } : ports.publisher;

  const summary: ReplaySummary = { republished: 0, skipped: 0 };
  for await (const { key, delivery, verdict } of archive.deliveriesBetween(from, to, channels)) {
    const outcome = await replayArchivedDelivery(
      delivery,
      verdict,
      adapters[delivery.channel]!,
      { ...ports, publisher },
      {
        ...(values['detail-type'] ? { detailTypes: [values['detail-type']] } : {}),
      },
    );
    if (outcome.outcome === 'republished') {
      summary.republished += 1;
      console.log(
        `  ${dryRun ? 'would publish' : 'published'}  ${key}  ${outcome.orderId}  ${outcome.events.map((event) => event.detailType).join(', ')}`,
      );
    } else {
      summary.skipped += 1;
      console.log(`  skipped    ${key}  ${outcome.reason}`);
    }
  }
  console.log(
    `${dryRun ? 'dry run: ' : ''}${summary.republished} delivery(ies) ${dryRun ? 'would be ' : ''}published again, ${summary.skipped} skipped`,
  );
  return summary;
}

/**
 * Replays the window from the bus's archive to the rules that route the detail-type (all rules when
 * none is given): EventBridge re-delivers each archived event to those rules' queues, and consumers
 * dedupe on business keys, so replaying a window twice changes nothing the second time.
 */
export async function startArchiveReplay(
  aws: AwsLocation,
  window: ReplayWindow,
  client = new EventBridgeClient({ region: aws.region }),
): Promise<{ replayName: string }> {
  const rules: Rule[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListRulesCommand({ EventBusName: aws.busName, NextToken }));
    rules.push(...(page.Rules ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const routing = rules.filter((rule) => {
    const pattern = JSON.parse(rule.EventPattern ?? '{}') as { 'detail-type'?: string[] };
    return !window.detailType || !pattern['detail-type'] || pattern['detail-type'].includes(window.detailType);
  });
  if (routing.length === 0) throw new Error(`replay: no rule on ${aws.busName} routes ${window.detailType}`);
  const replayName = `fabric-replay-${window.from
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}-${Date.now()}`;
  await client.send(
    new StartReplayCommand({
      ReplayName: replayName,
      EventSourceArn: `arn:aws:events:${aws.region}:${aws.account}:archive/${aws.archiveName}`,
      EventStartTime: window.from,
      EventEndTime: window.to,
      Destination: {
        Arn: `arn:aws:events:${aws.region}:${aws.account}:event-bus/${aws.busName}`,
        FilterArns: routing.map((rule) => rule.Arn!),
      },
    }),
  );
  console.log(
    `started replay ${replayName} of ${window.from.toISOString()}..${window.to.toISOString()} to ${routing.length} rule(s); follow it with describe-replay`,
  );
  return { replayName };
}
