import { ChannelApiError } from '../channel-http';
import { formatDecimalMoney, type Money } from '#domain/kernel/money';
import type { ChannelListing } from '#domain/kernel/product';
import type { EffectivePrice } from '#domain/pricing/model';
import { ListingIncompleteError, type ChannelPriceApi } from '#domain/pricing/distribution';
import { AmazonSeller, patchListingsItem, type AmazonSellerApi } from './inventory-api';

/**
 * A listing's price through patchListingsItem (Listings Items v2021-08-01) with a `merge` of the
 * purchasable_offer the seller's marketplace and currency select (audience ALL): our_price is the
 * price list's, and while a promotion runs discounted_price carries the promoted price scheduled to
 * the promotion's end, which is how Amazon shows a sale (our_price struck through). With no promotion
 * discounted_price is set to null, which a merge takes as "delete", so a sale ended early does not
 * linger. A merge leaves what the seller keeps in Seller Central as it is (minimum and maximum
 * allowed prices, quantity discounts). Keyed by the seller SKU (channelSku, else the fabric's). ACCEPTED
 * is the acknowledgement; INVALID throws with Amazon's issues; a SKU Amazon does not list is skipped.
 * Spends the seller's `listings` usage plan, shared with the stock figures.
 */
export class AmazonPriceApi implements ChannelPriceApi {
  readonly channel = 'amazon' as const;

  constructor(private readonly api: AmazonSellerApi) {}

  async setPrice(sku: string, listing: ChannelListing, price: EffectivePrice): Promise<void> {
    const channelSku = listing.channelSku ?? sku;
    const { marketplaceId } = await this.api.credentials.credentialsFor('amazon', AmazonSeller);
    const regular = { amountMinor: price.base.amountMinor, currency: price.base.currency };
    let refusal: string | undefined;
    try {
      refusal = await patchListingsItem(this.api, channelSku, [
        {
          op: 'merge',
          path: '/attributes/purchasable_offer',
          value: [
            {
              marketplace_id: marketplaceId,
              currency: price.price.currency,
              audience: 'ALL',
              our_price: [{ schedule: [{ value_with_tax: valueWithTax(regular) }] }],
              discounted_price: price.promotion
                ? [
                    {
                      schedule: [
                        {
                          start_at: price.at,
                          end_at: price.promotion.endsAt,
                          value_with_tax: valueWithTax(price.price),
                        },
                      ],
                    },
                  ]
                : null,
            },
          ],
        },
      ]);
    } catch (error) {
      if (!(error instanceof ChannelApiError && error.status === 404)) throw error;
      throw new ListingIncompleteError(`amazon lists no SKU ${channelSku} in marketplace ${marketplaceId}`);
    }
    if (refusal) throw new ChannelApiError('amazon', 200, `amazon refused the price of ${sku}: ${refusal}`);
  }
}

/**
 * Amazon's value_with_tax is a JSON number in major units. Parsed from the exact decimal of the minor
 * units, it is the double nearest that decimal, which JSON prints back as the same digits (24.99, never
 * 24.990000000000002), so the price arrives to the cent.
 */
function valueWithTax(money: Money): number {
  return Number(formatDecimalMoney(money));
}
