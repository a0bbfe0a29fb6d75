import { formatDecimalMoney } from '#domain/kernel/money';
import type { ChannelListing } from '#domain/kernel/product';
import type { EffectivePrice } from '#domain/pricing/model';
import type { ChannelPriceApi } from '#domain/pricing/distribution';
import { walmartRequest, type WalmartSellerApi } from './inventory-api';

/**
 * An item's price through Update a price (PUT /v3/price): the effective price as the BASE current
 * price, a JSON number in major units (12.34 dollars), keyed by the seller's SKU. Walmart's strike-
 * through price belongs to its promotions API (with start and end dates), so a promotion shows as the
 * lowered base price while it runs and the regular one is put back when it ends.
 */
export class WalmartPriceApi implements ChannelPriceApi {
  readonly channel = 'walmart' as const;

  constructor(private readonly api: WalmartSellerApi) {}

  async setPrice(sku: string, listing: ChannelListing, price: EffectivePrice): Promise<void> {
    const channelSku = listing.channelSku ?? sku;
    await walmartRequest(this.api, 'PUT', '/v3/price', {
      sku: channelSku,
      pricing: [
        {
          currentPriceType: 'BASE',
          currentPrice: { currency: price.price.currency, amount: Number(formatDecimalMoney(price.price)) },
        },
      ],
    });
  }
}
