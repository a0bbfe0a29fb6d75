import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import { ConnectorStateConflictError, type ConnectorState, type ConnectorStateStore } from '#domain/intake/order-pull';

/**
 * Pull connectors' state, one item per connector (pk CONNECTOR#{name}), written with a version
 * condition so two runs of one connector can never both move its cursor.
 */
export class DynamoConnectorStateStore implements ConnectorStateStore {
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
      if (error instanceof ConditionalCheckFailedException) {
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
    ...(item.cursor ? { cursor: item.cursor as string } : {}),
    ...(item.run ? { run: item.run as ConnectorState['run'] } : {}),
    version: item.version as number,
  };
}
