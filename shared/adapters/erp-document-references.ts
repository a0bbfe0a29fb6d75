import { isConditionFailure } from './dynamo-errors';
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, GetCommand, UpdateCommand } from './aws-clients';
import {
  PostingInProgressError,
  type DocumentLease,
  type ErpDocument,
  type ErpDocumentReferences,
  type ErpDocumentType,
} from '#domain/erp/posting';

/**
 * Fabric ids <-> ERP documents, in the cross-reference table beside the channel order and SKU
 * mappings (shared/adapters/cross-reference.ts), one item per document:
 *   pk ERP_DOCUMENT#{erp}#{documentType}#{key}  sk ERP  -> erpDocumentId, erpDocumentNumber once posted;
 *                                                         leaseOwner, leaseUntil (epoch ms) while one consumer posts it, or its post is in doubt
 * where key is the order id (sales orders) or the journal entry id. The lease lives on the document's
 * own item so that taking it also reads what was recorded, and recording the post lets it go: a
 * posting costs two writes here, not a lease put, a lookup, a record and a lease delete.
 */
export class DynamoErpDocumentReferences implements ErpDocumentReferences {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly now: () => number = Date.now,
  ) {}

  async withLease<T>(
    erp: string,
    documentType: ErpDocumentType,
    key: string,
    leaseMs: number,
    work: (lease: DocumentLease) => Promise<T>,
  ): Promise<T> {
    const Key = erpDocumentKey(erp, documentType, key);
    const owner = randomUUID();
    const now = this.now();
    let item: Record<string, unknown>;
    try {
      ({ Attributes: item = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':owner': owner, ':until': now + leaseMs, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (isConditionFailure(error))
        throw new PostingInProgressError(`${documentType} ${key} is being posted by another consumer`);
      throw error;
    }
    let held = true;
    const lease: DocumentLease = {
      recorded: item.erpDocumentId
        ? { erpDocumentId: item.erpDocumentId as string, erpDocumentNumber: item.erpDocumentNumber as string }
        : undefined,
      record: async (document) => {
        await this.record(Key, owner, document);
        held = false;
      },
      keepFor: async (ms) => {
        await this.keep(Key, owner, ms);
        held = false;
      },
    };
    try {
      return await work(lease);
    } finally {
      if (held) await this.release(Key, owner);
    }
  }

  /**
   * What the fabric holds for a document, for people to read: the ERP's id and number once posted,
   * and whether a consumer holds its lease now (posting it, or waiting out a post in doubt).
   */
  async find(
    erp: string,
    documentType: ErpDocumentType,
    key: string,
  ): Promise<{ document?: ErpDocument; recordedAt?: string; postingUntil?: string } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: erpDocumentKey(erp, documentType, key) }),
    );
    if (!Item) return undefined;
    const leaseUntil = typeof Item.leaseUntil === 'number' ? Item.leaseUntil : 0;
    return {
      ...(Item.erpDocumentId
        ? {
            document: { erpDocumentId: String(Item.erpDocumentId), erpDocumentNumber: String(Item.erpDocumentNumber) },
            recordedAt: String(Item.recordedAt),
          }
        : {}),
      ...(leaseUntil > this.now() ? { postingUntil: new Date(leaseUntil).toISOString() } : {}),
    };
  }

  /**
   * Records the document and lets the lease go, in one write.
   * Should the lease have expired and passed to another consumer, the document is recorded all the
   * same (it is in the ERP) and the other holder's lease left alone.
   */
  private async record(Key: { pk: string; sk: string }, owner: string, document: ErpDocument): Promise<void> {
    const set = 'SET erpDocumentId = :id, erpDocumentNumber = :number, recordedAt = :at';
    const values = {
      ':id': document.erpDocumentId,
      ':number': document.erpDocumentNumber,
      ':at': new Date(this.now()).toISOString(),
    };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: `${set} REMOVE leaseOwner, leaseUntil`,
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ...values, ':owner': owner },
        }),
      );
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key, UpdateExpression: set, ExpressionAttributeValues: values }),
    );
  }

  /** Moves the lease's end to `ms` from now, unless it expired and passed to another consumer meanwhile. */
  private async keep(Key: { pk: string; sk: string }, owner: string, ms: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner, ':until': this.now() + ms },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Lets the lease go unless it expired and another consumer holds it now: theirs is not ours to free. */
  private async release(Key: { pk: string; sk: string }, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function erpDocumentKey(erp: string, documentType: ErpDocumentType, key: string): { pk: string; sk: string } {
  return { pk: `ERP_DOCUMENT#${erp}#${documentType}#${key}`, sk: 'ERP' };
}
