import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/**
 * Stands in for a downstream queue consumer in a benchmark that measures what comes before it: it
 * acknowledges every record. In AWS consumers scale on their own; on a laptop they would share the
 * one DynamoDB Local with the code under measurement.
 */
export async function handler(_event: SQSEvent): Promise<SQSBatchResponse> {
  return { batchItemFailures: [] };
}
