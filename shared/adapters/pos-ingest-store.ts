import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import { MissingItemError, returnedAttributes } from './dynamo-query';
import { unionRanges, type SequenceRange, type SequenceRanges } from '#domain/pos/sequence';
import {
  PosLeaseLostError,
  type PosClaim,
  type PosClaimRequest,
  type PosRegisterSequences,
  type PosTransactionClaims,
  type PosUploadProgress,
  type PosUploadProgressStore,
} from '#domain/pos/batch-ingest';

/**
 * The posIngest table, one item per:
 *   pk TXN#{storeId}:{registerId}:{businessDay}:{sequence}  sk CLAIM      -> owner (upload), line, fingerprint
 *   pk REGISTER#{storeId}:{registerId}:{businessDay}        sk SEQUENCES  -> ranges "1-40,42-97", version
 *   pk UPLOAD#{storeId}/{businessDate}/{batchId}/{uploadId} sk PROGRESS   -> status, lease, state (JSON)
 * Everything expires after POS_RETENTION_DAYS: a transaction uploaded again after that would apply again.
 */
export const POS_RETENTION_DAYS = 400;

/** Conditional puts in flight at once per claim call: enough to hide latency, few enough not to throttle. */
const CLAIM_CONCURRENCY = 16;
const MERGE_ATTEMPTS = 10;

function expiresAt(): number {
  return Math.floor(Date.now() / 1000) + POS_RETENTION_DAYS * 24 * 3600;
}

function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException'
  );
}

/** Exactly-once per transaction key: a conditional put per key, made before anything is published. */
export class DynamoPosTransactionClaims implements PosTransactionClaims {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async claim(requests: readonly PosClaimRequest[]): Promise<(PosClaim | null)[]> {
    const results: (PosClaim | null)[] = new Array(requests.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CLAIM_CONCURRENCY, requests.length) }, async () => {
        while (next < requests.length) {
          const i = next++;
          results[i] = await this.claimOne(requests[i]);
        }
      }),
    );
    return results;
  }

  private async claimOne(request: PosClaimRequest): Promise<PosClaim | null> {
    const key = { pk: `TXN#${request.transactionId}`, sk: 'CLAIM' };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            owner: request.owner,
            line: request.line,
            fingerprint: request.fingerprint,
            claimedAt: new Date().toISOString(),
            expiresAt: expiresAt(),
          },
          // Free, or already this upload's at this very line: a re-run after a crash claims again.
          ConditionExpression: 'attribute_not_exists(pk) OR (#owner = :owner AND #line = :line)',
          ExpressionAttributeNames: { '#owner': 'owner', '#line': 'line' },
          ExpressionAttributeValues: { ':owner': request.owner, ':line': request.line },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return null;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The failed condition returns the holder's item, marshalled; read it when it did not.
      const old = error.Item;
      if (old?.owner?.S && old.line?.N)
        return { owner: old.owner.S, line: Number(old.line.N), fingerprint: old.fingerprint?.S ?? '' };
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      if (!Item) return this.claimOne(request); // released in between (expired): claim again
      return { owner: Item.owner as string, line: Item.line as number, fingerprint: Item.fingerprint as string };
    }
  }

  async takeOver(request: PosClaimRequest, from: PosClaim): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `TXN#${request.transactionId}`, sk: 'CLAIM' },
          UpdateExpression:
            'SET #owner = :owner, #line = :line, fingerprint = :fingerprint, takenOverFrom = :from, claimedAt = :at',
          ConditionExpression: '#owner = :previousOwner AND #line = :previousLine',
          ExpressionAttributeNames: { '#owner': 'owner', '#line': 'line' },
          ExpressionAttributeValues: {
            ':owner': request.owner,
            ':line': request.line,
            ':fingerprint': request.fingerprint,
            ':from': from.owner,
            ':at': new Date().toISOString(),
            ':previousOwner': from.owner,
            ':previousLine': from.line,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** Sequence numbers per register and day, merged with optimistic locking on a version. */
export class DynamoPosRegisterSequences implements PosRegisterSequences {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async merge(registerDay: string, ranges: SequenceRanges): Promise<SequenceRanges> {
    const key = { pk: `REGISTER#${registerDay}`, sk: 'SEQUENCES' };
    for (let attempt = 1; ; attempt += 1) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const stored = decodeRanges((Item?.ranges as string | undefined) ?? '');
      const merged = unionRanges(stored, ranges);
      if (encodeRanges(merged) === encodeRanges(stored)) return merged;
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              ranges: encodeRanges(merged),
              version: ((Item?.version as number | undefined) ?? 0) + 1,
              updatedAt: new Date().toISOString(),
              expiresAt: expiresAt(),
            },
            ConditionExpression: Item ? 'version = :version' : 'attribute_not_exists(pk)',
            ...(Item ? { ExpressionAttributeValues: { ':version': Item.version } } : {}),
          }),
        );
        return merged;
      } catch (error) {
        if (!isConditionFailure(error) || attempt >= MERGE_ATTEMPTS) throw error;
      }
    }
  }
}

