import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import { JournalEntryPreparedData } from '../domain/accounting';
import { NO_BOOKINGS, OrderBookings } from '../domain/accounting-sale';
import { BookingConflictError, type AccountingLedger } from '../domain/accounting-journal';

/**
 * The accounting table: what the books hold per order and what each settlement report matched.
 *   pk ORDER#{orderId}             sk BOOKINGS          -> units booked and reversed per line, revision,
 *                                                          unsettledDate (the byUnsettledDate index) until settled
 *   pk ORDER#{orderId}             sk ENTRY#{entryId}   -> a prepared journal entry (the outbox a re-run republishes)
 *   pk SETTLEMENT#{settlementId}   sk REPORT            -> the reconciliation report's header and counts
 *   pk SETTLEMENT#{settlementId}   sk ORDER#{channelOrderId} -> one matched, variance or unmatched order
 * A table of its own, not items in `orders`: the order lifecycle writes the order item with its own
 * optimistic version, and the books must never race it nor be lost when an order is replaced.
 */
export const UNSETTLED_INDEX = 'byUnsettledDate';

const ordersKey = (orderId: string) => `ORDER#${orderId}`;

export class DynamoAccountingLedger implements AccountingLedger {
  constructor(private readonly tableName: string, private readonly client: DynamoDBDocumentClient = documentClient()) {}

  async readBookings(orderId: string): Promise<{ bookings: OrderBookings; revision: number }> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: ordersKey(orderId), sk: 'BOOKINGS' }, ConsistentRead: true }));
    return Item?.bookings ? { bookings: OrderBookings.parse(Item.bookings), revision: Number(Item.revision) } : { bookings: NO_BOOKINGS, revision: 0 };
  }

  async findEntry(orderId: string, entryId: string): Promise<JournalEntryPreparedData | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: ordersKey(orderId), sk: `ENTRY#${entryId}` }, ConsistentRead: true }));
    return Item ? JournalEntryPreparedData.parse(Item.prepared) : undefined;
  }

  async recordEntry(orderId: string, prepared: JournalEntryPreparedData, bookings: OrderBookings, expectedRevision: number, awaitsSettlementSince?: string): Promise<boolean> {
    const pk = ordersKey(orderId);
    const values: Record<string, unknown> = { ':bookings': bookings, ':next': expectedRevision + 1, ':orderId': orderId };
    if (expectedRevision > 0) values[':revision'] = expectedRevision;
    if (awaitsSettlementSince) values[':since'] = awaitsSettlementSince;
    try {
      await this.client.send(new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { pk, sk: `ENTRY#${prepared.entry.entryId}`, prepared, recordedAt: new Date().toISOString() },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: { pk, sk: 'BOOKINGS' },
              // A settlement may have marked the order before its first booking: the item then exists without a revision.
              UpdateExpression: `SET bookings = :bookings, revision = :next, orderId = :orderId${awaitsSettlementSince ? ', unsettledDate = if_not_exists(unsettledDate, :since)' : ''}`,
              ConditionExpression: expectedRevision > 0 ? 'revision = :revision' : 'attribute_not_exists(revision)',
              ExpressionAttributeValues: values,
            },
          },
        ],
      }));
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [entryReason, bookingsReason] = error.CancellationReasons ?? [];
      if (entryReason?.Code === 'ConditionalCheckFailed') return false;
      if (bookingsReason?.Code === 'ConditionalCheckFailed') throw new BookingConflictError(`bookings of ${orderId} moved past revision ${expectedRevision}`);
      throw error;
    }
  }
}
