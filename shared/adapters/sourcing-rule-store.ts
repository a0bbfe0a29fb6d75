import { isConditionFailure } from './dynamo-errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, GetCommand, PutCommand, QueryCommand } from './aws-clients';
import { queryAll } from './dynamo-query';
import { readConfig, requiredName } from '#shared/config/env';
import type { SourcingRuleRepository, SourcingRuleSet } from '#domain/fulfilment';

/**
 * The merchant's sourcing rules, in the inventory table beside the reservations that read them (the
 * reservation function already reads that table, so a rule needs no new grant or table):
 *
 *   pk SOURCING#RULES    sk VERSION#{nnnnnnnnnn}    one version of the rule set, never overwritten
 *
 * The newest version is the last sort key; a version is written only if absent, so two writers of
 * version n+1 cannot both win, and every older version stays readable for `sourcing history`.
 */
const PK = 'SOURCING#RULES';
const versionSk = (version: number) => `VERSION#${String(version).padStart(10, '0')}`;

export class DynamoSourcingRuleStore implements SourcingRuleRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async loadSourcingRules(): Promise<SourcingRuleSet | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items?.[0] ? ruleSetOf(Items[0]) : undefined;
  }

  async readSourcingRuleVersion(version: number): Promise<SourcingRuleSet | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: PK, sk: versionSk(version) }, ConsistentRead: true }),
    );
    return Item ? ruleSetOf(Item) : undefined;
  }

  async listSourcingRuleVersions(): Promise<SourcingRuleSet[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PK },
      ScanIndexForward: false,
      ConsistentRead: true,
    });
    return items.map(ruleSetOf);
  }

  async putSourcingRules(ruleSet: SourcingRuleSet): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: PK, sk: versionSk(ruleSet.version), ...ruleSet },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function ruleSetOf(item: Record<string, unknown>): SourcingRuleSet {
  const { pk: _pk, sk: _sk, ...ruleSet } = item;
  return ruleSet as unknown as SourcingRuleSet;
}

/** The rule store from a function's environment: the inventory table (FABRIC_TABLE_INVENTORY). */
export function sourcingRuleStoreFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoSourcingRuleStore {
  const config = readConfig({ FABRIC_TABLE_INVENTORY: requiredName }, env);
  return new DynamoSourcingRuleStore(config.FABRIC_TABLE_INVENTORY);
}
