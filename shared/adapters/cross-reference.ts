import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, PutCommand } from './aws-clients';
import type { ChannelSkuKey } from '#domain/kernel/sku-cross-reference';
import type { SalesChannel } from '#domain/kernel/order';
import { skuKeyId, type SkuCrossReference } from '#domain/kernel/sku-cross-reference';
import type { Product } from '#domain/kernel/product';
import { putRequest, writeAllItems } from './catalog-batch-write';
import { getAllItems, queryAll } from './dynamo-query';

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
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async resolveSkus(channel: SalesChannel, keys: readonly ChannelSkuKey[]): Promise<Map<string, string>> {
    const ids = [...new Set(keys.map(skuKeyId))];
    const items = await getAllItems(
      this.client,
      this.tableName,
      ids.map((id) => ({ pk: `CHANNEL_SKU#${channel}`, sk: id })),
    );
    const resolved = new Map<string, string>();
    for (const item of items) resolved.set(item.sk as string, item.sku as string);
    return resolved;
  }

  /** Maps a channel SKU (or variant id) to an internal SKU, noting who did when known; replaces any earlier mapping. */
  async mapSku(channel: SalesChannel, key: ChannelSkuKey, sku: string, mappedBy?: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `CHANNEL_SKU#${channel}`,
          sk: skuKeyId(key),
          sku,
          mappedAt: new Date().toISOString(),
          ...(mappedBy ? { mappedBy } : {}),
        },
      }),
    );
  }

  /**
   * Records item master products: the product, its GTIN, and each listing's channel SKU and variant
   * id as SKU mappings, so orders carrying them map to the internal SKU. Safe to repeat.
   */
  async recordProducts(products: readonly Product[]): Promise<void> {
    const recordedAt = new Date().toISOString();
    await writeAllItems(
      this.client,
      this.tableName,
      products
        .flatMap((product) => [
          { pk: `PRODUCT#${product.sku}`, sk: 'ITEM', product, recordedAt },
          ...(product.gtin ? [{ pk: `GTIN#${product.gtin}`, sk: 'SKU', sku: product.sku }] : []),
          ...product.listings.flatMap((listing) => [
            ...(listing.channelSku
              ? [
                  {
                    pk: `CHANNEL_SKU#${listing.channel}`,
                    sk: skuKeyId({ channelSku: listing.channelSku }),
                    sku: product.sku,
                    mappedAt: recordedAt,
                  },
                ]
              : []),
            ...(listing.variantId
              ? [
                  {
                    pk: `CHANNEL_SKU#${listing.channel}`,
                    sk: skuKeyId({ channelSku: '', variantId: listing.variantId }),
                    sku: product.sku,
                    mappedAt: recordedAt,
                  },
                ]
              : []),
          ]),
        ])
        .map(putRequest),
    );
  }

  /** The item master records of these SKUs that exist. */
  async products(skus: readonly string[]): Promise<Product[]> {
    const items = await getAllItems(
      this.client,
      this.tableName,
      [...new Set(skus)].map((sku) => ({ pk: `PRODUCT#${sku}`, sk: 'ITEM' })),
    );
    return items.map((item) => item.product as Product);
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
