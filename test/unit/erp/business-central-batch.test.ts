import { TokenBucket } from '#shared/channels/channel-http';
import { ErpBusinessRejectionError, ErpTransientError } from '#domain/erp/model';
import type { JournalEntry } from '#domain/accounting/journal-entry';
import { BusinessCentralErp } from '#shared/erp/business-central/business-central.client';
import { DEVELOPMENT_ERP_CREDENTIALS } from '#shared/erp/erp-config';

// The simulator answers a $batch's inner requests with what a document can earn (201, 400); the
// statuses Business Central gives an inner request for the fabric's own reasons (429, 401, 409) and
// a batch answered in part are played here by a fake fetch.

const API_ROOT = 'https://bc.example.test/api/v2.0';
const TOKEN_URL = 'https://login.example.test/token';

const entry: JournalEntry = {
  entryId: 'je-sale-ord_unit',
  postingDate: '2026-11-23',
  currency: 'USD',
  memo: 'sale',
  lines: [
    { account: '1200', debitMinor: 2598, creditMinor: 0, reference: 'l1' },
    { account: '4000', debitMinor: 0, creditMinor: 2598, reference: 'l1' },
  ],
};

type InnerResponse = { id: string | null; status: number; headers?: Record<string, string>; body?: unknown };

/** A Business Central that holds no lines and answers every $batch with `responses`. */
function fakeBusinessCentral(responses: InnerResponse[]) {
  const sent: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  let tokens = 0;
  const fake = (async (url: string, init: RequestInit) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    if (url === TOKEN_URL) {
      tokens += 1;
      return Response.json({ access_token: `token-${tokens}`, expires_in: 3599 });
    }
    sent.push({ url, headers, body: init.body ? JSON.parse(String(init.body)) : undefined });
    return url.endsWith('/$batch') ? Response.json({ responses }) : Response.json({ value: [] });
  }) as unknown as typeof fetch;
  const erp = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, {
    apiRoot: API_ROOT,
    tokenUrl: TOKEN_URL,
    fetch: fake,
  });
  return { erp, sent, tokensIssued: () => tokens };
}

const created = (id: string): InnerResponse => ({ id, status: 201, body: { id: `line-${id}` } });

afterEach(() => {
  jest.restoreAllMocks();
});

describe('Business Central journal entries as a transactional $batch', () => {
  test("sends the entry's lines as one JSON $batch at the API root, with Isolation: snapshot and URLs under the company", async () => {
    const { erp, sent } = fakeBusinessCentral([created('1'), created('2')]);

    await erp.postJournalEntry(entry);

    const batch = sent.find((request) => request.url === `${API_ROOT}/$batch`);
    expect(batch?.headers).toMatchObject({ isolation: 'snapshot', 'content-type': 'application/json' });
    const lines = `companies(${DEVELOPMENT_ERP_CREDENTIALS.companyId})/journals(${DEVELOPMENT_ERP_CREDENTIALS.journalId})/journalLines`;
    expect(batch?.body).toEqual({
      requests: [
        {
          method: 'POST',
          id: '1',
          url: lines,
          headers: { 'Content-Type': 'application/json' },
          body: expect.objectContaining({ accountNumber: '1200', amount: 25.98, comment: '1/2 je-sale-ord_unit' }),
        },
        {
          method: 'POST',
          id: '2',
          url: lines,
          headers: { 'Content-Type': 'application/json' },
          body: expect.objectContaining({ accountNumber: '4000', amount: -25.98, comment: '2/2 je-sale-ord_unit' }),
        },
      ],
    });
  });

  test('an inner 429 is transient, carries its Retry-After and drains the bucket', async () => {
    const drain = jest.spyOn(TokenBucket.prototype, 'drain');
    const { erp } = fakeBusinessCentral([
      {
        id: null,
        status: 429,
        headers: { 'Retry-After': '7' },
        body: { error: { code: 'Application_TooManyRequests', message: 'Too many requests.' } },
      },
    ]);

    const error = await erp.postJournalEntry(entry).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErpTransientError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000, throttled: true });
    expect(drain).toHaveBeenCalled();
  });

  test.each([503, 408, 409])('an inner %d is transient', async (status) => {
    const { erp } = fakeBusinessCentral([
      created('1'),
      { id: null, status, body: { error: { code: 'Request_EntityChanged', message: 'Changed.' } } },
    ]);

    await expect(erp.postJournalEntry(entry)).rejects.toMatchObject({ name: 'ErpTransientError', status });
  });

  test('an inner 401 is transient and the next attempt fetches a new token', async () => {
    const { erp, tokensIssued } = fakeBusinessCentral([
      { id: null, status: 401, body: { error: { code: 'Authentication_InvalidCredentials', message: 'No.' } } },
    ]);

    await expect(erp.postJournalEntry(entry)).rejects.toMatchObject({ name: 'ErpTransientError', status: 401 });
    await erp.findJournalEntry(entry.entryId);

    expect(tokensIssued()).toBe(2);
  });

  test('the first failing inner response decides, after responses that succeeded (rolled back with it)', async () => {
    const { erp } = fakeBusinessCentral([
      created('1'),
      {
        id: null,
        status: 400,
        body: {
          error: {
            code: 'Application_FieldValidationException',
            message: 'Posting Date 2026-11-23 is not within your range of allowed posting dates.',
          },
        },
      },
    ]);

    const error = await erp.postJournalEntry(entry).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErpBusinessRejectionError);
    expect(error).toMatchObject({
      status: 400,
      erpCode: 'Application_FieldValidationException',
      erpMessage: 'Posting Date 2026-11-23 is not within your range of allowed posting dates.',
    });
  });

  test("an inner rejection without Business Central's error shape keeps its status and body", async () => {
    const { erp } = fakeBusinessCentral([{ id: '1', status: 422, body: 'Unprocessable' }, created('2')]);

    await expect(erp.postJournalEntry(entry)).rejects.toMatchObject({
      name: 'ErpBusinessRejectionError',
      status: 422,
      erpCode: 'HTTP_422',
      erpMessage: 'Unprocessable',
    });
  });

  test('a batch answered for fewer requests than it held is transient: what committed is found by the next lookup', async () => {
    const { erp } = fakeBusinessCentral([created('1')]);

    await expect(erp.postJournalEntry(entry)).rejects.toBeInstanceOf(ErpTransientError);
  });
});
