import * as z from '#domain/kernel/schema';
import { TransientError } from '#domain/kernel/errors';

/**
 * The order-to-cash lifecycle of an order, kept apart from the channel's own status on the canonical
 * order: the channel says what the buyer sees, the lifecycle says how far the fabric has taken it.
 *
 * Not modelled, because no event the fabric publishes drives them yet: `accepted` (no payment or
 * fraud check publishes an acceptance), `invoiced` (the ERP connector posts sales orders, not
 * invoices) and `settled` (settlement lines are matched by reconciliation, which publishes no per-order
 * settled event). `needs_attention` belongs to intake, not to this lifecycle.
 */
export const LifecycleState = z.enum([
  'received',
  'reserved',
  'backordered',
  'posted_to_erp',
  'partially_shipped',
  'shipped',
  'cancelled',
  'partially_returned',
  'returned',
  'refunded',
]);
export type LifecycleState = z.infer<typeof LifecycleState>;

/** Before OrderReceived has been applied the order has no lifecycle; only `order_received` starts one. */
export type LifecyclePosition = LifecycleState | 'none';

export const LifecycleEventName = z.enum([
  'order_received',
  'stock_reserved',
  'stock_backordered',
  'stock_refused',
  'order_cancelled',
  'erp_posted',
  'shipment_confirmed',
  'return_received',
  'refund_reported',
  'pickup_expired',
]);
export type LifecycleEventName = z.infer<typeof LifecycleEventName>;

/**
 * One fact that may move an order, reduced to what the lifecycle needs. `key` is its business identity
 * (a shipment id, a refund id): the same fact delivered twice is applied once.
 */
export type LifecycleEvent = { key: string } & (
  | {
      on: 'order_received';
      lines: readonly { lineId: string; channelLineId?: string; quantity: number }[];
      totalMinor: number;
    }
  | { on: 'stock_reserved' | 'stock_backordered' | 'stock_refused' | 'order_cancelled' | 'pickup_expired' }
  | { on: 'erp_posted'; erpDocumentId: string }
  | { on: 'shipment_confirmed'; lines: readonly { lineId: string; quantity: number }[] }
  | { on: 'return_received'; units: number }
  | {
      on: 'refund_reported';
      amountMinor: number;
      /** Units the refund cancelled before they shipped, by the channel's line id: the order no longer waits for them. */
      cancelled?: readonly { channelLineId: string; quantity: number }[];
    }
);

/** What the lifecycle remembers to decide guarded moves: quantities ordered, shipped, returned; money refunded. */
export interface LifecycleFacts {
  ordered: Record<string, number>;
  shipped: Record<string, number>;
  returnedUnits: number;
  totalMinor: number;
  refundedMinor: number;
  /** The channel's line id of each order line, to apply what a refund cancelled (absent on orders received before it was kept). */
  channelLines?: Record<string, string>;
}

export interface AppliedEvent {
  from: LifecyclePosition;
  to: LifecycleState;
  version: number;
}

export interface OrderLifecycle {
  orderId: string;
  state: LifecycleState;
  /** Grows by one with every applied event; the store writes only if it still holds the version read. */
  version: number;
  facts: LifecycleFacts;
  /** Event keys already applied, with the move each made, so a redelivery changes nothing. */
  applied: Record<string, AppliedEvent>;
}

type Guard = (facts: LifecycleFacts) => boolean;

const totalUnits = (quantities: Record<string, number>) =>
  Object.values(quantities).reduce((sum, quantity) => sum + quantity, 0);
const allLinesShipped: Guard = (facts) =>
  Object.entries(facts.ordered).every(([lineId, quantity]) => (facts.shipped[lineId] ?? 0) >= quantity);
const allUnitsReturned: Guard = (facts) => facts.returnedUnits >= totalUnits(facts.ordered);
const fullyRefunded: Guard = (facts) => facts.refundedMinor >= facts.totalMinor;

export const GUARDS = {
  all_lines_shipped: allLinesShipped,
  some_lines_unshipped: (facts) => !allLinesShipped(facts),
  all_units_returned: allUnitsReturned,
  some_units_kept: (facts) => !allUnitsReturned(facts),
  fully_refunded: fullyRefunded,
} satisfies Record<string, Guard>;
export type GuardName = keyof typeof GUARDS;

