import type { Context, ScheduledEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEvent } from '#domain/kernel/event';
import { ChannelCatchUpRequested } from '#domain/intake/events';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { catchUpChannel, type CatchUpResult } from '#domain/intake/catch-up';
import { SalesChannel } from '#domain/kernel/order';
import { REGION_CHANNELS_ENV, orderFeedsFromEnv } from '#shared/channels/order-feeds';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoConnectorStateStore } from '#shared/adapters/connector-state';
import { DynamoOrderVersions } from '#shared/adapters/order-store';
import { IdempotentExecutor, onceRunner } from '#shared/adapters/idempotency';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_BUCKET_RAW_ARCHIVE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_TABLE_CONNECTOR_STATE: requiredName,
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CHANNEL_PUBLICATIONS: requiredName,
  /** The region's channels (the stack sets them from its `channels` setting); unset, every channel with a feed. */
  [REGION_CHANNELS_ENV]: z.pipe(
    z.pipe(
      z.optional(z.string()),
      z.transform((value) => value?.split(',').filter(Boolean)),
    ),
    z.optional(z.array(SalesChannel)),
  ),
  /** How far each window reaches back before the cursor, for orders a channel indexes late. */
  FABRIC_CATCH_UP_OVERLAP_MINUTES: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 10),
  /** How far behind now a window ends: a webhook under way gets that long to arrive before a pull counts its order as missed. */
  FABRIC_CATCH_UP_SETTLE_SECONDS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 120),
  /** The first run's reach back, before any cursor exists. */
  FABRIC_CATCH_UP_INITIAL_DAYS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(90)), 3),
  FABRIC_CATCH_UP_PAGE_SIZE: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(250)), 50),
  /** Scheduled runs of one channel failing in a row before it is an exception. */
  FABRIC_CATCH_UP_FAILING_AFTER: z._default(z.coerce.number().check(z.int(), z.positive()), 3),
});

// Kept: windows overlap, so one order version is listed by several runs. For an order that maps, the
// store's version read and the consumers' order-version conditions would stop a second OrderReceived,
// but an order held for attention (an unknown SKU, a payload the rules refuse) is guarded by nothing
// else: each listing would raise OrderNeedsAttention again under a new event id, which the exceptions
// queue counts as another occurrence.
const pulls = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, 'channel-order-pull');
const feeds = orderFeedsFromEnv(config.FABRIC_TABLE_CHANNEL_PUBLICATIONS, {
  pageSize: config.FABRIC_CATCH_UP_PAGE_SIZE,
});
const connectors = new DynamoConnectorStateStore(config.FABRIC_TABLE_CONNECTOR_STATE);
const ports = {
  state: connectors,
  failures: connectors,
  delivered: new DynamoOrderVersions(config.FABRIC_TABLE_ORDERS),
  archive: new S3DeliveryArchive(config.FABRIC_BUCKET_RAW_ARCHIVE),
  publisher: eventPublisherFromEnv(),
  skus: new DynamoSkuCrossReference(config.FABRIC_TABLE_CROSS_REFERENCE),
  once: onceRunner(pulls),
};
const channels = (config[REGION_CHANNELS_ENV] ?? SalesChannel.options).filter((channel) => feeds[channel]);

function catchUp(channel: SalesChannel, context: Context, since?: string): Promise<CatchUpResult> {
  const feed = feeds[channel];
  if (!feed) throw new Error(`${channel} has no catch-up pull: its orders cannot be listed by last-modified time`);
  return catchUpChannel(feed(), ports, {
    now: new Date(),
    ...(since ? { since } : {}),
    overlapMs: config.FABRIC_CATCH_UP_OVERLAP_MINUTES * 60_000,
    settleMs: config.FABRIC_CATCH_UP_SETTLE_SECONDS * 1000,
    initialLookbackMs: config.FABRIC_CATCH_UP_INITIAL_DAYS * 86_400_000,
    failingAfter: config.FABRIC_CATCH_UP_FAILING_AFTER,
    // Leave room for one more page, its publishes and the state write.
    hasTimeLeft: () => context.getRemainingTimeInMillis() > 20_000,
  });
}

function report(result: CatchUpResult): void {
  if (result.outcome === 'failed') {
    // Retried by the next scheduled run; ChannelCatchUpFailing is what asks a person to look.
    logger.warn('catch-up pull failed', { ...result });
    return;
  }
  if (result.outcome === 'pulled') {
    const found = metrics.singleMetric();
    found.addDimension('channel', result.channel);
    found.addMetric('CatchUpOrdersPublished', MetricUnit.Count, result.report.published);
  }
  logger.info('catch-up pulled', { ...result });
}

/** Scheduled: every channel of the region pulled side by side, each from its own cursor. */
async function catchUpEveryChannel(_event: ScheduledEvent, context: Context): Promise<CatchUpResult[]> {
  pulls.registerLambdaContext(context);
  const results = await Promise.all(channels.map((channel) => catchUp(channel, context)));
  results.forEach(report);
  return results;
}

let invocation: Context;
/** Asked for by an operator (`ops channel catch-up`): one channel, its report kept for the command to print. */
async function catchUpAsRequested(record: SQSRecord): Promise<void> {
  const { data } = parseEvent(record.body, ChannelCatchUpRequested);
  logger.appendKeys({ channel: data.channel, requestId: data.requestId, requestedBy: data.requestedBy });
  let result: CatchUpResult;
  try {
    result = await catchUp(data.channel, invocation, data.since);
  } catch (error) {
    result = { channel: data.channel, outcome: 'failed', reason: (error as Error).message, failures: 1 };
  }
  report(result);
  await connectors.recordRequestedRun(data.requestId, result);
}

const onSchedule = withObservability(catchUpEveryChannel);
const onRequests = queueConsumer(catchUpAsRequested, {
  failureMetric: 'CatchUpRequestsFailed',
  beforeBatch: (context) => {
    invocation = context;
    pulls.registerLambdaContext(context);
  },
});

export const handler = (event: ScheduledEvent | SQSEvent, context: Context) =>
  'Records' in event ? onRequests(event, context) : onSchedule(event, context);
