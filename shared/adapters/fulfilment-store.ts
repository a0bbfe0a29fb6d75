import { isConditionFailure } from './dynamo-errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, GetCommand, PutCommand } from './aws-clients';
import { queryAll } from './dynamo-query';
import type { FulfilmentStore, RequestStatus, StoredRequest } from '#domain/fulfilment';

/** The one partition of the byDueAt index: the watch reads every due request in one query, soonest first. */
const DUE = 'due';

/**
 * The fulfilment table: one item per fulfilment request.
 *   pk `request#<requestId>`, sk `request`   -> the request, with `version` for conditional writes
 *   byOrder    (orderId, requestId)          -> an order's requests (GET /orders/{orderId}/fulfilment)
 *   byLocation (locationId, createdAt)       -> sparse: a store's tasks, newest first (GET /stores/{storeId}/tasks)
 *   byDueAt    (dueWatch, dueAt)             -> sparse: what fulfilment-watch must look at, soonest first
 * A write puts the whole item, so a request that is no longer due loses `dueWatch` and leaves the index.
 * Only a store's requests carry `locationId`: a warehouse's keeps it as `warehouseId`, since nothing
 * lists a warehouse's requests and each index entry is a write unit more per write.
 */
export class DynamoFulfilmentStore implements FulfilmentStore {
  constructor(
    private readonly table: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async createRequest(request: StoredRequest): Promise<boolean> {
    return this.put(request, { ConditionExpression: 'attribute_not_exists(pk)' });
  }

  async getRequest(requestId: string): Promise<StoredRequest | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keyOf(requestId), ConsistentRead: true }),
    );
    return Item ? requestOf(Item) : undefined;
  }

  async updateRequest(next: StoredRequest, expectVersion: number): Promise<boolean> {
    return this.put(next, {
      ConditionExpression: 'version = :expect',
      ExpressionAttributeValues: { ':expect': expectVersion },
    });
  }

  async listByOrder(orderId: string): Promise<StoredRequest[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: 'byOrder',
      KeyConditionExpression: 'orderId = :orderId',
      ExpressionAttributeValues: { ':orderId': orderId },
    });
    return items.map(requestOf);
  }

  async listByLocation(locationId: string, status?: RequestStatus): Promise<StoredRequest[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: 'byLocation',
      KeyConditionExpression: 'locationId = :locationId',
      ...(status
        ? {
            FilterExpression: '#status = :status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':locationId': locationId, ':status': status },
          }
        : { ExpressionAttributeValues: { ':locationId': locationId } }),
      ScanIndexForward: false,
    });
    return items.map(requestOf);
  }

  async listDue(now: Date): Promise<StoredRequest[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: 'byDueAt',
      KeyConditionExpression: 'dueWatch = :due AND dueAt <= :now',
      ExpressionAttributeValues: { ':due': DUE, ':now': now.toISOString() },
    });
    // The index is eventually consistent: read each again, so a request just moved on is seen as it is.
    const current = await Promise.all(items.map((item) => this.getRequest(String(item.requestId))));
    return current.filter(
      (request): request is StoredRequest => request?.dueAt !== undefined && request.dueAt <= now.toISOString(),
    );
  }

  private async put(
    request: StoredRequest,
    condition: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: storedRequest(request),
          ...condition,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function keyOf(requestId: string) {
  return { pk: `request#${requestId}`, sk: 'request' };
}

function storedRequest(request: StoredRequest): Record<string, unknown> {
  const { locationId, ...rest } = request;
  return {
    ...keyOf(request.requestId),
    ...rest,
    ...(request.locationKind === 'store' ? { locationId } : { warehouseId: locationId }),
    ...(request.dueAt ? { dueWatch: DUE } : {}),
  };
}

function requestOf(item: Record<string, unknown>): StoredRequest {
  const { pk: _pk, sk: _sk, dueWatch: _due, warehouseId, ...request } = item;
  return (warehouseId ? { ...request, locationId: warehouseId } : request) as unknown as StoredRequest;
}
