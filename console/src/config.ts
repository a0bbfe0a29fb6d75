import type { ConsoleGroup } from '../../shared/config/topology/resources';

/**
 * What the page learns at run time from the config.json served beside it: the local fabric answers
 * with its development users, each region's stack deploys the addresses of its API and sign-in. No
 * credential is ever in it.
 */
export type ConsoleConfig = LocalConsoleConfig | AwsConsoleConfig;

export interface LocalConsoleConfig {
  mode: 'local';
  users: { name: string; group: ConsoleGroup }[];
}

export interface AwsConsoleConfig {
  mode: 'aws';
  region: string;
  apiUrl: string;
  userPoolId: string;
  userPoolClientId: string;
  identityPoolId: string;
  /** The user pool's managed sign-in domain, e.g. https://fabric-eu-west-1-console-123.auth.eu-west-1.amazoncognito.com */
  signInDomain: string;
}
