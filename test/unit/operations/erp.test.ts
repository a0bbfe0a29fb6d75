import type { OrderStuckData } from '#domain/orders';
import type { ExceptionRecord } from '#domain/exceptions';
import { breakerView, type ErpReadPorts, salesOrdersWaiting } from '#shared/operations/erp';

const now = Date.parse('2026-12-06T12:00:00Z');
const minutes = (count: number) => count * 60_000;
const iso = (epochMs: number) => new Date(epochMs).toISOString();

function ports(inFlight: OrderStuckData[], stuck: Partial<ExceptionRecord>[] = []): ErpReadPorts {
  return {
    breakers: { all: async () => [] },
    lifecycles: {
      async *overdue(by: Date) {
        for (const order of inFlight) if (order.deadline <= by.toISOString()) yield order;
      },
    },
    exceptions: { list: async () => stuck as ExceptionRecord[] },
    slas: { received: 30, reserved: 60, posted_to_erp: 2 * 24 * 60 },
  };
}

const lifecycle = (orderId: string, state: string, enteredMinutesAgo: number, slaMinutes: number): OrderStuckData => ({
  orderId,
  state,
  since: iso(now - minutes(enteredMinutesAgo)),
  deadline: iso(now - minutes(enteredMinutesAgo) + minutes(slaMinutes)),
  version: 2,
});

describe('sales orders waiting for the ERP', () => {
  it('lists every reserved order the SLA watch holds, and none in other states', async () => {
    const waiting = await salesOrdersWaiting(
      ports([
        lifecycle('ord_fresh', 'reserved', 1, 60),
        lifecycle('ord_late', 'reserved', 59, 60),
        lifecycle('ord_received', 'received', 5, 30),
        lifecycle('ord_posted', 'posted_to_erp', 5, 2 * 24 * 60),
      ]),
      now,
    );

    expect(waiting.map((order) => order.orderId)).toEqual(['ord_late', 'ord_fresh']);
    expect(waiting.every((order) => !order.stuck)).toBe(true);
  });

  it('adds reserved orders already reported stuck, which left the SLA watch, but not those stuck elsewhere', async () => {
    const waiting = await salesOrdersWaiting(
      ports(
        [lifecycle('ord_fresh', 'reserved', 1, 60)],
        [
          { orderId: 'ord_stuck', context: { state: 'reserved' } },
          { orderId: 'ord_backordered', context: { state: 'backordered' } },
        ],
      ),
      now,
    );

    expect(waiting).toEqual([
      { orderId: 'ord_stuck', stuck: true },
      expect.objectContaining({ orderId: 'ord_fresh', stuck: false }),
    ]);
  });
});

describe("the breaker's view", () => {
  it('dates an open breaker from its opening, a half-open one from its probe, a closed one from its last write', () => {
    const changedAt = iso(now);

    expect(
      breakerView(
        'business-central',
        { status: 'open', consecutiveFailures: 5, openedAt: now - 1000, version: 3 },
        changedAt,
      ),
    ).toEqual({ name: 'business-central', status: 'open', consecutiveFailures: 5, since: iso(now - 1000) });
    expect(
      breakerView(
        'business-central',
        { status: 'half_open', consecutiveFailures: 5, probeStartedAt: now - 500, version: 4 },
        changedAt,
      ).since,
    ).toBe(iso(now - 500));
    expect(
      breakerView('business-central', { status: 'closed', consecutiveFailures: 0, version: 5 }, changedAt).since,
    ).toBe(changedAt);
  });
});
