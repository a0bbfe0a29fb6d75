import { isConditionFailure } from './dynamo-errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, GetCommand, PutCommand, UpdateCommand } from './aws-clients';
import { getAllItems, queryAll, queryItems } from './dynamo-query';
import { gzippedJsonAttribute, readGzippedJson } from './gzipped-json';
import { loadOrderSlas } from '#domain/orders/sla-policy';
import { slaDeadline, type OrderSlas, type StuckOrderWatch } from '#domain/orders/sla';
import type { OrderStuckData } from '#domain/orders/events';
import {
  LifecycleVersionConflictError,
  type AppliedEvent,
  type LifecycleHistoryEntry,
  type LifecycleRefusal,
  type LifecycleStore,
  type OrderLifecycle,
} from '#domain/orders/lifecycle';

/**
 * The lifecycle lives in the order's own item collection of the orders table, beside the canonical
 * order (shared/adapters/order-store.ts), so one query shows an order, its channel history and its
 * lifecycle:
 *   pk ORDER#{orderId}  sk LIFECYCLE                            -> state, version, facts, and per applied event
 *                                                                   key its move (from, to, on, event id, when),
 *                                                                   gzipped as appliedGzip once there are many
 *   pk ORDER#{orderId}  sk LIFECYCLE_REFUSED#{eventId}           -> one refused event, with both states
 * The moves live in the LIFECYCLE item's applied keys rather than an item each: a move is then one
 * conditional put of one item, not a transaction of two (which DynamoDB bills twice over). Orders moved
 * before that kept a LIFECYCLE#{version} item per move, which `history` still reads.
 * The LIFECYCLE item of an order in a state with an SLA carries slaWatch = 'DUE' and slaDeadline, the
 * sparse bySlaDeadline index the SLA watch queries; a move rewrites the item and so the deadline, and
 * a reported stay drops slaWatch. One index partition: it holds only orders in flight.
 */
export class DynamoLifecycleStore implements LifecycleStore, StuckOrderWatch {
  constructor(
    private readonly ordersTable: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly slas: OrderSlas = loadOrderSlas(),
  ) {}

