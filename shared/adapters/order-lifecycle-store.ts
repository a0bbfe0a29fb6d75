import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import { getAllItems, queryAll, queryItems } from './dynamo-query';
import { loadOrderSlas } from '#domain/orders/sla-policy';
import { slaDeadline, type OrderSlas, type StuckOrderWatch } from '#domain/orders/sla';
import type { OrderStuckData } from '#domain/orders/events';
import {
  LifecycleVersionConflictError,
  type LifecycleHistoryEntry,
  type LifecycleRefusal,
  type LifecycleStore,
  type OrderLifecycle,
} from '#domain/orders/lifecycle';

/**
 * The lifecycle lives in the order's own item collection of the orders table, beside the canonical
 * order (shared/adapters/order-store.ts), so one query shows an order, its channel history and its
 * lifecycle:
 *   pk ORDER#{orderId}  sk LIFECYCLE                            -> state, version, facts, applied event keys
 *   pk ORDER#{orderId}  sk LIFECYCLE#{version, 6 digits}         -> one move (from, to, event)
 *   pk ORDER#{orderId}  sk LIFECYCLE_REFUSED#{eventId}           -> one refused event, with both states
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
    const pk = `ORDER#${next.orderId}`;
    const deadline = slaDeadline(next.state, entry.recordedAt, this.slas);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // The version read is the version written over: a racing consumer or a late event that
              // decided on an older state loses here, whatever it read.
              Put: {
                TableName: this.ordersTable,
                Item: {
                  pk,
                  sk: 'LIFECYCLE',
                  state: next.state,
                  version: next.version,
                  facts: next.facts,
                  applied: next.applied,
                  updatedAt: entry.recordedAt,
                  ...(deadline ? { slaWatch: 'DUE', slaDeadline: deadline } : {}),
                },
                ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
                ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
              },
            },
            {
              Put: {
                TableName: this.ordersTable,
                Item: { pk, sk: `LIFECYCLE#${String(next.version).padStart(6, '0')}`, ...entry, version: next.version },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')
      ) {
        throw new LifecycleVersionConflictError(`order ${next.orderId} moved past version ${expectedVersion}`);
      }
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
      if (error instanceof ConditionalCheckFailedException) return false;
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
  async history(
    orderId: string,
  ): Promise<{ moves: (LifecycleHistoryEntry & { version: number })[]; refusals: LifecycleRefusal[] }> {
    const items = await queryAll(this.client, {
      TableName: this.ordersTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :lifecycle)',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}`, ':lifecycle': 'LIFECYCLE' },
      ConsistentRead: true,
    });
    const strip = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;
    return {
      moves: items
        .filter((item) => String(item.sk).startsWith('LIFECYCLE#'))
        .map(strip) as unknown as (LifecycleHistoryEntry & { version: number })[],
      refusals: items
        .filter((item) => String(item.sk).startsWith('LIFECYCLE_REFUSED#'))
        .map(strip) as unknown as LifecycleRefusal[],
    };
  }
}

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
    applied: item.applied,
  } as OrderLifecycle;
}
