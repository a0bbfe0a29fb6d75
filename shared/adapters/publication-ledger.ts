import { isConditionFailure } from './dynamo-errors';
import { setTimeout as pause } from 'node:timers/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, GetCommand, UpdateCommand } from './aws-clients';
import { readConfig, requiredName } from '#shared/config/env';
import type { SalesChannel } from '#domain/kernel/order';
import type {
  PublicationFigure,
  PublicationKey,
  PublicationLedger,
  PublicationRecord,
  PublishedFigure,
} from '#domain/channel-sync/publication';
import { cellTiming, drainedTat, takeToken, type RateLimit, type TokenWrite } from '#domain/kernel/rate-limit';
import { MissingItemError, getAllItems, queryAll, returnedAttributes } from './dynamo-query';

/**
 * The channelPublications table:
 *   pk CHANNEL#{channel}           sk {kind}#{sku}   what was wanted and last published for one subject
 *   pk RATE#{channel}#{account}    sk BUCKET         a channel API's token bucket for one seller account
 * Subjects of a channel share a partition so the drift check and `ops channel lag` read a channel in
 * one query; each write touches one item, and DynamoDB splits a hot collection by sort key.
 */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

const channelPk = (channel: SalesChannel) => `CHANNEL#${channel}`;

function toRecord(item: Record<string, unknown>): PublicationRecord {
  return {
    channel: item.channel as SalesChannel,
    subject: item.sk as string,
    sku: item.sku as string,
    ...(item.wanted ? { wanted: item.wanted as PublicationFigure } : {}),
    ...(item.published ? { published: item.published as PublishedFigure } : {}),
    ...(item.listingRef ? { listingRef: item.listingRef as string } : {}),
    ...(item.leaseOwner ? { lease: { owner: item.leaseOwner as string, until: item.leaseUntil as number } } : {}),
  };
}

