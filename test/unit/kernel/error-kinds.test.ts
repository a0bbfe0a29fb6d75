import { PermanentError, TransientError } from '#domain/kernel/errors';
import { StockKeptMovingError } from '#domain/inventory/errors';
import { ErpBusinessRejectionError, ErpTransientError } from '#domain/erp/model';
import { SettlementFormatError, readShopifyPayout } from '#domain/accounting/settlement-report';
import { BusinessCentralErp } from '#shared/erp/business-central/business-central.client';
import { DEVELOPMENT_ERP_CREDENTIALS } from '#shared/erp/erp-config';

// A queue consumer decides how loud a failure is from its kind (shared/adapters/queue-consumer.ts);
// what wrapped a lower failure keeps it as `cause`, so the log and the DLQ show where it began.

describe('transient and permanent errors', () => {
  test('each base names itself and keeps the failure it wraps as cause', () => {
    const throttled = new Error('429 Too Many Requests');

    const transient = new TransientError('ERP busy', { cause: throttled });
    const permanent = new PermanentError('closed posting period', { cause: throttled });

    expect(transient).toMatchObject({ name: 'TransientError', message: 'ERP busy', cause: throttled });
    expect(permanent).toMatchObject({ name: 'PermanentError', message: 'closed posting period', cause: throttled });
  });

  test("a capability's error is of the kind it means and keeps its own name", () => {
    const busy = new StockKeptMovingError('stock of TEE at wh-east kept moving; retrying pos:T-1:1');
    const rejected = new ErpBusinessRejectionError('BadRequest_PeriodClosed', 'the posting period is closed', 400);

    expect(busy).toBeInstanceOf(TransientError);
    expect(busy.name).toBe('StockKeptMovingError');
    expect(rejected).toBeInstanceOf(PermanentError);
    expect(rejected).not.toBeInstanceOf(TransientError);
  });

  test("a payout that is not JSON is a SettlementFormatError caused by the parser's own error", () => {
    let thrown: unknown;
    try {
      readShopifyPayout('{"payout": ');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(SettlementFormatError);
    expect(thrown).toBeInstanceOf(PermanentError);
    expect((thrown as Error).cause).toBeInstanceOf(SyntaxError);
  });

  test('a request Business Central never answered is an ErpTransientError caused by the dropped connection', async () => {
    const dropped = new TypeError('fetch failed');
    const fetchThatDrops = (async (url: string) => {
      if (url.endsWith('/token')) return Response.json({ access_token: 'token-1', expires_in: 3599 });
      throw dropped;
    }) as unknown as typeof fetch;
    const erp = new BusinessCentralErp(async () => DEVELOPMENT_ERP_CREDENTIALS, {
      apiRoot: 'https://bc.example.test/api/v2.0',
      tokenUrl: 'https://login.example.test/token',
      fetch: fetchThatDrops,
    });

    const failure = await erp
      .postJournalEntry({
        entryId: 'je-sale-ord_cause',
        postingDate: '2026-11-23',
        currency: 'USD',
        memo: 'sale',
        lines: [
          { account: '1200', debitMinor: 100, creditMinor: 0, reference: 'l1' },
          { account: '4000', debitMinor: 0, creditMinor: 100, reference: 'l1' },
        ],
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ErpTransientError);
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).cause).toBe(dropped);
  });
});
