import type { ExceptionAction, ExceptionRecord } from '#domain/exceptions';
import type { ReceivedOrder } from '#shared/adapters/order-store';
import { exceptionsOverview, hourStarts, openSpans, ordersOverview } from '#shared/operations/overview';

const NOW = new Date('2026-12-06T14:20:00.000Z');
const at = (iso: string) => Date.parse(iso);

function exception(overrides: Partial<ExceptionRecord>): ExceptionRecord {
  return {
    id: 'OrderNeedsAttention#ord_1#UNKNOWN_SKU',
    kind: 'OrderNeedsAttention',
    severity: 'warning',
    subject: { type: 'order', key: 'ord_1' },
    reasonCode: 'UNKNOWN_SKU',
    reason: 'lines.0.sku: unknown',
    fieldPaths: ['lines.0.sku'],
    fixes: ['dismiss'],
    status: 'open',
    count: 1,
    firstSeenAt: '2026-12-06T10:15:00.000Z',
    lastSeenAt: '2026-12-06T10:15:00.000Z',
    context: {},
    actions: [],
    eventIds: ['evt_1'],
    version: 1,
    ...overrides,
  };
}

const action = (name: ExceptionAction['action'], when: string): ExceptionAction => ({
  action: name,
  by: 'fabric',
  at: when,
  why: 'test',
});

describe('hourStarts', () => {
  test('ends with the hour now is in, whole UTC hours, oldest first', () => {
    expect(hourStarts(3, NOW).map((start) => new Date(start).toISOString())).toEqual([
      '2026-12-06T12:00:00.000Z',
      '2026-12-06T13:00:00.000Z',
      '2026-12-06T14:00:00.000Z',
    ]);
  });
});

describe('ordersOverview', () => {
  const received = (channel: ReceivedOrder['channel'], status: ReceivedOrder['status'], receivedAt: string) => ({
    orderId: `ord_${receivedAt}_${channel}`,
    channel,
    status,
    receivedAt,
  });

  test('counts the orders of each hour per channel and current state, and asks for the window up to now', async () => {
    const asked: [Date, Date][] = [];
    const source = {
      async receivedBetween(from: Date, to: Date) {
        asked.push([from, to]);
        return [
          received('shopify', 'reserved', '2026-12-06T12:05:00.000Z'),
          received('shopify', 'reserved', '2026-12-06T12:59:59.999Z'),
          received('amazon', 'needs_attention', '2026-12-06T12:30:00.000Z'),
          received('shopify', 'shipped', '2026-12-06T14:10:00.000Z'),
        ];
      },
    };

    const overview = await ordersOverview(source, 3, NOW);

    expect(asked).toEqual([[new Date('2026-12-06T12:00:00.000Z'), NOW]]);
    expect(overview).toEqual({
      hours: 3,
      from: '2026-12-06T12:00:00.000Z',
      to: NOW.toISOString(),
      perHour: [
        {
          hour: '2026-12-06T12:00:00.000Z',
          counts: [
            { channel: 'amazon', status: 'needs_attention', orders: 1 },
            { channel: 'shopify', status: 'reserved', orders: 2 },
          ],
        },
        { hour: '2026-12-06T13:00:00.000Z', counts: [] },
        { hour: '2026-12-06T14:00:00.000Z', counts: [{ channel: 'shopify', status: 'shipped', orders: 1 }] },
      ],
    });
  });
});

describe('openSpans', () => {
  test('an exception never acted on is open from its first sighting on', () => {
    expect(openSpans(exception({}))).toEqual([{ from: at('2026-12-06T10:15:00.000Z'), until: Infinity }]);
  });

  test('resolving closes it, reopening opens it again, dismissing closes it for good', () => {
    const record = exception({
      status: 'dismissed',
      actions: [
        action('resolved', '2026-12-06T11:30:00.000Z'),
        action('reopened', '2026-12-06T12:10:00.000Z'),
        action('retried', '2026-12-06T12:40:00.000Z'),
        action('dismissed', '2026-12-06T13:05:00.000Z'),
      ],
    });

    expect(openSpans(record)).toEqual([
      { from: at('2026-12-06T10:15:00.000Z'), until: at('2026-12-06T11:30:00.000Z') },
      { from: at('2026-12-06T12:10:00.000Z'), until: at('2026-12-06T13:05:00.000Z') },
    ]);
  });

  test('a fix that resolved it without a closing action closed it when it was written', () => {
    const record = exception({
      status: 'resolved',
      actions: [action('reprocessed', '2026-12-06T10:50:00.000Z'), action('reprocessed', '2026-12-06T11:20:00.000Z')],
    });

    expect(openSpans(record)).toEqual([
      { from: at('2026-12-06T10:15:00.000Z'), until: at('2026-12-06T11:20:00.000Z') },
    ]);
  });

  test('reads actions in time order, however they were appended', () => {
    const record = exception({
      status: 'open',
      actions: [action('reopened', '2026-12-06T12:00:00.000Z'), action('resolved', '2026-12-06T11:00:00.000Z')],
    });

    expect(openSpans(record)).toEqual([
      { from: at('2026-12-06T10:15:00.000Z'), until: at('2026-12-06T11:00:00.000Z') },
      { from: at('2026-12-06T12:00:00.000Z'), until: Infinity },
    ]);
  });
});

describe('exceptionsOverview', () => {
  test('counts, at the end of each hour and now, the exceptions open then, per severity and kind', async () => {
    const records = [
      // Open since before the window, resolved during its second hour.
      exception({
        id: 'a',
        firstSeenAt: '2026-12-05T09:00:00.000Z',
        status: 'resolved',
        actions: [action('resolved', '2026-12-06T13:30:00.000Z')],
      }),
      exception({ id: 'b', kind: 'ErpPostingRejected', severity: 'critical', firstSeenAt: '2026-12-06T12:45:00.000Z' }),
      // Raised in the current hour.
      exception({ id: 'c', firstSeenAt: '2026-12-06T14:05:00.000Z' }),
      // Closed before the window began: it takes no part.
      exception({
        id: 'd',
        firstSeenAt: '2026-12-04T09:00:00.000Z',
        status: 'dismissed',
        actions: [action('dismissed', '2026-12-05T09:00:00.000Z')],
      }),
    ];
    const filters: unknown[] = [];
    const store = {
      async list(filter: object) {
        filters.push(filter);
        return records;
      },
    };

    const overview = await exceptionsOverview(store, 3, NOW);

    expect(filters).toEqual([{}]);
    expect(overview).toEqual({
      hours: 3,
      from: '2026-12-06T12:00:00.000Z',
      to: NOW.toISOString(),
      points: [
        {
          at: '2026-12-06T13:00:00.000Z',
          open: [
            { severity: 'critical', kind: 'ErpPostingRejected', exceptions: 1 },
            { severity: 'warning', kind: 'OrderNeedsAttention', exceptions: 1 },
          ],
        },
        { at: '2026-12-06T14:00:00.000Z', open: [{ severity: 'critical', kind: 'ErpPostingRejected', exceptions: 1 }] },
        {
          at: NOW.toISOString(),
          open: [
            { severity: 'critical', kind: 'ErpPostingRejected', exceptions: 1 },
            { severity: 'warning', kind: 'OrderNeedsAttention', exceptions: 1 },
          ],
        },
      ],
    });
  });
});
