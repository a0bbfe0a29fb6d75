import { createHash } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import { CachedAccessToken, TokenBucket, retryAfterMs } from '#shared/channels/channel-http';
import { formatDecimalMoney, type Money } from '#domain/kernel/money';
import type { JournalEntry } from '#domain/accounting/journal-entry';
import {
  ErpBusinessRejectionError,
  ErpOutcomeUnknownError,
  ErpTransientError,
  type ErpDocument,
  type ErpPort,
  type ErpSalesOrder,
} from '#domain/erp/model';

/** Service-to-service credentials of a Microsoft Entra app registered in Business Central, and where to post. */
export const BusinessCentralCredentials = z.object({
  tenantId: z.string().check(z.minLength(1)),
  environment: z.string().check(z.minLength(1)),
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
  companyId: z.string().check(z.minLength(1)),
  /** The general journal batch journal entries are written to (journals({id})). */
  journalId: z.string().check(z.minLength(1)),
  /** The company's local currency: Business Central leaves currencyCode blank for it. */
  localCurrency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/))),
});
export type BusinessCentralCredentials = z.infer<typeof BusinessCentralCredentials>;

export const BUSINESS_CENTRAL_SCOPE = 'https://api.businesscentral.dynamics.com/.default';
export const businessCentralApiRoot = (credentials: BusinessCentralCredentials) =>
  `https://api.businesscentral.dynamics.com/v2.0/${credentials.tenantId}/${credentials.environment}/api/v2.0`;
