import { cancellationReasons, isConditionFailure } from './dynamo-errors';
import { setTimeout as pause } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  DeleteCommand,
  documentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from './aws-clients';
import { getAllItems, queryAll } from './dynamo-query';
import * as z from '#domain/kernel/schema';
import { readConfig, requiredName } from '#shared/config/env';
import { loadInventoryPolicy, type InventoryPolicy } from '#domain/inventory/policy';
import {
  POSITION_FIGURES,
  emptyPosition,
  guardsFor,
  netDeltas,
  type BucketKey,
  type LedgerMovement,
  type StockPosition,
} from '#domain/inventory/model';
import type {
  AdjustmentRecord,
  AvailabilityState,
  BackorderEntry,
  BucketWrite,
  HeaderWrite,
  InventoryRepository,
  Outbox,
  OutboxOwner,
  PublishedAvailability,
  ReservationHeader,
  ReservationPart,
  ReservationRecord,
  ReservationStatus,
  ShipmentRecord,
  SweepItem,
  TransferRecord,
  WriteOutcome,
} from '#domain/inventory/records';
import type { SalesChannel } from '#domain/kernel/order';

/**
 * The inventory table. Positions, their ledger and the records that make each operation idempotent:
 *
 *   pk SKU#{sku}                        sk LOC#{locationId}                   position (bucket 0)
 *   pk SKU#{sku}#SHARD#{n}              sk LOC#{locationId}                   bucket n of a sharded SKU
 *   pk LEDGER#{sku}#{locationId}#{n}    sk MOVE#{occurredAt}#{movementId}     one ledger line of bucket n
 *   pk ORDER#{orderId}                  sk RESERVATION | PART#{nnn}          reservation header and parts
 *   pk ADJUSTMENT#{adjustmentId}        sk ADJUSTMENT                         an applied adjustment
 *   pk SHIPMENT#{shipmentId}            sk SHIPMENT                           a consumed shipment
 *   pk TRANSFER#{transferId}            sk TRANSFER                           goods in transit between locations
 *   pk AVAILABILITY#{sku}               sk CHANNELS                           last figure published to each channel
 *   pk SOURCING#RULES                   sk VERSION#{n}                        a version of the sourcing rules (sourcing-rule-store.ts)
 *   pk BACKORDER#{sku}                  sk WAIT#{backorderedAt}#{orderId}     an order waiting for the SKU
 *
 * A reservation decided in one transaction (almost every order) keeps its one part inside the header
 * (`part`), not as a PART# item: every write of the header carries it, conditional on its version.
 *
 * Each bucket has its own partition key, so a hot SKU's buckets spread over partitions; each bucket's
 * ledger has another, so appending movements never competes with the position's own write budget.
 * Records that the sweeper must revisit carry sweepPk/sweepSk, a sparse index spread over
 * SWEEP_PARTITIONS partitions per day.
 *
 * Every change is one TransactWriteItems: the record (condition: its expected state), each bucket's
 * update (ADD of the net deltas; condition: the guards of shared/domain/inventory/model.ts on the stored
 * `available`/`sellableOnHand`/named quantities) and its ledger lines. A failed guard comes back as
 * `insufficient`, a failed record condition as `superseded` or `duplicate`; contention between
 * transactions (TransactionConflict) is retried here with jittered backoff, then thrown.
 */
export const SWEEP_INDEX = 'bySweepAt';
const SWEEP_PARTITIONS = 4;
const MAX_CONFLICT_RETRIES = 8;

export class InventoryContentionError extends Error {
  override name = 'InventoryContentionError';
}

export function positionKey(key: BucketKey): { pk: string; sk: string } {
  return { pk: key.shard === 0 ? `SKU#${key.sku}` : `SKU#${key.sku}#SHARD#${key.shard}`, sk: `LOC#${key.locationId}` };
}

export function ledgerPartition(key: BucketKey): string {
  return `LEDGER#${key.sku}#${key.locationId}#${key.shard}`;
}

