import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import { PostingInProgressError, type ErpDocument, type ErpDocumentReferences, type ErpDocumentType } from '../domain/erp-posting';

/**
 * Fabric ids <-> ERP documents, in the cross-reference table beside the channel order and SKU
 * mappings (shared/adapters/cross-reference.ts):
 *   pk ERP_DOCUMENT#{erp}#{documentType}#{key}  sk ERP    -> erpDocumentId, erpDocumentNumber
 *   pk ERP_DOCUMENT#{erp}#{documentType}#{key}  sk LEASE  -> leaseUntil (epoch ms), while one consumer posts it
 * where key is the order id (sales orders) or the journal entry id.
 */
export class DynamoErpDocumentReferences implements ErpDocumentReferences {
  constructor(private readonly tableName: string, private readonly client: DynamoDBDocumentClient = documentClient()) {}

  async find(erp: string, documentType: ErpDocumentType, key: string): Promise<ErpDocument | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: erpDocumentKey(erp, documentType, key), ConsistentRead: true }));
    return Item ? { erpDocumentId: Item.erpDocumentId as string, erpDocumentNumber: Item.erpDocumentNumber as string } : undefined;
  }

  async record(erp: string, documentType: ErpDocumentType, key: string, document: ErpDocument): Promise<void> {
    await this.client.send(new PutCommand({
      TableName: this.tableName,
      Item: { ...erpDocumentKey(erp, documentType, key), ...document, recordedAt: new Date().toISOString() },
    }));
  }

  async withLease<T>(erp: string, documentType: ErpDocumentType, key: string, leaseMs: number, work: () => Promise<T>): Promise<T> {
    const lease = { ...erpDocumentKey(erp, documentType, key), sk: 'LEASE' };
    const now = Date.now();
    try {
      await this.client.send(new PutCommand({
        TableName: this.tableName,
        Item: { ...lease, leaseUntil: now + leaseMs },
        ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
        ExpressionAttributeValues: { ':now': now },
      }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new PostingInProgressError(`${documentType} ${key} is being posted by another consumer`);
      throw error;
    }
    try {
      return await work();
    } finally {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: lease }));
    }
  }
}

export function erpDocumentKey(erp: string, documentType: ErpDocumentType, key: string): { pk: string; sk: string } {
  return { pk: `ERP_DOCUMENT#${erp}#${documentType}#${key}`, sk: 'ERP' };
}
