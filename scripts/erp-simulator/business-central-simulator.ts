import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { DEVELOPMENT_ERP_CREDENTIALS } from '#shared/erp/erp-config';
import { closeNow, listenOnLoopback } from '../loopback/loopback-server';

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
 * - GET and POST /api/v2.0/companies({id})/journals({id})/journalLines ($filter=documentNumber eq '...');
 * - POST /api/v2.0/$batch (JSON batch of up to 100 of the requests above, URLs relative to the API
 *   root), answered 200 with one response per inner request. With `Isolation: snapshot` it is one
 *   transaction, as in Business Central: at the first inner request that fails nothing of the batch
 *   is kept, the requests before it keep the responses they got (Business Central's own answer looks
 *   so), the failing one carries its error and the rest are not run (424 Failed Dependency). Without
 *   the header each inner request stands alone.
 * Knobs: `latencyMs` on every answer; `throttle` (429 with Retry-After); `outage` (503 until ended);
 * three ways a slow ERP leaves a write in doubt, each for the next sales order posts or $batches that
 * commit journal lines (on a $batch they act on the outer request, as on any other):
 * `commitThenTimeout` (commit, then answer only after `holdMs`, past the client's timeout),
 * `commitThenDrop` (commit, then close the connection unanswered) and `commitLate` (the commit itself
 * lands late: after the next look-up of the document has been answered, or once the request has run
 * `requestLimitMs`, Business Central's own limit, whichever comes first; `lateCommitsLanded` waits
 * for them). `closePostingPeriodBefore`, `unknownItems` and `unknownAccounts` refuse
 * a document (400 in Business Central's error shape), inside a $batch as its inner response. Bearer
 * tokens it did not issue get 401. Every request is recorded in `requests`, a $batch as one;
 * `journalLines` holds every line kept, however it came.
 *
 * With a `ledgerFile`, the documents outlive the process, as a real ERP's do: each request's changes
 * are appended before it is answered, and a new simulator on the same file starts from them. A fabric
 * that crashed mid-posting then finds the sales order it had posted, rather than posting it again.
 */
export class BusinessCentralSimulator {
  readonly salesOrders: SimulatedSalesOrder[] = [];
  readonly journalLines: SimulatedJournalLine[] = [];
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly unknownItems = new Set<string>();
  /** G/L accounts the chart of accounts lacks: a journal line (or a sales order's account line) on one is refused. */
  readonly unknownAccounts = new Set<string>();
  latencyMs = 0;
  /** How long a request may run before the ERP stops it: a late commit lands by then (Business Central online: 10 minutes). */
  requestLimitMs = 600_000;
  /** Documents dated before this (YYYY-MM-DD) fall in a closed posting period. */
  closePostingPeriodBefore: string | undefined;
  private throttled = { times: 0, retryAfterSeconds: 1 };
  private down = false;
  /** The slow answers still to come, in order, for sales order posts and journal $batches. */
  private readonly slowWrites: Record<SlowWrites, SlowAnswer[]> = { salesOrders: [], journalBatches: [] };
  private holdMs = 0;
  /** Writes held back, waiting to commit: for a look-up of one of `keys`, or the request limit. */
  private readonly lateWrites = new Set<{ keys: string[]; land: () => void }>();
  private readonly writesInDoubt = new Set<Promise<void>>();
  private readonly tokens = new Set<string>();
  // The connector looks documents up by their external number before every post, and the simulated
  // warehouse polls thousands of orders a second: a scan of every document held per lookup made the
  // simulator, not the fabric, the slowest part of a 5,000-order day.
  private readonly salesOrdersByExternalNumber = new Map<string, SimulatedSalesOrder[]>();
  private readonly journalLinesByDocument = new Map<string, SimulatedJournalLine[]>();
  private server: Server | undefined;
  private nextNumber = 101001;
  /** Changes applied by the request under way and not yet written to the ledger file. */
  private readonly unsaved: LedgerChange[] = [];
  url = '';

  constructor(private readonly options: { ledgerFile?: string } = {}) {
    if (options.ledgerFile && existsSync(options.ledgerFile)) this.replay(readFileSync(options.ledgerFile, 'utf8'));
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        if (!response.headersSent)
          answer(response, 500, { error: { code: 'Internal_ServerError', message: (error as Error).message } });
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

  /** The next `times` sales order posts (or $batch requests that commit journal lines) are committed, but answered only after `holdMs`. */
  commitThenTimeout(times: number, holdMs: number, documents: SlowWrites = 'salesOrders'): void {
    this.holdMs = holdMs;
    this.slowWrites[documents].push(...Array<SlowAnswer>(times).fill('timeout'));
  }

  /** The next `times` sales order posts (or $batch requests that commit journal lines) are committed, and their connection closed unanswered. */
  commitThenDrop(times: number, documents: SlowWrites = 'salesOrders'): void {
    this.slowWrites[documents].push(...Array<SlowAnswer>(times).fill('drop'));
  }

  /**
   * The next `times` sales order posts (or $batch requests) commit late: after the next look-up of
   * their document (its external document number, or a journal line's document number) has been
   * answered without them, or once they have run `requestLimitMs`. The client has given up by then.
   */
  commitLate(times: number, documents: SlowWrites = 'salesOrders'): void {
    this.slowWrites[documents].push(...Array<SlowAnswer>(times).fill('late'));
  }

  /** Resolves once every write held by `commitLate` or `commitThenTimeout` has committed and been answered (or dropped). */
  async writesSettled(): Promise<void> {
    while (this.writesInDoubt.size > 0) await Promise.all([...this.writesInDoubt]);
  }

  /** What `/health` reports of the ERP stand-in: whether it answers, and the knobs a test or a person turned. */
  state() {
    return {
      url: this.url,
      listening: this.server?.listening ?? false,
      outage: this.down,
      throttledRequestsLeft: this.throttled.times,
      slowWritesLeft: this.slowWrites.salesOrders.length + this.slowWrites.journalBatches.length,
      writesInDoubt: this.writesInDoubt.size,
      latencyMs: this.latencyMs,
      salesOrders: this.salesOrders.length,
      journalLines: this.journalLines.length,
    };
  }

  salesOrdersFor(externalDocumentNumber: string): SimulatedSalesOrder[] {
    return [...(this.salesOrdersByExternalNumber.get(externalDocumentNumber) ?? [])];
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
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== DEVELOPMENT_ERP_CREDENTIALS.clientId ||
        form.get('client_secret') !== DEVELOPMENT_ERP_CREDENTIALS.clientSecret
      ) {
        return reply(401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        });
      }
      const token = `bc-${randomUUID()}`;
      this.tokens.add(token);
      return reply(200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
    }

    const batch = url.pathname === '/api/v2.0/$batch';
    if (!batch && !RESOURCE.test(url.pathname)) return reply(404, notFound(url));
    if (!this.tokens.has((request.headers.authorization ?? '').replace(/^Bearer /, ''))) {
      return reply(401, {
        error: {
          code: 'Authentication_InvalidCredentials',
          message: 'The server has rejected the client credentials.',
        },
      });
    }
    if (this.down)
      return reply(503, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } });
    if (this.throttled.times > 0) {
      this.throttled.times -= 1;
      return reply(
        429,
        {
          error: {
            code: 'Application_TooManyRequests',
            message: 'Too many requests reached. Actual (6001). Maximum (6000).',
          },
        },
        { 'retry-after': String(this.throttled.retryAfterSeconds) },
      );
    }
    if (batch && request.method !== 'POST')
      return reply(405, {
        error: { code: 'BadRequest_MethodNotAllowed', message: `${request.method} is not allowed on $batch.` },
      });
    const writes: SlowWrites | undefined = batch
      ? 'journalBatches'
      : request.method === 'POST' && url.pathname.endsWith('/salesOrders')
        ? 'salesOrders'
        : undefined;
    const slow = writes ? this.slowWrites[writes][0] : undefined;
    if (writes && slow === 'late') {
      this.slowWrites[writes].shift();
      return this.inDoubt(
        this.landLate(documentKeys(body)).then(() => {
          const late = this.commit(request, url, body, batch);
          reply(late.status, late.payload);
        }),
      );
    }
    const outcome = this.commit(request, url, body, batch);
    if (!writes || !slow || !outcome.committed) {
      reply(outcome.status, outcome.payload);
      // The look-up was answered without the late writes of its document: they land now.
      const key =
        request.method === 'GET'
          ? (filterValue(url, 'externalDocumentNumber') ?? filterValue(url, 'documentNumber'))
          : undefined;
      for (const late of this.lateWrites) if (key !== undefined && late.keys.includes(key)) late.land();
      return;
    }
    this.slowWrites[writes].shift();
    // Recorded as answered now: the ERP did its part, whatever becomes of the answer.
    this.requests.push({ method: 'POST', path: url.pathname, status: outcome.status });
    if (slow === 'drop') {
      response.socket?.destroy();
      return;
    }
    return this.inDoubt(
      new Promise((resolve) => setTimeout(resolve, this.holdMs)).then(() =>
        answer(response, outcome.status, outcome.payload),
      ),
    );
  }

  /** Applies a request and keeps its changes; `committed` when it created documents. */
  private commit(
    request: IncomingMessage,
    url: URL,
    body: string,
    batch: boolean,
  ): { status: number; payload?: unknown; committed: boolean } {
    if (batch) {
      const answered = this.batch(body, String(request.headers.isolation).toLowerCase() === 'snapshot');
      this.save();
      return { status: answered.status, payload: answered.payload, committed: answered.committedJournalLines };
    }
    const outcome = this.apply(request.method ?? 'GET', url, body, request.headers['if-match']);
    this.save();
    return { ...outcome, committed: outcome.status === 201 && url.pathname.endsWith('/salesOrders') };
  }

  /** Waits until a look-up of one of `keys` has been answered, or the request limit has passed. */
  private landLate(keys: string[]): Promise<void> {
    return new Promise((resolve) => {
      const late = {
        keys,
        land: () => {
          clearTimeout(limit);
          this.lateWrites.delete(late);
          resolve();
        },
      };
      const limit = setTimeout(late.land, this.requestLimitMs);
      this.lateWrites.add(late);
    });
  }

  private async inDoubt(write: Promise<void>): Promise<void> {
    this.writesInDoubt.add(write);
    try {
      await write;
    } finally {
      this.writesInDoubt.delete(write);
    }
  }

  /**
   * A JSON $batch: each inner request applied in order. Atomically (Isolation: snapshot) the first
   * failure undoes what the batch applied and the rest is not run. Synchronous, so no other request
   * interleaves with a batch that may be undone.
   */
  private batch(
    body: string,
    atomically: boolean,
  ): { status: number; payload: unknown; committedJournalLines: boolean } {
    let requests: unknown;
    try {
      requests = (JSON.parse(body) as { requests?: unknown }).requests;
    } catch {
      requests = undefined;
    }
    if (!Array.isArray(requests))
      return {
        status: 400,
        payload: { error: { code: 'BadRequest', message: 'A JSON batch needs a requests array.' } },
        committedJournalLines: false,
      };
    if (requests.length > 100) {
      return {
        status: 400,
        payload: {
          error: {
            code: 'BadRequest',
            message: `A $batch may hold at most 100 operations; this one holds ${requests.length}.`,
          },
        },
        committedJournalLines: false,
      };
    }
    const undo: (() => void)[] = [];
    const linesBefore = this.journalLines.length;
    const unsavedBefore = this.unsaved.length;
    let failed = false;
    const responses = (requests as BatchRequest[]).map((inner) => {
      const id = inner.id ?? null;
      if (failed && atomically) {
        return {
          id,
          status: 424,
          headers: {},
          body: {
            error: {
              code: 'FailedDependency',
              message: 'An earlier request of the batch failed; this one was not run.',
            },
          },
        };
      }
      const headers = Object.fromEntries(
        Object.entries(inner.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
      );
      const outcome = this.applyInner(inner, headers['if-match'], atomically ? undo : undefined);
      if (outcome.status >= 400) failed = true;
      return {
        id,
        status: outcome.status,
        headers: { 'content-type': 'application/json; odata.metadata=minimal' },
        ...(outcome.payload === undefined ? {} : { body: outcome.payload }),
      };
    });
    if (failed && atomically) {
      for (const step of undo.reverse()) step();
      this.unsaved.length = unsavedBefore;
    }
    return { status: 200, payload: { responses }, committedJournalLines: this.journalLines.length > linesBefore };
  }

  /** An inner request of a batch; one the simulator cannot read is refused alone, never half applied. */
  private applyInner(
    inner: BatchRequest,
    ifMatch: string | undefined,
    undo?: (() => void)[],
  ): { status: number; payload?: unknown } {
    try {
      return this.apply(
        inner.method ?? 'GET',
        new URL(inner.url ?? '', `${this.apiRoot}/`),
        inner.body === undefined ? '' : JSON.stringify(inner.body),
        ifMatch,
        undo,
      );
    } catch (error) {
      return { status: 400, payload: { error: { code: 'BadRequest', message: (error as Error).message } } };
    }
  }

  /**
   * One API request on a resource, applied at once; what it changes is undone by the steps it adds to
   * `undo`, when given (a transactional batch that fails).
   */
  private apply(
    method: string,
    url: URL,
    body: string,
    ifMatch: string | undefined,
    undo?: (() => void)[],
  ): { status: number; payload?: unknown } {
    const route = url.pathname.match(RESOURCE);
    if (!route) return { status: 404, payload: notFound(url) };
    if (route[3] !== undefined) {
      if (method !== 'DELETE' || !ifMatch)
        return {
          status: 400,
          payload: { error: { code: 'BadRequest', message: 'A DELETE of a sales order needs an If-Match header.' } },
        };
      const at = this.salesOrders.findIndex((order) => order.id === route[3]);
      if (at < 0)
        return {
          status: 404,
          payload: {
            error: {
              code: 'BadRequest_NotFound',
              message: `The salesOrder does not exist. Identification fields and values: Id='${route[3]}'`,
            },
          },
        };
      const [deleted] = this.salesOrders.splice(at, 1);
      unindex(this.salesOrdersByExternalNumber, deleted.externalDocumentNumber, deleted);
      this.unsaved.push({ salesOrderDeleted: deleted.id });
      undo?.push(() => {
        this.salesOrders.splice(at, 0, deleted);
        index(this.salesOrdersByExternalNumber, deleted.externalDocumentNumber, deleted);
      });
      return { status: 204 };
    }
    if (route[2] === 'salesOrders') {
      if (method === 'GET') {
        const key = filterValue(url, 'externalDocumentNumber');
        return { status: 200, payload: { value: key === undefined ? this.salesOrders : this.salesOrdersFor(key) } };
      }
      const document = JSON.parse(body) as Omit<SimulatedSalesOrder, 'id' | 'number'>;
      const refusal = this.businessRefusal(document.orderDate, document.salesOrderLines);
      if (refusal) return { status: 400, payload: { error: refusal } };
      const created = { ...document, id: randomUUID(), number: String(this.nextNumber++) };
      this.keepSalesOrder(created);
      this.unsaved.push({ salesOrder: created });
      undo?.push(() => {
        this.salesOrders.splice(this.salesOrders.indexOf(created), 1);
        unindex(this.salesOrdersByExternalNumber, created.externalDocumentNumber, created);
      });
      return { status: 201, payload: created };
    }
    if (method === 'GET') {
      const key = filterValue(url, 'documentNumber');
      return {
        status: 200,
        payload: { value: key === undefined ? this.journalLines : (this.journalLinesByDocument.get(key) ?? []) },
      };
    }
    const line = JSON.parse(body) as Omit<SimulatedJournalLine, 'id'>;
    const refusal = this.businessRefusal(line.postingDate, [
      { lineType: 'G/L Account', lineObjectNumber: line.accountNumber },
    ]);
    if (refusal) return { status: 400, payload: { error: refusal } };
    const created = { ...line, id: randomUUID() };
    this.keepJournalLine(created);
    this.unsaved.push({ journalLine: created });
    undo?.push(() => {
      this.journalLines.splice(this.journalLines.indexOf(created), 1);
      unindex(this.journalLinesByDocument, created.documentNumber, created);
    });
    return { status: 201, payload: created };
  }

  private keepSalesOrder(document: SimulatedSalesOrder): void {
    this.salesOrders.push(document);
    index(this.salesOrdersByExternalNumber, document.externalDocumentNumber, document);
  }

  private keepJournalLine(line: SimulatedJournalLine): void {
    this.journalLines.push(line);
    index(this.journalLinesByDocument, line.documentNumber, line);
  }

  private save(): void {
    if (this.unsaved.length === 0) return;
    if (this.options.ledgerFile) {
      mkdirSync(path.dirname(this.options.ledgerFile), { recursive: true });
      // One write for the request's changes: a transactional $batch is kept whole or not at all.
      appendFileSync(this.options.ledgerFile, this.unsaved.map((change) => `${JSON.stringify(change)}\n`).join(''));
    }
    this.unsaved.length = 0;
  }

  private replay(ledger: string): void {
    for (const line of ledger.split('\n')) {
      let change: LedgerChange;
      try {
        change = JSON.parse(line) as LedgerChange;
      } catch {
        continue; // blank, or the tail of a write the process died in: that request was never answered
      }
      if ('salesOrder' in change) {
        this.keepSalesOrder(change.salesOrder);
        this.nextNumber = Math.max(this.nextNumber, Number(change.salesOrder.number) + 1);
      } else if ('journalLine' in change) {
        this.keepJournalLine(change.journalLine);
      } else {
        const deleted = this.salesOrders.find((order) => order.id === change.salesOrderDeleted);
        if (!deleted) continue;
        this.salesOrders.splice(this.salesOrders.indexOf(deleted), 1);
        unindex(this.salesOrdersByExternalNumber, deleted.externalDocumentNumber, deleted);
      }
    }
  }

  private businessRefusal(
    date: string,
    lines: Record<string, unknown>[],
  ): { code: string; message: string } | undefined {
    if (this.closePostingPeriodBefore && date < this.closePostingPeriodBefore) {
      return {
        code: 'Application_FieldValidationException',
        message: `Posting Date ${date} is not within your range of allowed posting dates.`,
      };
    }
    const unknown = lines.find(
      (line) => line.lineType === 'Item' && this.unknownItems.has(String(line.lineObjectNumber)),
    );
    if (unknown)
      return {
        code: 'Internal_RecordNotFound',
        message: `The Item does not exist. Identification fields and values: No.='${String(unknown.lineObjectNumber)}'`,
      };
    const account = lines.find(
      (line) =>
        (line.lineType === 'Account' || line.lineType === 'G/L Account') &&
        this.unknownAccounts.has(String(line.lineObjectNumber)),
    );
    if (account)
      return {
        code: 'Internal_RecordNotFound',
        message: `The G/L Account does not exist. Identification fields and values: No.='${String(account.lineObjectNumber)}'`,
      };
    return undefined;
  }
}