  async load(orderId: string): Promise<OrderLifecycle | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.ordersTable,
        Key: { pk: `ORDER#${orderId}`, sk: 'LIFECYCLE' },
        ConsistentRead: true,
      }),
    );
    return Item ? lifecycleOf(orderId, Item) : undefined;
  }

  /** The lifecycles of these orders that have one, by order id: a hundred orders a request. */
  async loadMany(orderIds: readonly string[]): Promise<Map<string, OrderLifecycle>> {
    const keys = [...new Set(orderIds)].map((orderId) => ({ pk: `ORDER#${orderId}`, sk: 'LIFECYCLE' }));
    const items = await getAllItems(this.client, this.ordersTable, keys, { consistentRead: true });
    return new Map(
      items.map((item) => {
        const orderId = String(item.pk).slice('ORDER#'.length);
        return [orderId, lifecycleOf(orderId, item)];
      }),
    );
  }

  async save(next: OrderLifecycle, expectedVersion: number, entry: LifecycleHistoryEntry): Promise<void> {
    const deadline = slaDeadline(next.state, entry.recordedAt, this.slas);
    const move: StoredMove = {
      ...next.applied[entry.key],
      on: entry.on,
      eventId: entry.eventId,
      recordedAt: entry.recordedAt,
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.ordersTable,
          Item: {
            pk: `ORDER#${next.orderId}`,
            sk: 'LIFECYCLE',
            state: next.state,
            version: next.version,
            facts: next.facts,
            // The move is kept with its key: the decision spreads the applied keys it loaded, so every
            // earlier move stays in the item as written.
            ...gzippedJsonAttribute('applied', { ...next.applied, [entry.key]: move }, APPLIED_INLINE_MAX_BYTES),
            updatedAt: entry.recordedAt,
            ...(deadline ? { slaWatch: 'DUE', slaDeadline: deadline } : {}),
          },
          // The version read is the version written over: a racing consumer or a late event that
          // decided on an older state loses here, whatever it read.
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new LifecycleVersionConflictError(`order ${next.orderId} moved past version ${expectedVersion}`);
      throw error;
    }
  }

  async *overdue(now: Date): AsyncIterable<OrderStuckData> {
    const due = queryItems<DueLifecycleItem>(this.client, {
      TableName: this.ordersTable,
      IndexName: 'bySlaDeadline',
      KeyConditionExpression: 'slaWatch = :due AND slaDeadline <= :now',
      ExpressionAttributeValues: { ':due': 'DUE', ':now': now.toISOString() },
    });
    for await (const item of due) {
      yield {
        orderId: String(item.pk).slice('ORDER#'.length),
        state: item.state,
        since: item.updatedAt,
        deadline: item.slaDeadline,
        version: item.version,
      };
    }
  }

  async markReported(order: OrderStuckData): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.ordersTable,
          Key: { pk: `ORDER#${order.orderId}`, sk: 'LIFECYCLE' },
          UpdateExpression: 'REMOVE slaWatch',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': order.version },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordRefusal(orderId: string, refusal: LifecycleRefusal): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.ordersTable,
        Item: { pk: `ORDER#${orderId}`, sk: `LIFECYCLE_REFUSED#${refusal.eventId}`, ...refusal },
      }),
    );
  }

  /** The order's moves in order, and the events it refused: what `ops order show` and the tests read. */
  async history(orderId: string): Promise<{ moves: StoredHistoryEntry[]; refusals: LifecycleRefusal[] }> {
    const items = await queryAll(this.client, {
      TableName: this.ordersTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :lifecycle)',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}`, ':lifecycle': 'LIFECYCLE' },
      ConsistentRead: true,
    });
    const strip = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;
    const lifecycle = items.find((item) => item.sk === 'LIFECYCLE');
    const applied = lifecycle && readGzippedJson(lifecycle, 'applied');
    const moves = Object.entries((applied ?? {}) as Record<string, Partial<StoredMove>>).flatMap(
      ([key, { from, to, version, on, eventId, recordedAt }]) =>
        recordedAt === undefined ? [] : [{ from, to, on, key, eventId, recordedAt, version } as StoredHistoryEntry],
    );
    const movedBefore = items
      .filter((item) => String(item.sk).startsWith('LIFECYCLE#'))
      .map(strip) as unknown as StoredHistoryEntry[];
    return {
      moves: [...movedBefore, ...moves].sort((a, b) => a.version - b.version),
      refusals: items
        .filter((item) => String(item.sk).startsWith('LIFECYCLE_REFUSED#'))
        .map(strip) as unknown as LifecycleRefusal[],
    };
  }
}

/**
 * Above this, the applied moves are stored gzipped (`appliedGzip`). Each move keeps its event id and
 * time, about 170 bytes: an order's first three moves (received, reserved, posted to the ERP) stay
 * readable as they are, and a longer life (shipments, returns, refunds) keeps the item under the
 * 1 KiB a write unit buys, where it would pass it at its fifth move; the index copy while the order
 * has a deadline costs the same again.
 */
const APPLIED_INLINE_MAX_BYTES = 600;

/** An applied event key as `save` stores it: the move it made, with the event that made it and when. */
type StoredMove = AppliedEvent & Pick<LifecycleHistoryEntry, 'on' | 'eventId' | 'recordedAt'>;

type StoredHistoryEntry = LifecycleHistoryEntry & { version: number };

/** What the SLA watch reads of a LIFECYCLE item that `save` wrote with slaWatch DUE. */
interface DueLifecycleItem {
  pk: string;
  state: string;
  updatedAt: string;
  slaDeadline: string;
  version: number;
}

function lifecycleOf(orderId: string, item: Record<string, unknown>): OrderLifecycle {
  return {
    orderId,
    state: item.state,
    version: item.version,
    facts: item.facts,
    applied: readGzippedJson(item, 'applied'),
  } as OrderLifecycle;
}