export interface Transition {
  on: LifecycleEventName;
  from: readonly LifecyclePosition[];
  to: LifecycleState;
  /** Checked against the facts after the event is counted (a shipment's units included). */
  when?: GuardName;
}

/**
 * Every legal move, as data. A move not listed here is refused, except one that is only early: an
 * event whose `from` states the order can still reach (a shipment before the ERP posting), which is
 * retried rather than refused. Cancelling after the ERP posting is deliberately absent: the ERP's sales
 * order would need reversing, so it is an exception for a person.
 */
export const TRANSITIONS: readonly Transition[] = [
  { on: 'order_received', from: ['none'], to: 'received' },
  { on: 'stock_reserved', from: ['received', 'backordered'], to: 'reserved' },
  { on: 'stock_backordered', from: ['received'], to: 'backordered' },
  { on: 'stock_refused', from: ['received'], to: 'cancelled' },
  // Posted to the ERP but not shipped: the channel's cancellation stands, and the ERP connector deletes the sales order.
  { on: 'order_cancelled', from: ['received', 'reserved', 'backordered', 'posted_to_erp'], to: 'cancelled' },
  // Nobody collected a pickup within its hold: its units went back to stock, and the ERP and the channel cancel too.
  { on: 'pickup_expired', from: ['reserved', 'posted_to_erp'], to: 'cancelled' },
  { on: 'erp_posted', from: ['reserved'], to: 'posted_to_erp' },
  {
    on: 'shipment_confirmed',
    from: ['posted_to_erp', 'partially_shipped'],
    to: 'partially_shipped',
    when: 'some_lines_unshipped',
  },
  { on: 'shipment_confirmed', from: ['posted_to_erp', 'partially_shipped'], to: 'shipped', when: 'all_lines_shipped' },
  {
    on: 'return_received',
    from: ['partially_shipped', 'shipped', 'partially_returned'],
    to: 'partially_returned',
    when: 'some_units_kept',
  },
  {
    on: 'return_received',
    from: ['partially_shipped', 'shipped', 'partially_returned'],
    to: 'returned',
    when: 'all_units_returned',
  },
  {
    on: 'refund_reported',
    from: ['shipped', 'partially_returned', 'returned', 'cancelled'],
    to: 'refunded',
    when: 'fully_refunded',
  },
  // Everything given back before anything shipped: the channel cancelled the order by refunding it.
  {
    on: 'refund_reported',
    from: ['received', 'reserved', 'backordered', 'posted_to_erp'],
    to: 'cancelled',
    when: 'fully_refunded',
  },
];

export type LifecycleDecision =
  /** The event moves the order (possibly to the same state with new facts, e.g. a second partial shipment). */
  | { outcome: 'moved'; from: LifecyclePosition; to: LifecycleState; next: OrderLifecycle }
  /** Already applied under this key: nothing changes; the earlier move is returned so it can be republished. */
  | { outcome: 'duplicate'; applied: AppliedEvent }
  /** Counted but moves nothing (a partial refund). */
  | { outcome: 'noted'; next: OrderLifecycle }
  /** Legal from a state the order has not reached yet: retry later rather than refuse. */
  | { outcome: 'early'; from: LifecyclePosition; to: LifecycleState; reason: string }
  /** Illegal from where the order is and it can never get there: record it, never drop it. */
  | { outcome: 'refused'; from: LifecyclePosition; to: LifecycleState; reason: string };

/**
 * Decides what one event does to an order's lifecycle. Pure and total: every event gets exactly one
 * decision, and no decision moves an order backwards or past a step the table requires.
 */
