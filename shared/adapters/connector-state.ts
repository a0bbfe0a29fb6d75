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
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `CONNECTOR#${connector}` }, ConsistentRead: true }),
    );
    if (!Item) return { version: 0 };
    return {
      ...(Item.cursor ? { cursor: Item.cursor as string } : {}),
      ...(Item.run ? { run: Item.run as ConnectorState['run'] } : {}),
      version: Item.version as number,
    };
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
