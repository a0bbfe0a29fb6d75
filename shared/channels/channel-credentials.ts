import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type * as z from '#domain/kernel/schema';
import type { SalesChannel } from '#domain/kernel/order';
import { apiCredentialsEnvVar, apiCredentialsNameEnvVar } from '#shared/config/topology';

/**
 * Development API credentials that `npm start` and the tests use when FABRIC_CHANNEL_API_CREDENTIALS_<CHANNEL>
 * is unset. They are what the local channel API stubs accept, public on purpose, never used in AWS.
 */
export const DEVELOPMENT_API_CREDENTIALS: Partial<Record<SalesChannel, Record<string, string>>> = {
  // The location whose stock and orders the fabric sets on Square's side.
  square: { accessToken: 'dev-square-access-token', locationId: 'LDEVFABRIC0001' },
  amazon: {
    clientId: 'amzn1.application-oa2-client.dev',
    clientSecret: 'dev-lwa-client-secret',
    refreshToken: 'Atzr|dev-refresh-token',
    sellerId: 'A2DEVSELLER0001',
    marketplaceId: 'ATVPDKIKX0DER',
  },
  ebay: {
    clientId: 'FabricDev-PRD-0000',
    clientSecret: 'dev-ebay-client-secret',
    refreshToken: 'v^1.1#dev-ebay-refresh-token',
  },
  // Outbound only: the Admin API's access token, the shop and the location whose stock the fabric sets.
  shopify: {
    shop: 'fabric-dev.myshopify.com',
    accessToken: 'shpat_dev-admin-api-token',
    locationId: 'gid://shopify/Location/1001',
  },
  woocommerce: {
    storeUrl: 'https://fabric-dev.example',
    consumerKey: 'ck_dev-woocommerce-key',
    consumerSecret: 'cs_dev-woocommerce-secret',
  },
  // shipNode: the ship node (fulfilment centre) whose stock the fabric sets.
  walmart: { clientId: 'dev-walmart-client-id', clientSecret: 'dev-walmart-client-secret', shipNode: '1000012345' },
};

export class ChannelCredentialsError extends Error {
  override name = 'ChannelCredentialsError';
}

/** Where a channel API client gets its credentials (OAuth client and refresh token, or an access token). */
export interface ChannelApiCredentials {
  /** The channel's credentials, validated by the client's schema; throws ChannelCredentialsError naming what is wrong. */
  credentialsFor<T>(channel: SalesChannel, schema: z.ZodMiniType<T>): Promise<T>;
}

function parse<T>(channel: SalesChannel, raw: string | undefined, schema: z.ZodMiniType<T>, where: string): T {
  if (!raw) throw new ChannelCredentialsError(`no ${channel} API credentials: ${where} is not set`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ChannelCredentialsError(`${channel} API credentials in ${where} are not JSON`);
  }
  const result = schema.safeParse(json);
  if (!result.success)
    throw new ChannelCredentialsError(
      `${channel} API credentials in ${where} lack ${result.error.issues.map((issue) => issue.path.join('.')).join(', ')}`,
    );
  return result.data;
}

/** Locally: the JSON credentials themselves in FABRIC_CHANNEL_API_CREDENTIALS_<CHANNEL>. Never used in AWS. */
export class EnvironmentChannelCredentials implements ChannelApiCredentials {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async credentialsFor<T>(channel: SalesChannel, schema: z.ZodMiniType<T>): Promise<T> {
    const name = apiCredentialsEnvVar(channel);
    return parse(channel, this.env[name], schema, name);
  }
}

/**
 * In AWS: the environment holds only the secret's name (FABRIC_CHANNEL_API_CREDENTIALS_NAME_<CHANNEL>,
 * `fabric/channel-api/<channel>`); the JSON value is read through Powertools parameters and cached for
 * five minutes, so rotated credentials take effect without a deploy.
 */
export class SecretsManagerChannelCredentials implements ChannelApiCredentials {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async credentialsFor<T>(channel: SalesChannel, schema: z.ZodMiniType<T>): Promise<T> {
    const name = this.env[apiCredentialsNameEnvVar(channel)];
    if (!name)
      throw new ChannelCredentialsError(
        `no ${channel} API credentials: ${apiCredentialsNameEnvVar(channel)} is not set`,
      );
    return parse(channel, await getSecret<string>(name, { maxAge: 300 }), schema, `secret ${name}`);
  }
}

export function channelCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): ChannelApiCredentials {
  return env.FABRIC_SECRETS_SOURCE === 'env'
    ? new EnvironmentChannelCredentials(env)
    : new SecretsManagerChannelCredentials(env);
}
