import * as z from '#domain/kernel/schema';
import { ChannelApiError } from '../channel-http';
import { formatDecimalMoney } from '#domain/kernel/money';
import type { ChannelListing } from '#domain/kernel/product';
import type { EffectivePrice } from '#domain/pricing/model';
import { ListingIncompleteError, type ChannelPriceApi } from '#domain/pricing/distribution';
import type { ShopifyAdminApi } from './inventory-api';

const VARIANT_PRICES = `mutation FabricVariantPrices($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id price compareAtPrice }
    userErrors { field message code }
  }
}`;

const VariantPricesAnswer = z.object({
  productVariantsBulkUpdate: z.object({
    userErrors: z.array(
      z.object({
        field: z.optional(z.nullable(z.array(z.string()))),
        message: z.string(),
        code: z.optional(z.nullable(z.string())),
      }),
    ),
  }),
});

/**
 * A variant's price through productVariantsBulkUpdate (GraphQL Admin): the effective price, and the
 * regular price as compareAtPrice while a promotion runs (cleared when it ends), which is how Shopify
 * shows a sale. Needs the listing's product GID (listingId) and variant GID (variantId).
 */
export class ShopifyPriceApi implements ChannelPriceApi {
  readonly channel = 'shopify' as const;

  constructor(private readonly admin: ShopifyAdminApi) {}

  async setPrice(sku: string, listing: ChannelListing, price: EffectivePrice): Promise<void> {
    if (!listing.listingId || !listing.variantId)
      throw new ListingIncompleteError(
        `the Shopify listing of ${sku} needs listingId (product GID) and variantId (variant GID)`,
      );
    const regular = { amountMinor: price.base.amountMinor, currency: price.base.currency };
    const answer = VariantPricesAnswer.parse(
      await this.admin.graphql(VARIANT_PRICES, {
        productId: listing.listingId,
        variants: [
          {
            id: listing.variantId,
            price: formatDecimalMoney(price.price),
            compareAtPrice: price.promotion ? formatDecimalMoney(regular) : null,
          },
        ],
      }),
    );
    const errors = answer.productVariantsBulkUpdate.userErrors;
    if (errors.length)
      throw new ChannelApiError(
        'shopify',
        200,
        `shopify refused the price of ${sku}: ${errors.map((error) => error.message).join('; ')}`,
        errors,
      );
  }
}
