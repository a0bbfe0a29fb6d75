import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_ERP_CREDENTIALS } from '../../shared/erp/erp-config';
import { closeNow, listenOnLoopback } from '../local-fabric/loopback-server';

export interface SimulatedSalesOrder {
  id: string;
  number: string;
  externalDocumentNumber: string;
  orderDate: string;
  customerNumber: string;
  currencyCode: string;
  salesOrderLines: Record<string, unknown>[];
}

export interface SimulatedJournalLine {
  id: string;
  documentNumber: string;
  accountNumber: string;
  postingDate: string;
  amount: number;
  description?: string;
  comment?: string;
}

/**
 * The Business Central API v2.0 subset the ERP connector speaks, on loopback, with the knobs a real ERP
 * turns on its own:
 * - POST /oauth2/v2.0/token: client-credentials grant for the development app only;
 * - GET  /api/v2.0/companies({id})/salesOrders?$filter=externalDocumentNumber eq '...';
 * - POST /api/v2.0/companies({id})/salesOrders (lines inline as salesOrderLines), 201 with id and number;
 * - DELETE /api/v2.0/companies({id})/salesOrders({id}) with If-Match, 204 (404 for one it does not hold);
 * - GET and POST /api/v2.0/companies({id})/journals({id})/journalLines ($filter=documentNumber eq '...').
 * Knobs: `latencyMs` on every answer; `throttle` (429 with Retry-After); `outage` (503 until ended);
 * `commitThenTimeout` (the next posts commit, then answer only after `holdMs`, past the client's
 * timeout); `closePostingPeriodBefore` and `unknownItems` (400 business errors in Business Central's
 * error shape). Bearer tokens it did not issue get 401. Every request is recorded in `requests`.
 */
