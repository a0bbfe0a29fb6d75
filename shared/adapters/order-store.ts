import { cancellationReasons, isConditionFailure } from './dynamo-errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  documentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from './aws-clients';
import { gzippedJsonAttribute, readGzippedJson } from './gzipped-json';
import { getAllItems, queryAll } from './dynamo-query';
import { channelOrderKey } from './cross-reference';
import { putRequest, writeAllItems } from './catalog-batch-write';
import { Order, type SalesChannel } from '#domain/kernel/order';
import {
  orderStanding,
  type HeldOrder,
  type OrderHistoryEntry,
  type OrderRepository,
  type OrderStanding,
  type OrderView,
  type OrderWithHistory,
  type RecordOrderOutcome,
  type RecordOrderResult,
} from '#domain/orders/order-record';
import type { LifecycleState } from '#domain/orders/lifecycle';
import type { DeliveredOrders } from '#domain/intake/order-pull';
import { orderVersionOf } from '#domain/orders/model';

export class CrossReferenceConflictError extends Error {
  override name = 'CrossReferenceConflictError';
}

/**
 * Orders table layout, one item collection per order so that an order and its history come back in
 * one query:
 *   pk ORDER#{orderId}  sk ORDER                          -> the canonical order, its version
 *   pk ORDER#{orderId}  sk HISTORY#{recordedAt}#{eventId} -> one state-history entry
 *   pk ORDER#{orderId}  sk HELD                           -> a held order: verdict and archive key
 *   pk ORDER#{orderId}  sk RECEIVED                       -> when the fabric first received it, on which channel,
 *                                                             and the history entry of its creation
 * (the lifecycle's items share the collection: shared/adapters/order-lifecycle-store.ts), and one
 * collection per internal SKU listing the orders that carry it, newest placed first:
 *   pk SKU#{sku}        sk ORDER#{placedAt}#{orderId}     -> orderId, channel, placedAt
 * A DynamoDB index key holds one value, so an order's several SKUs need an item each; a SKU's
 * partition takes one write per order version, far below a partition's 1,000 writes a second.
 * The RECEIVED item alone carries receivedDay, so the sparse byReceivedDay index holds one small item
 * per order, written once, rather than a copy of every order version; its partition for the day takes
 * one write per new order.
 */
