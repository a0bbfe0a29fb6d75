import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ApiRoute } from '#shared/config/topology';
import type { LocalLambda } from './lambda-invoker';
import { closeNow, listenOnLoopback } from '../loopback/loopback-server';
import { CONSOLE_PATH, consoleCaller, consoleFile, json, type SiteAnswer } from './console-site';

/** API Gateway REST APIs refuse payloads over 10 MB before any function runs. */
const GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024;

/** What the local API serves beside the routes: the ops console's files and the fabric's health. */
export interface LocalSite {
  consoleDir: string;
  /** The emulators' and the ERP simulator's state; `healthy` false answers 503. */
  health(): Promise<{ healthy: boolean } & Record<string, unknown>>;
}

interface CompiledRoute {
  route: ApiRoute;
  pattern: RegExp;
  names: string[];
  target: LocalLambda;
}

/**
 * Plays API Gateway (REST, Lambda proxy integration) on loopback: matches the topology's routes,
 * builds a real APIGatewayProxyEvent with the body bytes untouched (signatures depend on them), and
 * writes the function's proxy result back.
 *
 * It takes its port first and its routes once the fabric is ready, answering 503 in between: a port
 * that is taken then fails a start before anything else has started or changed.
 */
export class LocalApiGateway {
  private routes: CompiledRoute[] | undefined;
  private site: LocalSite | undefined;
  private server: Server | undefined;

  constructor(private readonly log: (message: string, details: Record<string, unknown>) => void) {}

  serve(routes: { route: ApiRoute; target: LocalLambda }[]): void {
    this.routes = routes.map(({ route, target }) => {
      const names: string[] = [];
      const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { route, target, names, pattern: new RegExp(`^${source}/?$`) };
    });
  }

  serveSite(site: LocalSite): void {
    this.site = site;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        this.log('local API gateway failed a request', { error: (error as Error).message });
        if (!response.headersSent)
          respond(response, { statusCode: 500, body: JSON.stringify({ message: 'Internal server error' }) });
      });
    });
    return listenOnLoopback(this.server, port, host);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    await closeNow(this.server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const body = await readBody(request);
    if (body === undefined) {
      return respond(response, { statusCode: 413, body: JSON.stringify({ message: 'Request Too Long' }) });
    }
    const starting = { statusCode: 503, body: JSON.stringify({ message: 'the local fabric is still starting' }) };
    const siteAnswer = await this.answerSite(request.method ?? 'GET', url.pathname);
    if (siteAnswer) return writeSite(response, siteAnswer);
    if (!this.routes) return respond(response, starting);
    const match = this.match(this.routes, request.method ?? 'GET', url.pathname);
    if (!match)
      return respond(response, {
        statusCode: 404,
        body: JSON.stringify({ message: `no route for ${request.method} ${url.pathname}` }),
      });
    if ('malformed' in match) {
      return respond(response, {
        statusCode: 400,
        body: JSON.stringify({
          message: 'a path parameter is not valid percent-encoding',
          errors: [{ path: match.malformed, message: 'has a malformed percent-escape' }],
        }),
      });
    }

    const access = consoleCaller(request.headers, match.compiled.route);
    if ('refusal' in access) return writeSite(response, access.refusal);

    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const [name, value] = [request.rawHeaders[i], request.rawHeaders[i + 1]];
      headers[name] = value;
      multiValueHeaders[name] ??= [];
      multiValueHeaders[name].push(value);
    }
    const query = [...url.searchParams.keys()].length ? Object.fromEntries(url.searchParams) : null;
    const requestId = randomUUID();
    const event: APIGatewayProxyEvent = {
      resource: match.compiled.route.path,
      path: url.pathname,
      httpMethod: match.compiled.route.method,
      headers,
      multiValueHeaders,
      queryStringParameters: query,
      multiValueQueryStringParameters: query
        ? Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k)]))
        : null,
      pathParameters: Object.keys(match.parameters).length ? match.parameters : null,
      stageVariables: null,
      body: body.length ? body.toString('utf8') : null,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: undefined,
        protocol: `HTTP/${request.httpVersion}`,
        httpMethod: match.compiled.route.method,
        identity: {
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: request.headers['user-agent'] ?? null,
          // As API Gateway names a console user calling with the identity pool's credentials of their group's role.
          ...(access.caller
            ? {
                cognitoAuthenticationType: 'authenticated',
                cognitoAuthenticationProvider: `cognito-idp.local/fabric,cognito-idp.local/fabric:CognitoSignIn:${access.caller.name}`,
                userArn: `arn:aws:sts::000000000000:assumed-role/fabric-console-${access.caller.group}/CognitoIdentityCredentials`,
              }
            : {}),
        } as APIGatewayProxyEvent['requestContext']['identity'],
        path: url.pathname,
        stage: 'local',
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: 'local',
        resourcePath: match.compiled.route.path,
      },
    };
    const result = (await match.compiled.target.invoke(event)) as APIGatewayProxyResult;
    respond(response, result);
  }

  /**
   * `/health`, the console's files, and `/` sent to the console; undefined for an API route. The
   * console answers 503 until the fabric is up, as the routes do, so a page never calls a half-started API.
   */
  private async answerSite(method: string, pathname: string): Promise<SiteAnswer | undefined> {
    const isConsole = pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
    if (method !== 'GET' || !(pathname === '/' || pathname === '/health' || isConsole)) return undefined;
    if (!this.site || !this.routes) return json(503, { healthy: false, message: 'the local fabric is still starting' });
    if (pathname === '/') return { statusCode: 302, headers: { location: `${CONSOLE_PATH}/` }, body: '' };
    if (pathname === '/health') {
      const health = await this.site.health();
      return json(health.healthy ? 200 : 503, health);
    }
    const file = await consoleFile(this.site.consoleDir, pathname);
    if (file) return file;
    return json(404, {
      message: /^\/console\/?(index\.html)?$/.test(pathname)
        ? 'the console is not built here: run `npm run console:build`'
        : `no console file ${pathname}`,
    });
  }

  /** The route a path reaches and its decoded parameters, or the name of a parameter whose percent-escapes do not decode. */
  private match(
    routes: CompiledRoute[],
    method: string,
    pathname: string,
  ): { compiled: CompiledRoute; parameters: Record<string, string> } | { malformed: string } | undefined {
    for (const compiled of routes) {
      if (compiled.route.method !== method) continue;
      const found = compiled.pattern.exec(pathname);
      if (!found) continue;
      const parameters: Record<string, string> = {};
      for (const [i, name] of compiled.names.entries()) {
        try {
          parameters[name] = decodeURIComponent(found[i + 1]);
        } catch {
          return { malformed: name };
        }
      }
      return { compiled, parameters };
    }
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_PAYLOAD_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function writeSite(response: ServerResponse, answer: SiteAnswer): void {
  response.writeHead(answer.statusCode, answer.headers);
  response.end(answer.body);
}

function respond(response: ServerResponse, result: APIGatewayProxyResult): void {
  response.writeHead(result.statusCode, {
    'content-type': 'application/json',
    ...(result.headers as Record<string, string> | undefined),
  });
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}