const reservationPk = (orderId: string) => `ORDER#${orderId}`;
/** A SKU's backorder waiting list: one partition per SKU, sorted by when each order was backordered. */
const backorderPk = (sku: string) => `BACKORDER#${sku}`;
const backorderKey = (entry: BackorderEntry) => ({
  pk: backorderPk(entry.sku),
  sk: `WAIT#${entry.backorderedAt}#${entry.orderId}`,
});
const partSk = (partNo: number) => `PART#${String(partNo).padStart(3, '0')}`;
const adjustmentKey = (adjustmentId: string) => ({ pk: `ADJUSTMENT#${adjustmentId}`, sk: 'ADJUSTMENT' });
const transferKey = (transferId: string) => ({ pk: `TRANSFER#${transferId}`, sk: 'TRANSFER' });

/** What a failed condition on one action of a transaction means. */
type OnConditionFailed = WriteOutcome['kind'];
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
interface Action {
  item: TransactItem;
  onConditionFailed?: OnConditionFailed;
  bucket?: BucketKey;
}

export interface InventoryStoreOptions {
  /**
   * Whether a reservation decided in one transaction stores its part inside the header (two write
   * units fewer) rather than as a PART# item; on when unset. Both shapes are read either way. Off only
   * while functions of a release before it, which read parts from PART# items alone, may still run.
   */
  partInHeader?: boolean;
}

