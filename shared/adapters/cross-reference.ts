import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws-clients';
import type { ChannelSkuKey } from '../channels/channel-adapter';
import type { SalesChannel } from '../domain/order';
import { skuKeyId, type SkuCrossReference } from '../domain/webhook-delivery';
import type { Product } from '../domain/product';
import { putRequest, writeAllItems } from './catalog-batch-write';
import { queryAll } from './dynamo-query';

/**
 * Channel ids <-> fabric ids, one table:
 *   pk CHANNEL_ORDER#{channel}#{channelOrderId}  sk ORDER      -> orderId
 *   pk CHANNEL_SKU#{channel}                     sk {keyId}    -> sku   (keyId: sku:{channelSku} | variant:{variantId})
 *   pk PRODUCT#{sku}                             sk ITEM       -> the item master record (GTIN, channel listings)
 *   pk GTIN#{gtin}                               sk SKU        -> sku
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

  /**
   * Records item master products: the product, its GTIN, and each listing's channel SKU and variant
   * id as SKU mappings, so orders carrying them map to the internal SKU. Safe to repeat.
   */
  async recordProducts(products: readonly Product[]): Promise<void> {
    const recordedAt = new Date().toISOString();
    await writeAllItems(this.client, this.tableName, products.flatMap((product) => [
      { pk: `PRODUCT#${product.sku}`, sk: 'ITEM', product, recordedAt },
      ...(product.gtin ? [{ pk: `GTIN#${product.gtin}`, sk: 'SKU', sku: product.sku }] : []),
      ...product.listings.flatMap((listing) => [
        ...(listing.channelSku ? [{ pk: `CHANNEL_SKU#${listing.channel}`, sk: skuKeyId({ channelSku: listing.channelSku }), sku: product.sku, mappedAt: recordedAt }] : []),
        ...(listing.variantId ? [{ pk: `CHANNEL_SKU#${listing.channel}`, sk: skuKeyId({ channelSku: '', variantId: listing.variantId }), sku: product.sku, mappedAt: recordedAt }] : []),
      ]),
    ]).map(putRequest));
  }

  /** The item master records of these SKUs that exist. */
  async products(skus: readonly string[]): Promise<Product[]> {
    const found: Product[] = [];
    const unique = [...new Set(skus)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((sku) => ({ pk: `PRODUCT#${sku}`, sk: 'ITEM' }));
      while (keys?.length) {
        const result: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) found.push(item.product as Product);
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async listSkus(channel: SalesChannel): Promise<{ key: string; sku: string }[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CHANNEL_SKU#${channel}` },
    });
    return items.map((item) => ({ key: item.sk as string, sku: item.sku as string }));
  }
}