export class DynamoOrderRepository implements OrderRepository {
  constructor(
    private readonly ordersTable: string,
    private readonly crossReferenceTable: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  /**
   * Stores a version with no read first: the conditions decide. A new order is three single writes,
   * not a transaction (which DynamoDB bills twice over): the cross-reference, conditional on naming no
   * other order id, so a conflict stores nothing; the order, conditional on none stored, the one write
   * that decides which copy creates it; then its RECEIVED item with the history entry of its creation.
   * A crash between the last two leaves an order without its RECEIVED item until the message comes
   * back: that delivery finds the version stored and writes the item then. Only when an order is stored
   * is it read, to tell the same version delivered again (`duplicate`, nothing written) from an older
   * one (`stale_update_ignored`, noted in the history) and a newer one (`updated`, written over in one
   * transaction with its history entry, only while the version read is still older).
   */
  async recordOrder(order: Order, source: { eventId: string; deliveryId: string }): Promise<RecordOrderOutcome> {
    const recordedAt = new Date().toISOString();
    const pk = `ORDER#${order.orderId}`;
    const historyKey = { pk, sk: `HISTORY#${recordedAt}#${source.eventId}` };
    const entry = (change: RecordOrderResult): OrderHistoryEntry => ({
      recordedAt,
      change,
      status: order.status,
      channelUpdatedAt: order.channelUpdatedAt,
      eventId: source.eventId,
      deliveryId: source.deliveryId,
    });
    const head = {
      pk,
      sk: 'ORDER',
      ...orderAttribute(order),
      channelUpdatedAt: order.channelUpdatedAt,
      status: order.status,
      recordedAt,
    };
    // Indexed first, whatever the outcome below: a redelivery after a failure writes the same items
    // again, and a reader checks the order still carries the SKU (an older version may have).
    await Promise.all([this.mapChannelOrder(order), this.indexBySku(order)]);
    if (await this.storedFirst(head)) {
      await this.client.send(
        new UpdateCommand(this.receivedOnce(order.orderId, order.channel, recordedAt, entry('created')).Update),
      );
      return 'created';
    }
    for (;;) {
      const stored = await storedHeadOf(this.client, this.ordersTable, order.orderId);
      if (!stored) throw new Error(`order ${order.orderId} was refused as stored, yet none is stored`);
      const duplicate = stored.channelUpdatedAt === order.channelUpdatedAt && stored.status === order.status;
      if (stored.creationUntold) {
        // The delivery that created the order failed before its RECEIVED item told it (or a copy racing
        // it got here first): the order was received when that version was recorded, and only a copy of
        // that version, while no newer one replaced it, can tell its creation. The item keeps whichever
        // of them wrote it first.
        await this.client.send(
          new UpdateCommand(
            this.receivedOnce(
              order.orderId,
              order.channel,
              stored.recordedAt,
              duplicate && !stored.replaced ? { ...entry('created'), recordedAt: stored.recordedAt } : undefined,
            ).Update,
          ),
        );
      }
      const newer =
        stored.channelUpdatedAt < order.channelUpdatedAt ||
        (stored.channelUpdatedAt === order.channelUpdatedAt &&
          stored.status === 'needs_attention' &&
          order.status !== 'needs_attention');
      if (!newer) {
        if (duplicate) return 'duplicate';
        await this.client.send(
          new PutCommand({ TableName: this.ordersTable, Item: { ...entry('stale_update_ignored'), ...historyKey } }),
        );
        return 'stale_update_ignored';
      }
      try {
        // A stored order had its cross-reference written before it: only the order and its history entry.
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.ordersTable,
                  Item: head,
                  // The version check lives in the write: two consumers racing cannot both win, and an
                  // older update cannot overwrite a newer one, whatever either of them read before. The
                  // same version may replace a held one once a fix maps it whole (reprocessing from the
                  // archive): the channel sent nothing newer, yet the stored version cannot proceed.
                  ConditionExpression:
                    'channelUpdatedAt < :version OR (channelUpdatedAt = :version AND #status = :held AND :status <> :held)',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':version': order.channelUpdatedAt,
                    ':held': 'needs_attention',
                    ':status': order.status,
                  },
                },
              },
              { Put: { TableName: this.ordersTable, Item: { ...entry('updated'), ...historyKey } } },
            ],
          }),
        );
        return 'updated';
      } catch (error) {
        // A newer version stored since the read: read it again and decide again.
        const [orderReason] = cancellationReasons(error) ?? [];
        if (orderReason?.Code !== 'ConditionalCheckFailed') throw error;
      }
    }
  }

  /** Stores a new order's head unless one is stored: true when this call stored it. */
  private async storedFirst(head: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.ordersTable, Item: head, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Maps the channel order to this order id, or throws CrossReferenceConflictError when it maps to
   * another: before anything of the order is stored, so a conflict stores nothing. Idempotent.
   */
  private async mapChannelOrder(order: Order): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.crossReferenceTable,
          Item: { ...channelOrderKey(order.channel, order.channelOrderId), orderId: order.orderId },
          ConditionExpression: 'attribute_not_exists(pk) OR orderId = :orderId',
          ExpressionAttributeValues: { ':orderId': order.orderId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new CrossReferenceConflictError(
        `${order.channel} order ${order.channelOrderId} is already mapped to another order id`,
      );
    }
  }

  /** Idempotent: the keys come from the order, so writing them again changes nothing. */
  private async indexBySku(order: Order): Promise<void> {
    const skus = new Set(order.lines.flatMap((line) => (line.sku === null ? [] : [line.sku])));
    await writeAllItems(
      this.client,
      this.ordersTable,
      [...skus].map((sku) =>
        putRequest({
          pk: `SKU#${sku}`,
          sk: `ORDER#${order.placedAt}#${order.orderId}`,
          orderId: order.orderId,
          channel: order.channel,
          placedAt: order.placedAt,
        }),
      ),
    );
  }

  /**
   * The ids of the orders recorded with this SKU, newest placed first, at most `limit`, and whether
   * there are more. An id may name an order whose latest version no longer carries the SKU.
   */
  async orderIdsWithSku(sku: string, limit: number): Promise<{ orderIds: string[]; more: boolean }> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.ordersTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `SKU#${sku}` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return { orderIds: Items.map((item) => String(item.orderId)), more: LastEvaluatedKey !== undefined };
  }

  async getOrder(orderId: string): Promise<OrderWithHistory | undefined> {
    const items = await queryAll(this.client, {
      TableName: this.ordersTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` },
    });
    const head = items.find((item) => item.sk === 'ORDER');
    if (!head) return undefined;
    return { order: Order.parse(storedOrder(head)), history: historyOf(items) };
  }

  async holdOrder(held: HeldOrder): Promise<void> {
    const pk = `ORDER#${held.orderId}`;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            // The first verdict stays: a redelivered or repeated hold is the same fact.
            {
              Put: {
                TableName: this.ordersTable,
                Item: { pk, sk: 'HELD', ...held },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.crossReferenceTable,
                Item: { ...channelOrderKey(held.channel, held.channelOrderId), orderId: held.orderId },
                ConditionExpression: 'attribute_not_exists(pk) OR orderId = :orderId',
                ExpressionAttributeValues: { ':orderId': held.orderId },
              },
            },
            this.receivedOnce(held.orderId, held.channel, new Date(held.heldAt).toISOString()),
          ],
        }),
      );
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const [heldReason, crossReferenceReason] = reasons;
      if (crossReferenceReason?.Code === 'ConditionalCheckFailed') {
        throw new CrossReferenceConflictError(
          `${held.channel} order ${held.channelOrderId} is already mapped to another order id`,
        );
      }
      if (heldReason?.Code !== 'ConditionalCheckFailed') throw error;
    }
  }

  async viewOrder(orderId: string): Promise<OrderView | undefined> {
    const items = await queryAll(this.client, {
      TableName: this.ordersTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` },
    });
    const bySk = (sk: string) => items.find((item) => item.sk === sk);
    const head = bySk('ORDER');
    const heldItem = bySk('HELD');
    if (!head && !heldItem) return undefined;
    const order = head ? Order.parse(storedOrder(head)) : undefined;
    const held = heldItem ? heldOrderOf(heldItem) : undefined;
    return {
      orderId,
      status: orderStanding(order, bySk('LIFECYCLE')?.state as LifecycleState | undefined),
      ...(order ? { channelStatus: order.status, order } : {}),
      ...(held ? { held } : {}),
      history: historyOf(items),
    };
  }

  /**
   * The order's RECEIVED item, keeping the first time written: an order held, then mapped and stored,
   * was received when it was held. Written in the transaction that stores a hold, and just after a new
   * order is stored (again by the next delivery of that order, should the first fail in between).
   */
  private receivedOnce(orderId: string, channel: SalesChannel, receivedAt: string, created?: OrderHistoryEntry) {
    return {
      Update: {
        TableName: this.ordersTable,
        Key: { pk: `ORDER#${orderId}`, sk: 'RECEIVED' },
        UpdateExpression: `SET receivedAt = if_not_exists(receivedAt, :at), receivedDay = if_not_exists(receivedDay, :day), channel = if_not_exists(channel, :channel), orderId = :orderId${created ? ', created = if_not_exists(created, :created)' : ''}`,
        ExpressionAttributeValues: {
          ':at': receivedAt,
          ':day': utcDay(new Date(receivedAt)),
          ':channel': channel,
          ':orderId': orderId,
          ...(created ? { ':created': created } : {}),
        },
      },
    };
  }

  async findOrderId(channel: SalesChannel, channelOrderId: string): Promise<string | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.crossReferenceTable, Key: channelOrderKey(channel, channelOrderId) }),
    );
    return result.Item?.orderId as string | undefined;
  }
}

