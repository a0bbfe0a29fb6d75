import { BatchGetCommand, QueryCommand } from './aws-clients';
import type { BatchGetCommandOutput, DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * Every item a query matches, page after page: DynamoDB ends a page at 1 MB, however few items that is.
 * `Item` is the shape the caller's table stores; DynamoDB does not check it, so it is the caller's word.
 */
export async function* queryItems<Item = Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): AsyncGenerator<Item> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield* (page.Items ?? []) as Item[];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

export async function queryAll<Item = Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of queryItems<Item>(client, input)) items.push(item);
  return items;
}

/**
 * The items of these keys that exist, in no particular order: BatchGetItem takes 100 keys a call and
 * may hand some back unprocessed under load, which are asked for again.
 */
export async function getAllItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: { consistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    while (pending?.length) {
      const result: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ...(options.consistentRead ? { ConsistentRead: true } : {}) } },
        }),
      );
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return items;
}

/**
 * DynamoDB answered without an item the request implies: the values an update asked it to return, or
 * the item a condition has just failed on.
 */
export class MissingItemError extends Error {
  override name = 'MissingItemError';
}

/**
 * The attributes an UpdateItem asked for with ReturnValues (ALL_NEW, UPDATED_NEW), which DynamoDB always
 * sends back after a write it made; `what` names the item for the error should it not.
 */
export function returnedAttributes(
  { Attributes }: { Attributes?: Record<string, unknown> },
  what: string,
): Record<string, unknown> {
  if (!Attributes) throw new MissingItemError(`the update of ${what} returned no attributes`);
  return Attributes;
}
