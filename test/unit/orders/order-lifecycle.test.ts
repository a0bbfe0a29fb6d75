import fc from 'fast-check';
import {
  LifecycleEventEarlyError,
  LifecycleVersionConflictError,
  TRANSITIONS,
  applyLifecycleEvent,
  decideTransition,
  reachableFrom,
  type LifecycleEvent,
  type LifecycleHistoryEntry,
  type LifecycleRefusal,
  type LifecycleStore,
  type OrderLifecycle,
} from '#domain/orders/lifecycle';

const ORDER = 'ord_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const received: LifecycleEvent = {
  on: 'order_received',
  key: 'received',
  lines: [
    { lineId: 'l1', quantity: 2 },
    { lineId: 'l2', quantity: 1 },
  ],
  totalMinor: 5000,
};
const reserved: LifecycleEvent = { on: 'stock_reserved', key: 'reservation' };
const posted: LifecycleEvent = { on: 'erp_posted', key: 'erp', erpDocumentId: 'doc-1' };
const shipment = (id: string, lines: { lineId: string; quantity: number }[]): LifecycleEvent => ({
  on: 'shipment_confirmed',
  key: `shipment:${id}`,
  lines,
});
const cancelled: LifecycleEvent = { on: 'order_cancelled', key: 'cancelled' };

/** Applies events in order with the pure decision, as a single consumer would. */
function run(events: LifecycleEvent[]): { lifecycle: OrderLifecycle | undefined; outcomes: string[] } {
  let lifecycle: OrderLifecycle | undefined;
  const outcomes: string[] = [];
  for (const event of events) {
    const decision = decideTransition(lifecycle, event, ORDER);
    outcomes.push(decision.outcome);
    if (decision.outcome === 'moved' || decision.outcome === 'noted') lifecycle = decision.next;
  }
  return { lifecycle, outcomes };
}

