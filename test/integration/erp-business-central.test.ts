import { BusinessCentralSimulator } from '../../scripts/erp-simulator/business-central-simulator';
import { BusinessCentralErp } from '#shared/erp/business-central/business-central.client';
import { DEVELOPMENT_ERP_CREDENTIALS } from '#shared/erp/erp-config';
import { ErpBusinessRejectionError, ErpTransientError, type ErpSalesOrder } from '#domain/erp/model';
import type { JournalEntry } from '#domain/accounting/journal-entry';
import { saleEntry } from '../unit/builders';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
let simulator: BusinessCentralSimulator;
let erp: BusinessCentralErp;

beforeEach(async () => {
  simulator = new BusinessCentralSimulator();
  await simulator.start();
  // Generous: a loaded CI machine must not turn an answer into a timeout; the timeout test shortens it.
  erp = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, {
    apiRoot: simulator.apiRoot,
    tokenUrl: simulator.tokenUrl,
    requestTimeoutMs: 5000,
  });
});

afterEach(async () => {
  await simulator.stop();
});

function salesOrder(externalDocumentNumber: string, itemNumber = 'APP-TSHIRT-001-RED-M'): ErpSalesOrder {
  return {
    externalDocumentNumber,
    orderDate: '2026-11-23',
    customerNumber: 'SHOPIFY',
    currency: 'USD',
    lines: [{ itemNumber, quantity: 2, unitPrice: usd(2400), discount: usd(250) }],
    shipping: { accountNumber: '6100', amount: usd(599) },
  };
}

/** A balanced entry of `count` lines, a cent each, debits and credits taking turns (a settlement's size). */
function longEntry(entryId: string, count: number): JournalEntry {
  return {
    entryId,
    postingDate: '2026-11-23',
    currency: 'USD',
    memo: 'settlement',
    lines: Array.from({ length: count }, (_, i) =>
      i % 2 === 0
        ? { account: '1200', debitMinor: 1, creditMinor: 0, reference: `l${i}` }
        : { account: '4000', debitMinor: 0, creditMinor: 1, reference: `l${i}` },
    ),
  };
}

/** A client whose `nth` $batch (1 by default) meets the simulator as `before` leaves it; the lookups before it do not. */
function clientTurningBefore(before: () => void, nth = 1, requestTimeoutMs = 5000): BusinessCentralErp {
  let batches = 0;
  return new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, {
    apiRoot: simulator.apiRoot,
    tokenUrl: simulator.tokenUrl,
    requestTimeoutMs,
    fetch: (async (url: string, init: RequestInit) => {
      if (url.endsWith('/$batch') && ++batches === nth) before();
      return fetch(url, init);
    }) as typeof fetch,
  });
}

const posts = () => simulator.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/'));

