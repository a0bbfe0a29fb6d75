import { cancellationReasons, isConditionFailure } from './dynamo-errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as pause } from 'node:timers/promises';
import { documentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from './aws-clients';
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

/** Conditional puts in flight at once, for the claims a transaction left undecided. */
const CLAIM_CONCURRENCY = 16;
/** DynamoDB's limit of actions in one transaction. */
const CLAIMS_PER_TRANSACTION = 100;
const CLAIM_CONFLICT_ATTEMPTS = 5;
const CLAIM_TRANSACTION_ROUNDS = 3;
const MERGE_ATTEMPTS = 10;

function expiresAt(): number {
  return Math.floor(Date.now() / 1000) + POS_RETENTION_DAYS * 24 * 3600;
}

/** The holder a refused condition returned (marshalled, as the SDK leaves it in errors), if it returned one. */
function holderOf(item: Record<string, { S?: string; N?: string }> | undefined): PosClaim | undefined {
  if (!item?.owner?.S || !item.line?.N) return undefined;
  return { owner: item.owner.S, line: Number(item.line.N), fingerprint: item.fingerprint?.S ?? '' };
}

/**
 * Exactly-once per transaction key: a conditional put per key, made before anything is published. A
 * chunk's keys are put in one transaction (one request instead of a hundred; each put keeps its own
 * condition, and a transaction writes all of them or none). When a condition fails, the transaction
 * writes nothing and names the holders it refused; the other keys go in another transaction, and what
 * transactions leave undecided is claimed one conditional put each.
 */
export class DynamoPosTransactionClaims implements PosTransactionClaims {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async claim(requests: readonly PosClaimRequest[]): Promise<(PosClaim | null)[]> {
    const results: (PosClaim | null | undefined)[] = new Array(requests.length).fill(undefined);
    // A transaction takes a key once: a key repeated in the chunk waits for its first line's claim, and
    // is claimed after it, so that the first line in the file wins, as one put after another would.
    const seen = new Set<string>();
    const firsts: number[] = [];
    for (let i = 0; i < requests.length; i += 1) {
      if (seen.has(requests[i].transactionId)) continue;
      seen.add(requests[i].transactionId);
      firsts.push(i);
    }
    const groups: number[][] = [];
    for (let i = 0; i < firsts.length; i += CLAIMS_PER_TRANSACTION)
      groups.push(firsts.slice(i, i + CLAIMS_PER_TRANSACTION));
    await Promise.all(groups.map((group) => this.claimTogether(group, requests, results)));
    // What is left, in waves: every key's first undecided request, then its next, and so on.
    for (;;) {
      const wave = new Map<string, number>();
      for (let i = 0; i < requests.length; i += 1)
        if (results[i] === undefined && !wave.has(requests[i].transactionId)) wave.set(requests[i].transactionId, i);
      if (wave.size === 0) return results as (PosClaim | null)[];
      const indexes = [...wave.values()];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(CLAIM_CONCURRENCY, indexes.length) }, async () => {
          while (next < indexes.length) {
            const i = indexes[next++];
            results[i] = await this.claimOne(requests[i]);
          }
        }),
      );
    }
  }

  /**
   * Transactions for the group: each refusal decides the keys it names, and the keys left undecided
   * (new ones, refused only for sharing the transaction) go in the next. A refusal that decides nothing
   * (a conflict with another upload's transaction) leaves them to the puts.
   */
  private async claimTogether(
    group: readonly number[],
    requests: readonly PosClaimRequest[],
    results: (PosClaim | null | undefined)[],
  ): Promise<void> {
    let undecided = group;
    for (let round = 1; undecided.length > 1 && round <= CLAIM_TRANSACTION_ROUNDS; round += 1) {
      const claimedAt = new Date().toISOString();
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: undecided.map((i) => ({ Put: this.claimPut(requests[i], claimedAt) })),
          }),
        );
        for (const i of undecided) results[i] = null;
        return;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        undecided.forEach((i, n) => {
          if (reasons[n]?.Code === 'ConditionalCheckFailed') results[i] = holderOf(reasons[n].Item);
        });
        const left = undecided.filter((i) => results[i] === undefined);
        if (left.length === undecided.length) return;
        undecided = left;
      }
    }
  }

  private claimPut(request: PosClaimRequest, claimedAt: string) {
    return {
      TableName: this.tableName,
      Item: {
        pk: `TXN#${request.transactionId}`,
        sk: 'CLAIM',
        owner: request.owner,
        line: request.line,
        fingerprint: request.fingerprint,
        claimedAt,
        expiresAt: expiresAt(),
      },
      // Free, or already this upload's at this very line: a re-run after a crash claims again.
      ConditionExpression: 'attribute_not_exists(pk) OR (#owner = :owner AND #line = :line)',
      ExpressionAttributeNames: { '#owner': 'owner', '#line': 'line' },
      ExpressionAttributeValues: { ':owner': request.owner, ':line': request.line },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  private async claimOne(request: PosClaimRequest, attempt = 1): Promise<PosClaim | null> {
    const key = { pk: `TXN#${request.transactionId}`, sk: 'CLAIM' };
    try {
      await this.client.send(new PutCommand(this.claimPut(request, new Date().toISOString())));
      return null;
    } catch (error) {
      // Another upload's transaction holds the key this instant: its outcome decides, once it is done.
      if ((error as Error)?.name === 'TransactionConflictException' && attempt < CLAIM_CONFLICT_ATTEMPTS) {
        await pause(20 * 2 ** attempt * Math.random());
        return this.claimOne(request, attempt + 1);
      }
      if (!isConditionFailure(error)) throw error;
      // The failed condition returns the holder's item, marshalled; read it when it did not.
      const holder = holderOf(error.Item);
      if (holder) return holder;
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
