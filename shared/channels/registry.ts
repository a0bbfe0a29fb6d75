import type { SalesChannel } from '#domain/kernel/order';
import type { ChannelWebhookAdapter } from '#domain/intake/channel-ports';
import type { ChannelApis } from './channel-apis';
import { EbayPublicKeys } from './ebay/ebay-api.client';
import { createEbayWebhookAdapter } from './ebay/ebay-webhook.adapter';
import { shopifyWebhookAdapter } from './shopify/shopify-webhook.adapter';
import { squareWebhookAdapter } from './square/square-webhook.adapter';
import { walmartWebhookAdapter } from './walmart/walmart-webhook.adapter';
import { wooCommerceWebhookAdapter } from './woocommerce/woocommerce-webhook.adapter';

/**
 * The webhook channels the fabric accepts. Adding one is an adapter here, a `/webhooks/<channel>`
 * route on the marketplace-webhook function in the topology and the channel in its channelSecrets.
 * eBay verifies with public keys fetched from its API, hence the channel APIs.
 */
export function webhookAdapters(apis: ChannelApis): Partial<Record<SalesChannel, ChannelWebhookAdapter>> {
  return {
    shopify: shopifyWebhookAdapter as ChannelWebhookAdapter,
    woocommerce: wooCommerceWebhookAdapter as ChannelWebhookAdapter,
    square: squareWebhookAdapter as ChannelWebhookAdapter,
    walmart: walmartWebhookAdapter as ChannelWebhookAdapter,
    ebay: createEbayWebhookAdapter(new EbayPublicKeys((kid) => apis.ebay().getPublicKey(kid))) as ChannelWebhookAdapter,
  };
}