/**
 * An order's stored version (the channel's updated-at and status, and when it was recorded), read
 * consistently with the rest of its item collection, and whether its creation is told nowhere: the
 * delivery that created it failed before its RECEIVED item's `created` entry. A RECEIVED item alone
 * does not tell it, since holding the order first writes one without. An order stored before RECEIVED
 * items carried the creation's history entry has it on a HISTORY# item instead. `replaced`: a newer
 * version was stored over the one that created it.
 */
async function storedHeadOf(
  client: DynamoDBDocumentClient,
  ordersTable: string,
  orderId: string,
): Promise<
  | (Pick<Order, 'channelUpdatedAt' | 'status'> & { recordedAt: string; creationUntold: boolean; replaced: boolean })
  | undefined
> {
  const items = await queryAll(client, {
    TableName: ordersTable,
    KeyConditionExpression: 'pk = :pk',
    ProjectionExpression: 'sk, channelUpdatedAt, #status, recordedAt, #change, #created',
    ExpressionAttributeNames: { '#status': 'status', '#change': 'change', '#created': 'created' },
    ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` },
    ConsistentRead: true,
  });
  const head = items.find((item) => item.sk === 'ORDER');
  if (!head) return undefined;
  return {
    channelUpdatedAt: head.channelUpdatedAt as string,
    status: head.status as Order['status'],
    recordedAt: head.recordedAt as string,
    creationUntold: !items.some(
      (item) =>
        (item.sk === 'RECEIVED' && item.created !== undefined) ||
        (String(item.sk).startsWith('HISTORY#') && item.change === 'created'),
    ),
    replaced: items.some((item) => String(item.sk).startsWith('HISTORY#') && item.change === 'updated'),
  };
}

/** The channel's updated-at and status of an order's stored version, read consistently. */
async function storedVersionOf(
  client: DynamoDBDocumentClient,
  ordersTable: string,
  orderId: string,
): Promise<Pick<Order, 'channelUpdatedAt' | 'status'> | undefined> {
  const { Item } = await client.send(
    new GetCommand({
      TableName: ordersTable,
      Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
      ProjectionExpression: 'channelUpdatedAt, #status',
      ExpressionAttributeNames: { '#status': 'status' },
      ConsistentRead: true,
    }),
  );
  return Item as Pick<Order, 'channelUpdatedAt' | 'status'> | undefined;
}

/**
 * Which order versions the orders table holds: for the catch-up pull, which republishes none of them,
 * and for the dead-letter read model, which order versions order-intake has processed (order-intake
 * keeps no idempotency record, as recordOrder's conditions store each version once).
 */
export class DynamoOrderVersions implements DeliveredOrders {
  constructor(
    private readonly ordersTable: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  /** The channel's updated-at of the stored version (DeliveredOrders, for the catch-up pull). */
  async storedVersion(orderId: string): Promise<string | undefined> {
    return (await storedVersionOf(this.client, this.ordersTable, orderId))?.channelUpdatedAt;
  }

  /**
   * COMPLETED when the version an orderVersionKey names is the stored one, so storing it again is a
   * duplicate that changes nothing; NOT_FOUND when it is not (never stored, or another stored over it).
   */
  async processedStatus(businessKey: string): Promise<'COMPLETED' | 'NOT_FOUND'> {
    const version = orderVersionOf(businessKey);
    const stored = version && (await storedVersionOf(this.client, this.ordersTable, version.orderId));
    return stored && stored.channelUpdatedAt === version.channelUpdatedAt && stored.status === version.status
      ? 'COMPLETED'
      : 'NOT_FOUND';
  }
}

/**
 * The orders received in a window, read through the sparse byReceivedDay index of the RECEIVED items
 * DynamoOrderRepository writes: what the console's overview counts. Reads the orders table alone.
 */
export class DynamoReceivedOrders {
  constructor(
    private readonly ordersTable: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  /**
   * The orders the fabric first received in [from, to), each with where it stands now (as
   * DynamoOrderRepository.viewOrder gives it). One index query per UTC day of the window, then the
   * orders' heads and lifecycles a hundred keys a request: the cost follows the orders in the window,
   * not the table. Orders stored before the index existed have no RECEIVED item and are not listed.
   */
  async receivedBetween(from: Date, to: Date): Promise<ReceivedOrder[]> {
    const days: string[] = [];
    for (let day = utcDay(from); day <= utcDay(to); day = nextUtcDay(day)) days.push(day);
    const received = (
      await Promise.all(
        days.map((day) =>
          queryAll<ReceivedItem>(this.client, {
            TableName: this.ordersTable,
            IndexName: 'byReceivedDay',
            KeyConditionExpression: 'receivedDay = :day AND receivedAt BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':day': day, ':from': from.toISOString(), ':to': to.toISOString() },
          }),
        ),
      )
    )
      .flat()
      // BETWEEN includes its upper bound; the window does not.
      .filter((item) => item.receivedAt < to.toISOString());
    const keys = received.flatMap(({ orderId }) => [
      { pk: `ORDER#${orderId}`, sk: 'ORDER' },
      { pk: `ORDER#${orderId}`, sk: 'LIFECYCLE' },
    ]);
    const items = new Map(
      (await getAllItems(this.client, this.ordersTable, keys)).map((item) => [`${item.pk}|${item.sk}`, item]),
    );
    return received.map(({ orderId, channel, receivedAt }) => {
      const head = items.get(`ORDER#${orderId}|ORDER`);
      const lifecycle = items.get(`ORDER#${orderId}|LIFECYCLE`);
      return {
        orderId,
        channel,
        receivedAt,
        // Without a head only the hold was stored: the order needs attention.
        status: orderStanding(
          head ? Order.parse(storedOrder(head)) : undefined,
          lifecycle?.state as LifecycleState | undefined,
        ),
      };
    });
  }
}

