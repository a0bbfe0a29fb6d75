import { randomUUID } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import type { ChannelListing } from '#domain/kernel/product';
import type { EffectivePrice } from '#domain/pricing/model';
import { ListingIncompleteError, type ChannelPriceApi } from '#domain/pricing/distribution';
import type { SquareCatalog, SquareRestApi } from './inventory-api';

const VariationAnswer = z.object({
  object: z.looseObject({
    type: z.literal('ITEM_VARIATION'),
    id: z.string(),
    version: z.number().check(z.int()),
    item_variation_data: z.record(z.string(), z.unknown()),
  }),
});

/**
 * An item variation's price in Square's catalog: RetrieveCatalogObject for the variation and its
 * version, then UpsertCatalogObject with the same object and the new price_money (integer minor units,
 * FIXED_PRICING), so nothing else the seller set on it changes and a concurrent edit answers a version
 * conflict that the queue retries. The variation is the listing's variantId, else the one carrying
 * the SKU in the catalog. Square has no compare-at price, so a promotion shows as the lowered price
 * while it runs. One variation per call, as the distribution prices one listing at a time.
 */
export class SquarePriceApi implements ChannelPriceApi {
  readonly channel = 'square' as const;

  constructor(
    private readonly api: SquareRestApi,
    private readonly catalog: SquareCatalog,
  ) {}

  async setPrice(sku: string, listing: ChannelListing, price: EffectivePrice): Promise<void> {
    const channelSku = listing.channelSku ?? sku;
    const variationId = listing.variantId ?? (await this.catalog.variationIds([channelSku])).get(channelSku);
    if (!variationId)
      throw new ListingIncompleteError(
        `the Square listing of ${sku} needs variantId (the item variation id), or a variation with SKU ${channelSku}`,
      );
    const { object } = VariationAnswer.parse(
      await this.api.request('GET', `/v2/catalog/object/${encodeURIComponent(variationId)}`),
    );
    await this.api.request('POST', '/v2/catalog/object', {
      idempotency_key: randomUUID(),
      object: {
        ...object,
        item_variation_data: {
          ...object.item_variation_data,
          pricing_type: 'FIXED_PRICING',
          price_money: { amount: price.price.amountMinor, currency: price.price.currency },
        },
      },
    });
  }
}