export class DynamoInventoryStore implements InventoryRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly options: InventoryStoreOptions = {},
  ) {}

  async readPositions(keys: readonly BucketKey[]): Promise<StockPosition[]> {
    return toPositions(keys, await this.batchGet(keys.map(positionKey)));
  }

  async readReservation(orderId: string): Promise<ReservationRecord> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': reservationPk(orderId) },
      ConsistentRead: true,
    });
    const head = items.find((item) => item.sk === 'RESERVATION');
    const header = head ? (strip(head) as unknown as ReservationHeader) : undefined;
    const parts = items
      .filter((item) => String(item.sk).startsWith('PART#'))
      .map((item) => strip(item) as unknown as ReservationPart);
    if (header?.part) parts.push(header.part);
    return { header, parts: parts.sort((a, b) => a.partNo - b.partNo) };
  }

  async commitReservationPart(input: {
    orderId: string;
    part: ReservationPart;
    buckets: BucketWrite[];
    header?: HeaderWrite;
    changedParts?: { part: ReservationPart; expectVersion: number }[];
  }): Promise<WriteOutcome> {
    const changedParts = input.changedParts ?? [];
    // A decision in one transaction stores its part inside the header: two write units fewer.
    if (
      this.options.partInHeader !== false &&
      input.header &&
      'absent' in input.header.expect &&
      input.part.partNo === 0 &&
      changedParts.length === 0
    )
      return this.transact([
        this.headerAction(input.header, { part: input.part }),
        ...this.bucketActions(input.buckets),
      ]);
    return this.transact([
      ...this.reservationActions(input.orderId, input.header, changedParts),
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk: reservationPk(input.orderId), sk: partSk(input.part.partNo), ...input.part },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: 'superseded',
      },
      ...this.bucketActions(input.buckets),
    ]);
  }

  async updateReservationPart(input: {
    orderId: string;
    part: ReservationPart;
    expectVersion: number;
    buckets: BucketWrite[];
    header?: HeaderWrite;
  }): Promise<WriteOutcome> {
    return this.transact([
      ...this.reservationActions(input.orderId, input.header, [
        { part: input.part, expectVersion: input.expectVersion },
      ]),
      ...this.bucketActions(input.buckets),
    ]);
  }

  async putReservationHeader(header: HeaderWrite): Promise<WriteOutcome> {
    return this.transact([this.headerAction(header)]);
  }

  async extendReservation(input: {
    orderId: string;
    expiresAt: string;
    expectStatus: ReservationStatus;
  }): Promise<WriteOutcome> {
    const listed = await this.listHeader(input.orderId, input.expiresAt, {
      // Only the expiry and the sweep keys: whatever else another writer changed stays as they wrote it.
      set: 'expiresAt = :expiresAt',
      condition:
        '#status = :expected AND attribute_not_exists(outbox) AND (attribute_not_exists(expiresAt) OR expiresAt < :expiresAt)',
      names: { '#status': 'status' },
      values: { ':expected': input.expectStatus, ':expiresAt': input.expiresAt },
    });
    return { kind: listed ? 'committed' : 'superseded' };
  }

  async commitShipment(input: {
    shipment: ShipmentRecord;
    parts: { part: ReservationPart; expectVersion: number }[];
    buckets: BucketWrite[];
    header?: HeaderWrite;
  }): Promise<WriteOutcome> {
    return this.transact([
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk: `SHIPMENT#${input.shipment.shipmentId}`, sk: 'SHIPMENT', ...input.shipment },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: 'duplicate',
      },
      ...this.reservationActions(input.shipment.orderId, input.header, input.parts),
      ...this.bucketActions(input.buckets),
    ]);
  }

  async readAdjustment(adjustmentId: string): Promise<AdjustmentRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: adjustmentKey(adjustmentId), ConsistentRead: true }),
    );
    return Item ? (strip(Item) as unknown as AdjustmentRecord) : undefined;
  }

  async commitAdjustment(input: {
    record: AdjustmentRecord;
    buckets: BucketWrite[];
    transfer?: { next: TransferRecord; expect: 'absent' | 'in_transit' };
  }): Promise<WriteOutcome> {
    const key = adjustmentKey(input.record.adjustmentId);
    const { transfer } = input;
    return this.transact([
      ...(transfer
        ? [
            {
              item: {
                Put: {
                  TableName: this.tableName,
                  Item: { ...transferKey(transfer.next.transferId), ...transfer.next },
                  ...(transfer.expect === 'absent'
                    ? { ConditionExpression: 'attribute_not_exists(pk)' }
                    : {
                        ConditionExpression: '#status = :inTransit',
                        ExpressionAttributeNames: { '#status': 'status' },
                        ExpressionAttributeValues: { ':inTransit': 'in_transit' },
                      }),
                },
              },
              onConditionFailed: 'superseded' as const,
            },
          ]
        : []),
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...key,
              ...input.record,
              ...storedOutbox(input.record.outbox),
              ...sweepAttributes(key.pk, input.record.sweepAt),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: 'duplicate',
      },
      ...this.bucketActions(input.buckets),
    ]);
  }

  async readTransfer(transferId: string): Promise<TransferRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: transferKey(transferId), ConsistentRead: true }),
    );
    return Item ? (strip(Item) as unknown as TransferRecord) : undefined;
  }

  async scheduleOutboxSweep(orderId: string, token: string, sweepAt: string): Promise<void> {
    // Refused when drained, or rewritten by another writer, which keeps a pending outbox's sweep time: nothing to list.
    await this.listHeader(orderId, sweepAt, {
      condition: 'outbox.#token = :token AND attribute_not_exists(sweepPk)',
      names: { '#token': 'token' },
      values: { ':token': token },
    });
  }

  /**
   * Lists a reservation header in the sweep index at `sweepAt` (with any `set` beside it) if its
   * condition holds; false when it does not.
   */
  private async listHeader(
    orderId: string,
    sweepAt: string,
    change: { set?: string; condition: string; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<boolean> {
    const pk = reservationPk(orderId);
    const sweep = sweepAttributes(pk, sweepAt);
    try {
      await this.withConflictRetry(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: 'RESERVATION' },
            UpdateExpression: `SET ${change.set ? `${change.set}, ` : ''}sweepAt = :sweepAt, sweepPk = :sweepPk, sweepSk = :sweepSk`,
            ConditionExpression: change.condition,
            ExpressionAttributeNames: change.names,
            ExpressionAttributeValues: {
              ...change.values,
              ':sweepAt': sweep.sweepAt,
              ':sweepPk': sweep.sweepPk,
              ':sweepSk': sweep.sweepSk,
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async clearOutbox(owner: OutboxOwner, token: string, sweepAt: string | undefined): Promise<void> {
    const key =
      owner.kind === 'reservation'
        ? { pk: reservationPk(owner.orderId), sk: 'RESERVATION' }
        : adjustmentKey(owner.adjustmentId);
    const sweep = sweepAttributes(key.pk, sweepAt);
    try {
      await this.withConflictRetry(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: sweepAt
              ? 'REMOVE outbox SET sweepAt = :sweepAt, sweepPk = :sweepPk, sweepSk = :sweepSk'
              : 'REMOVE outbox, sweepAt, sweepPk, sweepSk',
            ConditionExpression: 'outbox.#token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: {
              ':token': token,
              ...(sweepAt ? { ':sweepAt': sweepAt, ':sweepPk': sweep.sweepPk, ':sweepSk': sweep.sweepSk } : {}),
            },
          }),
        ),
      );
    } catch (error) {
      // Newer events joined the outbox, or someone else cleared it: either way it is not ours to clear.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async readAvailabilityStates(
    requests: readonly { sku: string; keys: readonly BucketKey[] }[],
  ): Promise<Map<string, AvailabilityState>> {
    const items = await this.batchGet(
      requests.flatMap(({ sku, keys }) => [...keys.map(positionKey), publishedKey(sku)]),
    );
    const states = new Map<string, AvailabilityState>();
    for (const { sku, keys } of requests) {
      const item = items.get(`${publishedKey(sku).pk}|${publishedKey(sku).sk}`);
      const published = new Map<SalesChannel, PublishedAvailability>();
      for (const [attribute, value] of Object.entries(item ?? {})) {
        if (attribute.startsWith('channel_'))
          published.set(attribute.slice('channel_'.length) as SalesChannel, value as PublishedAvailability);
      }
      states.set(sku, { positions: toPositions(keys, items), published });
    }
    return states;
  }

  async recordPublishedAvailability(
    sku: string,
    figures: ReadonlyMap<SalesChannel, PublishedAvailability>,
  ): Promise<SalesChannel[]> {
    // One conditional write for every channel at once; if any of them is stale, channel by channel.
    const write = async (entries: [SalesChannel, PublishedAvailability][]) => {
      const names: Record<string, string> = { '#version': 'version', '#sku': 'sku', '#recordedAt': 'recordedAt' };
      const values: Record<string, unknown> = { ':sku': sku, ':recordedAt': new Date().toISOString() };
      const sets = ['#sku = :sku', '#recordedAt = :recordedAt'];
      const conditions: string[] = [];
      entries.forEach(([channel, figure], i) => {
        names[`#c${i}`] = `channel_${channel}`;
        values[`:f${i}`] = figure;
        values[`:v${i}`] = figure.version;
        sets.push(`#c${i} = :f${i}`);
        conditions.push(`(attribute_not_exists(#c${i}) OR #c${i}.#version < :v${i})`);
      });
      try {
        await this.withConflictRetry(() =>
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: publishedKey(sku),
              UpdateExpression: `SET ${sets.join(', ')}`,
              ConditionExpression: conditions.join(' AND '),
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          ),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    };
    const entries = [...figures.entries()];
    if (entries.length === 0 || (await write(entries))) return [];
    const stale: SalesChannel[] = [];
    for (const entry of entries) if (entries.length === 1 || !(await write([entry]))) stale.push(entry[0]);
    return stale;
  }

  async enlistBackorder(entry: BackorderEntry): Promise<void> {
    await this.withConflictRetry(() =>
      this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...backorderKey(entry), ...entry } })),
    );
  }

  async backordersOf(sku: string): Promise<BackorderEntry[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :wait)',
      ExpressionAttributeValues: { ':pk': backorderPk(sku), ':wait': 'WAIT#' },
      ConsistentRead: true,
    });
    return items.map((item) => strip(item) as unknown as BackorderEntry);
  }

  async delistBackorder(entry: BackorderEntry): Promise<void> {
    await this.withConflictRetry(() =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: backorderKey(entry) })),
    );
  }

  async dueForSweep(now: Date, lookbackDays: number): Promise<SweepItem[]> {
    const bound = `${now.toISOString()}~`;
    const listed: Record<string, unknown>[] = [];
    for (let day = lookbackDays; day >= 0; day -= 1) {
      const date = new Date(now.getTime() - day * 86_400_000).toISOString().slice(0, 10);
      for (let partition = 0; partition < SWEEP_PARTITIONS; partition += 1) {
        listed.push(
          ...(await this.queryAll({
            IndexName: SWEEP_INDEX,
            KeyConditionExpression: 'sweepPk = :pk AND sweepSk < :bound',
            ExpressionAttributeValues: { ':pk': `SWEEP#${date}#${partition}`, ':bound': bound },
          })),
        );
      }
    }
    // The index's copy may be behind the table (an index is eventually consistent): the records
    // themselves are read, strongly consistent, so the sweeper acts on their latest state. A record
    // rewritten while the days were listed can be listed under two of them, and a batch read refuses
    // a key named twice, so each is asked for once.
    const keys = new Map(listed.map((item) => [`${item.pk}\u0000${item.sk}`, { pk: item.pk, sk: item.sk }]));
    const items = await getAllItems(this.client, this.tableName, [...keys.values()], { consistentRead: true });
    return items.map(
      (item): SweepItem =>
        item.sk === 'RESERVATION'
          ? { kind: 'reservation', header: strip(item) as unknown as ReservationHeader }
          : { kind: 'adjustment', record: strip(item) as unknown as AdjustmentRecord },
    );
  }

  /** Every position, ledger line, reservation part and reservation header, in one scan: for `ops inventory verify`. */
  async scanForVerification(): Promise<{
    positions: StockPosition[];
    movements: LedgerMovement[];
    parts: (ReservationPart & { orderId: string })[];
    headers: ReservationHeader[];
  }> {
    const positions: StockPosition[] = [];
    const movements: LedgerMovement[] = [];
    const parts: (ReservationPart & { orderId: string })[] = [];
    const headers: ReservationHeader[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk.startsWith('LOC#')) {
          const position = emptyPosition({
            sku: String(item.sku),
            locationId: String(item.locationId),
            shard: Number(item.shard),
          });
          for (const figure of POSITION_FIGURES) position[figure] = Number(item[figure] ?? 0);
          position.revision = Number(item.revision ?? 0);
          positions.push(position);
        } else if (sk.startsWith('MOVE#')) {
          movements.push(strip(item) as unknown as LedgerMovement);
        } else if (sk.startsWith('PART#')) {
          parts.push({
            ...(strip(item) as unknown as ReservationPart),
            orderId: String(item.pk).slice('ORDER#'.length),
          });
        } else if (sk === 'RESERVATION') {
          const header = strip(item) as unknown as ReservationHeader;
          headers.push(header);
          if (header.part) parts.push({ ...header.part, orderId: header.orderId });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { positions, movements, parts, headers };
  }

  /** One bucket's ledger, oldest first. */
  async readLedger(key: BucketKey): Promise<LedgerMovement[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ledgerPartition(key) },
      ConsistentRead: true,
    });
    return items.map((item) => strip(item) as unknown as LedgerMovement);
  }

  /**
   * A reservation's header write and part changes as transaction actions: a change to the part stored
   * inside the header goes into the header's write when there is one (a transaction takes one action per
   * item), else it is an update of the header item of its own.
   */
  private reservationActions(
    orderId: string,
    header: HeaderWrite | undefined,
    changes: readonly { part: ReservationPart; expectVersion: number }[],
  ): Action[] {
    const inHeader = changes.find(({ part }) => part.inHeader);
    const own = changes.filter(({ part }) => !part.inHeader);
    return [
      ...(header ? [this.headerAction(header, inHeader)] : inHeader ? [this.headerPartAction(orderId, inHeader)] : []),
      ...own.map(({ part, expectVersion }) => this.partUpdateAction(orderId, part, expectVersion)),
    ];
  }

  /**
   * The header's put. It stores the part inside it: `change.part` when this write changes (or, without
   * an expected version, creates) it, else the part as read with the header, on condition that it is
   * still at the version read; a header read without a part is put only where none is stored, so a
   * write never drops or rolls back a part another write changed.
   */
  private headerAction(
    { next, expect }: HeaderWrite,
    change?: { part: ReservationPart; expectVersion?: number },
  ): Action {
    const pk = reservationPk(next.orderId);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    let condition: string;
    if ('absent' in expect) {
      condition = 'attribute_not_exists(pk)';
    } else if ('status' in expect) {
      condition = '#status = :expected';
      Object.assign(names, { '#status': 'status' });
      Object.assign(values, { ':expected': expect.status });
    } else if ('claimId' in expect) {
      condition = '#status = :inProgress AND claim.#id = :claimId';
      Object.assign(names, { '#status': 'status', '#id': 'id' });
      Object.assign(values, { ':inProgress': 'in_progress', ':claimId': expect.claimId });
    } else {
      condition = '#status = :inProgress AND claim.#until < :now';
      Object.assign(names, { '#status': 'status', '#until': 'until' });
      Object.assign(values, { ':inProgress': 'in_progress', ':now': expect.claimExpiredBefore });
    }
    if (change?.expectVersion !== undefined) {
      condition += ' AND #part.#version = :partVersion AND #part.#status = :reserved';
      Object.assign(names, { '#part': 'part', '#version': 'version', '#status': 'status' });
      Object.assign(values, { ':partVersion': change.expectVersion, ':reserved': 'reserved' });
    } else if (!change && next.part) {
      condition += ' AND #part.#version = :partVersion';
      Object.assign(names, { '#part': 'part', '#version': 'version' });
      values[':partVersion'] = next.part.version;
    } else if (!change) {
      condition += ' AND attribute_not_exists(#part)';
      names['#part'] = 'part';
    }
    const part = change?.part ?? next.part;
    return {
      item: {
        Put: {
          TableName: this.tableName,
          Item: {
            pk,
            sk: 'RESERVATION',
            ...storedHeader(next),
            ...(part ? { part: storedPart(part) } : {}),
            ...sweepAttributes(pk, next.sweepAt),
          },
          ConditionExpression: condition,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        },
      },
      onConditionFailed: 'superseded',
    };
  }

  /** A change to the part stored inside the header, in a transaction that does not put the header. */
  private headerPartAction(
    orderId: string,
    { part, expectVersion }: { part: ReservationPart; expectVersion: number },
  ): Action {
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: { pk: reservationPk(orderId), sk: 'RESERVATION' },
          UpdateExpression: 'SET #part = :part',
          ConditionExpression: '#part.#version = :expectVersion AND #part.#status = :reserved',
          ExpressionAttributeNames: { '#part': 'part', '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: {
            ':part': storedPart(part),
            ':expectVersion': expectVersion,
            ':reserved': 'reserved',
          },
        },
      },
      onConditionFailed: 'superseded',
    };
  }

  private partUpdateAction(orderId: string, part: ReservationPart, expectVersion: number): Action {
    return {
      item: {
        Put: {
          TableName: this.tableName,
          Item: { pk: reservationPk(orderId), sk: partSk(part.partNo), ...part },
          ConditionExpression: '#version = :expectVersion AND #status = :reserved',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: { ':expectVersion': expectVersion, ':reserved': 'reserved' },
        },
      },
      onConditionFailed: 'superseded',
    };
  }

  /** Per bucket: one update adding the net deltas under the guards (and a count's expectation), plus its ledger lines. */
  private bucketActions(writes: readonly BucketWrite[]): Action[] {
    return writes.flatMap((write) => {
      const { key, movements } = write;
      const net = netDeltas(movements);
      const names: Record<string, string> = {
        '#sku': 'sku',
        '#locationId': 'locationId',
        '#shard': 'shard',
        '#updatedAt': 'updatedAt',
        '#revision': 'revision',
      };
      const values: Record<string, unknown> = {
        ':sku': key.sku,
        ':locationId': key.locationId,
        ':shard': key.shard,
        ':updatedAt': new Date().toISOString(),
        ':one': 1,
      };
      const adds = ['#revision :one'];
      for (const figure of POSITION_FIGURES) {
        if (net[figure] === 0) continue;
        names[`#${figure}`] = figure;
        values[`:d_${figure}`] = net[figure];
        adds.push(`#${figure} :d_${figure}`);
      }
      const conditions = guardsFor(movements).map((guard) => {
        names[`#${guard.figure}`] = guard.figure;
        values[`:min_${guard.figure}`] = guard.atLeast;
        return `#${guard.figure} >= :min_${guard.figure}`;
      });
      if (write.expectOnHand !== undefined) {
        names['#onHand'] = 'onHand';
        values[':seenOnHand'] = write.expectOnHand;
        conditions.push(
          write.expectOnHand === 0
            ? '(attribute_not_exists(#onHand) OR #onHand = :seenOnHand)'
            : '#onHand = :seenOnHand',
        );
      }
      const update: Action = {
        item: {
          Update: {
            TableName: this.tableName,
            Key: positionKey(key),
            UpdateExpression: `SET #sku = :sku, #locationId = :locationId, #shard = :shard, #updatedAt = :updatedAt ADD ${adds.join(', ')}`,
            ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        onConditionFailed: write.expectOnHand !== undefined ? 'changed' : 'insufficient',
        bucket: key,
      };
      const ledger = movements.map(
        (movement): Action => ({
          item: {
            Put: {
              TableName: this.tableName,
              Item: { pk: ledgerPartition(key), sk: `MOVE#${movement.occurredAt}#${movement.movementId}`, ...movement },
            },
          },
        }),
      );
      return [update, ...ledger];
    });
  }

  /**
   * Runs one transaction. A failed condition is an answer (the first failing action decides which);
   * a conflict with another transaction on the same items is retried with jittered exponential
   * backoff and, if it persists, thrown as InventoryContentionError so the caller's message is retried later.
   */
  private async transact(actions: Action[]): Promise<WriteOutcome> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        // One token per attempt, reused by the SDK's own retries of it: a commit whose answer was lost
        // in transit is not applied twice. A cancelled attempt changed nothing, so the next gets a new one.
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: actions.map((action) => action.item),
            ClientRequestToken: randomUUID(),
          }),
        );
        return { kind: 'committed' };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        const failed = actions.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
        if (failed.length > 0) {
          const decisive = failed.find((action) => action.onConditionFailed !== 'insufficient') ?? failed[0];
          if (decisive.onConditionFailed === 'insufficient')
            return {
              kind: 'insufficient',
              buckets: failed.flatMap((action) => (action.bucket ? [action.bucket] : [])),
            };
          return { kind: decisive.onConditionFailed ?? 'superseded' } as WriteOutcome;
        }
        if (!reasons.some((reason) => reason.Code === 'TransactionConflict') || attempt >= MAX_CONFLICT_RETRIES) {
          if (reasons.some((reason) => reason.Code === 'TransactionConflict'))
            throw new InventoryContentionError(`transaction kept conflicting after ${attempt + 1} attempts`);
          throw error;
        }
        await backoff(attempt);
      }
    }
  }

  private async withConflictRetry<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await send();
      } catch (error) {
        if ((error as Error).name !== 'TransactionConflictException' || attempt >= MAX_CONFLICT_RETRIES) throw error;
        await backoff(attempt);
      }
    }
  }

  /** Strongly consistent reads of these keys; items by `pk|sk`. */
  private async batchGet(keys: readonly { pk: string; sk: string }[]): Promise<Map<string, Record<string, unknown>>> {
    const items = await getAllItems(this.client, this.tableName, keys, { consistentRead: true });
    return new Map(items.map((item) => [`${item.pk}|${item.sk}`, item]));
  }

  private queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, { ...input, TableName: this.tableName });
  }
}

