import * as z from '#domain/kernel/schema';
import { ChannelApiError, channelRequest, type CachedAccessToken, type ChannelHttpOptions } from '../channel-http';
import { formatDecimalMoney } from '#domain/kernel/money';
import type { ChannelListing } from '#domain/kernel/product';
import type { EffectivePrice } from '#domain/pricing/model';
import { ListingIncompleteError, type ChannelPriceApi } from '#domain/pricing/distribution';

const PriceAnswer = z.object({
  responses: z.array(
    z.object({
      sku: z.optional(z.string()),
      offerId: z.optional(z.string()),
      statusCode: z.number().check(z.int()),
      errors: z.optional(z.array(z.looseObject({ message: z.optional(z.string()) }))),
    }),
  ),
});

/**
 * A published offer's price through bulkUpdatePriceQuantity (Sell Inventory API), which revises the
 * live listing. eBay keys the request by the seller's SKU and the offer id (the listing's listingId);
 * it answers per offer, and anything but 200 is a failure.
 */
export class EbayPriceApi implements ChannelPriceApi {
  readonly channel = 'ebay' as const;

  constructor(
    private readonly baseUrl: string,
    private readonly token: CachedAccessToken,
    private readonly http: ChannelHttpOptions,
  ) {}

  async setPrice(sku: string, listing: ChannelListing, price: EffectivePrice): Promise<void> {
    if (!listing.listingId)
      throw new ListingIncompleteError(`the eBay listing of ${sku} needs listingId (the offer id)`);
    const channelSku = listing.channelSku ?? sku;
    const raw = await channelRequest(
      `${this.baseUrl}/sell/inventory/v1/bulk_update_price_quantity`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await this.token.get()}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({
          requests: [
            {
              sku: channelSku,
              offers: [
                {
                  offerId: listing.listingId,
                  price: { value: formatDecimalMoney(price.price), currency: price.price.currency },
                },
              ],
            },
          ],
        }),
      },
      this.http,
    );
    const refused = PriceAnswer.parse(raw).responses.filter((response) => response.statusCode !== 200);
    if (refused.length) {
      throw new ChannelApiError(
        'ebay',
        refused[0].statusCode,
        `ebay refused the price of ${sku}: ${refused
          .flatMap((response) => response.errors ?? [])
          .map((error) => error.message)
          .join('; ')}`,
        refused,
      );
    }
  }
}
