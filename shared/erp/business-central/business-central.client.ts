import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CachedAccessToken, TokenBucket, retryAfterMs } from '../../adapters/channel-http';
import { formatDecimalMoney, type Money } from '../../domain/money';
import type { JournalEntry } from '../../domain/journal-entry';
import { ErpBusinessRejectionError, ErpTransientError, type ErpDocument, type ErpPort, type ErpSalesOrder } from '../../domain/erp';

/** Service-to-service credentials of a Microsoft Entra app registered in Business Central, and where to post. */
export const BusinessCentralCredentials = z.object({
  tenantId: z.string().min(1),
  environment: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  companyId: z.string().min(1),
  /** The general journal batch journal entries are written to (journals({id})). */
  journalId: z.string().min(1),
  /** The company's local currency: Business Central leaves currencyCode blank for it. */
  localCurrency: z.string().regex(/^[A-Z]{3}$/).optional(),
});
export type BusinessCentralCredentials = z.infer<typeof BusinessCentralCredentials>;

export const BUSINESS_CENTRAL_SCOPE = 'https://api.businesscentral.dynamics.com/.default';
export const businessCentralApiRoot = (credentials: BusinessCentralCredentials) =>
  `https://api.businesscentral.dynamics.com/v2.0/${credentials.tenantId}/${credentials.environment}/api/v2.0`;
export const entraTokenUrl = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`;

const TokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().int().positive() });
const DocumentRow = z.object({ id: z.string().min(1), number: z.string().optional(), documentNumber: z.string().optional() });
const Collection = z.object({ value: z.array(DocumentRow) });
const BusinessCentralError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

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
 *   still missing.
 * Business Central allows 6,000 requests per five-minute sliding window per user or service principal
 * (20 a second) and answers 429 beyond it; the bucket spends at that rate per container (another
 * rate where the tenant's limit differs), and the queue's maxConcurrency bounds the containers. 429, 5xx, 408, 409, 401 and timeouts are transient; any other
 * 4xx is the ERP saying no to the document (closed posting period, unknown item).
 */
export class BusinessCentralErp implements ErpPort {
  readonly name = 'business-central';
  private readonly token: CachedAccessToken;
  /** What this container spends of the tenant's request budget. */
  readonly requestsPerSecond: number;
  private readonly bucket: TokenBucket;
  private readonly send: typeof fetch;

  constructor(private readonly credentials: () => Promise<BusinessCentralCredentials>, private readonly options: BusinessCentralOptions = {}) {
    this.send = options.fetch ?? fetch;
    this.requestsPerSecond = options.requestsPerSecond ?? 20;
    this.bucket = new TokenBucket(this.requestsPerSecond, this.requestsPerSecond);
    this.token = new CachedAccessToken(async () => {
      const creds = await this.credentials();
      const response = await this.request(this.options.tokenUrl ?? entraTokenUrl(creds.tenantId), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, scope: BUSINESS_CENTRAL_SCOPE }).toString(),
      });
      const parsed = TokenResponse.parse(response);
      return { accessToken: parsed.access_token, expiresInSeconds: parsed.expires_in };
    });
  }

  async findSalesOrderByExternalNumber(externalDocumentNumber: string): Promise<ErpDocument | undefined> {
    const found = Collection.parse(await this.api('GET', `salesOrders?$filter=${encodeURIComponent(`externalDocumentNumber eq ${odataString(externalDocumentNumber)}`)}&$select=id,number,externalDocumentNumber`));
    const row = found.value[0];
    return row ? { erpDocumentId: row.id, erpDocumentNumber: row.number ?? row.id } : undefined;
  }

  async postSalesOrder(order: ErpSalesOrder): Promise<ErpDocument> {
    const creds = await this.credentials();
    const created = DocumentRow.parse(await this.api('POST', 'salesOrders', {
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
        ...(order.shipping ? [{ lineType: 'Account', lineObjectNumber: order.shipping.accountNumber, description: 'Shipping', quantity: 1, unitPrice: decimal(order.shipping.amount) }] : []),
      ],
    }));
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
   * Writes each debit and credit as a journal line under one document number. Business Central takes
   * journal lines one request at a time, so a retry after a partial write posts only the rows that are
   * still missing (matched by their position, kept in `comment`), never a row twice.
   */
  async postJournalEntry(entry: JournalEntry): Promise<ErpDocument> {
    const documentNumber = journalDocumentNumber(entry.entryId);
    const creds = await this.credentials();
    const present = new Set((await this.journalLinesOf(documentNumber)).map((row) => row.comment));
    for (const [i, line] of entry.lines.entries()) {
      const position = `${i + 1}/${entry.lines.length} ${entry.entryId}`.slice(0, 250);
      if (present.has(position)) continue;
      const amountMinor = line.debitMinor > 0 ? line.debitMinor : -line.creditMinor;
      await this.api('POST', `journals(${creds.journalId})/journalLines`, {
        accountType: 'G/L Account',
        accountNumber: line.account,
        postingDate: entry.postingDate,
        documentNumber,
        amount: decimal({ amountMinor, currency: entry.currency }),
        description: (line.memo ?? entry.memo ?? line.reference).slice(0, 100),
        comment: position,
      });
    }
    return { erpDocumentId: documentNumber, erpDocumentNumber: documentNumber };
  }

  private async journalLinesOf(documentNumber: string): Promise<{ comment?: string }[]> {
    const creds = await this.credentials();
    const body = await this.api('GET', `journals(${creds.journalId})/journalLines?$filter=${encodeURIComponent(`documentNumber eq ${odataString(documentNumber)}`)}&$select=id,documentNumber,comment`);
    return z.object({ value: z.array(z.object({ comment: z.string().optional() })) }).parse(body).value;
  }

  private async api(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const creds = await this.credentials();
    const root = (this.options.apiRoot ?? businessCentralApiRoot(creds)).replace(/\/$/, '');
    await this.bucket.take();
    return this.request(`${root}/companies(${creds.companyId})/${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.token.get()}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  private async request(url: string, init: RequestInit): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await this.send(url, { ...init, signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000) });
      text = await response.text();
    } catch (error) {
      // A timeout says nothing about whether the ERP committed the document: the caller looks it up before posting again.
      throw new ErpTransientError(`Business Central did not answer ${init.method} ${new URL(url).pathname}: ${(error as Error).message}`);
    }
    const body = text ? safeJson(text) : undefined;
    if (response.ok) return body;
    const where = `${init.method} ${new URL(url).pathname}`;
    // 409 is Business Central's "another user changed the record" (Request_EntityChanged): worth another try.
    if (response.status === 429 || response.status >= 500 || response.status === 408 || response.status === 409) {
      if (response.status === 429) this.bucket.drain();
      throw new ErpTransientError(`Business Central answered ${response.status} to ${where}`, response.status, retryAfterMs(response.headers.get('retry-after')));
    }
    if (response.status === 401) {
      // An expired or revoked token: the next attempt fetches a new one.
      this.token.clear();
      throw new ErpTransientError(`Business Central refused the access token for ${where}`, 401);
    }
    const error = BusinessCentralError.safeParse(body);
    throw new ErpBusinessRejectionError(
      error.success ? error.data.error.code : `HTTP_${response.status}`,
      error.success ? error.data.error.message : String(text || response.statusText),
      response.status,
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
