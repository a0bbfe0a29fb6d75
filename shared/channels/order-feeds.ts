import type { SalesChannel } from '#domain/kernel/order';
import type { OrderFeed } from '#domain/intake/order-pull';
import { channelApisFromEnv, outboundChannelClientsFromEnv, type OutboundChannelClients } from './channel-apis';
import { ebayOrderFeed } from './ebay/ebay-api.client';
import { WOOCOMMERCE_ORDERS_PAGE_LIMIT, wooCommerceOrderFeed } from './woocommerce/order-feed';
import { WALMART_ORDERS_PAGE_LIMIT, walmartOrderFeed } from './walmart/order-feed';
import { SQUARE_SEARCH_PAGE_LIMIT, squareOrderFeed } from './square/order-feed';
import { AMAZON_ORDERS_PAGE_LIMIT, amazonOrderFeed } from './amazon/order-feed';
import { SHOPIFY_ORDERS_PAGE_LIMIT, shopifyOrderFeed } from './shopify/order-feed';

/** The channels a region sells on, as its stack tells the functions that call several channels' APIs; unset, all. */
export const REGION_CHANNELS_ENV = 'FABRIC_REGION_CHANNELS';

/** The connector whose cursor a channel's catch-up pull keeps in the connectorState table. */
export function catchUpConnector(channel: SalesChannel): string {
  return `${channel}-orders`;
}

export interface OrderFeedOptions {
  /** Orders per page, within what the channel's list call allows. */
  pageSize: number;
}

/**
 * Every channel's order search by last-modified time, for the catch-up pull that finds what a
 * webhook never delivered. Each feed lists orders in the shape its webhook or fetch maps, so a found
 * order goes through the same mapper. The publications table holds the outbound rate budgets a
 * channel's Admin API calls share (Shopify, WooCommerce).
 */
export function orderFeedsFromEnv(
  publicationsTable: string,
  options: OrderFeedOptions,
  env: NodeJS.ProcessEnv = process.env,
): Partial<Record<SalesChannel, () => OrderFeed<unknown>>> {
  const apis = channelApisFromEnv(env);
  // The Admin API clients spend the budgets the outbound calls spend; made once per container.
  let outbound: OutboundChannelClients | undefined;
  const admin = () => (outbound ??= outboundChannelClientsFromEnv(publicationsTable, env));
  return {
    ebay: () =>
      ebayOrderFeed(apis.ebay(), {
        connector: catchUpConnector('ebay'),
        pageSize: Math.min(options.pageSize, 200),
      }) as OrderFeed<unknown>,
    shopify: () =>
      shopifyOrderFeed(admin().shopifyAdmin(), {
        connector: catchUpConnector('shopify'),
        pageSize: Math.min(options.pageSize, SHOPIFY_ORDERS_PAGE_LIMIT),
      }) as OrderFeed<unknown>,
    woocommerce: () =>
      wooCommerceOrderFeed(admin().wooCommerceRest(), {
        connector: catchUpConnector('woocommerce'),
        pageSize: Math.min(options.pageSize, WOOCOMMERCE_ORDERS_PAGE_LIMIT),
      }) as OrderFeed<unknown>,
    walmart: () =>
      walmartOrderFeed(apis.walmart(), {
        connector: catchUpConnector('walmart'),
        pageSize: Math.min(options.pageSize, WALMART_ORDERS_PAGE_LIMIT),
      }) as OrderFeed<unknown>,
    square: () =>
      squareOrderFeed(apis.square(), {
        connector: catchUpConnector('square'),
        pageSize: Math.min(options.pageSize, SQUARE_SEARCH_PAGE_LIMIT),
      }) as OrderFeed<unknown>,
    amazon: () =>
      amazonOrderFeed(apis.amazon(), {
        connector: catchUpConnector('amazon'),
        pageSize: Math.min(options.pageSize, AMAZON_ORDERS_PAGE_LIMIT),
      }) as OrderFeed<unknown>,
  };
}