export class BusinessCentralSimulator {
  readonly salesOrders: SimulatedSalesOrder[] = [];
  readonly journalLines: SimulatedJournalLine[] = [];
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly unknownItems = new Set<string>();
  latencyMs = 0;
  /** Documents dated before this (YYYY-MM-DD) fall in a closed posting period. */
  closePostingPeriodBefore: string | undefined;
  private throttled = { times: 0, retryAfterSeconds: 1 };
  private down = false;
  private committingSilently = { times: 0, holdMs: 0 };
  private readonly tokens = new Set<string>();
  private server: Server | undefined;
  private nextNumber = 101001;
  url = '';

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        if (!response.headersSent) answer(response, 500, { error: { code: 'Internal_ServerError', message: (error as Error).message } });
      });
    });
    this.url = await listenOnLoopback(this.server, port, host);
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await closeNow(this.server);
    this.server = undefined;
  }

  /** The API root the connector is configured with (FABRIC_ERP_API_URL). */
  get apiRoot(): string {
    return `${this.url}/api/v2.0`;
  }

  get tokenUrl(): string {
    return `${this.url}/oauth2/v2.0/token`;
  }

  /** The next `times` API requests get 429 Too Many Requests with this Retry-After. */
  throttle(times: number, retryAfterSeconds = 1): void {
    this.throttled = { times, retryAfterSeconds };
  }

  /** Every API request gets 503 until `endOutage`. */
  startOutage(): void {
    this.down = true;
  }

  endOutage(): void {
    this.down = false;
  }

  /** The next `times` sales order posts are committed, but answered only after `holdMs`. */
  commitThenTimeout(times: number, holdMs: number): void {
    this.committingSilently = { times, holdMs };
  }

  salesOrdersFor(externalDocumentNumber: string): SimulatedSalesOrder[] {
    return this.salesOrders.filter((order) => order.externalDocumentNumber === externalDocumentNumber);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const body = await readBody(request);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: request.method ?? 'GET', path: url.pathname, status });
      answer(response, status, payload, headers);
    };

    if (request.method === 'POST' && url.pathname === '/oauth2/v2.0/token') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== DEVELOPMENT_ERP_CREDENTIALS.clientId || form.get('client_secret') !== DEVELOPMENT_ERP_CREDENTIALS.clientSecret) {
        return reply(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      }
      const token = `bc-${randomUUID()}`;
      this.tokens.add(token);
      return reply(200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
    }

    const route = url.pathname.match(/^\/api\/v2\.0\/companies\(([^)]+)\)\/(salesOrders(?:\(([^)]+)\))?|journals\(([^)]+)\)\/journalLines)$/);
    if (!route) return reply(404, { error: { code: 'BadRequest_NotFound', message: `No HTTP resource was found that matches the request URI '${url.pathname}'.` } });
    if (!this.tokens.has((request.headers.authorization ?? '').replace(/^Bearer /, ''))) {
      return reply(401, { error: { code: 'Authentication_InvalidCredentials', message: 'The server has rejected the client credentials.' } });
    }
    if (this.down) return reply(503, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } });
    if (this.throttled.times > 0) {
      this.throttled.times -= 1;
      return reply(429, { error: { code: 'Application_TooManyRequests', message: 'Too many requests reached. Actual (6001). Maximum (6000).' } }, { 'retry-after': String(this.throttled.retryAfterSeconds) });
    }
    if (route[3] !== undefined) {
      if (request.method !== 'DELETE' || !request.headers['if-match']) return reply(400, { error: { code: 'BadRequest', message: 'A DELETE of a sales order needs an If-Match header.' } });
      const at = this.salesOrders.findIndex((order) => order.id === route[3]);
      if (at < 0) return reply(404, { error: { code: 'BadRequest_NotFound', message: `The salesOrder does not exist. Identification fields and values: Id='${route[3]}'` } });
      this.salesOrders.splice(at, 1);
      return reply(204);
    }
    if (route[2] === 'salesOrders') {
      if (request.method === 'GET') {
        const key = filterValue(url, 'externalDocumentNumber');
        return reply(200, { value: this.salesOrders.filter((order) => key === undefined || order.externalDocumentNumber === key) });
      }
      const document = JSON.parse(body) as Omit<SimulatedSalesOrder, 'id' | 'number'>;
      const refusal = this.businessRefusal(document.orderDate, document.salesOrderLines);
      if (refusal) return reply(400, { error: refusal });
      const created = { ...document, id: randomUUID(), number: String(this.nextNumber++) };
      this.salesOrders.push(created);
      if (this.committingSilently.times > 0) {
        this.committingSilently.times -= 1;
        // Committed: the client gives up waiting, and must find the document rather than post it again.
        await new Promise((resolve) => setTimeout(resolve, this.committingSilently.holdMs));
      }
      return reply(201, created);
    }
    if (request.method === 'GET') {
      const key = filterValue(url, 'documentNumber');
      return reply(200, { value: this.journalLines.filter((line) => key === undefined || line.documentNumber === key) });
    }
    const line = JSON.parse(body) as Omit<SimulatedJournalLine, 'id'>;
    const refusal = this.businessRefusal(line.postingDate, []);
    if (refusal) return reply(400, { error: refusal });
    const created = { ...line, id: randomUUID() };
    this.journalLines.push(created);
    return reply(201, created);
  }

  private businessRefusal(date: string, lines: Record<string, unknown>[]): { code: string; message: string } | undefined {
    if (this.closePostingPeriodBefore && date < this.closePostingPeriodBefore) {
      return { code: 'Application_FieldValidationException', message: `Posting Date ${date} is not within your range of allowed posting dates.` };
    }
    const unknown = lines.find((line) => line.lineType === 'Item' && this.unknownItems.has(String(line.lineObjectNumber)));
    if (unknown) return { code: 'Internal_RecordNotFound', message: `The Item does not exist. Identification fields and values: No.='${String(unknown.lineObjectNumber)}'` };
    return undefined;
  }
}

/** The value of `field eq '...'` in an OData $filter, with doubled quotes undone. */
function filterValue(url: URL, field: string): string | undefined {
  const filter = url.searchParams.get('$filter');
  const match = filter?.match(new RegExp(`^${field} eq '((?:[^']|'')*)'$`));
  return match ? match[1].replace(/''/g, "'") : undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', ...headers });
  response.end(payload === undefined ? undefined : JSON.stringify(payload));
}