function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 20 * 2 ** attempt);
  return pause(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** The sparse sweep index keys for a record the sweeper must revisit at `sweepAt`. */
function sweepAttributes(
  pk: string,
  sweepAt: string | undefined,
): { sweepAt?: string; sweepPk?: string; sweepSk?: string } {
  if (!sweepAt) return {};
  let hash = 0;
  for (const char of pk) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return { sweepAt, sweepPk: `SWEEP#${sweepAt.slice(0, 10)}#${hash % SWEEP_PARTITIONS}`, sweepSk: `${sweepAt}#${pk}` };
}

const publishedKey = (sku: string) => ({ pk: `AVAILABILITY#${sku}`, sk: 'CHANNELS' });

/** Positions for keys from fetched items; a key without an item is an empty position. */
function toPositions(keys: readonly BucketKey[], items: ReadonlyMap<string, Record<string, unknown>>): StockPosition[] {
  return keys.map((key) => {
    const { pk, sk } = positionKey(key);
    const item = items.get(`${pk}|${sk}`);
    const position = emptyPosition(key);
    if (!item) return position;
    for (const figure of POSITION_FIGURES) position[figure] = Number(item[figure] ?? 0);
    position.revision = Number(item.revision ?? 0);
    return position;
  });
}

/** An item without its keys, with what it stores packed or compressed as it was written. */
function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, sweepPk: _sweepPk, sweepSk: _sweepSk, packed, ...rest } = item;
  const content: PackedHeader = packed ? JSON.parse(decompress(packed as Uint8Array)) : {};
  const outbox = rest.outbox as StoredOutbox | undefined;
  const part = rest.part as StoredPart | undefined;
  return {
    ...rest,
    ...(content.lines ? { lines: content.lines } : {}),
    ...(content.sourcing ? { sourcing: content.sourcing } : {}),
    ...(outbox ? { outbox: outboxOf(outbox, content.events) } : {}),
    ...(part ? { part: { ...part, allocations: JSON.parse(decompress(part.allocations)), inHeader: true } } : {}),
  };
}

