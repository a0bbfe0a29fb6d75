import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamo-query';
import { documentClient } from './aws-clients';
import { putRequest, writeAllItems } from './catalog-batch-write';
import type { TrailEntry } from '#domain/kernel/event-trail';

/** Long enough to answer "what happened to this order" through a month-end close; the raw archive keeps the rest. */
const KEPT_FOR_DAYS = 35;

/**
 * The most one item carries of an invocation's entries for one order, as JSON. Write units are counted
 * per KiB either way; the budget only keeps an item far below DynamoDB's 400 KB, whatever a batch of
 * failures' reasons say.
 */
const ITEM_BUDGET_BYTES = 8 * 1024;

/** What an item keeps of each entry: the rest (correlation id, queue, handling time) is the item's own. */
type TrailEvent = Omit<TrailEntry, 'correlationId' | 'queue' | 'handledAt'>;

/** An invocation's entries about one correlation id, as `record` stores them. */
type TrailItem = {
  pk: string;
  sk: string;
  queue: string;
  handledAt: string;
  events: TrailEvent[];
  expiresAt: number;
};

/** An item written before entries shared one: a single entry. Such items expire KEPT_FOR_DAYS after the change. */
type SingleEntryItem = TrailEntry & { pk: string; sk: string; expiresAt: number };

/**
 * The event trail, one item per invocation and correlation id (an order's id):
 *   pk TRAIL#{correlationId}  sk {handledAt}#{queue}#{eventId}#{receiveCount} of its first entry
 * holding what that invocation did with each event about it, so a batch pays one write per order, not
 * one per event. An order's whole path is one query; a redelivered attempt is another invocation's
 * item, so retries stay visible.
 */
export class DynamoEventTrail {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async record(entries: readonly TrailEntry[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + KEPT_FOR_DAYS * 86_400;
    const items: TrailItem[] = [];
    for (const [{ correlationId, queue, handledAt }, events] of sharingAnItem(entries)) {
      for (const chunk of withinBudget(events)) {
        items.push({
          pk: `TRAIL#${correlationId}`,
          sk: `${handledAt}#${queue}#${eventKey(chunk[0])}`,
          queue,
          handledAt,
          events: chunk,
          expiresAt,
        });
      }
    }
    await writeAllItems(this.client, this.tableName, items.map(putRequest));
  }

  /** Every entry about `correlationId`, ordered by when it was handled, then queue, event and attempt. */
  async forCorrelation(correlationId: string): Promise<TrailEntry[]> {
    const items = await queryAll<TrailItem | SingleEntryItem>(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `TRAIL#${correlationId}` },
    });
    return items.flatMap((item) => {
      if ('events' in item)
        return item.events.map((event) => ({ correlationId, ...event, queue: item.queue, handledAt: item.handledAt }));
      const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...entry } = item;
      return [entry];
    });
  }
}

/** The entries of one invocation grouped by correlation id (and queue and time, which one invocation shares), each group in sort-key order. */
function sharingAnItem(entries: readonly TrailEntry[]): [TrailEntry, TrailEvent[]][] {
  const groups = new Map<string, [TrailEntry, TrailEvent[]]>();
  for (const entry of entries) {
    const { correlationId, queue, handledAt, ...event } = entry;
    const key = JSON.stringify([correlationId, queue, handledAt]);
    const group = groups.get(key) ?? [entry, []];
    group[1].push(event);
    groups.set(key, group);
  }
  // Byte order, as DynamoDB sorts the items' keys.
  for (const [, events] of groups.values()) events.sort((a, b) => (eventKey(a) < eventKey(b) ? -1 : 1));
  return [...groups.values()];
}

function eventKey(event: TrailEvent): string {
  return `${event.eventId}#${event.receiveCount}`;
}

function* withinBudget(events: readonly TrailEvent[]): Generator<TrailEvent[]> {
  let chunk: TrailEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event));
    if (chunk.length > 0 && bytes + size > ITEM_BUDGET_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(event);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
