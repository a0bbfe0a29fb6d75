import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import type { ChannelSkuKey } from '../channels/channel-adapter';
import type { SalesChannel } from '../domain/order';
import { skuKeyId, type SkuCrossReference } from '../domain/webhook-delivery';

/**
 * Channel ids <-> fabric ids, one table:
 *   pk CHANNEL_ORDER#{channel}#{channelOrderId}  sk ORDER      -> orderId
 *   pk CHANNEL_SKU#{channel}                     sk {keyId}    -> sku   (keyId: sku:{channelSku} | variant:{variantId})
 * SKU mappings of a channel share a partition so that `ops xref list` is one query.
 */
export function channelOrderKey(channel: SalesChannel, channelOrderId: string): { pk: string; sk: string } {
  return { pk: `CHANNEL_ORDER#${channel}#${channelOrderId}`, sk: 'ORDER' };
}

export class DynamoSkuCrossReference implements SkuCrossReference {
  constructor(private readonly tableName: string, private readonly client: DynamoDBDocumentClient = documentClient()) {}

  async resolveSkus(channel: SalesChannel, keys: readonly ChannelSkuKey[]): Promise<Map<string, string>> {
    const ids = [...new Set(keys.map(skuKeyId))];
    const resolved = new Map<string, string>();
    // BatchGetItem takes 100 keys per call and may hand some back unprocessed under load.
    for (let i = 0; i < ids.length; i += 100) {
      let request: Record<string, { pk: string; sk: string }[]> | undefined = {
        [this.tableName]: ids.slice(i, i + 100).map((id) => ({ pk: `CHANNEL_SKU#${channel}`, sk: id })),
      };
      while (request && Object.keys(request).length > 0) {
        const result = await this.client.send(new BatchGetCommand({
          RequestItems: Object.fromEntries(Object.entries(request).map(([table, batchKeys]) => [table, { Keys: batchKeys }])),
        }));
        for (const item of result.Responses?.[this.tableName] ?? []) resolved.set(item.sk as string, item.sku as string);
        const unprocessed = result.UnprocessedKeys?.[this.tableName]?.Keys as { pk: string; sk: string }[] | undefined;
        request = unprocessed?.length ? { [this.tableName]: unprocessed } : undefined;
      }
    }
    return resolved;
  }

  /** Maps a channel SKU (or variant id) to an internal SKU; replaces any earlier mapping. */
  async mapSku(channel: SalesChannel, key: ChannelSkuKey, sku: string): Promise<void> {
    await this.client.send(new PutCommand({
      TableName: this.tableName,
      Item: { pk: `CHANNEL_SKU#${channel}`, sk: skuKeyId(key), sku, mappedAt: new Date().toISOString() },
    }));
  }

  async listSkus(channel: SalesChannel): Promise<{ key: string; sku: string }[]> {
    const mappings: { key: string; sku: string }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CHANNEL_SKU#${channel}` },
        ExclusiveStartKey: startKey,
      }));
      for (const item of page.Items ?? []) mappings.push({ key: item.sk as string, sku: item.sku as string });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return mappings;
  }
}
