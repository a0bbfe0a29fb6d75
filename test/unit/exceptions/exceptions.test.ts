import { createEvent } from '#domain/kernel/event';
import { ErpPostingRejected } from '#domain/erp/events';
import { OrderNeedsAttention } from '#domain/intake/events';
import { PosSequenceGapDetected } from '#domain/pos/events';
import { OrderStateChanged } from '#domain/orders/events';
import { TRANSITIONS } from '#domain/orders/lifecycle';
import { exceptionsRules } from '#events/routing-rules/exceptions';
import {
  EXCEPTION_KINDS,
  exceptionFrom,
  kindsResolvedBy,
  openExceptionFigures,
  takeExceptionEvent,
  type ExceptionKind,
  type ExceptionRecord,
  type ExceptionStore,
} from '#domain/exceptions';

const trace = { correlationId: 'ord_1' };

function record(overrides: Partial<ExceptionRecord>): ExceptionRecord {
  return {
    id: 'x',
    kind: 'OrderStuck',
    severity: 'warning',
    subject: { type: 'order', key: 'ord_1' },
    reasonCode: 'SLA_MISSED',
    reason: 'r',
    fieldPaths: [],
    fixes: ['dismiss'],
    status: 'open',
    count: 1,
    firstSeenAt: '2026-12-06T10:00:00.000Z',
    lastSeenAt: '2026-12-06T10:00:00.000Z',
    context: {},
    actions: [],
    eventIds: ['e'],
    version: 1,
    ...overrides,
  };
}

describe('exceptions: one row per cause', () => {
  it('gives a held order the same id however often its hold is raised, and names the failing field', () => {
    const held = () =>
      createEvent(
        OrderNeedsAttention,
        {
          channel: 'shopify',
          channelOrderId: '5600',
          orderId: 'ord_1',
          reason: 'MAPPING_ERROR',
          details: [{ path: 'line_items.0.price', message: '"24.001" has more than 2 decimals for USD' }],
          archiveKey: 'webhooks/shopify/k',
        },
        trace,
      );

    const [first, second] = [exceptionFrom(held()), exceptionFrom(held())];

    expect(first.id).toBe(second.id);
    expect(first).toMatchObject({
      id: 'OrderNeedsAttention#ord_1#MAPPING_ERROR',
      orderId: 'ord_1',
      channel: 'shopify',
      fieldPaths: ['line_items.0.price'],
      fixes: ['reprocess', 'dismiss'],
      context: { archiveKey: 'webhooks/shopify/k' },
    });
    expect(first.reason).toContain('line_items.0.price');
  });

  it('offers map-sku for an unknown SKU and keeps the keys the order waits for', () => {
    const raised = exceptionFrom(
      createEvent(
        OrderNeedsAttention,
        {
          channel: 'shopify',
          channelOrderId: '5600',
          orderId: 'ord_1',
          reason: 'UNKNOWN_SKU',
          details: [{ path: 'lines.0.channelSku', message: 'unknown' }],
          channelSkus: ['sku:NEW-1'],
          archiveKey: 'webhooks/shopify/k',
        },
        trace,
      ),
    );

    expect(raised).toMatchObject({
      fixes: ['map-sku', 'reprocess', 'dismiss'],
      context: { channelSkus: ['sku:NEW-1'] },
    });
  });

  it('offers no reprocessing for a hold that names no archived delivery', () => {
    const raised = exceptionFrom(
      createEvent(
        OrderNeedsAttention,
        {
          channel: 'square',
          channelOrderId: 'sq-1',
          orderId: 'ord_2',
          reason: 'UNKNOWN_SKU',
          details: [{ path: 'lines.0.channelSku', message: 'unknown' }],
        },
        trace,
      ),
    );

    expect(raised.fixes).toEqual(['map-sku', 'dismiss']);
  });

  it('keys an ERP rejection on its document, so a second rejection of the same sales order counts on one row', () => {
    const rejected = () =>
      createEvent(
        ErpPostingRejected,
        {
          documentType: 'sales_order',
          documentKey: 'ord_1',
          orderId: 'ord_1',
          erp: 'business-central',
          erpCode: 'Internal_RecordNotFound',
          erpMessage: 'The Item does not exist.',
          status: 400,
        },
        trace,
      );

    expect(exceptionFrom(rejected()).id).toBe(exceptionFrom(rejected()).id);
    expect(exceptionFrom(rejected())).toMatchObject({
      id: 'ErpPostingRejected#sales_order#ord_1',
      severity: 'critical',
      fixes: ['retry', 'dismiss'],
    });
  });

  it('keys a sequence gap on the register and day, whatever upload reported it', () => {
    const gap = (batchId: string) =>
      createEvent(
        PosSequenceGapDetected,
        {
          storeId: 'S1',
          registerId: 'R1',
          businessDay: '2026-12-06',
          gaps: [{ from: 4, to: 5 }],
          missing: 2,
          batch: { storeId: 'S1', businessDate: '2026-12-06', batchId, uploadId: `u-${batchId}` },
        },
        trace,
      );

    expect(exceptionFrom(gap('b1')).id).toBe(exceptionFrom(gap('b2')).id);
    expect(exceptionFrom(gap('b1')).subject).toEqual({ type: 'register-day', key: 'S1/R1/2026-12-06' });
  });
});

