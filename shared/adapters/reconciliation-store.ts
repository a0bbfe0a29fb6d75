import { cancellationReasons, isConditionFailure } from './dynamo-errors';
import { setTimeout as pause } from 'node:timers/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BatchWriteCommand,
  documentClient,
  GetCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from './aws-clients';
import { JournalEntryPreparedData } from '#domain/accounting/model';
import { NO_BOOKINGS, OrderBookings } from '#domain/accounting/sale-entries';
import { BookingConflictError, type AccountingLedger } from '#domain/accounting/journal';
import { SettledOrder, SettlementReport, type SettlementLedger } from '#domain/accounting/settlement-reconciliation';
import type { AwaitingSettlement, SettlementWatch } from '#domain/accounting/settlement-watch';
import { queryAll } from './dynamo-query';

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
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async readBookings(orderId: string): Promise<{ bookings: OrderBookings; revision: number }> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ordersKey(orderId), sk: 'BOOKINGS' },
        ConsistentRead: true,
      }),
    );
    return Item?.bookings
      ? { bookings: OrderBookings.parse(Item.bookings), revision: Number(Item.revision) }
      : { bookings: NO_BOOKINGS, revision: 0 };
  }

  async findEntry(orderId: string, entryId: string): Promise<JournalEntryPreparedData | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ordersKey(orderId), sk: `ENTRY#${entryId}` },
        ConsistentRead: true,
      }),
    );
    return Item ? JournalEntryPreparedData.parse(Item.prepared) : undefined;
  }

  async recordEntry(
    orderId: string,
    prepared: JournalEntryPreparedData,
    bookings: OrderBookings,
    expectedRevision: number,
    awaitsSettlementSince?: string,
  ): Promise<boolean> {
    const pk = ordersKey(orderId);
    const values: Record<string, unknown> = {
      ':bookings': bookings,
      ':next': expectedRevision + 1,
      ':orderId': orderId,
    };
    if (expectedRevision > 0) values[':revision'] = expectedRevision;
    if (awaitsSettlementSince) values[':since'] = awaitsSettlementSince;
    try {
      await this.client.send(
        new TransactWriteCommand({
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
        }),
      );
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const [entryReason, bookingsReason] = reasons;
      if (entryReason?.Code === 'ConditionalCheckFailed') return false;
      if (bookingsReason?.Code === 'ConditionalCheckFailed')
        throw new BookingConflictError(`bookings of ${orderId} moved past revision ${expectedRevision}`);
      throw error;
    }
  }
}

const settlementKey = (settlementId: string) => `SETTLEMENT#${settlementId}`;

/** BatchWriteItem takes 25 items a call and may hand some back: they are sent again until none are left. */
const BATCH_WRITE = 25;

export class DynamoSettlementLedger implements SettlementLedger, SettlementWatch {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async markSettled(orderId: string, settlementId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: ordersKey(orderId), sk: 'BOOKINGS' },
        UpdateExpression:
          'SET settledAt = if_not_exists(settledAt, :now), orderId = :orderId ADD settlementIds :settlement REMOVE unsettledDate',
        ExpressionAttributeValues: {
          ':now': new Date().toISOString(),
          ':orderId': orderId,
          ':settlement': new Set([settlementId]),
        },
      }),
    );
  }

  /** The orders first, the header last: a report whose header is there is complete. */
  async saveReport(report: SettlementReport, orders: readonly SettledOrder[]): Promise<void> {
    const pk = settlementKey(report.settlementId);
    const items = [
      ...orders.map((order) => ({ pk, sk: `ORDER#${order.channelOrderId}`, order })),
      { pk, sk: 'REPORT', report },
    ];
    for (let i = 0; i < items.length; i += BATCH_WRITE) {
      let requests = items.slice(i, i + BATCH_WRITE).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length; attempt += 1) {
        if (attempt) await pause(Math.min(1000, 50 * 2 ** attempt));
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  async readReport(settlementId: string): Promise<{ report: SettlementReport; orders: SettledOrder[] } | undefined> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': settlementKey(settlementId) },
    });
    const head = items.find((item) => item.sk === 'REPORT');
    if (!head) return undefined;
    return {
      report: SettlementReport.parse(head.report),
      orders: items.filter((item) => item.sk !== 'REPORT').map((item) => SettledOrder.parse(item.order)),
    };
  }

  /**
   * Every stored report with its orders, newest reconciliation first. No index lists settlements, so
   * this scans the table for SETTLEMENT# items: a scan reads every booking whatever its filter keeps,
   * so its cost grows with the table. Fine for an operator's page, not for a hot path.
   */
  async listReports(): Promise<{ report: SettlementReport; orders: SettledOrder[] }[]> {
    const found = new Map<string, { report?: SettlementReport; orders: SettledOrder[] }>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(pk, :settlement)',
          ExpressionAttributeValues: { ':settlement': 'SETTLEMENT#' },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const entry = found.get(item.pk) ?? { orders: [] };
        if (item.sk === 'REPORT') entry.report = SettlementReport.parse(item.report);
        else entry.orders.push(SettledOrder.parse(item.order));
        found.set(item.pk, entry);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    // A report whose header is missing is still being written (saveReport writes the header last).
    return [...found.values()]
      .flatMap(({ report, orders }) => (report ? [{ report, orders }] : []))
      .sort((a, b) => b.report.reconciledAt.localeCompare(a.report.reconciledAt));
  }

  async awaitingSince(date: string): Promise<AwaitingSettlement[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: UNSETTLED_INDEX,
      KeyConditionExpression: 'unsettledDate = :date',
      ExpressionAttributeValues: { ':date': date },
    });
    // A settlement that named the order before its sale was booked left settledAt behind.
    return items.filter((item) => !item.settledAt).map((item) => ({ orderId: String(item.orderId), since: date }));
  }

  async markNeverSettledReported(orderId: string, since: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: ordersKey(orderId), sk: 'BOOKINGS' },
          UpdateExpression: 'SET neverSettledReportedAt = :now REMOVE unsettledDate',
          ConditionExpression: 'unsettledDate = :since',
          ExpressionAttributeValues: { ':now': new Date().toISOString(), ':since': since },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
