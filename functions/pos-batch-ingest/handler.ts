import { posBatchReader } from '#shared/pos/pos-batch-reader';
import type { Context, S3Event, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { parseEvent } from '#domain/kernel/event';
import {
  DEFAULT_POS_INGEST_LIMITS,
  ingestPosUpload,
  type InvocationContext,
  type PosIngestOutcome,
} from '#domain/pos/batch-ingest';
import { posUploadId, type PosUpload } from '#domain/pos/batch';
import { PosBatchContinuationRequested } from '#domain/pos/events';
import { loadInventoryPolicy, locationTimeZones } from '#domain/inventory/policy';
import {
  DynamoPosRegisterSequences,
  DynamoPosTransactionClaims,
  DynamoPosUploadProgressStore,
} from '#shared/adapters/pos-ingest-store';
import { S3PosBatchObjects } from '#shared/adapters/pos-batch-bucket';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_TABLE_POS_INGEST: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_BUCKET_POS_BATCHES: requiredName,
  /** Lines one invocation reads before handing the rest of a batch to a continuation. */
  FABRIC_POS_MAX_LINES_PER_INVOCATION: z._default(
    z.coerce.number().check(z.int(), z.positive()),
    DEFAULT_POS_INGEST_LIMITS.maxLinesPerInvocation,
  ),
  FABRIC_POS_INVOCATION_BUDGET_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.positive()),
    DEFAULT_POS_INGEST_LIMITS.maxMillisPerInvocation / 1000,
  ),
});

const ports = {
  progress: new DynamoPosUploadProgressStore(config.FABRIC_TABLE_POS_INGEST),
  claims: new DynamoPosTransactionClaims(config.FABRIC_TABLE_POS_INGEST),
  sequences: new DynamoPosRegisterSequences(config.FABRIC_TABLE_POS_INGEST),
  skus: new DynamoSkuCrossReference(config.FABRIC_TABLE_CROSS_REFERENCE),
  publisher: eventPublisherFromEnv(),
  objects: new S3PosBatchObjects(),
  reader: posBatchReader,
  storeTimeZones: locationTimeZones(loadInventoryPolicy()),
};
const limits = {
  ...DEFAULT_POS_INGEST_LIMITS,
  maxLinesPerInvocation: config.FABRIC_POS_MAX_LINES_PER_INVOCATION,
  maxMillisPerInvocation: config.FABRIC_POS_INVOCATION_BUDGET_SECONDS * 1000,
};

/**
 * Two triggers, one job: an S3 object-created notification starts a batch upload, and the
 * pos-batch-continuation queue brings back one that needed more than one invocation. Either way the
 * upload goes as far as this invocation's budget allows; bad content never throws, infrastructure
 * failures do (S3's async retry, or the queue's redelivery, resumes from the last checkpoint).
 */
async function ingestBatches(event: S3Event | SQSEvent, context: Context) {
  const invocation: InvocationContext = {
    owner: context.awsRequestId,
    remainingMillis: () => context.getRemainingTimeInMillis(),
    now: () => Date.now(),
  };
  if (isSqsEvent(event)) {
    // Per invocation, as in queueConsumer: the processor holds this batch's failures.
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const continuation = parseEvent(record.body, PosBatchContinuationRequested);
        recordOutcome(await ingestPosUpload(continuation.data.upload, ports, invocation, limits));
      },
      new BatchProcessor(EventType.SQS),
      { context },
    );
  }
  for (const record of event.Records ?? []) {
    const { bucket, object } = record.s3;
    const upload: PosUpload = {
      bucket: bucket.name,
      // S3 URL-encodes keys in notifications, spaces as '+'.
      key: decodeURIComponent(object.key.replace(/\+/g, ' ')),
      uploadId: posUploadId(object),
      ...(object.versionId ? { versionId: object.versionId } : {}),
      ...(object.eTag ? { eTag: object.eTag } : {}),
    };
    recordOutcome(await ingestPosUpload(upload, ports, invocation, limits));
  }
  return undefined;
}

function recordOutcome(result: PosIngestOutcome): void {
  metrics.addMetric(`PosUploads_${result.outcome}`, MetricUnit.Count, 1);
  if (result.outcome === 'finished') {
    const { counts, status, gaps } = result.summary;
    metrics.addMetric('PosTransactionsAccepted', MetricUnit.Count, counts.accepted);
    metrics.addMetric('PosTransactionsDuplicate', MetricUnit.Count, counts.duplicates);
    metrics.addMetric('PosLinesQuarantined', MetricUnit.Count, counts.quarantinedLines);
    logger.info('POS batch finished', { uploadRef: result.uploadRef, status, counts, gaps });
  } else {
    logger.info('POS batch invocation', { ...result });
  }
}

function isSqsEvent(event: S3Event | SQSEvent): event is SQSEvent {
  return event.Records?.[0]?.eventSource === 'aws:sqs';
}

export const handler = withObservability(ingestBatches);