/** A part stored inside its header: the allocations compressed, the rest plain, since conditions read the version and status. */
interface StoredPart extends Omit<ReservationPart, 'allocations' | 'inHeader'> {
  allocations: Uint8Array;
}

function storedPart({ allocations, inHeader: _inHeader, ...plain }: ReservationPart): StoredPart {
  return { ...plain, allocations: compress(JSON.stringify(allocations)) };
}

/**
 * An outbox as stored: its events compressed, or (written before they were) a list; absent in a
 * reservation header, whose events are packed with its lines and sourcing.
 */
interface StoredOutbox extends Omit<Outbox, 'events'> {
  events?: Uint8Array | Outbox['events'];
}

/** What a reservation header stores compressed together: the parts no condition reads. */
interface PackedHeader {
  lines?: ReservationHeader['lines'];
  sourcing?: ReservationHeader['sourcing'];
  events?: Outbox['events'];
}

/**
 * A header as stored: its lines, sourcing and outbox events packed into one compressed binary value,
 * the rest plain, since conditions and updates read the status, claim, expiry, sweep time and outbox
 * token. Stored as maps they took a one-line reservation past 1 KiB, doubling each write of it; packed
 * together, the sourcing its InventoryReserved repeats costs next to nothing. The packed events are
 * the outbox's as long as it is there: only this write sets an outbox, and clearing it removes it.
 */
