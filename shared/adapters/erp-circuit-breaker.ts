import { isConditionFailure } from './dynamo-errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, GetCommand, PutCommand, ScanCommand } from './aws-clients';
import { BreakerConflictError, CLOSED_BREAKER, type BreakerState, type BreakerStore } from '#domain/erp/resilience';

/**
 * The ERP circuit breaker's state, one item per breaker in the connectorState table
 * (pk BREAKER#{name}), read consistently and written with a version condition, so every Lambda
 * container calling the ERP sees and moves the same breaker.
 */
export class DynamoBreakerStore implements BreakerStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async load(name: string): Promise<BreakerState> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `BREAKER#${name}` }, ConsistentRead: true }),
    );
    if (!Item) return CLOSED_BREAKER;
    const { pk: _pk, updatedAt: _updatedAt, ...state } = Item;
    return state as BreakerState;
  }

  /**
   * Every breaker ever written, with when it last changed, for the console. A scan: the table holds
   * one item per breaker and per pull connector, a handful. A breaker never written is closed and clean.
   */
  async all(): Promise<{ name: string; state: BreakerState; changedAt: string }[]> {
    const { Items = [] } = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :breaker)',
        ExpressionAttributeValues: { ':breaker': 'BREAKER#' },
      }),
    );
    return Items.map(({ pk, updatedAt, ...state }) => ({
      name: String(pk).slice('BREAKER#'.length),
      state: state as BreakerState,
      changedAt: String(updatedAt),
    }));
  }

  async save(name: string, next: BreakerState): Promise<void> {
    const expected = next.version - 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `BREAKER#${name}`, ...next, updatedAt: new Date().toISOString() },
          ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':expected': expected } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new BreakerConflictError(`breaker ${name} moved past version ${expected}`);
      throw error;
    }
  }
}
