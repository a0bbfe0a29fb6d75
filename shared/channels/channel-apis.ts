import { channelCredentialsFromEnv } from './channel-credentials';
import { readPolicy } from '#shared/config/env';
import { apiBaseUrlEnvVar } from '#shared/config/topology';
import type { SalesChannel } from '#domain/kernel/order';
import type { OrderSource } from '#domain/intake/order-fetch';
import {
  AmazonOrdersApi,
  LWA_TOKEN_URL,
  SP_API_NORTH_AMERICA_URL,
  amazonOrderSource,
} from './amazon/amazon-api.client';
import { EBAY_PRODUCTION_URL, EbayApi, ebayOrderSource } from './ebay/ebay-api.client';
import { SQUARE_PRODUCTION_URL, SquareOrdersApi, squareOrderSource } from './square/square-api.client';
import { WALMART_PRODUCTION_URL, WalmartOrdersApi, walmartOrderSource } from './walmart/walmart-api.client';
import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { DynamoTokenBucket } from '#shared/adapters/publication-ledger';
import type { ChannelInventoryApi } from '#domain/channel-sync/availability-sync';
import type { ChannelFulfilmentApi } from '#domain/channel-sync/shipment-sync';
import type { ChannelCancellationApi } from '#domain/channel-sync/cancellation-sync';
import type { ChannelReturnApi } from '#domain/channel-sync/return-sync';
import type { ChannelPickupApi } from '#domain/channel-sync/pickup-sync';
import { SHOPIFY_ADMIN_RATE_LIMIT, ShopifyAdminApi, ShopifyInventoryApi } from './shopify/inventory-api';
import {
  ShopifyCancellationApi,
  ShopifyFulfilmentApi,
  ShopifyPickupApi,
  ShopifyReturnApi,
} from './shopify/fulfilment-api';
import { EBAY_INVENTORY_RATE_LIMIT, EbayInventoryApi, ebaySellerToken } from './ebay/inventory-api';
import { EbayFulfilmentApi } from './ebay/fulfilment-api';
import { WOOCOMMERCE_RATE_LIMIT, WooCommerceInventoryApi, WooCommerceRestApi } from './woocommerce/inventory-api';
import {
  WooCommerceCancellationApi,
  WooCommerceFulfilmentApi,
  WooCommercePickupApi,
  WooCommerceReturnApi,
} from './woocommerce/fulfilment-api';
import { AmazonInventoryApi, type AmazonSellerApi } from './amazon/inventory-api';
import { AmazonFulfilmentApi } from './amazon/fulfilment-api';
import { outboundRateBudgets } from './outbound-rate-budgets';
import { WALMART_RATE_LIMIT, WalmartInventoryApi, type WalmartSellerApi } from './walmart/inventory-api';
import { WalmartFulfilmentApi } from './walmart/fulfilment-api';
import { SQUARE_RATE_LIMIT, SquareCatalog, SquareInventoryApi, SquareRestApi } from './square/inventory-api';
import { SquareFulfilmentApi, SquarePickupApi } from './square/fulfilment-api';

const RateLimitSetting = z.strictObject({
  ratePerSecond: z.number().check(z.positive()),
  burst: z.number().check(z.int(), z.positive()),
});
/** The outbound budgets a seller's plan may change; Amazon's usage plans are per operation and Amazon's alone. */
export const OutboundRateLimits = z.strictObject({
  shopify: RateLimitSetting,
  woocommerce: RateLimitSetting,
  ebay: RateLimitSetting,
  walmart: RateLimitSetting,
  square: RateLimitSetting,
});
export type OutboundRateLimits = z.infer<typeof OutboundRateLimits>;

export const CHANNEL_RATE_LIMITS_ENV = 'FABRIC_CHANNEL_RATE_LIMITS';

/**
 * The rate budgets the channels' outbound calls spend: each channel's documented default, or what the
 * seller's plan grants instead (a Shopify Plus store's Admin API budget is ten times a standard
 * store's; a self-hosted WooCommerce allows what its host allows), from FABRIC_CHANNEL_RATE_LIMITS,
 * JSON such as `{"shopify": {"ratePerSecond": 50, "burst": 1000}}`. Throws ConfigError naming the
 * variable and the failing path.
 */
export function outboundRateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): OutboundRateLimits {
  return readPolicy(
    OutboundRateLimits,
    {
      shopify: SHOPIFY_ADMIN_RATE_LIMIT,
      woocommerce: WOOCOMMERCE_RATE_LIMIT,
      ebay: EBAY_INVENTORY_RATE_LIMIT,
      walmart: WALMART_RATE_LIMIT,
      square: SQUARE_RATE_LIMIT,
    },
    CHANNEL_RATE_LIMITS_ENV,
    env,
  );
}

