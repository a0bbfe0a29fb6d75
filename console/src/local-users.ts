import type { LocalConsoleConfig } from './config';

/**
 * The local fabric's development users, one per console group. There is no password: the local API
 * gateway takes the name from this header and grants what the group's IAM role grants in AWS.
 */
export const LOCAL_USER_HEADER = 'x-fabric-console-user';

export const DEVELOPMENT_CONSOLE_USERS: LocalConsoleConfig['users'] = [
  { name: 'dev-viewer', group: 'viewer' },
  { name: 'dev-operator', group: 'operator' },
];