/** An order as the console's overview counts it: when the fabric first received it, on which channel, and where it stands. */
export interface ReceivedOrder {
  orderId: string;
  channel: SalesChannel;
  receivedAt: string;
  status: OrderStanding;
}

/** What the byReceivedDay index gives back of a RECEIVED item. */
interface ReceivedItem {
  orderId: string;
  channel: SalesChannel;
  receivedAt: string;
}

/** The UTC day of a time, as the index partitions on it: `2026-12-06`. */
function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function nextUtcDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000));
}

/**
 * An order's history, oldest first, from its item collection: the entry of its creation, kept on the
 * RECEIVED item (on a HISTORY# item for orders stored before), and one HISTORY# item per later version.
 */
function historyOf(items: Record<string, unknown>[]): OrderHistoryEntry[] {
  const created = items.find((item) => item.sk === 'RECEIVED')?.created as Record<string, unknown> | undefined;
  const later = items.filter((item) => String(item.sk).startsWith('HISTORY#'));
  return (created ? [created, ...later] : later)
    .map(historyEntryOf)
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}

function historyEntryOf({
  recordedAt,
  change,
  status,
  channelUpdatedAt,
  eventId,
  deliveryId,
}: Record<string, unknown>): OrderHistoryEntry {
  return { recordedAt, change, status, channelUpdatedAt, eventId, deliveryId } as OrderHistoryEntry;
}

