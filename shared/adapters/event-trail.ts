import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamo-query';
import { documentClient } from './aws-clients';
import { putRequest, writeAllItems } from './catalog-batch-write';
import type { TrailEntry } from '#domain/kernel/event-trail';

/** Long enough to answer "what happened to this order" through a month-end close; the raw archive keeps the rest. */
const KEPT_FOR_DAYS = 35;

/** An entry as `record` stores it: its keys and its expiry around it. */
type TrailItem = TrailEntry & { pk: string; sk: string; expiresAt: number };

/**
 * The event trail, one item per event and attempt:
 *   pk TRAIL#{correlationId}  sk {handledAt}#{queue}#{eventId}#{receiveCount}
 * An order's whole path is one query; a redelivered attempt is its own item, so retries stay visible.
 */
export class DynamoEventTrail {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async record(entries: readonly TrailEntry[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + KEPT_FOR_DAYS * 86_400;
    await writeAllItems(
      this.client,
      this.tableName,
      entries.map((entry) =>
        putRequest({
          pk: `TRAIL#${entry.correlationId}`,
          sk: `${entry.handledAt}#${entry.queue}#${entry.eventId}#${entry.receiveCount}`,
          ...entry,
          expiresAt,
        }),
      ),
    );
  }

  async forCorrelation(correlationId: string): Promise<TrailEntry[]> {
    const items = await queryAll<TrailItem>(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `TRAIL#${correlationId}` },
    });
    return items.map(({ pk: _pk, sk: _sk, expiresAt: _expiresAt, ...entry }) => entry);
  }
}