export function decideTransition(
  current: OrderLifecycle | undefined,
  event: LifecycleEvent,
  orderId: string,
): LifecycleDecision {
  const applied = current?.applied[event.key];
  if (applied) return { outcome: 'duplicate', applied };
  const from: LifecyclePosition = current?.state ?? 'none';
  const facts = countFacts(current?.facts, event);
  const rows = TRANSITIONS.filter((row) => row.on === event.on && (!row.when || GUARDS[row.when](facts)));
  const legal = rows.find((row) => row.from.includes(from));
  if (legal) {
    const version = (current?.version ?? 0) + 1;
    return {
      outcome: 'moved',
      from,
      to: legal.to,
      next: {
        orderId,
        state: legal.to,
        version,
        facts,
        applied: { ...current?.applied, [event.key]: { from, to: legal.to, version } },
      },
    };
  }
  if (rows.length === 0) {
    // Only refunds short of the order total reach here: money moved, the order did not, unless the
    // refund cancelled the last units a partially shipped order was waiting for.
    if (!current)
      return { outcome: 'early', from, to: 'received', reason: `${event.on} before the order was received` };
    if (
      from === 'partially_shipped' &&
      event.on === 'refund_reported' &&
      event.cancelled?.length &&
      allLinesShipped(facts)
    ) {
      const version = current.version + 1;
      return {
        outcome: 'moved',
        from,
        to: 'shipped',
        next: {
          ...current,
          state: 'shipped',
          version,
          facts,
          applied: { ...current.applied, [event.key]: { from, to: 'shipped', version } },
        },
      };
    }
    return {
      outcome: 'noted',
      next: {
        ...current,
        version: current.version + 1,
        facts,
        applied: {
          ...current.applied,
          [event.key]: { from, to: from as LifecycleState, version: current.version + 1 },
        },
      },
    };
  }
  const target = rows[0];
  const reachable = reachableFrom(from);
  if (target.from.some((state) => reachable.has(state))) {
    return {
      outcome: 'early',
      from,
      to: target.to,
      reason: `${event.on} needs the order in ${target.from.join(' or ')}, and it is still ${from}`,
    };
  }
  return {
    outcome: 'refused',
    from,
    to: target.to,
    reason: `${event.on} cannot move an order from ${from} to ${target.to}`,
  };
}

function countFacts(facts: LifecycleFacts | undefined, event: LifecycleEvent): LifecycleFacts {
  const base: LifecycleFacts = facts ?? { ordered: {}, shipped: {}, returnedUnits: 0, totalMinor: 0, refundedMinor: 0 };
  switch (event.on) {
    case 'order_received':
      return {
        ...base,
        ordered: Object.fromEntries(event.lines.map((line) => [line.lineId, line.quantity])),
        totalMinor: event.totalMinor,
        channelLines: Object.fromEntries(
          event.lines.flatMap((line) => (line.channelLineId ? [[line.channelLineId, line.lineId]] : [])),
        ),
      };
    case 'shipment_confirmed': {
      const shipped = { ...base.shipped };
      for (const line of event.lines) shipped[line.lineId] = (shipped[line.lineId] ?? 0) + line.quantity;
      return { ...base, shipped };
    }
    case 'return_received':
      return { ...base, returnedUnits: base.returnedUnits + event.units };
    case 'refund_reported': {
      const ordered = { ...base.ordered };
      for (const { channelLineId, quantity } of event.cancelled ?? []) {
        const lineId = base.channelLines?.[channelLineId];
        if (lineId !== undefined && lineId in ordered) ordered[lineId] = Math.max(0, ordered[lineId] - quantity);
      }
      return { ...base, ordered, refundedMinor: base.refundedMinor + event.amountMinor };
    }
    default:
      return base;
  }
}

/** States the order can still reach from `from` by legal moves (excluding `from` itself unless a cycle returns to it). */
export function reachableFrom(from: LifecyclePosition): Set<LifecyclePosition> {
  const seen = new Set<LifecyclePosition>();
  const pending: LifecyclePosition[] = [from];
  for (let state = pending.pop(); state !== undefined; state = pending.pop()) {
    for (const row of TRANSITIONS) {
      if (row.from.includes(state) && !seen.has(row.to)) {
        seen.add(row.to);
        pending.push(row.to);
      }
    }
  }
  return seen;
}

/** Thrown to send an early event back to its queue: the step it needs has not happened yet. */
export class LifecycleEventEarlyError extends TransientError {
  override name = 'LifecycleEventEarlyError';
}

/** Two consumers moved the same order at once; the loser reloads and decides again. */
export class LifecycleVersionConflictError extends TransientError {
  override name = 'LifecycleVersionConflictError';
}

