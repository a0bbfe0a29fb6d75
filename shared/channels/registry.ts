import type { SalesChannel } from '../domain/order';
import type { ChannelWebhookAdapter } from './channel-adapter';
import { shopifyWebhookAdapter } from './shopify/shopify-webhook.adapter';

/** The webhook channels the fabric accepts; adding a channel is an adapter here and a route in the topology. */
export const webhookAdapters: Partial<Record<SalesChannel, ChannelWebhookAdapter>> = {
  shopify: shopifyWebhookAdapter as ChannelWebhookAdapter,
};
