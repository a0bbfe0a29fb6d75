import { channelCredentialsFromEnv } from '../adapters/channel-credentials';
import { apiBaseUrlEnvVar } from '../config/topology';
import type { SalesChannel } from '../domain/order';
import type { OrderSource } from '../domain/order-fetch';
import { AmazonOrdersApi, LWA_TOKEN_URL, SP_API_NORTH_AMERICA_URL, amazonOrderSource } from './amazon/amazon-api.client';
import { EBAY_PRODUCTION_URL, EbayApi, ebayOrderSource } from './ebay/ebay-api.client';
import { SQUARE_PRODUCTION_URL, SquareOrdersApi, squareOrderSource } from './square/square-api.client';

/**
 * The channel API clients, configured from the environment once per container and made on first use:
 * each channel's base URL (FABRIC_<CHANNEL>_API_URL, the channel's production endpoint when unset;
 * locally the channel API stubs) and its credentials (channelCredentialsFromEnv).
 */
export function channelApisFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const credentials = channelCredentialsFromEnv(env);
  const baseUrl = (channel: SalesChannel, production: string) => (env[apiBaseUrlEnvVar(channel)] || production).replace(/\/$/, '');
  const once = <T>(make: () => T) => {
    let made: T | undefined;
    return () => (made ??= make());
  };
  return {
    square: once(() => new SquareOrdersApi(baseUrl('square', SQUARE_PRODUCTION_URL), credentials)),
    // Login with Amazon lives on its own host; locally both are the stub.
    amazon: once(() => new AmazonOrdersApi(baseUrl('amazon', SP_API_NORTH_AMERICA_URL), env.FABRIC_AMAZON_LWA_URL || LWA_TOKEN_URL, credentials)),
    ebay: once(() => new EbayApi(baseUrl('ebay', EBAY_PRODUCTION_URL), credentials)),
  };
}
export type ChannelApis = ReturnType<typeof channelApisFromEnv>;

/** The channels whose orders are fetched after a thin notification, each with its API. */
export function orderSources(apis: ChannelApis): Partial<Record<SalesChannel, () => OrderSource<unknown>>> {
  return {
    square: () => squareOrderSource(apis.square()) as OrderSource<unknown>,
    amazon: () => amazonOrderSource(apis.amazon()) as OrderSource<unknown>,
    ebay: () => ebayOrderSource(apis.ebay()) as OrderSource<unknown>,
  };
}