/** Where lifecycles live. `save` writes only if the stored version is still `expectedVersion` (0: none yet). */
export interface LifecycleStore {
  load(orderId: string): Promise<OrderLifecycle | undefined>;
  /** Saves a move and its history entry atomically; throws LifecycleVersionConflictError when the version moved. */
  save(next: OrderLifecycle, expectedVersion: number, entry: LifecycleHistoryEntry): Promise<void>;
  /** Records an event the lifecycle refused, with both states; idempotent per event id. */
  recordRefusal(orderId: string, refusal: LifecycleRefusal): Promise<void>;
}

export interface LifecycleHistoryEntry {
  from: LifecyclePosition;
  to: LifecycleState;
  on: LifecycleEventName;
  key: string;
  eventId: string;
  recordedAt: string;
}

export interface LifecycleRefusal {
  from: LifecyclePosition;
  to: LifecycleState;
  on: LifecycleEventName;
  key: string;
  eventId: string;
  reason: string;
  recordedAt: string;
}

export type LifecycleOutcome =
  | { outcome: 'moved' | 'noted' | 'duplicate'; from: LifecyclePosition; to: LifecycleState; version: number }
  | { outcome: 'refused'; from: LifecyclePosition; to: LifecycleState; reason: string };

/**
 * Applies one event to an order's lifecycle with optimistic concurrency: load, decide, write only if
 * the version read is still current; on a lost race, load again and decide again (the winner's move
 * may make this event a duplicate, legal, or refused). Throws LifecycleEventEarlyError for an early
 * event, so its queue delivers it again later.
 */
export async function applyLifecycleEvent(
  store: LifecycleStore,
  orderId: string,
  event: LifecycleEvent,
  source: { eventId: string; now?: () => Date },
  maxRaces = 5,
): Promise<LifecycleOutcome> {
  const now = source.now ?? (() => new Date());
  for (let race = 0; ; race += 1) {
    // An order's first event has no lifecycle to read: its save requires none stored, so a lifecycle
    // stored already (a redelivery) makes it lose the race, and the next round reads and decides.
    const current = race === 0 && event.on === 'order_received' ? undefined : await store.load(orderId);
    const decision = decideTransition(current, event, orderId);
    switch (decision.outcome) {
      case 'duplicate': {
        // A store may keep more of a move than the decision needs (the event that made it, when).
        const { from, to, version } = decision.applied;
        return { outcome: 'duplicate', from, to, version };
      }
      case 'early':
        throw new LifecycleEventEarlyError(`order ${orderId}: ${decision.reason}`);
      case 'refused':
        await store.recordRefusal(orderId, {
          from: decision.from,
          to: decision.to,
          on: event.on,
          key: event.key,
          eventId: source.eventId,
          reason: decision.reason,
          recordedAt: now().toISOString(),
        });
        return { outcome: 'refused', from: decision.from, to: decision.to, reason: decision.reason };
      case 'moved':
      case 'noted': {
        const next = decision.next;
        const from = current?.state ?? 'none';
        try {
          await store.save(next, current?.version ?? 0, {
            from,
            to: next.state,
            on: event.on,
            key: event.key,
            eventId: source.eventId,
            recordedAt: now().toISOString(),
          });
          return { outcome: decision.outcome, from, to: next.state, version: next.version };
        } catch (error) {
          if (!(error instanceof LifecycleVersionConflictError) || race + 1 >= maxRaces) throw error;
        }
      }
    }
  }
}

/** Payload of `OrderStateChanged`: one move of the lifecycle, with the version it produced. */
export const OrderStateChangedData = z.object({
  orderId: z.string().check(z.minLength(1)),
  from: z.union([LifecycleState, z.literal('none')]),
  to: LifecycleState,
  version: z.number().check(z.int(), z.positive()),
  on: LifecycleEventName,
});
export type OrderStateChangedData = z.infer<typeof OrderStateChangedData>;

/** Payload of `OrderTransitionRefused`: an event the lifecycle would not apply, naming both states; recorded on the order too. */
export const OrderTransitionRefusedData = z.object({
  orderId: z.string().check(z.minLength(1)),
  from: z.union([LifecycleState, z.literal('none')]),
  to: LifecycleState,
  on: LifecycleEventName,
  /** The detail-type and id of the refused event, so ops can find it. */
  refusedEventType: z.string().check(z.minLength(1)),
  refusedEventId: z.string().check(z.minLength(1)),
  reason: z.string().check(z.minLength(1)),
});
export type OrderTransitionRefusedData = z.infer<typeof OrderTransitionRefusedData>;