/**
 * The channel API clients, configured from the environment once per container and made on first use:
 * each channel's base URL (FABRIC_<CHANNEL>_API_URL, the channel's production endpoint when unset;
 * locally the channel API stubs) and its credentials (channelCredentialsFromEnv).
 */
export function channelApisFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const credentials = channelCredentialsFromEnv(env);
  const baseUrl = (channel: SalesChannel, production: string) =>
    (env[apiBaseUrlEnvVar(channel)] || production).replace(/\/$/, '');
  return {
    square: once(() => new SquareOrdersApi(baseUrl('square', SQUARE_PRODUCTION_URL), credentials)),
    // Login with Amazon lives on its own host; locally both are the stub.
    amazon: once(
      () =>
        new AmazonOrdersApi(
          baseUrl('amazon', SP_API_NORTH_AMERICA_URL),
          env.FABRIC_AMAZON_LWA_URL || LWA_TOKEN_URL,
          credentials,
        ),
    ),
    ebay: once(() => new EbayApi(baseUrl('ebay', EBAY_PRODUCTION_URL), credentials)),
    walmart: once(() => new WalmartOrdersApi(baseUrl('walmart', WALMART_PRODUCTION_URL), credentials)),
  };
}
export type ChannelApis = ReturnType<typeof channelApisFromEnv>;

/** The channels whose orders are fetched after a thin notification, each with its API. */
export function orderSources(apis: ChannelApis): Partial<Record<SalesChannel, () => OrderSource<unknown>>> {
  return {
    square: () => squareOrderSource(apis.square()) as OrderSource<unknown>,
    amazon: () => amazonOrderSource(apis.amazon()) as OrderSource<unknown>,
    ebay: () => ebayOrderSource(apis.ebay()) as OrderSource<unknown>,
    walmart: () => walmartOrderSource(apis.walmart()) as OrderSource<unknown>,
  };
}

/**
 * The channels' outbound clients, each made on first use: what the outbound APIs below call, and
 * what the catch-up pull's order search calls without them (so its bundle leaves them out). Every
 * client of one seller account spends one token bucket kept in the publications table, so all
 * containers together stay within the channel's documented rate.
 */
export function outboundChannelClientsFromEnv(publicationsTable: string, env: NodeJS.ProcessEnv = process.env) {
  const credentials = channelCredentialsFromEnv(env);
  const override = (channel: SalesChannel) => env[apiBaseUrlEnvVar(channel)] || undefined;
  // One budget per seller account as the channel meters it (outbound-rate-budgets.ts), which the
  // console's Channels page reads back by the same keys.
  const budgets = outboundRateBudgets(credentials, outboundRateLimitsFromEnv(env));
  const bucket = (channel: SalesChannel, operation?: string) => {
    const budget = budgets.find((candidate) => candidate.channel === channel && candidate.operation === operation);
    if (!budget) throw new Error(`no outbound rate budget for ${channel}${operation ? ` ${operation}` : ''}`);
    return new DynamoTokenBucket(publicationsTable, budget.account, budget.limit);
  };
  const shopify = once(
    () => new ShopifyAdminApi(override('shopify'), credentials, { channel: 'shopify', bucket: bucket('shopify') }),
  );
  const woocommerce = once(
    () =>
      new WooCommerceRestApi(override('woocommerce'), credentials, {
        channel: 'woocommerce',
        bucket: bucket('woocommerce'),
      }),
  );
  // eBay's call limits are per application, so the bucket is the client id's.
  const ebayUrl = (override('ebay') ?? EBAY_PRODUCTION_URL).replace(/\/$/, '');
  const ebayToken = once(() => ebaySellerToken(ebayUrl, credentials));
  const ebayHttp = once(() => ({ channel: 'ebay' as const, bucket: bucket('ebay') }));
  // SP-API clients of one seller share its LWA token; each operation has its own usage plan.
  const amazonOrders = once(() => channelApisFromEnv(env).amazon());
  const amazonSeller = (operation: string): AmazonSellerApi => ({
    apiUrl: (override('amazon') ?? SP_API_NORTH_AMERICA_URL).replace(/\/$/, ''),
    accessToken: () => amazonOrders().accessToken(),
    credentials,
    http: { channel: 'amazon', bucket: bucket('amazon', operation) },
  });
  // Walmart's Marketplace clients share the order client's Token API token.
  const walmartOrders = once(() => channelApisFromEnv(env).walmart());
  const walmartSeller = once(
    (): WalmartSellerApi => ({
      apiUrl: (override('walmart') ?? WALMART_PRODUCTION_URL).replace(/\/$/, ''),
      accessToken: () => walmartOrders().accessToken(),
      credentials,
      http: { channel: 'walmart', bucket: bucket('walmart') },
    }),
  );
  const square = once(
    () => new SquareRestApi(override('square'), credentials, { channel: 'square', bucket: bucket('square') }),
  );
  return {
    /** The store's REST API on the same rate budget, for the catch-up pull's order search. */
    wooCommerceRest: woocommerce,
    /** The shop's Admin GraphQL API on the same rate budget, for the catch-up pull's order search. */
    shopifyAdmin: shopify,
    ebayUrl,
    ebayToken,
    ebayHttp,
    /** The Amazon seller's SP-API caller on the operation's usage plan (prices spend `listings`, like stock). */
    amazonSeller,
    walmartSeller,
    square,
  };
}
export type OutboundChannelClients = ReturnType<typeof outboundChannelClientsFromEnv>;