/** The publication ledger over DynamoDB; every method is one conditional write on one item (see PublicationLedger). */
export class DynamoPublicationLedger implements PublicationLedger {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly now: () => number = Date.now,
  ) {}

  async offer(
    key: PublicationKey,
    sku: string,
    figure: PublicationFigure,
  ): Promise<{ accepted: boolean; record: PublicationRecord }> {
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression: 'SET wanted = :figure, wantedVersion = :version, sku = :sku, channel = :channel',
          ConditionExpression: 'attribute_not_exists(wantedVersion) OR wantedVersion < :version',
          ExpressionAttributeValues: {
            ':figure': figure,
            ':version': figure.version,
            ':sku': sku,
            ':channel': key.channel,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { accepted: true, record: toRecord(returnedAttributes(output, `${key.channel} ${key.subject}`)) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The condition fails only on a record holding a newer offer, and records are never deleted.
      const record = await this.read(key);
      if (!record) throw new MissingItemError(`${key.channel} ${key.subject} refused the offer but cannot be read`);
      return { accepted: false, record };
    }
  }

  async claim(key: PublicationKey, owner: string, leaseMs: number): Promise<PublicationRecord | undefined> {
    const now = this.now();
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          // Only an existing subject is claimed: the drift check must not create records for what nobody offered.
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: { ':owner': owner, ':until': now + leaseMs, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(returnedAttributes(output, `${key.channel} ${key.subject}`));
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async offerAndClaim(
    key: PublicationKey,
    sku: string,
    figure: PublicationFigure,
    owner: string,
    leaseMs: number,
  ): Promise<PublicationRecord | undefined> {
    const now = this.now();
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression:
            'SET wanted = :figure, wantedVersion = :version, sku = :sku, channel = :channel, leaseOwner = :owner, leaseUntil = :until',
          // The offer's condition and the claim's, together: a newer figure, and no lease held.
          ConditionExpression:
            '(attribute_not_exists(wantedVersion) OR wantedVersion < :version) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: {
            ':figure': figure,
            ':version': figure.version,
            ':sku': sku,
            ':channel': key.channel,
            ':owner': owner,
            ':until': now + leaseMs,
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(returnedAttributes(output, `${key.channel} ${key.subject}`));
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async settle(
    key: PublicationKey,
    owner: string,
    published: PublishedFigure,
    listingRef?: string,
  ): Promise<{ released: boolean; record: PublicationRecord }> {
    const values = {
      ':published': published,
      ':version': published.version,
      ':owner': owner,
      ...(listingRef ? { ':ref': listingRef } : {}),
    };
    const set = `SET published = :published, publishedVersion = :version${listingRef ? ', listingRef = :ref' : ''}`;
    const owned = 'leaseOwner = :owner AND (attribute_not_exists(publishedVersion) OR publishedVersion <= :version)';
    try {
      // Publishing and letting go in one write, only if nothing newer was offered meanwhile: an offer
      // that lost the claim to this holder is then either settled here or seen by it in the next round.
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression: `${set} REMOVE leaseOwner, leaseUntil`,
          ConditionExpression: `${owned} AND wantedVersion <= :version`,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { released: true, record: toRecord(returnedAttributes(output, `${key.channel} ${key.subject}`)) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression: set,
          ConditionExpression: owned,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { released: false, record: toRecord(returnedAttributes(output, `${key.channel} ${key.subject}`)) };
    } catch (error) {
      if (isConditionFailure(error))
        throw new LeaseLostError(
          `${key.channel} ${key.subject}: the lease of ${owner} expired before the publication was recorded`,
        );
      throw error;
    }
  }

  async release(key: PublicationKey, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async read(key: PublicationKey): Promise<PublicationRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async readMany(keys: readonly PublicationKey[]): Promise<PublicationRecord[]> {
    const items = await getAllItems(
      this.client,
      this.tableName,
      keys.map((key) => this.key(key)),
      { consistentRead: true },
    );
    return items.map(toRecord);
  }

  async list(channel: SalesChannel): Promise<PublicationRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': channelPk(channel) },
    });
    return items.map(toRecord);
  }

  private key(key: PublicationKey): { pk: string; sk: string } {
    return { pk: channelPk(key.channel), sk: key.subject };
  }
}

/**
 * A channel API's token bucket shared by every container through one DynamoDB item per channel and
 * seller account, kept as GCRA (see rate-limit.ts): a token costs one conditional UpdateItem and no
 * read. The update is chosen from the last tat this instance saw and does not depend on reading first,
 * and its condition names a window, not the exact previous value, so containers taking tokens at once
 * never lose a race to one another (a busy bucket's `tat + T` is atomic); only a wrong guess about the
 * state fails, and the failure carries the item, so the next attempt is the right one. Cheap next to a
 * 429, and it lets the queue scale out without a maxConcurrency that Lambda would not go below (2).
 * Items of the earlier format (`tokens`, `updatedAt`, no `tat`) count as an idle bucket.
 */
export class DynamoTokenBucket {
  /** The newest tat this instance has seen: the item's tat only ever grows, so it is a lower bound. */
  private seenTat: number | undefined;

  constructor(
    private readonly tableName: string,
    private readonly account: () => Promise<string>,
    readonly limit: RateLimit,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = pause,
  ) {}

  /** Resolves once a token of the shared bucket is taken; waits (without calling DynamoDB) while the tat it knows says none is due. */
  async take(): Promise<void> {
    const key = await this.key();
    const { intervalMs, toleranceMs } = cellTiming(this.limit);
    let failed: TokenWrite | undefined;
    for (;;) {
      const now = this.now();
      const decision = takeToken(this.seenTat, this.limit, now);
      if (!decision.granted) {
        await this.sleep(decision.waitMs);
        failed = undefined;
        continue;
      }
      // The item refused this very write just now, so its tat and ours differ only by rounding (DynamoDB
      // adds in decimal) at the window's edge: a millisecond settles it.
      if (decision.write === failed) await this.sleep(1);
      const write =
        decision.write === 'idle'
          ? {
              UpdateExpression: 'SET tat = :next',
              ConditionExpression: 'attribute_not_exists(tat) OR tat <= :now',
              ExpressionAttributeValues: { ':next': now + intervalMs, ':now': now },
            }
          : {
              UpdateExpression: 'SET tat = tat + :interval',
              ConditionExpression: 'tat > :now AND tat <= :latest',
              ExpressionAttributeValues: { ':interval': intervalMs, ':now': now, ':latest': now + toleranceMs },
            };
      try {
        const output = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            ...write,
            ReturnValues: 'UPDATED_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        this.seenTat = returnedAttributes(output, `the token bucket ${key.pk}`).tat as number;
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        this.seenTat = failedTat(error);
        failed = decision.write;
      }
    }
  }

  /** After a 429: the channel's bucket is empty, so ours is too, for every container. Never moves the bucket back. */
  async drain(): Promise<void> {
    const key = await this.key();
    const drained = drainedTat(this.limit, this.now());
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET tat = :drained',
          ConditionExpression: 'attribute_not_exists(tat) OR tat < :drained',
          ExpressionAttributeValues: { ':drained': drained },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      this.seenTat = drained;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      this.seenTat = failedTat(error); // already drained as far, or further
    }
  }

  /**
   * The bucket's tat as stored, for the console's rate budget: undefined when the bucket was never used
   * or is of the earlier format, both of which count as full. Reads without taking a token.
   */
  async storedTat(): Promise<number | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: await this.key() }));
    return typeof Item?.tat === 'number' ? Item.tat : undefined;
  }

  private async key(): Promise<{ pk: string; sk: string }> {
    return { pk: `RATE#${await this.account()}`, sk: 'BUCKET' };
  }
}

/**
 * The tat of the item a failed condition returned (ReturnValuesOnConditionCheckFailure; DynamoDB Local
 * returns it too), undefined when there is no item or no tat. The document client leaves that item
 * marshalled (`{ N: '…' }`); a plain number is read as well, should a later client unmarshall it.
 */
function failedTat(error: unknown): number | undefined {
  const tat = (error as { Item?: Record<string, unknown> }).Item?.tat;
  if (typeof tat === 'number') return tat;
  const digits = (tat as { N?: string } | undefined)?.N;
  return digits === undefined ? undefined : Number(digits);
}

/** The table's physical name, read once at cold start. */
export function publicationTableFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return readConfig({ FABRIC_TABLE_CHANNEL_PUBLICATIONS: requiredName }, env).FABRIC_TABLE_CHANNEL_PUBLICATIONS;
}
