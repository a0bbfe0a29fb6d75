import type { SalesChannel } from '#domain/kernel/order';
import type { OrderFeed } from '#domain/intake/order-pull';
import { channelApisFromEnv } from './channel-apis';
import { ebayOrderFeed } from './ebay/ebay-api.client';

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
  _publicationsTable: string,
  options: OrderFeedOptions,
  env: NodeJS.ProcessEnv = process.env,
): Partial<Record<SalesChannel, () => OrderFeed<unknown>>> {
  const apis = channelApisFromEnv(env);
  return {
    ebay: () =>
      ebayOrderFeed(apis.ebay(), {
        connector: catchUpConnector('ebay'),
        pageSize: Math.min(options.pageSize, 200),
      }) as OrderFeed<unknown>,
  };
}
