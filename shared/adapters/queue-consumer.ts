import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { withObservability } from './lambda-middleware';
import { logger, metrics } from './observability';

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
 * `ops dlq peek` sends whoever asks why a valid event is held.
 */
export function queueConsumer(handleRecord: (record: SQSRecord) => Promise<void>, options: QueueConsumerOptions) {
  const processor = new BatchProcessor(EventType.SQS);
  return withObservability(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    options.beforeBatch?.(context);
    const response = await processPartialResponse(event, handleRecord, processor, { context });
    processor.failureMessages.forEach((record, i) => {
      const error = processor.errors[i];
      logger.error('record failed; it returns to the queue and, after maxReceiveCount, to the DLQ', {
        messageId: (record as SQSRecord).messageId,
        receiveCount: (record as SQSRecord).attributes?.ApproximateReceiveCount,
        error: error ? `${error.name}: ${error.message}` : 'unknown',
      });
    });
    metrics.addMetric(options.failureMetric, MetricUnit.Count, response.batchItemFailures.length);
    for (const record of event.Records) {
      const lag = eventLagMs(record);
      if (lag !== undefined) metrics.addMetric('EventLag', MetricUnit.Milliseconds, lag);
    }
    return response;
  });
}

/**
 * From the event's own time to now: how far behind the business this consumer runs, which queue age
 * alone does not say once an event has crossed several queues. Undefined for bodies that are not events.
 */
function eventLagMs(record: SQSRecord): number | undefined {
  try {
    const time = Date.parse((JSON.parse(record.body) as { time?: unknown }).time as string);
    return Number.isNaN(time) ? undefined : Math.max(0, Date.now() - time);
  } catch {
    return undefined;
  }
}