describe('order lifecycle transitions', () => {
  test('takes an order from received through reservation and ERP posting to shipped', () => {
    const { lifecycle, outcomes } = run([
      received,
      reserved,
      posted,
      shipment('s1', [
        { lineId: 'l1', quantity: 2 },
        { lineId: 'l2', quantity: 1 },
      ]),
    ]);

    expect(outcomes).toEqual(['moved', 'moved', 'moved', 'moved']);
    expect(lifecycle).toMatchObject({ state: 'shipped', version: 4 });
  });

  test('a shipment of some lines is partial, and the shipment of the rest completes it', () => {
    const partial = run([received, reserved, posted, shipment('s1', [{ lineId: 'l1', quantity: 2 }])]);
    expect(partial.lifecycle?.state).toBe('partially_shipped');

    const complete = run([
      received,
      reserved,
      posted,
      shipment('s1', [{ lineId: 'l1', quantity: 2 }]),
      shipment('s2', [{ lineId: 'l2', quantity: 1 }]),
    ]);
    expect(complete.lifecycle?.state).toBe('shipped');
  });

  test('the same shipment delivered twice counts once', () => {
    const { lifecycle, outcomes } = run([
      received,
      reserved,
      posted,
      shipment('s1', [{ lineId: 'l1', quantity: 2 }]),
      shipment('s1', [{ lineId: 'l1', quantity: 2 }]),
    ]);

    expect(outcomes.at(-1)).toBe('duplicate');
    expect(lifecycle).toMatchObject({ state: 'partially_shipped', facts: { shipped: { l1: 2 } } });
  });

  test('an event for an order not yet received is early, not refused', () => {
    expect(decideTransition(undefined, reserved, ORDER)).toMatchObject({
      outcome: 'early',
      from: 'none',
      to: 'reserved',
    });
  });

  test('a shipment before the ERP posting is early: the order can still get there', () => {
    const { lifecycle } = run([received, reserved]);

    expect(decideTransition(lifecycle, shipment('s1', [{ lineId: 'l1', quantity: 1 }]), ORDER)).toMatchObject({
      outcome: 'early',
      from: 'reserved',
      to: 'partially_shipped',
    });
  });

  test('cancelling a shipped order is refused, naming both states', () => {
    const { lifecycle } = run([
      received,
      reserved,
      posted,
      shipment('s1', [
        { lineId: 'l1', quantity: 2 },
        { lineId: 'l2', quantity: 1 },
      ]),
    ]);

    expect(decideTransition(lifecycle, cancelled, ORDER)).toEqual({
      outcome: 'refused',
      from: 'shipped',
      to: 'cancelled',
      reason: 'order_cancelled cannot move an order from shipped to cancelled',
    });
  });

  test('a reservation arriving after the order moved on is refused rather than moving it back', () => {
    const { lifecycle } = run([received, cancelled]);

    expect(decideTransition(lifecycle, reserved, ORDER)).toMatchObject({
      outcome: 'refused',
      from: 'cancelled',
      to: 'reserved',
    });
  });

  test('an ERP posting for a cancelled order is refused, naming both states', () => {
    const { lifecycle } = run([received, reserved, cancelled]);

    expect(decideTransition(lifecycle, posted, ORDER)).toEqual({
      outcome: 'refused',
      from: 'cancelled',
      to: 'posted_to_erp',
      reason: 'erp_posted cannot move an order from cancelled to posted_to_erp',
    });
  });

  test.each([
    ['the channel cancelled it', [received, cancelled]],
    ['stock was refused', [received, { on: 'stock_refused', key: 'refused' }]],
    ['it was cancelled after the ERP posting', [received, reserved, posted, cancelled]],
  ] as [string, LifecycleEvent[]][])('once cancelled because %s, only a refund moves the order', (_case, history) => {
    const { lifecycle } = run(history);
    const later: LifecycleEvent[] = [
      { ...reserved, key: 'reservation:late' },
      { on: 'stock_backordered', key: 'backorder:late' },
      { ...posted, key: 'erp:late' },
      shipment('late', [{ lineId: 'l1', quantity: 2 }]),
      { on: 'return_received', key: 'return:late', units: 1 },
    ];

    expect(lifecycle?.state).toBe('cancelled');
    expect(later.map((event) => decideTransition(lifecycle, event, ORDER).outcome)).toEqual(later.map(() => 'refused'));
    expect(
      decideTransition(lifecycle, { on: 'refund_reported', key: 'refund:1', amountMinor: 5000 }, ORDER),
    ).toMatchObject({ outcome: 'moved', to: 'refunded' });
  });

  test.each([
    ['reserved', [received, reserved]],
    ['posted to the ERP', [received, reserved, posted]],
  ] as [string, LifecycleEvent[]][])(
    'a refund of everything while %s, before any shipment, cancels the order',
    (_case, history) => {
      const { lifecycle } = run(history);

      expect(
        decideTransition(lifecycle, { on: 'refund_reported', key: 'refund:1', amountMinor: 5000 }, ORDER),
      ).toMatchObject({ outcome: 'moved', to: 'cancelled' });
      expect(
        decideTransition(lifecycle, { on: 'refund_reported', key: 'refund:1', amountMinor: 1000 }, ORDER),
      ).toMatchObject({ outcome: 'noted' });
    },
  );

  test('a refund cancelling the units still waiting ships the order when the rest has shipped, and a later shipment of the rest otherwise', () => {
    const named: LifecycleEvent = {
      on: 'order_received',
      key: 'received',
      lines: [
        { lineId: 'l1', channelLineId: 'c1', quantity: 2 },
        { lineId: 'l2', channelLineId: 'c2', quantity: 1 },
      ],
      totalMinor: 5000,
    };
    const cancelL2: LifecycleEvent = {
      on: 'refund_reported',
      key: 'refund:1',
      amountMinor: 1000,
      cancelled: [{ channelLineId: 'c2', quantity: 1 }],
    };

    const shippedFirst = run([named, reserved, posted, shipment('s1', [{ lineId: 'l1', quantity: 2 }]), cancelL2]);
    const cancelledFirst = run([named, reserved, posted, cancelL2, shipment('s1', [{ lineId: 'l1', quantity: 2 }])]);

    expect(shippedFirst.lifecycle?.state).toBe('shipped');
    expect(cancelledFirst.lifecycle?.state).toBe('shipped');
  });

  test('a partial refund is noted without a move; the refund that completes the total refunds the order', () => {
    const shipped = [
      received,
      reserved,
      posted,
      shipment('s1', [
        { lineId: 'l1', quantity: 2 },
        { lineId: 'l2', quantity: 1 },
      ]),
    ];
    const partial = run([...shipped, { on: 'refund_reported', key: 'refund:1', amountMinor: 1000 }]);
    expect(partial.outcomes.at(-1)).toBe('noted');
    expect(partial.lifecycle?.state).toBe('shipped');

    const full = run([
      ...shipped,
      { on: 'refund_reported', key: 'refund:1', amountMinor: 1000 },
      { on: 'refund_reported', key: 'refund:2', amountMinor: 4000 },
    ]);
    expect(full.lifecycle?.state).toBe('refunded');
  });

  test('returns of some units are partial; returning every unit makes the order returned', () => {
    const shipped = [
      received,
      reserved,
      posted,
      shipment('s1', [
        { lineId: 'l1', quantity: 2 },
        { lineId: 'l2', quantity: 1 },
      ]),
    ];
    expect(run([...shipped, { on: 'return_received', key: 'return:1', units: 1 }]).lifecycle?.state).toBe(
      'partially_returned',
    );
    expect(
      run([
        ...shipped,
        { on: 'return_received', key: 'return:1', units: 1 },
        { on: 'return_received', key: 'return:2', units: 2 },
      ]).lifecycle?.state,
    ).toBe('returned');
  });

  test('every state of the table is reachable from received, and nothing leads back to received', () => {
    const states = new Set(TRANSITIONS.map((row) => row.to));
    const reachable = reachableFrom('received');

    for (const state of states) if (state !== 'received') expect(reachable.has(state)).toBe(true);
    expect(reachable.has('received')).toBe(false);
  });

  test('no sequence of events, in any order and repeated, moves an order to a state it could not reach from where it was', () => {
    const all: LifecycleEvent[] = [
      received,
      reserved,
      { on: 'stock_backordered', key: 'backorder' },
      { on: 'stock_refused', key: 'refused' },
      cancelled,
      posted,
      shipment('s1', [{ lineId: 'l1', quantity: 2 }]),
      shipment('s2', [{ lineId: 'l2', quantity: 1 }]),
      { on: 'return_received', key: 'return:1', units: 3 },
      { on: 'refund_reported', key: 'refund:1', amountMinor: 5000 },
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...all), { maxLength: 25 }), (events) => {
        let lifecycle: OrderLifecycle | undefined;
        for (const event of events) {
          const decision = decideTransition(lifecycle, event, ORDER);
          if (decision.outcome !== 'moved') continue;
          const before = lifecycle?.state ?? 'none';
          expect(decision.next.state === before || reachableFrom(before).has(decision.next.state)).toBe(true);
          expect(decision.next.version).toBe((lifecycle?.version ?? 0) + 1);
          lifecycle = decision.next;
        }
      }),
    );
  });
});

