import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { apiBaseUrlEnvVar, apiCredentialsEnvVar } from '#shared/config/topology';
import type { SalesChannel } from '#domain/kernel/order';
import {
  DEVELOPMENT_SHIPBOB_CREDENTIALS,
  SHIPBOB_API_URL_ENV,
  SHIPBOB_CREDENTIALS_ENV,
} from '#shared/fulfilment-providers/shipbob';

/**
 * Points the handlers' channel API clients at the local stubs, with the development credentials the
 * stubs accept. A variable already set (a developer aiming at a channel's sandbox with real
 * credentials) is left alone. Returns the channels whose API the stubs play.
 */
export function configureChannelApiEnvironment(stubUrl: string, env: NodeJS.ProcessEnv = process.env): SalesChannel[] {
  const channels = Object.keys(DEVELOPMENT_API_CREDENTIALS) as SalesChannel[];
  const stubbed: SalesChannel[] = [];
  for (const channel of channels) {
    if (env[apiBaseUrlEnvVar(channel)]) continue;
    env[apiBaseUrlEnvVar(channel)] = stubUrl;
    env[apiCredentialsEnvVar(channel)] ??= JSON.stringify(DEVELOPMENT_API_CREDENTIALS[channel]);
    stubbed.push(channel);
  }
  if (stubbed.includes('amazon')) env.FABRIC_AMAZON_LWA_URL ??= `${stubUrl}/auth/o2/token`;
  // The 3PL a ShipBob-run warehouse sends its orders to, played by the same stub.
  if (!env[SHIPBOB_API_URL_ENV]) {
    env[SHIPBOB_API_URL_ENV] = stubUrl;
    env[SHIPBOB_CREDENTIALS_ENV] ??= JSON.stringify(DEVELOPMENT_SHIPBOB_CREDENTIALS);
  }
  return stubbed;
}
