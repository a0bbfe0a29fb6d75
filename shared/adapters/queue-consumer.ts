import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { withObservability } from './lambda-middleware';
import { logger, metrics, withRecordLogger } from './observability';
import { DynamoEventTrail } from './event-trail';
import { redeemClaimCheck } from './event-claim-checks';
import { tableEnvVar } from '#shared/config/topology';
import { MAX_RECEIVE_COUNTS_ENV, maxReceiveCounts, readConfig, requiredName } from '#shared/config/env';
import type { TrailEntry } from '#domain/kernel/event-trail';
import { PermanentError } from '#domain/kernel/errors';

export interface QueueConsumerOptions {
  /** Counts the records of a batch that failed: the early signal, before a DLQ alarm fires. */
  failureMetric: string;
  /** Per-invocation setup, e.g. registering the Lambda context with an idempotency executor. */
  beforeBatch?: (context: Context) => void;
}

/**
 * A Lambda SQS consumer: every record through `handleRecord`, which throws to fail it. Only failed
 * records go back to the queue (ReportBatchItemFailures) and, after maxReceiveCount, to its DLQ. Each
 * failure is logged with its message id and reason under the record's correlation id, which is where
 * `ops dlq peek` sends whoever asks why a valid event is held: at WARN while the queue will deliver it
 * again, at ERROR when a person must look (see logRecordFailure). Every fabric event handled or failed
 * is also written to the event trail with its outcome and reason (`ops order trace`), in one write per
 * invocation that holds one item per order the batch was about.
 */
export function queueConsumer(handleRecord: (record: SQSRecord) => Promise<void>, options: QueueConsumerOptions) {
  const trail = new DynamoEventTrail(
    readConfig({ [tableEnvVar('eventTrail')]: requiredName })[tableEnvVar('eventTrail')],
  );
  const receiveLimits = readReceiveLimits();
  return withObservability(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    options.beforeBatch?.(context);
    // A processor per invocation: it holds the batch's records and failures, and the local runtime
    // runs a function's concurrent invocations in one module (Lambda gives each its own environment),
    // where a shared processor reported one batch's failures as another's successes and lost them.
    const processor = new BatchProcessor(EventType.SQS);
    // A batch that failed whole is reported record by record like any other, so each failure is
    // logged and trailed with its reason instead of surfacing as one opaque invocation error.
    // An event too large for the bus arrives as a claim check; the handler gets it whole.
    // The records run side by side, each with a child logger, so the keys one appends never name another's lines.
    const response = await processPartialResponse(
      event,
      (record: SQSRecord) => withRecordLogger(async () => handleRecord(await redeemClaimCheck(record))),
      processor,
      { context, throwOnFullBatchFailure: false },
    );
    const reasons = new Map<string, string>();
    processor.failureMessages.forEach((record, i) => {
      const sqsRecord = record as SQSRecord;
      reasons.set(sqsRecord.messageId, logRecordFailure(sqsRecord, processor.errors[i] ?? 'unknown', receiveLimits));
    });
    metrics.addMetric(options.failureMetric, MetricUnit.Count, response.batchItemFailures.length);
    const handledAt = new Date();
    const entries = event.Records.flatMap(
      (record) => trailEntry(record, handledAt, reasons.get(record.messageId)) ?? [],
    );
    for (const entry of entries)
      metrics.addMetric(
        'EventLag',
        MetricUnit.Milliseconds,
        Math.max(0, handledAt.getTime() - Date.parse(entry.eventTime)),
      );
    // The trail explains; it never decides: a batch the consumer got through is not failed for it.
    await trail
      .record(entries)
      .catch((error: unknown) => logger.warn('event trail not written', { error: String(error) }));
    return response;
  });
}

/** The maxReceiveCount of each queue this function reads, by queue name, from MAX_RECEIVE_COUNTS_ENV: read once, at cold start. */
export function readReceiveLimits(env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, number>> {
  return readConfig({ [MAX_RECEIVE_COUNTS_ENV]: maxReceiveCounts }, env)[MAX_RECEIVE_COUNTS_ENV];
}

/**
 * Logs why a record goes back to its queue, as loud as it deserves, and answers the reason for the
 * trail. ERROR is for what a person must see: a PermanentError (retrying changes nothing), or any
 * failure on the queue's last receive (`receiveLimits`, by queue name), after which SQS moves the
 * message to its DLQ. Otherwise WARN: the queue delivers it again, and a failure that a retry clears
 * (stock kept moving, a lease held elsewhere, the ERP throttling) is no alarm. A queue missing from
 * `receiveLimits` counts every receive as one a retry follows.
 */
export function logRecordFailure(
  record: SQSRecord,
  failure: unknown,
  receiveLimits: Readonly<Record<string, number>>,
): string {
  const reason = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const maxReceiveCount = receiveLimits[queueName(record)];
  const details = {
    messageId: record.messageId,
    receiveCount: record.attributes?.ApproximateReceiveCount,
    error: reason,
  };
  if (maxReceiveCount !== undefined && receiveCount >= maxReceiveCount) {
    logger.error('record failed on its last receive; it goes to the DLQ', { ...details, maxReceiveCount });
  } else if (failure instanceof PermanentError) {
    logger.error(
      'record failed and retrying will not change that; it returns to the queue and, after maxReceiveCount, to the DLQ',
      details,
    );
  } else {
    logger.warn('record failed; it returns to the queue and, after maxReceiveCount, to the DLQ', details);
  }
  return reason;
}

/** A queue's name is the last part of its ARN, in AWS as in the local runtime. */
function queueName(record: SQSRecord): string {
  return record.eventSourceARN.split(':').at(-1) ?? record.eventSourceARN;
}

/**
 * The trail entry for a record that carries a fabric event; undefined for other bodies (a channel's
 * own notification). Its time against `handledAt` is the event lag: how far behind the business this
 * consumer runs, which queue age alone does not say once an event has crossed several queues.
 */
export function trailEntry(record: SQSRecord, handledAt: Date, reason: string | undefined): TrailEntry | undefined {
  let body: {
    id?: unknown;
    time?: unknown;
    'detail-type'?: unknown;
    detail?: { metadata?: { correlationId?: unknown } };
  };
  try {
    body = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  const correlationId = body?.detail?.metadata?.correlationId;
  if (
    typeof body?.id !== 'string' ||
    typeof body.time !== 'string' ||
    Number.isNaN(Date.parse(body.time)) ||
    typeof correlationId !== 'string'
  )
    return undefined;
  return {
    correlationId,
    eventId: body.id,
    detailType: String(body['detail-type']),
    eventTime: body.time,
    queue: queueName(record),
    handledAt: handledAt.toISOString(),
    outcome: reason ? 'failed' : 'handled',
    ...(reason ? { reason } : {}),
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
  };
}
