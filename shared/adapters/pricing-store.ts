import { isConditionFailure } from './dynamo-errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  DeleteCommand,
  documentClient,
  GetCommand,
  PutCommand,
  PutObjectCommand,
  QueryCommand,
  s3Client,
  UpdateCommand,
} from './aws-clients';
import { deleteRequest, putRequest, writeAllItems } from './catalog-batch-write';
import { promotionWindowKey, type PricingStore, type ScheduledChange } from '#domain/pricing/schedule';
import type { PriceEntry, Promotion } from '#domain/pricing/model';
import type { PriceAcknowledgement } from '#domain/pricing/distribution';
import { publicationSubject, type PublicationLedger } from '#domain/channel-sync/publication';
import { queryAll } from './dynamo-query';

/**
 * The pricing table:
 *   pk PRICE#{sku}           sk {priceList}#{currency}#{effectiveFrom}  -> a price entry
 *   pk PROMOTION#{id}        sk PROMOTION                               -> the promotion as last sent
 *   pk PROMO_SKU#{sku}       sk {promotionId}                           -> a copy per target SKU (one query per SKU)
 *   pk SCHEDULE              sk {dueAt}#{windowKey}                     -> a window not yet published
 * Times in keys are normalized to toISOString() so they sort as strings. The schedule is one
 * partition: a few thousand pending windows, read once a minute, are far inside one partition's limits.
 */
export class DynamoPricingStore implements PricingStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async putPrice(entry: PriceEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `PRICE#${entry.sku}`,
          sk: `${entry.priceList}#${entry.currency}#${iso(entry.effectiveFrom)}`,
          entry,
        },
      }),
    );
  }

  /**
   * Stores the promotion and its per-SKU copies. Re-sending a promotion replaces it: SKUs it no
   * longer targets lose their copy and the previous version's unpublished windows are withdrawn.
   */
  async putPromotion(promotion: Promotion): Promise<void> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `PROMOTION#${promotion.promotionId}`, sk: 'PROMOTION' },
        ConsistentRead: true,
      }),
    );
    const previous = Item?.promotion as Promotion | undefined;
    const requests = [
      putRequest({ pk: `PROMOTION#${promotion.promotionId}`, sk: 'PROMOTION', promotion }),
      ...promotion.targets.skus.map((sku) =>
        putRequest({ pk: `PROMO_SKU#${sku}`, sk: promotion.promotionId, promotion }),
      ),
    ];
    if (previous) {
      const kept = new Set(promotion.targets.skus);
      requests.push(
        ...previous.targets.skus
          .filter((sku) => !kept.has(sku))
          .map((sku) => deleteRequest({ pk: `PROMO_SKU#${sku}`, sk: promotion.promotionId })),
      );
      requests.push(
        ...(['start', 'end'] as const)
          .map((edge) => ({
            dueAt: edge === 'start' ? previous.startsAt : previous.endsAt,
            windowKey: promotionWindowKey(previous, edge),
          }))
          .map((window) => deleteRequest(scheduleKey(window))),
      );
    }
    await writeAllItems(this.client, this.tableName, requests);
  }

  async pricesFor(skus: readonly string[]): Promise<PriceEntry[]> {
    return (await this.itemsUnder(skus.map((sku) => `PRICE#${sku}`))).map((item) => item.entry as PriceEntry);
  }

  async promotionsFor(skus: readonly string[]): Promise<Promotion[]> {
    const byId = new Map<string, Promotion>();
    for (const item of await this.itemsUnder(skus.map((sku) => `PROMO_SKU#${sku}`)))
      byId.set(item.sk as string, item.promotion as Promotion);
    return [...byId.values()];
  }

  async schedule(changes: readonly ScheduledChange[]): Promise<void> {
    await writeAllItems(
      this.client,
      this.tableName,
      changes.map((change) => putRequest({ ...scheduleKey(change), change })),
    );
  }

  async dueChanges(now: Date, limit: number): Promise<ScheduledChange[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk <= :due',
        // '~' sorts after every window key character, so every window due at `now` is included.
        ExpressionAttributeValues: { ':pk': 'SCHEDULE', ':due': `${now.toISOString()}#~` },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((item) => item.change as ScheduledChange);
  }

  async claim(change: ScheduledChange, until: number, now: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: scheduleKey(change),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: { ':until': until, ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async complete(change: ScheduledChange): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: scheduleKey(change) }));
  }

  private async itemsUnder(partitions: readonly string[]): Promise<Record<string, unknown>[]> {
    const pages = await Promise.all(
      [...new Set(partitions)].map((pk) =>
        queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      ),
    );
    return pages.flat();
  }
}

function scheduleKey(window: { dueAt: string; windowKey: string }): { pk: string; sk: string } {
  return { pk: 'SCHEDULE', sk: `${iso(window.dueAt)}#${window.windowKey}` };
}

function iso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

/** Store POS price files, written to the bucket the stores already exchange files with. */
export class S3PosPriceFiles {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = s3Client(),
  ) {}

  async write(key: string, csv: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: csv, ContentType: 'text/csv' }));
  }
}

/**
 * Records a price a channel took in the channel publication ledger (subject `price#{sku}`, or
 * `price#{sku}@{storeId}` for a store's file), versioned by its effective time, so `ops channel lag`
 * shows it beside availability. The push already happened: the lease is taken only to write the
 * record; when another distribution holds it, that one records the newer price and this is skipped.
 */
export async function recordPricePublication(
  ledger: PublicationLedger,
  ack: PriceAcknowledgement,
  owner: string,
): Promise<'recorded' | 'superseded' | 'busy'> {
  const key = {
    channel: ack.channel,
    subject: `${publicationSubject('price', ack.sku)}${ack.storeId ? `@${ack.storeId}` : ''}`,
  };
  const figure = { version: Date.parse(ack.effectiveAt), value: ack.value, eventTime: ack.effectiveAt };
  const offered = await ledger.offer(key, ack.sku, figure);
  if (!offered.accepted && (offered.record.wanted?.version ?? 0) > figure.version) return 'superseded';
  if (!(await ledger.claim(key, owner, 30_000))) return 'busy';
  const settled = await ledger.settle(key, owner, {
    ...figure,
    publishedAt: ack.acknowledgedAt,
    acknowledgedAt: ack.acknowledgedAt,
  });
  if (!settled.released) await ledger.release(key, owner);
  return 'recorded';
}