function index<T>(documents: Map<string, T[]>, key: string, document: T): void {
  documents.set(key, [...(documents.get(key) ?? []), document]);
}

function unindex<T>(documents: Map<string, T[]>, key: string, document: T): void {
  const rest = (documents.get(key) ?? []).filter((held) => held !== document);
  if (rest.length > 0) documents.set(key, rest);
  else documents.delete(key);
}

type SlowWrites = 'salesOrders' | 'journalBatches';
/** How a slow ERP treats a write it commits: answers past the client's timeout, drops the connection, or commits late. */
type SlowAnswer = 'timeout' | 'drop' | 'late';

/** The documents a write is about, as a look-up names them: a sales order's external number, a $batch's journal document numbers. */
function documentKeys(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as {
      externalDocumentNumber?: unknown;
      requests?: { body?: { documentNumber?: unknown } }[];
    };
    const keys = [
      parsed.externalDocumentNumber,
      ...(Array.isArray(parsed.requests) ? parsed.requests.map((inner) => inner?.body?.documentNumber) : []),
    ];
    return keys.filter((key): key is string => typeof key === 'string');
  } catch {
    return [];
  }
}

/** One line of the ledger file: a document kept, or a sales order deleted. */
type LedgerChange =
  | { salesOrder: SimulatedSalesOrder }
  | { journalLine: SimulatedJournalLine }
  | { salesOrderDeleted: string };

/** The resources under a company: salesOrders (one by id), and a journal's journalLines. */
const RESOURCE =
  /^\/api\/v2\.0\/companies\(([^)]+)\)\/(salesOrders(?:\(([^)]+)\))?|journals\(([^)]+)\)\/journalLines)$/;

/** One inner request of a JSON $batch, as a client wrote it. */
interface BatchRequest {
  id?: string;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

function notFound(url: URL): { error: { code: string; message: string } } {
  return {
    error: {
      code: 'BadRequest_NotFound',
      message: `No HTTP resource was found that matches the request URI '${url.pathname}'.`,
    },
  };
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

function answer(
  response: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', ...headers });
  response.end(payload === undefined ? undefined : JSON.stringify(payload));
}