/**
 * The outbound side of the channels (availability, shipments, pickups ready, cancellations and
 * returns), over the clients of `outboundChannelClientsFromEnv`, configured like the inbound clients.
 */
export function outboundChannelApisFromEnv(publicationsTable: string, env: NodeJS.ProcessEnv = process.env) {
  const clients = outboundChannelClientsFromEnv(publicationsTable, env);
  const { wooCommerceRest: woocommerce, shopifyAdmin: shopify, ebayUrl, ebayToken, ebayHttp, amazonSeller } = clients;
  const { walmartSeller, square } = clients;
  const inventory: Partial<Record<SalesChannel, () => ChannelInventoryApi>> = {
    amazon: once(() => new AmazonInventoryApi(amazonSeller('listings'))),
    shopify: once(() => new ShopifyInventoryApi(shopify())),
    ebay: once(() => new EbayInventoryApi(ebayUrl, ebayToken(), ebayHttp())),
    woocommerce: once(() => new WooCommerceInventoryApi(woocommerce())),
    walmart: once(() => new WalmartInventoryApi(walmartSeller())),
    square: once(() => new SquareInventoryApi(square(), new SquareCatalog(square()))),
  };
  const fulfilment: Partial<Record<SalesChannel, () => ChannelFulfilmentApi>> = {
    amazon: once(() => new AmazonFulfilmentApi(amazonSeller('confirmShipment'))),
    shopify: once(() => new ShopifyFulfilmentApi(shopify())),
    ebay: once(() => new EbayFulfilmentApi(ebayUrl, ebayToken(), ebayHttp())),
    woocommerce: once(() => new WooCommerceFulfilmentApi(woocommerce())),
    walmart: once(() => new WalmartFulfilmentApi(walmartSeller())),
    square: once(() => new SquareFulfilmentApi(square())),
  };
  const cancellation: Partial<Record<SalesChannel, () => ChannelCancellationApi>> = {
    shopify: once(() => new ShopifyCancellationApi(shopify())),
    woocommerce: once(() => new WooCommerceCancellationApi(woocommerce())),
  };
  const pickups: Partial<Record<SalesChannel, () => ChannelPickupApi>> = {
    shopify: once(() => new ShopifyPickupApi(shopify())),
    woocommerce: once(() => new WooCommercePickupApi(woocommerce())),
    square: once(() => new SquarePickupApi(square())),
  };
  const returns: Partial<Record<SalesChannel, () => ChannelReturnApi>> = {
    shopify: once(() => new ShopifyReturnApi(shopify())),
    woocommerce: once(() => new WooCommerceReturnApi(woocommerce())),
  };
  return {
    cancellation: (channel: SalesChannel) => cancellation[channel]?.(),
    /** The channel's inventory API, or undefined for a channel the fabric does not publish to. */
    inventory: (channel: SalesChannel) => inventory[channel]?.(),
    fulfilment: (channel: SalesChannel) => fulfilment[channel]?.(),
    /** The channel's way of telling its customer a pickup waits at the store, or undefined where there is none here. */
    pickups: (channel: SalesChannel) => pickups[channel]?.(),
    /** The channel's API for recording a return taken elsewhere, or undefined where there is none here. */
    returns: (channel: SalesChannel) => returns[channel]?.(),
    /** Channels whose availability the fabric publishes. */
    inventoryChannels: Object.keys(inventory) as SalesChannel[],
    wooCommerceRest: woocommerce,
    shopifyAdmin: shopify,
    amazonSeller,
  };
}
export type OutboundChannelApis = ReturnType<typeof outboundChannelApisFromEnv>;