/** The hold as `holdOrder` wrote it, without its keys. */
function heldOrderOf({
  orderId,
  channel,
  channelOrderId,
  reason,
  details,
  archiveKey,
  heldAt,
}: Record<string, unknown>): HeldOrder {
  return {
    orderId,
    channel,
    channelOrderId,
    reason,
    details,
    ...(archiveKey === undefined ? {} : { archiveKey }),
    heldAt,
  } as HeldOrder;
}

/**
 * Above this, an order is stored gzipped (`orderGzip`). DynamoDB bills a write unit per KiB of item,
 * twice over when a newer version is written in a transaction: a Shopify order of one to three lines is
 * 1.4-2.1 KB of JSON, two or three units as it stands, and about 600 bytes gzipped, one unit beside its
 * keys and version. Gzipped, an order up to the 1 MiB webhook limit (3,000 lines, ~860 KB from Shopify)
 * also fits an item's 400 KB: line after line of the same shape compresses tenfold or better. Smaller
 * orders stay readable as they are.
 */
const ORDER_INLINE_MAX_BYTES = 800;

/** The attribute that holds the order: `order` as a map, or `orderGzip`, its JSON gzipped, when large. */
function orderAttribute(order: Order) {
  return gzippedJsonAttribute('order', order, ORDER_INLINE_MAX_BYTES);
}

function storedOrder(item: Record<string, unknown>): unknown {
  return readGzippedJson(item, 'order');
}
