import { BatchWriteCommand } from './aws-clients';
import { setTimeout as pause } from 'node:timers/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem takes 25 requests per call. */
const BATCH = 25;
const MAX_ROUNDS = 8;

/**
 * Writes every request, 25 a call, re-sending what DynamoDB hands back unprocessed (with a short
 * backoff, as it does so under throttling). Not transactional: a failure leaves earlier batches
 * written, which is why callers only write items that are safe to write again.
 */
export async function writeAllItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH) {
    let pending: WriteRequest[] = requests.slice(i, i + BATCH);
    for (let round = 0; pending.length; round += 1) {
      if (round === MAX_ROUNDS)
        throw new Error(
          `DynamoDB left ${pending.length} writes to ${tableName} unprocessed after ${MAX_ROUNDS} attempts`,
        );
      if (round > 0) await pause(50 * 2 ** round);
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}

export function putRequest(item: Record<string, unknown>): WriteRequest {
  return { PutRequest: { Item: item } };
}

export function deleteRequest(key: Record<string, unknown>): WriteRequest {
  return { DeleteRequest: { Key: key } };
}
