import { isConditionFailure } from './dynamo-errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, GetCommand, PutCommand, UpdateCommand } from './aws-clients';
import { ConnectorStateConflictError, type ConnectorState, type ConnectorStateStore } from '#domain/intake/order-pull';
import type { CatchUpResult, PullFailureLog } from '#domain/intake/catch-up';

/** How long an operator's requested run keeps its report for them to read. */
const REQUESTED_RUN_REPORT_DAYS = 7;

/**
 * Pull connectors' state, one item per connector (pk CONNECTOR#{name}), written with a version
 * condition so two runs of one connector can never both move its cursor.
 */
export class DynamoConnectorStateStore implements ConnectorStateStore, PullFailureLog {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async load(connector: string): Promise<ConnectorState> {
    const item = await this.read(connector, true);
    return item ? stateOf(item) : { version: 0 };
  }

  /** The connector's state with when a run last saved it (undefined: never run), for the console's last catch-up. */
  async lastSaved(connector: string): Promise<(ConnectorState & { savedAt: string }) | undefined> {
    const item = await this.read(connector, false);
    return item ? { ...stateOf(item), savedAt: item.updatedAt as string } : undefined;
  }

  /**
   * Counted beside the cursor without its version: a failure moves nothing, and the next successful
   * save (a Put of the whole item) is what forgets the spell.
   */
  async recordFailure(
    connector: string,
    reason: string,
    at: string,
  ): Promise<{ failures: number; failingSince: string }> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `CONNECTOR#${connector}` },
        UpdateExpression:
          'ADD failures :one SET failingSince = if_not_exists(failingSince, :at), lastFailure = :reason, lastFailureAt = :at, version = if_not_exists(version, :zero)',
        ExpressionAttributeValues: { ':one': 1, ':at': at, ':reason': reason, ':zero': 0 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { failures: Attributes?.failures as number, failingSince: Attributes?.failingSince as string };
  }

  /** Keeps what an operator's requested catch-up found, for the command that asked to print. */
  async recordRequestedRun(
    requestId: string,
    result: CatchUpResult | { channel: string; outcome: 'failed'; reason: string },
  ): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `CATCH-UP-REQUEST#${requestId}`,
          result,
          expiresAt: Math.floor(Date.now() / 1000) + REQUESTED_RUN_REPORT_DAYS * 86_400,
        },
      }),
    );
  }

  async requestedRun(requestId: string): Promise<CatchUpResult | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `CATCH-UP-REQUEST#${requestId}` }, ConsistentRead: true }),
    );
    return Item?.result as CatchUpResult | undefined;
  }

  private async read(connector: string, consistent: boolean): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `CONNECTOR#${connector}` }, ConsistentRead: consistent }),
    );
    return Item;
  }

  async save(connector: string, state: ConnectorState): Promise<number> {
    const next = state.version + 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `CONNECTOR#${connector}`,
            ...(state.cursor ? { cursor: state.cursor } : {}),
            ...(state.run ? { run: state.run } : {}),
            version: next,
            updatedAt: new Date().toISOString(),
          },
          ConditionExpression: state.version === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(state.version === 0 ? {} : { ExpressionAttributeValues: { ':expected': state.version } }),
        }),
      );
      return next;
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConnectorStateConflictError(
          `${connector} state moved since version ${state.version}: another run is pulling`,
        );
      }
      throw error;
    }
  }
}

function stateOf(item: Record<string, unknown>): ConnectorState {
  return {
    ...(item.failures
      ? {
          failing: {
            failures: item.failures as number,
            since: item.failingSince as string,
            lastReason: item.lastFailure as string,
            lastAt: item.lastFailureAt as string,
          },
        }
      : {}),
    ...(item.cursor ? { cursor: item.cursor as string } : {}),
    ...(item.run ? { run: item.run as ConnectorState['run'] } : {}),
    version: item.version as number,
  };
}
