import { isConditionFailure } from './dynamo-errors';
import { setTimeout } from 'node:timers/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, GetCommand, PutCommand } from './aws-clients';
import { queryAll } from './dynamo-query';
import {
  EXCEPTION_KINDS,
  ExceptionChangedError,
  type ExceptionAction,
  type ExceptionFilter,
  type ExceptionKind,
  type ExceptionRecord,
  type ExceptionStatus,
  type ExceptionStore,
  type RaisedException,
} from '#domain/exceptions';
import type { SalesChannel } from '#domain/kernel/order';

/** Enough for a batch of sightings of one cause arriving together; beyond it the record is retried by its queue. */
const RAISE_ATTEMPTS = 12;

// UTC ISO-8601 timestamps sort as strings do; Math.min and Math.max would turn them into NaN.
const earlierOf = (a: string, b: string): string => (a < b ? a : b);
const laterOf = (a: string, b: string): string => (a > b ? a : b);

/**
 * The exceptions table: one item per exception, keyed on its cause-derived id.
 *   id                          -> the row, with `version` for conditional writes
 *   byKind  (kind, firstSeenAt) -> the queue per kind, oldest first (lists, metrics)
 *   byOrder (orderId, kind)     -> an order's exceptions (sparse: only those about an order), for self-resolution
 * `channelSkus` is top level so map-sku can find the rows that wait for a SKU.
 */
export class DynamoExceptionStore implements ExceptionStore {
  constructor(
    private readonly table: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async raise(raised: RaisedException, sighting: { eventId: string; at: string }): Promise<ExceptionRecord> {
    // Two sightings of one cause racing (a burst of redeliveries) both land: the loser reads again and counts on top.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.raiseOnce(raised, sighting);
      } catch (error) {
        if (!(error instanceof ExceptionChangedError) || attempt === RAISE_ATTEMPTS) throw error;
        // Jittered, so racing writers stop meeting on the same version.
        await setTimeout(Math.random() * 10 * attempt);
      }
    }
  }

  private async raiseOnce(
    raised: RaisedException,
    sighting: { eventId: string; at: string },
  ): Promise<ExceptionRecord> {
    const existing = await this.get(raised.id);
    if (existing?.eventIds.includes(sighting.eventId)) return existing;
    const next: ExceptionRecord = existing
      ? {
          ...existing,
          count: existing.count + 1,
          // Redeliveries arrive in any order: the row spans the earliest and the latest sighting.
          firstSeenAt: earlierOf(sighting.at, existing.firstSeenAt),
          lastSeenAt: laterOf(sighting.at, existing.lastSeenAt),
          eventIds: [...existing.eventIds, sighting.eventId],
          version: existing.version + 1,
          // The cause came back after it was resolved: the row reopens. A dismissal is a person's decision and stands.
          ...(existing.status === 'resolved'
            ? {
                status: 'open' as const,
                actions: [
                  ...existing.actions,
                  {
                    action: 'reopened' as const,
                    by: 'fabric',
                    at: sighting.at,
                    why: 'raised again after it was resolved',
                  },
                ],
              }
            : {}),
        }
      : {
          ...raised,
          status: 'open',
          count: 1,
          firstSeenAt: sighting.at,
          lastSeenAt: sighting.at,
          actions: [],
          eventIds: [sighting.eventId],
          version: 1,
        };
    await this.write(next, existing?.version ?? 0);
    return next;
  }

  async get(id: string): Promise<ExceptionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { id }, ConsistentRead: true }),
    );
    return Item ? recordOf(Item) : undefined;
  }

  async list(filter: ExceptionFilter): Promise<ExceptionRecord[]> {
    const kinds: readonly ExceptionKind[] = filter.kind ? [filter.kind] : EXCEPTION_KINDS;
    const rows = await Promise.all(
      kinds.map((kind) =>
        queryAll(this.client, {
          TableName: this.table,
          IndexName: 'byKind',
          KeyConditionExpression: 'kind = :kind',
          ...(filter.status
            ? {
                FilterExpression: '#status = :status',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':kind': kind, ':status': filter.status },
              }
            : { ExpressionAttributeValues: { ':kind': kind } }),
        }),
      ),
    );
    return rows
      .flat()
      .map(recordOf)
      .sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt));
  }

  async openForOrder(orderId: string, kinds: readonly ExceptionKind[]): Promise<ExceptionRecord[]> {
    // Every kind at once: a key condition takes one sort key value or range, and a filter may not name
    // the index's keys, so the kinds are picked here, before the rows are read again.
    const rows = await queryAll(this.client, {
      TableName: this.table,
      IndexName: 'byOrder',
      KeyConditionExpression: 'orderId = :orderId',
      FilterExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':orderId': orderId, ':open': 'open' },
    });
    // The index is eventually consistent: read each row again before acting on its version.
    const wanted = rows.filter((row) => kinds.includes(row.kind as ExceptionKind));
    return (await Promise.all(wanted.map((row) => this.get(String(row.id))))).filter(
      (row): row is ExceptionRecord => row?.status === 'open',
    );
  }

  async openWaitingForSku(channel: SalesChannel | 'pos', channelSkuKey: string): Promise<ExceptionRecord[]> {
    const kinds: ExceptionKind[] = channel === 'pos' ? ['PosLineNeedsAttention'] : ['OrderNeedsAttention'];
    const rows = await Promise.all(
      kinds.map((kind) =>
        queryAll(this.client, {
          TableName: this.table,
          IndexName: 'byKind',
          KeyConditionExpression: 'kind = :kind',
          FilterExpression: '#status = :open AND channel = :channel AND contains(channelSkus, :key)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':kind': kind, ':open': 'open', ':channel': channel, ':key': channelSkuKey },
        }),
      ),
    );
    return (await Promise.all(rows.flat().map((row) => this.get(String(row.id))))).filter(
      (row): row is ExceptionRecord => row?.status === 'open',
    );
  }

  async act(
    id: string,
    expectedVersion: number,
    action: ExceptionAction,
    status?: ExceptionStatus,
  ): Promise<ExceptionRecord> {
    const record = await this.get(id);
    if (!record || record.version !== expectedVersion)
      throw new ExceptionChangedError(`exception ${id} changed since version ${expectedVersion}`);
    const next: ExceptionRecord = {
      ...record,
      ...(status ? { status } : {}),
      actions: [...record.actions, action],
      version: record.version + 1,
    };
    await this.write(next, expectedVersion);
    return next;
  }

  private async write(record: ExceptionRecord, expectedVersion: number): Promise<void> {
    const channelSkus = record.context.channelSkus;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...record, ...(Array.isArray(channelSkus) ? { channelSkus } : {}) },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(id)' : 'version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ExceptionChangedError(`exception ${record.id} changed since version ${expectedVersion}`);
      throw error;
    }
  }
}

function recordOf({ channelSkus: _channelSkus, ...item }: Record<string, unknown>): ExceptionRecord {
  return item as unknown as ExceptionRecord;
}