describe('exceptions: resolved when the cause goes away', () => {
  const move = (from: 'received' | 'reserved', to: 'reserved' | 'posted_to_erp') => ({
    orderId: 'ord_1',
    from,
    to,
    version: 2,
    on: 'stock_reserved' as const,
  });

  it('ends a hold when the order leaves received, and an ERP rejection only when it is posted', () => {
    expect(kindsResolvedBy(move('received', 'reserved')).map((rule) => rule.kind)).toEqual([
      'OrderStuck',
      'OrderNeedsAttention',
    ]);
    expect(kindsResolvedBy(move('reserved', 'posted_to_erp')).map((rule) => rule.kind)).toEqual([
      'OrderStuck',
      'OrderNeedsAttention',
      'ErpPostingRejected',
    ]);
  });

  it('leaves a stuck report open when the order moved back into the same state', () => {
    const [stuck] = kindsResolvedBy(move('received', 'reserved'));

    expect(stuck.unless?.(record({ context: { state: 'reserved' } }))).toBe(true);
    expect(stuck.unless?.(record({ context: { state: 'received' } }))).toBe(false);
  });

  it("routes to the work queue every move the lifecycle can make that may resolve something, and leaves out an order's first, which resolves nothing", () => {
    const moves = TRANSITIONS.flatMap(({ from, to, on }) =>
      from.map((state) => ({ orderId: 'ord_1', from: state, to, version: 2, on })),
    );
    const resolvingNothing = new Set(moves.filter((m) => kindsResolvedBy(m).length === 0).map((m) => m.from));
    const movesRule = exceptionsRules.filter((rule) =>
      rule.pattern['detail-type']?.includes(OrderStateChanged.detailType),
    );

    expect([...resolvingNothing]).toEqual(['none']);
    expect(movesRule).toHaveLength(1);
    expect(movesRule[0].pattern.detail).toEqual({ data: { from: [{ 'anything-but': [...resolvingNothing] }] } });
  });

  it("reads the order's open exceptions once per move, for every kind the move may resolve, and resolves only those", async () => {
    const rows = [
      record({ id: 'stuck', kind: 'OrderStuck', context: { state: 'reserved' } }),
      record({ id: 'rejected', kind: 'ErpPostingRejected' }),
    ];
    const reads: (readonly ExceptionKind[])[] = [];
    const store = {
      openForOrder: async (_orderId: string, kinds: readonly ExceptionKind[]) => {
        reads.push(kinds);
        return rows.filter((row) => kinds.includes(row.kind));
      },
      get: async (id: string) => rows.find((row) => row.id === id),
      act: async (id: string, _version: number, _action: unknown, status?: ExceptionRecord['status']) => ({
        ...rows.find((row) => row.id === id)!,
        ...(status ? { status } : {}),
      }),
    } as unknown as ExceptionStore;
    const moved = (from: 'none' | 'reserved', to: 'received' | 'posted_to_erp', on: 'order_received' | 'erp_posted') =>
      createEvent(OrderStateChanged, { orderId: 'ord_1', from, to, version: 3, on }, trace);

    const posted = await takeExceptionEvent(moved('reserved', 'posted_to_erp', 'erp_posted'), {
      store,
      heldOrders: { holdOrder: async () => undefined },
    });
    const first = await takeExceptionEvent(moved('none', 'received', 'order_received'), {
      store,
      heldOrders: { holdOrder: async () => undefined },
    });

    expect(posted).toEqual({ outcome: 'resolved', ids: ['stuck', 'rejected'] });
    expect(first).toEqual({ outcome: 'resolved', ids: [] });
    expect(reads).toEqual([['OrderStuck', 'OrderNeedsAttention', 'ErpPostingRejected']]);
  });
});

describe('exceptions: the figures the alarms watch', () => {
  it('counts open exceptions per kind with the age of the oldest, and reports every kind, at zero when none is open', () => {
    const now = new Date('2026-12-06T12:00:00.000Z');
    const figures = openExceptionFigures(
      [
        record({ kind: 'OrderStuck', firstSeenAt: '2026-12-06T10:00:00.000Z' }),
        record({ kind: 'OrderStuck', firstSeenAt: '2026-12-06T11:00:00.000Z' }),
        record({ kind: 'OversellIncident', status: 'resolved' }),
      ],
      now,
    );

    expect(figures.find((figure) => figure.kind === 'OrderStuck')).toEqual({
      kind: 'OrderStuck',
      open: 2,
      oldestAgeSeconds: 7200,
    });
    expect(figures.find((figure) => figure.kind === 'OversellIncident')).toEqual({
      kind: 'OversellIncident',
      open: 0,
      oldestAgeSeconds: 0,
    });
    expect(figures).toHaveLength(EXCEPTION_KINDS.length);
  });
});