/** An in-memory store with the same version condition as the DynamoDB one. */
class MemoryLifecycleStore implements LifecycleStore {
  lifecycle: OrderLifecycle | undefined;
  readonly moves: LifecycleHistoryEntry[] = [];
  readonly refusals: LifecycleRefusal[] = [];
  /** Runs once just before the next save, to play a racing consumer. */
  beforeSave: (() => void) | undefined;

  async load() {
    return this.lifecycle && structuredClone(this.lifecycle);
  }

  async save(next: OrderLifecycle, expectedVersion: number, entry: LifecycleHistoryEntry) {
    const race = this.beforeSave;
    this.beforeSave = undefined;
    race?.();
    if ((this.lifecycle?.version ?? 0) !== expectedVersion) throw new LifecycleVersionConflictError('moved');
    this.lifecycle = next;
    this.moves.push(entry);
  }

  async recordRefusal(_orderId: string, refusal: LifecycleRefusal) {
    this.refusals.push(refusal);
  }
}

describe('applying lifecycle events through a store', () => {
  test("a consumer that loses a race decides again on the winner's state", async () => {
    const store = new MemoryLifecycleStore();
    await applyLifecycleEvent(store, ORDER, received, { eventId: 'e1' });
    // Another consumer cancels the order between this one's read and its write.
    store.beforeSave = () => {
      const current = store.lifecycle!;
      store.lifecycle = {
        ...current,
        state: 'cancelled',
        version: current.version + 1,
        applied: { ...current.applied, cancelled: { from: 'received', to: 'cancelled', version: current.version + 1 } },
      };
    };

    const outcome = await applyLifecycleEvent(store, ORDER, reserved, { eventId: 'e2' });

    expect(outcome).toMatchObject({ outcome: 'refused', from: 'cancelled', to: 'reserved' });
    expect(store.refusals).toEqual([expect.objectContaining({ from: 'cancelled', to: 'reserved', eventId: 'e2' })]);
  });

  test('an early event throws so that its queue delivers it again', async () => {
    await expect(
      applyLifecycleEvent(new MemoryLifecycleStore(), ORDER, reserved, { eventId: 'e1' }),
    ).rejects.toBeInstanceOf(LifecycleEventEarlyError);
  });
});