function storedHeader(next: ReservationHeader): Record<string, unknown> {
  const { lines, sourcing, outbox, part: _part, ...plain } = next;
  const content: PackedHeader = {
    lines,
    ...(sourcing ? { sourcing } : {}),
    ...(outbox ? { events: outbox.events } : {}),
  };
  return {
    ...plain,
    ...(outbox ? { outbox: { token: outbox.token, skus: outbox.skus } } : {}),
    packed: compress(JSON.stringify(content)),
  };
}

/**
 * The outbox attribute of an adjustment record: its events compressed into one binary value (they
 * are only ever read to be published again); the token and SKUs stay plain, since conditions read the token.
 */
function storedOutbox(outbox: Outbox | undefined): { outbox?: StoredOutbox } {
  return outbox ? { outbox: { ...outbox, events: compress(JSON.stringify(outbox.events)) } } : {};
}

function outboxOf(stored: StoredOutbox, packedEvents: Outbox['events'] | undefined): Outbox {
  const { events } = stored;
  return {
    ...stored,
    events:
      events === undefined ? (packedEvents ?? []) : Array.isArray(events) ? events : JSON.parse(decompress(events)),
  };
}

function compress(json: string): Buffer {
  return brotliCompressSync(json, {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: json.length },
  });
}

function decompress(value: Uint8Array): string {
  return brotliDecompressSync(value).toString('utf8');
}

/** "false" while a region is upgraded from a release that read parts from PART# items alone (docs/deploy.md); on when absent. */
export const RESERVATION_PART_IN_HEADER_ENV = 'FABRIC_RESERVATION_PART_IN_HEADER';

/**
 * The inventory table adapter and the inventory policy, from a function's environment (read once, at
 * cold start). Functions that publish add `eventPublisherFromEnv()` beside them.
 */
export function inventoryStoreFromEnv(env: NodeJS.ProcessEnv = process.env): {
  store: DynamoInventoryStore;
  policy: InventoryPolicy;
} {
  const config = readConfig(
    {
      FABRIC_TABLE_INVENTORY: requiredName,
      [RESERVATION_PART_IN_HEADER_ENV]: z._default(
        z.enum(['true', 'false'], { error: 'must be "true" or "false"' }),
        'true',
      ),
    },
    env,
  );
  return {
    store: new DynamoInventoryStore(config.FABRIC_TABLE_INVENTORY, undefined, {
      partInHeader: config[RESERVATION_PART_IN_HEADER_ENV] === 'true',
    }),
    policy: loadInventoryPolicy(env),
  };
}
