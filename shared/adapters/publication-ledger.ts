import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import { readConfig, requiredName } from '../config/env';
import type { SalesChannel } from '../domain/order';
import type { PublicationFigure, PublicationKey, PublicationLedger, PublicationRecord, PublishedFigure } from '../domain/channel-publication';
import { drainBucket, takeToken, type BucketState, type RateLimit } from '../domain/rate-limit';
import { queryAll } from './dynamo-query';

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

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException';
}

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
  constructor(private readonly tableName: string, private readonly client: DynamoDBDocumentClient = documentClient(), private readonly now: () => number = Date.now) {}

  async offer(key: PublicationKey, sku: string, figure: PublicationFigure): Promise<{ accepted: boolean; record: PublicationRecord }> {
    try {
      const { Attributes } = await this.client.send(new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(key),
        UpdateExpression: 'SET wanted = :figure, wantedVersion = :version, sku = :sku, channel = :channel',
        ConditionExpression: 'attribute_not_exists(wantedVersion) OR wantedVersion < :version',
        ExpressionAttributeValues: { ':figure': figure, ':version': figure.version, ':sku': sku, ':channel': key.channel },
        ReturnValues: 'ALL_NEW',
      }));
      return { accepted: true, record: toRecord(Attributes!) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { accepted: false, record: (await this.read(key))! };
    }
  }

  async claim(key: PublicationKey, owner: string, leaseMs: number): Promise<PublicationRecord | undefined> {
    const now = this.now();
    try {
      const { Attributes } = await this.client.send(new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(key),
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
        // Only an existing subject is claimed: the drift check must not create records for what nobody offered.
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeValues: { ':owner': owner, ':until': now + leaseMs, ':now': now },
        ReturnValues: 'ALL_NEW',
      }));
      return toRecord(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async settle(key: PublicationKey, owner: string, published: PublishedFigure, listingRef?: string): Promise<{ released: boolean; record: PublicationRecord }> {
    const values = { ':published': published, ':version': published.version, ':owner': owner, ...(listingRef ? { ':ref': listingRef } : {}) };
    const set = `SET published = :published, publishedVersion = :version${listingRef ? ', listingRef = :ref' : ''}`;
    const owned = 'leaseOwner = :owner AND (attribute_not_exists(publishedVersion) OR publishedVersion <= :version)';
    try {
      // Publishing and letting go in one write, only if nothing newer was offered meanwhile: an offer
      // that lost the claim to this holder is then either settled here or seen by it in the next round.
      const { Attributes } = await this.client.send(new UpdateCommand({
        TableName: this.tableName, Key: this.key(key),
        UpdateExpression: `${set} REMOVE leaseOwner, leaseUntil`,
        ConditionExpression: `${owned} AND wantedVersion <= :version`,
        ExpressionAttributeValues: values, ReturnValues: 'ALL_NEW',
      }));
      return { released: true, record: toRecord(Attributes!) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    try {
      const { Attributes } = await this.client.send(new UpdateCommand({
        TableName: this.tableName, Key: this.key(key), UpdateExpression: set, ConditionExpression: owned, ExpressionAttributeValues: values, ReturnValues: 'ALL_NEW',
      }));
      return { released: false, record: toRecord(Attributes!) };
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseLostError(`${key.channel} ${key.subject}: the lease of ${owner} expired before the publication was recorded`);
      throw error;
    }
  }

  async release(key: PublicationKey, owner: string): Promise<void> {
    try {
      await this.client.send(new UpdateCommand({
        TableName: this.tableName, Key: this.key(key),
        UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async read(key: PublicationKey): Promise<PublicationRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  async list(channel: SalesChannel): Promise<PublicationRecord[]> {
    const items = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': channelPk(channel) } });
    return items.map(toRecord);
  }

  private key(key: PublicationKey): { pk: string; sk: string } {
    return { pk: channelPk(key.channel), sk: key.subject };
  }
}

/**
 * A channel API's token bucket shared by every container through one DynamoDB item per channel and
 * seller account: a token is taken by a conditional write on the state read, so two containers never
 * spend the same token (the loser re-reads). Costs a read and a write per request, which is cheap next
 * to a 429 and lets the queue scale out without a maxConcurrency that Lambda would not go below (2).
 */
export class DynamoTokenBucket {
  constructor(
    private readonly tableName: string,
    private readonly account: () => Promise<string>,
    readonly limit: RateLimit,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Resolves once a token of the shared bucket is taken. */
  async take(): Promise<void> {
    const key = await this.key();
    for (;;) {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      const current = Item ? ({ tokens: Item.tokens, updatedAt: Item.updatedAt } as BucketState) : undefined;
      const decision = takeToken(current, this.limit, this.now());
      if (!decision.granted) {
        await this.sleep(decision.waitMs);
        continue;
      }
      if (await this.write(key, decision.state, current)) return;
    }
  }

  /** After a 429: the channel's bucket is empty, so ours is too, for every container. */
  async drain(): Promise<void> {
    const key = await this.key();
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const current = Item ? ({ tokens: Item.tokens, updatedAt: Item.updatedAt } as BucketState) : undefined;
    await this.write(key, drainBucket(current, this.limit, this.now()), current);
  }

  private async write(key: { pk: string; sk: string }, next: BucketState, previous: BucketState | undefined): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({
        TableName: this.tableName,
        Item: { ...key, tokens: next.tokens, updatedAt: next.updatedAt },
        ConditionExpression: previous ? 'tokens = :tokens AND updatedAt = :updatedAt' : 'attribute_not_exists(pk)',
        ...(previous ? { ExpressionAttributeValues: { ':tokens': previous.tokens, ':updatedAt': previous.updatedAt } } : {}),
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async key(): Promise<{ pk: string; sk: string }> {
    return { pk: `RATE#${await this.account()}`, sk: 'BUCKET' };
  }
}

/** The table's physical name, read once at cold start. */
export function publicationTableFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return readConfig({ FABRIC_TABLE_CHANNEL_PUBLICATIONS: requiredName }, env).FABRIC_TABLE_CHANNEL_PUBLICATIONS;
}
