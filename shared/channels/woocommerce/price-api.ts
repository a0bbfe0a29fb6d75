import { formatDecimalMoney } from '#domain/kernel/money';
import type { ChannelListing } from '#domain/kernel/product';
import type { EffectivePrice } from '#domain/pricing/model';
import { ListingIncompleteError, type ChannelPriceApi } from '#domain/pricing/distribution';
import type { WooCommerceRestApi } from './inventory-api';

/**
 * A product's (or variation's) price through PUT wc/v3/products/{id} (or
 * products/{id}/variations/{variationId}): regular_price is the price list's, sale_price the
 * promoted one while a promotion runs, and an empty sale_price ends the sale.
 */
export class WooCommercePriceApi implements ChannelPriceApi {
  readonly channel = 'woocommerce' as const;

  constructor(private readonly rest: WooCommerceRestApi) {}

  async setPrice(sku: string, listing: ChannelListing, price: EffectivePrice): Promise<void> {
    if (!listing.listingId)
      throw new ListingIncompleteError(`the WooCommerce listing of ${sku} needs listingId (the product id)`);
    const path = `/products/${encodeURIComponent(listing.listingId)}${listing.variantId ? `/variations/${encodeURIComponent(listing.variantId)}` : ''}`;
    await this.rest.request('PUT', path, {
      regular_price: formatDecimalMoney({ amountMinor: price.base.amountMinor, currency: price.base.currency }),
      sale_price: price.promotion ? formatDecimalMoney(price.price) : '',
    });
  }
}
