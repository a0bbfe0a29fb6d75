import { channelCredentialsFromEnv } from '#shared/channels/channel-credentials';
import { TokenBucket } from '#shared/channels/channel-http';
import { apiBaseUrlEnvVar } from '#shared/config/topology';
import type { SalesChannel } from '#domain/kernel/order';
import type { ChannelPriceApi } from '#domain/pricing/distribution';
import { EBAY_PRODUCTION_URL } from '#shared/channels/ebay/ebay-api.client';
import { EBAY_INVENTORY_RATE_LIMIT, ebaySellerToken } from '#shared/channels/ebay/inventory-api';
import { EbayPriceApi } from '#shared/channels/ebay/price-api';
import { SHOPIFY_ADMIN_RATE_LIMIT, ShopifyAdminApi } from '#shared/channels/shopify/inventory-api';
import { ShopifyPriceApi } from '#shared/channels/shopify/price-api';
import { WOOCOMMERCE_RATE_LIMIT, WooCommerceRestApi } from '#shared/channels/woocommerce/inventory-api';
import { WooCommercePriceApi } from '#shared/channels/woocommerce/price-api';
import { WALMART_PRODUCTION_URL, WalmartOrdersApi } from '#shared/channels/walmart/walmart-api.client';
import { WALMART_RATE_LIMIT } from '#shared/channels/walmart/inventory-api';
import { WalmartPriceApi } from '#shared/channels/walmart/price-api';
import { SQUARE_RATE_LIMIT, SquareCatalog, SquareRestApi } from '#shared/channels/square/inventory-api';
import { SquarePriceApi } from '#shared/channels/square/price-api';
import { AmazonPriceApi } from '#shared/channels/amazon/price-api';
import { outboundChannelApisFromEnv } from '#shared/channels/channel-apis';

/**
 * The channels' price endpoints, on the same clients and credentials as their inventory publishing.
 * Each container spends its own token bucket at the channel's documented rate; the rule's
 * maxConcurrency bounds how many containers share it. Amazon meters patchListingsItem per seller
 * across every caller, so its prices spend the `listings` bucket the stock figures spend, kept in the
 * publications table.
 */
export function channelPriceApisFromEnv(
  publicationsTable: string,
  env: NodeJS.ProcessEnv = process.env,
): Partial<Record<SalesChannel, ChannelPriceApi>> {
  const credentials = channelCredentialsFromEnv(env);
  const override = (channel: SalesChannel) => env[apiBaseUrlEnvVar(channel)] || undefined;
  const bucket = (limit: { ratePerSecond: number; burst: number }) => new TokenBucket(limit.ratePerSecond, limit.burst);
  const ebayUrl = (override('ebay') ?? EBAY_PRODUCTION_URL).replace(/\/$/, '');
  const walmartUrl = (override('walmart') ?? WALMART_PRODUCTION_URL).replace(/\/$/, '');
  const walmartToken = new WalmartOrdersApi(walmartUrl, credentials);
  const square = new SquareRestApi(override('square'), credentials, {
    channel: 'square',
    bucket: bucket(SQUARE_RATE_LIMIT),
  });
  return {
    shopify: new ShopifyPriceApi(
      new ShopifyAdminApi(override('shopify'), credentials, {
        channel: 'shopify',
        bucket: bucket(SHOPIFY_ADMIN_RATE_LIMIT),
      }),
    ),
    ebay: new EbayPriceApi(ebayUrl, ebaySellerToken(ebayUrl, credentials), {
      channel: 'ebay',
      bucket: bucket(EBAY_INVENTORY_RATE_LIMIT),
    }),
    woocommerce: new WooCommercePriceApi(
      new WooCommerceRestApi(override('woocommerce'), credentials, {
        channel: 'woocommerce',
        bucket: bucket(WOOCOMMERCE_RATE_LIMIT),
      }),
    ),
    walmart: new WalmartPriceApi({
      apiUrl: walmartUrl,
      accessToken: () => walmartToken.accessToken(),
      credentials,
      http: { channel: 'walmart', bucket: bucket(WALMART_RATE_LIMIT) },
    }),
    square: new SquarePriceApi(square, new SquareCatalog(square)),
    amazon: new AmazonPriceApi(outboundChannelApisFromEnv(publicationsTable, env).amazonSeller('listings')),
  };
}
