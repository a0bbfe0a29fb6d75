import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { consoleGroupMayCall } from '#shared/config/console-access';
import type { ApiRoute, ConsoleGroup } from '#shared/config/topology';
import { DEVELOPMENT_CONSOLE_USERS, LOCAL_USER_HEADER } from '../../console/src/local-users';

/** Where the local API serves the ops console, as the README and `npm start` give it. */
export const CONSOLE_PATH = '/console';
/** Where `npm run console:build` puts the built console: the local API serves it, the region's stack uploads it. */
export const CONSOLE_DIST = path.resolve(__dirname, '..', '..', 'console', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface SiteAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/**
 * A file of the built console (console/dist) for a path under /console, or undefined when there is
 * none. The page and its config answer for `/console` and `/console/`; the page's relative asset
 * links resolve below /console/ because the served page says so in its <base>. Nothing outside the
 * built directory is ever read.
 */
export async function consoleFile(dir: string, pathname: string): Promise<SiteAnswer | undefined> {
  const inside = pathname.slice(CONSOLE_PATH.length).replace(/^\/+/, '');
  if (inside === 'config.json') return json(200, { mode: 'local', users: DEVELOPMENT_CONSOLE_USERS });
  const relative = inside === '' || inside === 'index.html' ? 'index.html' : inside;
  const file = path.resolve(dir, relative);
  if (!file.startsWith(`${path.resolve(dir)}${path.sep}`)) return undefined;
  const body = await readFile(file).catch(() => undefined);
  if (!body) return undefined;
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  if (relative === 'index.html')
    return {
      statusCode: 200,
      headers: { 'content-type': type, 'cache-control': 'no-cache' },
      body: body.toString('utf8').replace('<head>', `<head>\n    <base href="${CONSOLE_PATH}/" />`),
    };
  return { statusCode: 200, headers: { 'content-type': type, 'cache-control': 'no-cache' }, body };
}

export function json(statusCode: number, body: unknown): SiteAnswer {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The development user a console request names, as API Gateway would see the Cognito user behind its credentials. */
export interface ConsoleCaller {
  name: string;
  group: ConsoleGroup;
}

/**
 * Decides a console request as IAM decides it in AWS: an unknown user is refused (401), a route its
 * group's role is not granted is refused (403). A request without the header is a back-office caller
 * (the CLI, a test, a WMS), let through as the local fabric always has.
 */
export function consoleCaller(
  headers: Record<string, string | string[] | undefined>,
  route: ApiRoute,
): { caller?: ConsoleCaller } | { refusal: SiteAnswer } {
  const named = headers[LOCAL_USER_HEADER];
  if (named === undefined) return {};
  const user = DEVELOPMENT_CONSOLE_USERS.find((candidate) => candidate.name === named);
  if (!user)
    return {
      refusal: json(401, {
        message: `unknown console user "${String(named)}"`,
        errors: [
          {
            path: LOCAL_USER_HEADER,
            message: `must be one of ${DEVELOPMENT_CONSOLE_USERS.map((candidate) => candidate.name).join(', ')}`,
          },
        ],
      }),
    };
  if (!consoleGroupMayCall(user.group, route))
    return {
      refusal: json(403, {
        message: `${user.name} (${user.group}) is not authorized to ${route.method} ${route.path}`,
      }),
    };
  return { caller: user };
}
