import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { SalesChannel } from '#domain/kernel/order';
import type { WebhookSecrets } from '#domain/intake/webhook-delivery';
import { secretEnvVar, secretNameEnvVar } from '#shared/config/topology';

/**
 * Development secrets that `npm start` uses when FABRIC_SECRET_<CHANNEL> is unset. Public on purpose:
 * they sign the sample traffic and the curl examples in docs/local-runtime.md, and are never used in AWS.
 */
export const DEVELOPMENT_WEBHOOK_SECRETS: Record<SalesChannel, string> = {
  shopify: 'dev-shopify-webhook-secret',
  woocommerce: 'dev-woocommerce-webhook-secret',
  amazon: 'dev-amazon-not-signed',
  ebay: 'dev-ebay-webhook-secret',
  walmart: 'dev-walmart-webhook-secret',
  square: 'dev-square-webhook-secret',
  pos: 'dev-pos-not-signed',
};

/** Locally: the secret itself from FABRIC_SECRET_<CHANNEL>. Never used in AWS. */
export class EnvironmentWebhookSecrets implements WebhookSecrets {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async secretFor(channel: SalesChannel): Promise<string | undefined> {
    return this.env[secretEnvVar(channel)] || undefined;
  }
}

/**
 * In AWS: the function's environment holds only the secret's name (FABRIC_SECRET_NAME_<CHANNEL>);
 * the value is read from Secrets Manager through Powertools parameters and cached for five minutes,
 * so a rotated secret takes effect without a deploy.
 */
export class SecretsManagerWebhookSecrets implements WebhookSecrets {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async secretFor(channel: SalesChannel): Promise<string | undefined> {
    const name = this.env[secretNameEnvVar(channel)];
    if (!name) return undefined;
    return getSecret<string>(name, { maxAge: 300 });
  }
}

export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSecrets {
  return env.FABRIC_SECRETS_SOURCE === 'env'
    ? new EnvironmentWebhookSecrets(env)
    : new SecretsManagerWebhookSecrets(env);
}
