import { AwsClient } from 'aws4fetch';
import type { ConsoleGroup } from '../../shared/config/topology/resources';
import type { AwsConsoleConfig, LocalConsoleConfig } from './config';
import { LOCAL_USER_HEADER } from './local-users';

export type Group = ConsoleGroup;

/** A signed-in person: who, in which group, and how their calls reach the fabric's API. */
export interface Session {
  user: string;
  group: Group;
  canOperate: boolean;
  call(path: string, init?: RequestInit): Promise<Response>;
  signOut(): void;
}

const LOCAL_USER_KEY = 'fabric-console-user';
const TOKENS_KEY = 'fabric-console-tokens';
const VERIFIER_KEY = 'fabric-console-pkce';

function session(user: string, group: Group, call: Session['call'], signOut: () => void): Session {
  return { user, group, canOperate: group === 'operator', call, signOut };
}

/** The local fabric's development user chosen on this tab, if any. */
export function localSession(config: LocalConsoleConfig): Session | undefined {
  const name = sessionStorage.getItem(LOCAL_USER_KEY);
  const user = config.users.find((candidate) => candidate.name === name);
  if (!user) return undefined;
  return session(
    user.name,
    user.group,
    (path, init = {}) => fetch(path, { ...init, headers: { ...init.headers, [LOCAL_USER_HEADER]: user.name } }),
    () => {
      sessionStorage.removeItem(LOCAL_USER_KEY);
      location.reload();
    },
  );
}

export function signInLocally(name: string): void {
  sessionStorage.setItem(LOCAL_USER_KEY, name);
  location.reload();
}

/** The one address the user pool's app client admits as callback and logout URL: the site's root, where the page is served. */
function redirectUri(): string {
  return `${location.origin}/`;
}

function base64Url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Sends the browser to the user pool's sign-in page (authorization code with PKCE: no secret in the page). */
export async function signInWithCognito(config: AwsConsoleConfig): Promise<void> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)).buffer);
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.userPoolClientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  location.assign(`${config.signInDomain}/oauth2/authorize?${query}`);
}

interface Tokens {
  idToken: string;
  expiresAt: number;
}

async function tokensFromRedirect(config: AwsConsoleConfig): Promise<Tokens | undefined> {
  const code = new URLSearchParams(location.search).get('code');
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  if (!code || !verifier) return undefined;
  const answer = await fetch(`${config.signInDomain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.userPoolClientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: verifier,
    }),
  });
  sessionStorage.removeItem(VERIFIER_KEY);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (!answer.ok) throw new Error(`sign-in failed: ${answer.status}`);
  const { id_token: idToken, expires_in: expiresIn } = (await answer.json()) as {
    id_token: string;
    expires_in: number;
  };
  const tokens = { idToken, expiresAt: Date.now() + expiresIn * 1000 };
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  return tokens;
}

function claims(idToken: string): Record<string, unknown> {
  const payload = idToken.split('.')[1] ?? '';
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
}

async function cognitoIdentity<T>(region: string, action: string, body: unknown): Promise<T> {
  const answer = await fetch(`https://cognito-identity.${region}.amazonaws.com/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityService.${action}`,
    },
    body: JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`${action} failed: ${answer.status}`);
  return (await answer.json()) as T;
}

/**
 * The signed-in user's session in AWS: the id token from the user pool is exchanged with the identity
 * pool for short-lived credentials of the user's group role, and every call is SigV4-signed with them,
 * so the API's IAM authorization decides what the user may do, exactly as it does for the CLI.
 */
export async function cognitoSession(config: AwsConsoleConfig): Promise<Session | undefined> {
  const stored = sessionStorage.getItem(TOKENS_KEY);
  const tokens = (await tokensFromRedirect(config)) ?? (stored ? (JSON.parse(stored) as Tokens) : undefined);
  if (!tokens || tokens.expiresAt < Date.now()) return undefined;
  const login = { [`cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`]: tokens.idToken };
  const { IdentityId } = await cognitoIdentity<{ IdentityId: string }>(config.region, 'GetId', {
    IdentityPoolId: config.identityPoolId,
    Logins: login,
  });
  const { Credentials } = await cognitoIdentity<{
    Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string };
  }>(config.region, 'GetCredentialsForIdentity', { IdentityId, Logins: login });
  const signer = new AwsClient({
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretKey,
    sessionToken: Credentials.SessionToken,
    service: 'execute-api',
    region: config.region,
  });
  const who = claims(tokens.idToken);
  const groups = (who['cognito:groups'] as string[] | undefined) ?? [];
  return session(
    String(who.email ?? who['cognito:username'] ?? 'signed in'),
    groups.includes('operator') ? 'operator' : 'viewer',
    (path, init) => signer.fetch(`${config.apiUrl.replace(/\/$/, '')}${path}`, init),
    () => {
      sessionStorage.removeItem(TOKENS_KEY);
      location.assign(
        `${config.signInDomain}/logout?${new URLSearchParams({ client_id: config.userPoolClientId, logout_uri: redirectUri() })}`,
      );
    },
  );
}
