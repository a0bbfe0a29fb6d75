import {
  DEVELOPMENT_ERP_CREDENTIALS,
  ERP_API_URL_ENV,
  ERP_CREDENTIALS_ENV,
  ERP_TOKEN_URL_ENV,
} from '#shared/erp/erp-config';
import type { BusinessCentralSimulator } from './business-central-simulator';

/**
 * Points the ERP connector at the local Business Central simulator with the development credentials
 * it accepts, the way the channel stubs are wired. An ERP URL already set (a developer aiming at a
 * Business Central sandbox with real credentials) is left alone. Returns whether the simulator plays the ERP.
 */
export function configureErpEnvironment(
  simulator: BusinessCentralSimulator,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env[ERP_API_URL_ENV]) return false;
  env[ERP_API_URL_ENV] = simulator.apiRoot;
  env[ERP_TOKEN_URL_ENV] = simulator.tokenUrl;
  env[ERP_CREDENTIALS_ENV] ??= JSON.stringify(DEVELOPMENT_ERP_CREDENTIALS);
  return true;
}
