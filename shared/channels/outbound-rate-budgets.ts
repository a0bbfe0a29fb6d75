import * as z from '#domain/kernel/schema';
import type { SalesChannel } from '#domain/kernel/order';
import type { RateLimit } from '#domain/kernel/rate-limit';
import type { ChannelApiCredentials } from './channel-credentials';
import { AMAZON_CONFIRM_SHIPMENT_RATE_LIMIT } from './amazon/fulfilment-api';
import { AMAZON_LISTINGS_RATE_LIMIT, AmazonSeller } from './amazon/inventory-api';
import { ShopifyAdminCredentials } from './shopify/inventory-api';
import { WooCommerceCredentials } from './woocommerce/inventory-api';
import { SquareSeller } from './square/inventory-api';

/** Only the application id of eBay's (and Walmart's) credentials: their call limits are per application. */
const ClientApplication = z.object({ clientId: z.string().check(z.minLength(1)) });

/** The budgets a seller's plan may change, keyed as FABRIC_CHANNEL_RATE_LIMITS keys them. */
export interface PlanRateLimits {
  shopify: RateLimit;
  woocommerce: RateLimit;
  ebay: RateLimit;
  walmart: RateLimit;
  square: RateLimit;
}

/**
 * One outbound API budget the fabric spends: the channel, the operation when the channel meters each
 * on its own (Amazon's usage plans), its limit, and the account its shared token bucket is kept
 * under (`RATE#{account}` in the publications table).
 */
export interface OutboundRateBudget {
  channel: SalesChannel;
  operation?: string;
  limit: RateLimit;
  account: () => Promise<string>;
}

/**
 * Every outbound budget, keyed on the seller account as the channel meters it: the Shopify shop, the
 * WooCommerce store's host, the eBay application, the Amazon seller per operation, the Walmart
 * application (its client id), the Square location (never the access token, which is a secret). The accounts come
 * from the channels' API credentials, read when first asked for.
 */
export function outboundRateBudgets(credentials: ChannelApiCredentials, limits: PlanRateLimits): OutboundRateBudget[] {
  const amazon = (operation: string, limit: RateLimit): OutboundRateBudget => ({
    channel: 'amazon',
    operation,
    limit,
    account: async () => `amazon#${(await credentials.credentialsFor('amazon', AmazonSeller)).sellerId}#${operation}`,
  });
  return [
    {
      channel: 'shopify',
      limit: limits.shopify,
      account: async () => `shopify#${(await credentials.credentialsFor('shopify', ShopifyAdminCredentials)).shop}`,
    },
    {
      channel: 'woocommerce',
      limit: limits.woocommerce,
      account: async () =>
        `woocommerce#${new URL((await credentials.credentialsFor('woocommerce', WooCommerceCredentials)).storeUrl).host}`,
    },
    {
      channel: 'ebay',
      limit: limits.ebay,
      account: async () => `ebay#${(await credentials.credentialsFor('ebay', ClientApplication)).clientId}`,
    },
    {
      channel: 'walmart',
      limit: limits.walmart,
      account: async () => `walmart#${(await credentials.credentialsFor('walmart', ClientApplication)).clientId}`,
    },
    {
      channel: 'square',
      limit: limits.square,
      account: async () => `square#${(await credentials.credentialsFor('square', SquareSeller)).locationId}`,
    },
    amazon('listings', AMAZON_LISTINGS_RATE_LIMIT),
    amazon('confirmShipment', AMAZON_CONFIRM_SHIPMENT_RATE_LIMIT),
  ];
}
