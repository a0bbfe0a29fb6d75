import { BusinessCentralSimulator } from '../../scripts/erp-simulator/business-central-simulator';
import { BusinessCentralErp } from '../../shared/erp/business-central/business-central.client';
import { DEVELOPMENT_ERP_CREDENTIALS } from '../../shared/erp/erp-config';
import { ErpBusinessRejectionError, ErpTransientError, type ErpSalesOrder } from '../../shared/domain/erp';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
let simulator: BusinessCentralSimulator;
let erp: BusinessCentralErp;

beforeEach(async () => {
  simulator = new BusinessCentralSimulator();
  await simulator.start();
  // Generous: a loaded CI machine must not turn an answer into a timeout; the timeout test shortens it.
  erp = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, { apiRoot: simulator.apiRoot, tokenUrl: simulator.tokenUrl, requestTimeoutMs: 5000 });
});

afterEach(async () => {
  await simulator.stop();
});

function salesOrder(externalDocumentNumber: string, itemNumber = 'APP-TSHIRT-001-RED-M'): ErpSalesOrder {
  return {
    externalDocumentNumber, orderDate: '2026-11-23', customerNumber: 'SHOPIFY', currency: 'USD',
    lines: [{ itemNumber, quantity: 2, unitPrice: usd(2400), discount: usd(250) }],
    shipping: { accountNumber: '6100', amount: usd(599) },
  };
}

describe('Business Central API v2.0 adapter against the simulator', () => {
  test('posts a sales order with its lines inline, in decimals built from minor units, and finds it by external document number', async () => {
    const posted = await erp.postSalesOrder(salesOrder('ord_o\'brien'));

    expect(await erp.findSalesOrderByExternalNumber('ord_o\'brien')).toEqual(posted);
    expect(simulator.salesOrders[0]).toMatchObject({
      externalDocumentNumber: 'ord_o\'brien', customerNumber: 'SHOPIFY', currencyCode: '',
      salesOrderLines: [
        { lineType: 'Item', lineObjectNumber: 'APP-TSHIRT-001-RED-M', quantity: 2, unitPrice: 24, discountAmount: 2.5 },
        { lineType: 'Account', lineObjectNumber: '6100', quantity: 1, unitPrice: 5.99 },
      ],
    });
    expect(await erp.findSalesOrderByExternalNumber('ord_other')).toBeUndefined();
  });

  test('deletes a cancelled order\'s sales order with If-Match, and a second delete finds it already gone', async () => {
    const posted = await erp.postSalesOrder(salesOrder('ord_cancelled'));

    await erp.deleteSalesOrder(posted);
    await erp.deleteSalesOrder(posted);

    expect(await erp.findSalesOrderByExternalNumber('ord_cancelled')).toBeUndefined();
    expect(simulator.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([204, 404]);
  });

  test('spends requests at the tenant\'s configured rate, not faster', async () => {
    const slow = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, { apiRoot: simulator.apiRoot, tokenUrl: simulator.tokenUrl, requestTimeoutMs: 5000, requestsPerSecond: 2 });
    const started = Date.now();

    // Four lookups: the bucket holds two, the other two wait half a second each (at 20 a second, none would).
    for (const id of ['a', 'b', 'c', 'd']) await slow.findSalesOrderByExternalNumber(`ord_${id}`);

    expect(simulator.requests).toHaveLength(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test('a throttled request is transient and carries the ERP\'s Retry-After', async () => {
    simulator.throttle(1, 7);

    const error = await erp.findSalesOrderByExternalNumber('ord_x').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErpTransientError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 });
  });

  test('an outage is transient', async () => {
    simulator.startOutage();

    await expect(erp.postSalesOrder(salesOrder('ord_down'))).rejects.toMatchObject({ name: 'ErpTransientError', status: 503 });
    expect(simulator.salesOrders).toEqual([]);
  });

  test('a post the ERP committed but did not answer in time is transient, and the lookup then finds the document', async () => {
    // Its token fetched first, so that what times out is the post, held three times its patience.
    const impatient = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, { apiRoot: simulator.apiRoot, tokenUrl: simulator.tokenUrl, requestTimeoutMs: 1000 });
    await impatient.findSalesOrderByExternalNumber('ord_warm-up');
    simulator.commitThenTimeout(1, 3000);

    await expect(impatient.postSalesOrder(salesOrder('ord_slow'))).rejects.toBeInstanceOf(ErpTransientError);

    expect(await erp.findSalesOrderByExternalNumber('ord_slow')).toMatchObject({ erpDocumentNumber: simulator.salesOrders[0].number });
  });

  test('a closed posting period and an unknown item are business rejections with the ERP\'s message', async () => {
    simulator.closePostingPeriodBefore = '2026-12-01';
    await expect(erp.postSalesOrder(salesOrder('ord_closed'))).rejects.toMatchObject({
      name: 'ErpBusinessRejectionError', status: 400, erpCode: 'Application_FieldValidationException',
      erpMessage: 'Posting Date 2026-11-23 is not within your range of allowed posting dates.',
    });

    simulator.closePostingPeriodBefore = undefined;
    simulator.unknownItems.add('NOPE-1');
    const error = await erp.postSalesOrder(salesOrder('ord_unknown', 'NOPE-1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErpBusinessRejectionError);
    expect((error as ErpBusinessRejectionError).erpMessage).toBe('The Item does not exist. Identification fields and values: No.=\'NOPE-1\'');
  });

  test('a journal entry posted again after a partial write adds only the missing lines', async () => {
    const entry = {
      entryId: 'je-sale-ord_1', postingDate: '2026-11-23', currency: 'USD', memo: 'sale',
      lines: [
        { account: '1200', debitMinor: 2598, creditMinor: 0, reference: 'l1' },
        { account: '4000', debitMinor: 0, creditMinor: 2400, reference: 'l1' },
        { account: '2200', debitMinor: 0, creditMinor: 198, reference: 'l1' },
      ],
    };
    // The first attempt writes one line, then the ERP goes down.
    await erp.postJournalEntry({ ...entry, lines: entry.lines.slice(0, 1) }).catch(() => undefined);
    simulator.journalLines[0].comment = `1/3 ${entry.entryId}`;

    const document = await erp.postJournalEntry(entry);

    expect(simulator.journalLines.map((line) => [line.accountNumber, line.amount, line.documentNumber])).toEqual([
      ['1200', 25.98, document.erpDocumentId], ['4000', -24, document.erpDocumentId], ['2200', -1.98, document.erpDocumentId],
    ]);
    expect(await erp.findJournalEntry(entry.entryId)).toEqual(document);
  });

  // Wrong credentials are the fabric's fault, not the document's: they count against the breaker and
  // the messages wait (or reach the DLQ), instead of raising a rejection for every order.
  test('treats credentials the ERP refuses as transient, never as a rejection of the document', async () => {
    const stranger = new BusinessCentralErp(async () => ({ ...DEVELOPMENT_ERP_CREDENTIALS, clientSecret: 'wrong' }), { apiRoot: simulator.apiRoot, tokenUrl: simulator.tokenUrl });

    await expect(stranger.findSalesOrderByExternalNumber('ord_x')).rejects.toMatchObject({ name: 'ErpTransientError', status: 401 });
  });
});