describe('Business Central API v2.0 adapter against the simulator', () => {
  test('posts a sales order with its lines inline, in decimals built from minor units, and finds it by external document number', async () => {
    const posted = await erp.postSalesOrder(salesOrder("ord_o'brien"));

    expect(await erp.findSalesOrderByExternalNumber("ord_o'brien")).toEqual(posted);
    expect(simulator.salesOrders[0]).toMatchObject({
      externalDocumentNumber: "ord_o'brien",
      customerNumber: 'SHOPIFY',
      currencyCode: '',
      salesOrderLines: [
        { lineType: 'Item', lineObjectNumber: 'APP-TSHIRT-001-RED-M', quantity: 2, unitPrice: 24, discountAmount: 2.5 },
        { lineType: 'Account', lineObjectNumber: '6100', quantity: 1, unitPrice: 5.99 },
      ],
    });
    expect(await erp.findSalesOrderByExternalNumber('ord_other')).toBeUndefined();
  });

  test("deletes a cancelled order's sales order with If-Match, and a second delete finds it already gone", async () => {
    const posted = await erp.postSalesOrder(salesOrder('ord_cancelled'));

    await erp.deleteSalesOrder(posted);
    await erp.deleteSalesOrder(posted);

    expect(await erp.findSalesOrderByExternalNumber('ord_cancelled')).toBeUndefined();
    expect(simulator.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([204, 404]);
  });

  test("spends requests at the tenant's configured rate, not faster", async () => {
    const slow = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, {
      apiRoot: simulator.apiRoot,
      tokenUrl: simulator.tokenUrl,
      requestTimeoutMs: 5000,
      requestsPerSecond: 2,
    });
    const started = Date.now();

    // Four lookups: the bucket holds two, the other two wait half a second each (at 20 a second, none would).
    for (const id of ['a', 'b', 'c', 'd']) await slow.findSalesOrderByExternalNumber(`ord_${id}`);

    expect(simulator.requests).toHaveLength(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test("a throttled request is transient and carries the ERP's Retry-After", async () => {
    simulator.throttle(1, 7);

    const error = await erp.findSalesOrderByExternalNumber('ord_x').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErpTransientError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 });
  });

  test('an outage is transient', async () => {
    simulator.startOutage();

    await expect(erp.postSalesOrder(salesOrder('ord_down'))).rejects.toMatchObject({
      name: 'ErpTransientError',
      status: 503,
    });
    expect(simulator.salesOrders).toEqual([]);
  });

  test('a post the ERP committed but did not answer in time is transient, and the lookup then finds the document', async () => {
    // Its token fetched first, so that what times out is the post, held three times its patience.
    const impatient = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, {
      apiRoot: simulator.apiRoot,
      tokenUrl: simulator.tokenUrl,
      requestTimeoutMs: 1000,
    });
    await impatient.findSalesOrderByExternalNumber('ord_warm-up');
    simulator.commitThenTimeout(1, 3000);

    await expect(impatient.postSalesOrder(salesOrder('ord_slow'))).rejects.toBeInstanceOf(ErpTransientError);

    expect(await erp.findSalesOrderByExternalNumber('ord_slow')).toMatchObject({
      erpDocumentNumber: simulator.salesOrders[0].number,
    });
  });

  test("a closed posting period and an unknown item are business rejections with the ERP's message", async () => {
    simulator.closePostingPeriodBefore = '2026-12-01';
    await expect(erp.postSalesOrder(salesOrder('ord_closed'))).rejects.toMatchObject({
      name: 'ErpBusinessRejectionError',
      status: 400,
      erpCode: 'Application_FieldValidationException',
      erpMessage: 'Posting Date 2026-11-23 is not within your range of allowed posting dates.',
    });

    simulator.closePostingPeriodBefore = undefined;
    simulator.unknownItems.add('NOPE-1');
    const error = await erp.postSalesOrder(salesOrder('ord_unknown', 'NOPE-1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErpBusinessRejectionError);
    expect((error as ErpBusinessRejectionError).erpMessage).toBe(
      "The Item does not exist. Identification fields and values: No.='NOPE-1'",
    );
  });

  test("posts a journal entry's lines in one $batch request at the API root, not one request per line", async () => {
    const entry = saleEntry('je-sale-ord_1');

    const document = await erp.postJournalEntry(entry);

    expect(posts()).toEqual([{ method: 'POST', path: '/api/v2.0/$batch', status: 200 }]);
    expect(
      simulator.journalLines.map((line) => [line.accountNumber, line.amount, line.documentNumber, line.comment]),
    ).toEqual([
      ['1200', 25.98, document.erpDocumentId, '1/3 je-sale-ord_1'],
      ['4000', -24, document.erpDocumentId, '2/3 je-sale-ord_1'],
      ['2200', -1.98, document.erpDocumentId, '3/3 je-sale-ord_1'],
    ]);
    expect(await erp.findJournalEntry(entry.entryId)).toEqual(document);
  });

  test("a journal line the ERP rejects leaves none of the entry's lines behind, and surfaces the ERP's message", async () => {
    simulator.unknownAccounts.add('4000');

    const error = await erp.postJournalEntry(saleEntry('je-sale-ord_2')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErpBusinessRejectionError);
    expect(error).toMatchObject({
      status: 400,
      erpCode: 'Internal_RecordNotFound',
      erpMessage: "The G/L Account does not exist. Identification fields and values: No.='4000'",
    });
    // The first line was accepted inside the batch, and rolled back with it.
    expect(simulator.journalLines).toEqual([]);
    expect(await erp.findJournalEntry('je-sale-ord_2')).toBeUndefined();
  });

  test('an entry whose $batch the ERP committed but did not answer in time is found on the retry, and nothing is posted twice', async () => {
    const impatient = clientTurningBefore(() => simulator.commitThenTimeout(1, 3000, 'journalBatches'), 1, 1000);
    const entry = saleEntry('je-sale-ord_3');

    await expect(impatient.postJournalEntry(entry)).rejects.toBeInstanceOf(ErpTransientError);
    const before = simulator.requests.length;
    await erp.postJournalEntry(entry);

    expect(simulator.journalLines.map((line) => line.comment)).toEqual([
      '1/3 je-sale-ord_3',
      '2/3 je-sale-ord_3',
      '3/3 je-sale-ord_3',
    ]);
    // The retry found the lines and sent nothing but its lookup (and a token request).
    expect(
      simulator.requests
        .slice(before)
        .filter((r) => r.path.startsWith('/api/'))
        .map((r) => r.method),
    ).toEqual(['GET']);
  });

  test("a throttled $batch is transient, carries the ERP's Retry-After and posts nothing", async () => {
    const throttled = clientTurningBefore(() => simulator.throttle(1, 7));

    const error = await throttled.postJournalEntry(saleEntry('je-sale-ord_4')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErpTransientError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 });
    expect(simulator.journalLines).toEqual([]);
  });

  test('a $batch met by an outage is transient, and the entry is posted whole once the ERP is back', async () => {
    const unlucky = clientTurningBefore(() => simulator.startOutage());
    const entry = saleEntry('je-sale-ord_5');

    await expect(unlucky.postJournalEntry(entry)).rejects.toMatchObject({ name: 'ErpTransientError', status: 503 });
    expect(simulator.journalLines).toEqual([]);
    simulator.endOutage();
    await unlucky.postJournalEntry(entry);

    expect(simulator.journalLines).toHaveLength(3);
  });

  test('an entry of more than 100 lines goes in batches of 100, and a retry after a failed batch posts only the lines still missing', async () => {
    const entry = longEntry('je-settlement-1', 150);
    // The second batch meets an outage: the first hundred lines are in, the other fifty are not.
    const unlucky = clientTurningBefore(() => simulator.startOutage(), 2);
    await expect(unlucky.postJournalEntry(entry)).rejects.toMatchObject({ status: 503 });
    expect(simulator.journalLines).toHaveLength(100);
    simulator.endOutage();

    await erp.postJournalEntry(entry);

    expect(simulator.journalLines.map((line) => line.comment)).toEqual(
      entry.lines.map((_, i) => `${i + 1}/150 je-settlement-1`),
    );
    expect(
      posts()
        .filter((r) => r.path === '/api/v2.0/$batch')
        .map((r) => r.status),
    ).toEqual([200, 503, 200]);
  });

  test('the simulator applies a $batch without Isolation: snapshot request by request', async () => {
    simulator.unknownAccounts.add('4000');
    const token = (
      (await (
        await fetch(simulator.tokenUrl, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: DEVELOPMENT_ERP_CREDENTIALS.clientId,
            client_secret: DEVELOPMENT_ERP_CREDENTIALS.clientSecret,
          }),
        })
      ).json()) as { access_token: string }
    ).access_token;
    const url = `companies(${DEVELOPMENT_ERP_CREDENTIALS.companyId})/journals(${DEVELOPMENT_ERP_CREDENTIALS.journalId})/journalLines`;
    const line = (accountNumber: string) => ({
      accountType: 'G/L Account',
      accountNumber,
      postingDate: '2026-11-23',
      documentNumber: 'FJ-LOOSE',
      amount: 1,
    });

    const response = await fetch(`${simulator.apiRoot}/$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        requests: ['1200', '4000', '2200'].map((account, i) => ({
          method: 'POST',
          id: String(i + 1),
          url,
          body: line(account),
        })),
      }),
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { responses: { status: number }[] }).responses.map((r) => r.status)).toEqual([
      201, 400, 201,
    ]);
    expect(simulator.journalLines.map((l) => l.accountNumber)).toEqual(['1200', '2200']);
  });

  // Wrong credentials are the fabric's fault, not the document's: they count against the breaker and
  // the messages wait (or reach the DLQ), instead of raising a rejection for every order.
  test('treats credentials the ERP refuses as transient, never as a rejection of the document', async () => {
    const stranger = new BusinessCentralErp(async () => ({ ...DEVELOPMENT_ERP_CREDENTIALS, clientSecret: 'wrong' }), {
      apiRoot: simulator.apiRoot,
      tokenUrl: simulator.tokenUrl,
    });

    await expect(stranger.findSalesOrderByExternalNumber('ord_x')).rejects.toMatchObject({
      name: 'ErpTransientError',
      status: 401,
    });
  });
});
