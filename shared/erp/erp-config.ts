import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from '#domain/kernel/schema';
import { readConfig } from '#shared/config/env';
import type { SalesChannel } from '#domain/kernel/order';
import type { SalesOrderPostingPolicy } from '#domain/erp/model';
import type { BackoffPolicy, BreakerPolicy } from '#domain/erp/resilience';
import { BusinessCentralCredentials, BusinessCentralErp } from './business-central/business-central.client';

/** In AWS the ERP credentials are one Secrets Manager secret (JSON, see BusinessCentralCredentials). */
export const ERP_CREDENTIALS_SECRET_NAME = 'fabric/erp/business-central';
/** In AWS: the secret's name; the value is read at run time. */
export const ERP_CREDENTIALS_NAME_ENV = 'FABRIC_ERP_CREDENTIALS_NAME';
/** Locally only: the credentials JSON itself. Never set in AWS. */
export const ERP_CREDENTIALS_ENV = 'FABRIC_ERP_CREDENTIALS';
/** The API root up to /api/v2.0, and the token endpoint; unset in AWS, where the tenant's production endpoints are used. */
export const ERP_API_URL_ENV = 'FABRIC_ERP_API_URL';
export const ERP_TOKEN_URL_ENV = 'FABRIC_ERP_TOKEN_URL';
/** Requests a second per container; Business Central online's limit per service principal when unset. */
export const ERP_REQUESTS_PER_SECOND_ENV = 'FABRIC_ERP_REQUESTS_PER_SECOND';

/**
 * Development credentials that `npm start` and the tests use against the local ERP simulator when
 * FABRIC_ERP_CREDENTIALS is unset; public on purpose, never valid anywhere else.
 */
export const DEVELOPMENT_ERP_CREDENTIALS: BusinessCentralCredentials = {
  tenantId: 'fabric-dev-tenant',
  environment: 'sandbox',
  clientId: 'fabric-dev-client',
  clientSecret: 'dev-business-central-client-secret',
  companyId: '11111111-2222-3333-4444-555555555555',
  journalId: '66666666-7777-8888-9999-000000000000',
  localCurrency: 'USD',
};

const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/** The connector's tunables, read once at cold start. */
export function erpConnectorConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(
    {
      [ERP_API_URL_ENV]: z.optional(z.string().check(z.url())),
      [ERP_TOKEN_URL_ENV]: z.optional(z.string().check(z.url())),
      /** One ERP request's budget; a post unanswered past it is looked up, once the commit horizon has passed, before being sent again. */
      FABRIC_ERP_REQUEST_TIMEOUT_MS: positiveInt(15_000),
      /**
       * How long after a request the ERP may still commit it: Business Central online stops a request
       * (504) after 10 minutes of execution. A post left unanswered is looked up again only after it.
       */
      FABRIC_ERP_COMMIT_HORIZON_MS: positiveInt(600_000),
      FABRIC_ERP_RETRY_ATTEMPTS: positiveInt(4),
      FABRIC_ERP_RETRY_BASE_MS: positiveInt(200),
      FABRIC_ERP_RETRY_MAX_MS: positiveInt(5_000),
      FABRIC_ERP_BREAKER_FAILURES: positiveInt(5),
      FABRIC_ERP_BREAKER_COOLDOWN_SECONDS: positiveInt(60),
      /** How long a container admits calls on a closed, clean breaker it read, before reading it again. */
      FABRIC_ERP_BREAKER_CLOSED_VIEW_MS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 1_000),
      /** Business Central online's limit per service principal; on-premises and other tenants set theirs. */
      [ERP_REQUESTS_PER_SECOND_ENV]: positiveInt(20),
      /** JSON object: channel -> ERP customer number; a channel not named sells to the customer named like it (SHOPIFY). */
      FABRIC_ERP_CUSTOMERS: z.pipe(
        z._default(z.string(), '{}'),
        z.transform((text) => z.record(z.string(), z.string().check(z.minLength(1))).parse(JSON.parse(text))),
      ),
      FABRIC_ERP_SHIPPING_ACCOUNT: z._default(z.string().check(z.minLength(1)), '6100'),
    },
    env,
  );
  const backoff: BackoffPolicy = {
    maxAttempts: config.FABRIC_ERP_RETRY_ATTEMPTS,
    baseDelayMs: config.FABRIC_ERP_RETRY_BASE_MS,
    maxDelayMs: config.FABRIC_ERP_RETRY_MAX_MS,
  };
  const breaker: BreakerPolicy = {
    failureThreshold: config.FABRIC_ERP_BREAKER_FAILURES,
    coolDownMs: config.FABRIC_ERP_BREAKER_COOLDOWN_SECONDS * 1000,
    closedViewMs: config.FABRIC_ERP_BREAKER_CLOSED_VIEW_MS,
  };
  const posting: SalesOrderPostingPolicy = {
    customerFor: (order) => config.FABRIC_ERP_CUSTOMERS[order.channel] ?? defaultCustomerNumber(order.channel),
    shippingAccount: config.FABRIC_ERP_SHIPPING_ACCOUNT,
  };
  const credentials = erpCredentialsFromEnv(env);
  const erp = new BusinessCentralErp(credentials, {
    ...(config[ERP_API_URL_ENV] ? { apiRoot: config[ERP_API_URL_ENV] } : {}),
    ...(config[ERP_TOKEN_URL_ENV] ? { tokenUrl: config[ERP_TOKEN_URL_ENV] } : {}),
    requestTimeoutMs: config.FABRIC_ERP_REQUEST_TIMEOUT_MS,
    requestsPerSecond: config[ERP_REQUESTS_PER_SECOND_ENV],
  });
  return { erp, backoff, breaker, posting, commitHorizonMs: config.FABRIC_ERP_COMMIT_HORIZON_MS };
}

export function defaultCustomerNumber(channel: SalesChannel): string {
  return channel.toUpperCase();
}

/** Locally the JSON in FABRIC_ERP_CREDENTIALS; in AWS the secret FABRIC_ERP_CREDENTIALS_NAME names, cached five minutes. */
function erpCredentialsFromEnv(env: NodeJS.ProcessEnv): () => Promise<BusinessCentralCredentials> {
  if (env.FABRIC_SECRETS_SOURCE === 'env') {
    const raw = env[ERP_CREDENTIALS_ENV];
    if (!raw) throw new Error(`${ERP_CREDENTIALS_ENV} is required when FABRIC_SECRETS_SOURCE=env`);
    const parsed = BusinessCentralCredentials.parse(JSON.parse(raw));
    return async () => parsed;
  }
  const name = env[ERP_CREDENTIALS_NAME_ENV];
  if (!name) throw new Error(`${ERP_CREDENTIALS_NAME_ENV} is required`);
  return async () =>
    BusinessCentralCredentials.parse(JSON.parse((await getSecret<string>(name, { maxAge: 300 })) ?? 'null'));
}