export function encodeRanges(ranges: SequenceRanges): string {
  return ranges.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(',');
}

export function decodeRanges(text: string): SequenceRange[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const [from, to = from] = part.split('-');
    return [Number(from), Number(to)] as const;
  });
}

/** One item per upload: its status and lease as attributes (conditions read them), the rest as JSON. */
export class DynamoPosUploadProgressStore implements PosUploadProgressStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  private key(uploadRef: string) {
    return { pk: `UPLOAD#${uploadRef}`, sk: 'PROGRESS' };
  }

  async get(uploadRef: string): Promise<PosUploadProgress | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(uploadRef), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async create(progress: PosUploadProgress): Promise<PosUploadProgress> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(progress.uploadRef),
            status: progress.status,
            leaseUntil: 0,
            state: JSON.stringify(progress),
            expiresAt: expiresAt(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return progress;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The condition fails only on progress another run created, which stays for POS_RETENTION_DAYS.
      const existing = await this.get(progress.uploadRef);
      if (!existing) throw new MissingItemError(`upload ${progress.uploadRef} has progress that cannot be read`);
      return existing;
    }
  }

  async acquire(
    uploadRef: string,
    owner: string,
    leaseUntil: number,
    now: number,
  ): Promise<{ acquired: PosUploadProgress } | { held: number } | 'finished'> {
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(uploadRef),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression: '#status = :processing AND (leaseUntil < :now OR leaseOwner = :owner)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': leaseUntil,
            ':now': now,
            ':processing': 'processing',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { acquired: fromItem(returnedAttributes(output, `the progress of upload ${uploadRef}`)) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: this.key(uploadRef), ConsistentRead: true }),
      );
      if (Item?.status !== 'processing') return 'finished';
      return { held: Item.leaseUntil as number };
    }
  }

  async save(progress: PosUploadProgress, owner: string, leaseUntil: number | undefined): Promise<void> {
    const { leaseUntil: _readOnly, ...state } = progress;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(progress.uploadRef),
          UpdateExpression: 'SET #status = :status, #state = :state, leaseUntil = :until',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#state': 'state' },
          // A released lease is 0: free for the next invocation, but still naming its last owner.
          ExpressionAttributeValues: {
            ':status': progress.status,
            ':state': JSON.stringify(state),
            ':until': leaseUntil ?? 0,
            ':owner': owner,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new PosLeaseLostError(`another invocation took over ${progress.uploadRef}`, { cause: error });
      throw error;
    }
  }
}

function fromItem(item: Record<string, unknown>): PosUploadProgress {
  return {
    ...(JSON.parse(item.state as string) as PosUploadProgress),
    status: item.status as PosUploadProgress['status'],
    leaseUntil: (item.leaseUntil as number | undefined) ?? 0,
  };
}