export const entraTokenUrl = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`;

const TokenResponse = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.coerce.number().check(z.int(), z.positive()),
});
const DocumentRow = z.object({
  id: z.string().check(z.minLength(1)),
  number: z.optional(z.string()),
  documentNumber: z.optional(z.string()),
});
const Collection = z.object({ value: z.array(DocumentRow) });
const BusinessCentralError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
/** A JSON $batch answer: one response per inner request, in order (Business Central leaves `id` null). */
const BatchAnswer = z.object({
  responses: z.array(
    z.object({
      id: z.nullish(z.string()),
      status: z.number().check(z.int()),
      headers: z.nullish(z.record(z.string(), z.unknown())),
      body: z.optional(z.unknown()),
    }),
  ),
});

/** The most operations Business Central takes in one $batch request. */
export const BUSINESS_CENTRAL_MAX_BATCH_OPERATIONS = 100;

export interface BusinessCentralOptions {
  /** The API root up to /api/v2.0; the production root of the tenant's environment when unset. */
  apiRoot?: string;
  tokenUrl?: string;
  /** One request's budget: past it the call counts as a timeout (transient), whatever the ERP did with it. */
  requestTimeoutMs?: number;
  /** Requests a second this container spends; Business Central online allows 20 per user or service principal. */
  requestsPerSecond?: number;
  fetch?: typeof fetch;
}

/**
 * Microsoft Dynamics 365 Business Central API v2.0, as the ERP port:
 * - OAuth2 client credentials at Entra ID (scope https://api.businesscentral.dynamics.com/.default);
 * - sales orders: GET companies({id})/salesOrders?$filter=externalDocumentNumber eq '...' and
 *   POST companies({id})/salesOrders with the lines inline (deep insert of salesOrderLines), and
 *   DELETE companies({id})/salesOrders({id}) with If-Match: * when the channel cancels the order;
 * - journal entries: one journalLines row per debit or credit in journals({id}), under a document
 *   number derived from the entry id, looked up by $filter=documentNumber before posting the rows
 *   still missing, all of them in one transactional JSON $batch (POST {apiRoot}/$batch with
 *   Isolation: snapshot).
 * Business Central allows 6,000 requests per five-minute sliding window per user or service principal
 * (20 a second) and answers 429 beyond it; the bucket spends at that rate per container (another
 * rate where the tenant's limit differs), and the queue's maxConcurrency bounds the containers. 429, 5xx, 408, 409, 401 and timeouts are transient; any other
 * 4xx is the ERP saying no to the document (closed posting period, unknown item).
 */
/** The ERP's name on the document references the connector keeps (shared/adapters/erp-document-references.ts). */
export const BUSINESS_CENTRAL = 'business-central';

export class BusinessCentralErp implements ErpPort {
  readonly name = BUSINESS_CENTRAL;
  private readonly token: CachedAccessToken;
  /** What this container spends of the tenant's request budget. */
  readonly requestsPerSecond: number;
  private readonly bucket: TokenBucket;
  private readonly send: typeof fetch;

  constructor(
    private readonly credentials: () => Promise<BusinessCentralCredentials>,
    private readonly options: BusinessCentralOptions = {},
  ) {
    this.send = options.fetch ?? fetch;
    this.requestsPerSecond = options.requestsPerSecond ?? 20;
    this.bucket = new TokenBucket(this.requestsPerSecond, this.requestsPerSecond);
    this.token = new CachedAccessToken(async () => {
      const creds = await this.credentials();
      const response = await this.request(this.options.tokenUrl ?? entraTokenUrl(creds.tenantId), false, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: creds.clientId,
          client_secret: creds.clientSecret,
          scope: BUSINESS_CENTRAL_SCOPE,
        }).toString(),
      });
      const parsed = TokenResponse.parse(response);
      return { accessToken: parsed.access_token, expiresInSeconds: parsed.expires_in };
    });
  }

  async findSalesOrderByExternalNumber(externalDocumentNumber: string): Promise<ErpDocument | undefined> {
    const found = Collection.parse(
      await this.api(
        'GET',
        `salesOrders?$filter=${encodeURIComponent(`externalDocumentNumber eq ${odataString(externalDocumentNumber)}`)}&$select=id,number,externalDocumentNumber`,
      ),
    );
    const row = found.value[0];
    return row ? { erpDocumentId: row.id, erpDocumentNumber: row.number ?? row.id } : undefined;
  }

  async postSalesOrder(order: ErpSalesOrder): Promise<ErpDocument> {
    const creds = await this.credentials();
    const created = DocumentRow.parse(
      await this.api('POST', 'salesOrders', {
        externalDocumentNumber: order.externalDocumentNumber,
        orderDate: order.orderDate,
        customerNumber: order.customerNumber,
        currencyCode: order.currency === creds.localCurrency ? '' : order.currency,
        salesOrderLines: [
          ...order.lines.map((line) => ({
            lineType: 'Item',
            lineObjectNumber: line.itemNumber,
            ...(line.description ? { description: line.description.slice(0, 100) } : {}),
            quantity: line.quantity,
            unitPrice: decimal(line.unitPrice),
            discountAmount: decimal(line.discount),
          })),
          ...(order.shipping
            ? [
                {
                  lineType: 'Account',
                  lineObjectNumber: order.shipping.accountNumber,
                  description: 'Shipping',
                  quantity: 1,
                  unitPrice: decimal(order.shipping.amount),
                },
              ]
            : []),
        ],
      }),
    );
    return { erpDocumentId: created.id, erpDocumentNumber: created.number ?? created.id };
  }

  async deleteSalesOrder(document: ErpDocument): Promise<void> {
    try {
      // If-Match is required; '*' deletes whatever version is there: the order is cancelled whatever changed on it.
      await this.api('DELETE', `salesOrders(${document.erpDocumentId})`, undefined, { 'if-match': '*' });
    } catch (error) {
      if (error instanceof ErpBusinessRejectionError && error.status === 404) return;
      throw error;
    }
  }

  async findJournalEntry(entryId: string): Promise<ErpDocument | undefined> {
    const documentNumber = journalDocumentNumber(entryId);
    const rows = await this.journalLinesOf(documentNumber);
    return rows.length ? { erpDocumentId: documentNumber, erpDocumentNumber: documentNumber } : undefined;
  }

  /**
   * Writes each debit and credit as a journal line under one document number. The lines still missing
   * go in one transactional $batch, so Business Central commits the entry whole or not at all. An entry
   * of more than 100 missing lines (the most one $batch holds) goes in several, and is then atomic per
   * 100 lines only. Every attempt looks up the lines already present first and posts only the others
   * (matched by their position, kept in `comment`): a batch the ERP committed but never answered is
   * found, never posted twice.
   */
  async postJournalEntry(entry: JournalEntry): Promise<ErpDocument> {
    const documentNumber = journalDocumentNumber(entry.entryId);
    const creds = await this.credentials();
    const present = new Set((await this.journalLinesOf(documentNumber)).map((row) => row.comment));
    const missing = entry.lines.flatMap((line, i) => {
      const position = `${i + 1}/${entry.lines.length} ${entry.entryId}`.slice(0, 250);
      if (present.has(position)) return [];
      const amountMinor = line.debitMinor > 0 ? line.debitMinor : -line.creditMinor;
      return [
        {
          accountType: 'G/L Account',
          accountNumber: line.account,
          postingDate: entry.postingDate,
          documentNumber,
          amount: decimal({ amountMinor, currency: entry.currency }),
          description: (line.memo ?? entry.memo ?? line.reference).slice(0, 100),
          comment: position,
        },
      ];
    });
    const url = `companies(${creds.companyId})/journals(${creds.journalId})/journalLines`;
    for (let at = 0; at < missing.length; at += BUSINESS_CENTRAL_MAX_BATCH_OPERATIONS) {
      await this.transactionalBatch(
        missing.slice(at, at + BUSINESS_CENTRAL_MAX_BATCH_OPERATIONS).map((body) => ({ method: 'POST', url, body })),
      );
    }
    return { erpDocumentId: documentNumber, erpDocumentNumber: documentNumber };
  }

  private async journalLinesOf(documentNumber: string): Promise<{ comment?: string }[]> {
    const creds = await this.credentials();
    const body = await this.api(
      'GET',
      `journals(${creds.journalId})/journalLines?$filter=${encodeURIComponent(`documentNumber eq ${odataString(documentNumber)}`)}&$select=id,documentNumber,comment`,
    );
    return z.object({ value: z.array(z.object({ comment: z.optional(z.string()) })) }).parse(body).value;
  }

  /**
   * Sends inner requests (URLs relative to the API root) as one JSON $batch with `Isolation: snapshot`:
   * Business Central runs them in one transaction and answers 200, and when one fails it rolls the
   * others back, whatever statuses their own responses show. The first failing inner response is
   * mapped as the same request's failure on its own would be; a batch answered without a response for
   * each request is transient (what committed is found by the lookup before the next attempt).
   * Microsoft recommends $batch against the 6,000 requests per five minutes: the batch is one request
   * of the budget, one token of the bucket, however many lines it carries.
   */
  private async transactionalBatch(requests: { method: 'POST'; url: string; body: unknown }[]): Promise<void> {
    const answer = BatchAnswer.safeParse(
      await this.call(
        'POST',
        '$batch',
        {
          requests: requests.map((inner, i) => ({
            method: inner.method,
            id: String(i + 1),
            url: inner.url,
            headers: { 'Content-Type': 'application/json' },
            body: inner.body,
          })),
        },
        { isolation: 'snapshot' },
      ),
    );
    const responses = answer.success ? answer.data.responses : [];
    const failed = responses.find((inner) => inner.status < 200 || inner.status > 299);
    if (failed) {
      const at = responses.indexOf(failed);
      const where = `${requests[at]?.method ?? 'POST'} ${requests[at]?.url ?? '?'} in a $batch of ${requests.length}`;
      throw this.failure(
        failed.status,
        headerValue(failed.headers, 'retry-after'),
        failed.body,
        typeof failed.body === 'string' ? failed.body : (JSON.stringify(failed.body) ?? ''),
        where,
      );
    }
    if (responses.length < requests.length) {
      throw new ErpTransientError(
        `Business Central answered ${responses.length} of the ${requests.length} requests of a $batch`,
      );
    }
  }

  /** One request under the company. */
  private async api(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    const creds = await this.credentials();
    return this.call(method, `companies(${creds.companyId})/${path}`, body, headers);
  }

  /** One request under the API root, with the access token: spends one token of the bucket. */
  private async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    const creds = await this.credentials();
    const root = (this.options.apiRoot ?? businessCentralApiRoot(creds)).replace(/\/$/, '');
    await this.bucket.take();
    return this.request(`${root}/${path}`, method === 'POST', {
      method,
      headers: {
        authorization: `Bearer ${await this.token.get()}`,
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** `writes`: the request creates documents, so one left unanswered may have committed. */
  private async request(url: string, writes: boolean, init: RequestInit): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await this.send(url, {
        ...init,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
      text = await response.text();
    } catch (error) {
      // A timeout or a dropped connection says nothing about whether the ERP committed the document,
      // nor when it will: the caller looks it up once the ERP could no longer commit it, before posting again.
      const message = `Business Central did not answer ${init.method} ${new URL(url).pathname}: ${(error as Error).message}`;
      throw writes
        ? new ErpOutcomeUnknownError(message, undefined, undefined, { cause: error })
        : new ErpTransientError(message, undefined, undefined, { cause: error });
    }
    const body = text ? safeJson(text) : undefined;
    if (response.ok) return body;
    throw this.failure(
      response.status,
      response.headers.get('retry-after'),
      body,
      String(text || response.statusText),
      `${init.method} ${new URL(url).pathname}`,
    );
  }

  /**
   * What a failed answer means, for a request of its own or an inner request of a $batch: 429, 5xx,
   * 408 and 409 are transient (a 429 drains the bucket), 401 is transient and forgets the token, any
   * other status is the ERP saying no, with its error code and message.
   */
  private failure(
    status: number,
    retryAfter: string | null | undefined,
    body: unknown,
    text: string,
    where: string,
  ): Error {
    // 409 is Business Central's "another user changed the record" (Request_EntityChanged): worth another try.
    if (status === 429 || status >= 500 || status === 408 || status === 409) {
      if (status === 429) this.bucket.drain();
      return new ErpTransientError(
        `Business Central answered ${status} to ${where}`,
        status,
        retryAfterMs(retryAfter ?? null),
      );
    }
    if (status === 401) {
      // An expired or revoked token: the next attempt fetches a new one.
      this.token.clear();
      return new ErpTransientError(`Business Central refused the access token for ${where}`, 401);
    }
    const error = BusinessCentralError.safeParse(body);
    return new ErpBusinessRejectionError(
      error.success ? error.data.error.code : `HTTP_${status}`,
      error.success ? error.data.error.message : text || `HTTP ${status}`,
      status,
    );
  }
}

/** Business Central journal document numbers hold 20 characters: a stable digest of the entry id fits. */
export function journalDocumentNumber(entryId: string): string {
  return `FJ${createHash('sha256').update(entryId).digest('hex').slice(0, 18).toUpperCase()}`;
}

/** An OData string literal: quotes doubled, so a key can never break out of the filter. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Business Central takes decimals as JSON numbers; built from the exact decimal string, never by float arithmetic. */
function decimal(money: Money): number {
  return Number(formatDecimalMoney(money));
}

/** A header of a $batch inner response, whose names keep whatever case the ERP wrote them in. */
function headerValue(headers: Record<string, unknown> | null | undefined, name: string): string | undefined {
  const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found === undefined ? undefined : String(found[1]);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
