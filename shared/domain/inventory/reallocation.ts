import { createEvent } from '#domain/kernel/event';
import { ReservationMoved, type MoveReason, type ReservedQuantity } from './events';
import { bucketKeys } from './model';
import { channelPolicy, locationIds, shardCount, type InventoryPolicy } from './policy';
import { OPEN_RESERVATION_STATUSES, type Allocation, type ReservationHeader, type ReservationPart } from './records';
import {
  InventoryInvariantError,
  MAX_TRANSACTION_ACTIONS,
  OUTBOX_GRACE_MS,
  ReservationInProgressError,
  allocationWrites,
  appendOutbox,
  drainOutbox,
  planReservation,
  remainingOf,
  reservedQuantities,
  storeHoldBack,
  sweepAfterDrain,
  type InventoryPorts,
  type ReservationLine,
} from './reservation';

/** How many times a move plans again after losing a race (the target's stock went, or the order changed). */
const MAX_ATTEMPTS = 5;

/** One part of an order to take away from the location that held it, to the next location its sourcing allows. */
export interface ReservationMove {
  orderId: string;
  fromLocationId: string;
  /** The move's idempotency key: the same id moves once, however often it is asked. */
  moveId: string;
  reason: MoveReason;
  /** Locations not to move to (tried before, or refused already). */
  exclude: readonly string[];
}

export type MoveOutcome =
  | { outcome: 'moved'; toLocationId: string; allocations: ReservedQuantity[] }
  /** No other candidate can hold every moved unit now: the units stay held where they were. */
  | { outcome: 'no_location' }
  /** The order holds nothing at `fromLocationId` (shipped, released, or moved by another move already). */
  | { outcome: 'nothing_held' };

/** Where an order may be served from, best first: its sourcing decision's candidates, else the channel's ranking. */
export function candidateLocations(header: ReservationHeader, policy: InventoryPolicy): string[] {
  const known = new Set(locationIds(policy));
  return (header.sourcing?.candidates ?? channelPolicy(policy, header.channel).locations).filter((id) => known.has(id));
}

/** Units per order line, buckets and parts summed: what a plan is asked to place again. */
export function linesHeld(allocations: readonly Allocation[]): ReservationLine[] {
  const lines = new Map<string, ReservationLine>();
  for (const { lineId, sku, quantity } of allocations) {
    const line = lines.get(lineId) ?? { lineId, sku, quantity: 0 };
    line.quantity += quantity;
    lines.set(lineId, line);
  }
  return [...lines.values()];
}

/**
 * Moves what an order holds at one location to the first other candidate (the order's sourcing
 * candidates, else its channel's ranking, minus `exclude`) that can hold all of it now. One write does
 * the whole move: the new part (carrying the move id) and its reservations at the new location, the
 * old parts' units released at the old one (each part at the version read), and ReservationMoved in
 * the header's outbox; so a unit is never held twice nor promised where it is not (the write's guards
 * decide), and a crash leaves either nothing done or everything. Idempotent on the move id: a
 * redelivery finds the part it wrote, finishes its outbox and answers the same move. Throws
 * ReservationInProgressError (retried) while the order has no reservation decision, or keeps changing.
 */
export async function moveReservation(
  move: ReservationMove,
  ports: InventoryPorts,
  trace: { causationId?: string } = {},
): Promise<MoveOutcome> {
  const owner = { kind: 'reservation', orderId: move.orderId } as const;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const now = ports.now?.() ?? new Date();
    const occurredAt = now.toISOString();
    const record = await ports.store.readReservation(move.orderId);
    const { header } = record;
    if (!header || header.status === 'in_progress')
      throw new ReservationInProgressError(
        `move ${move.moveId}: order ${move.orderId} has no reservation decision yet`,
      );
    const done = record.parts.find((part) => part.moveId === move.moveId);
    if (done) {
      await drainOutbox(owner, header.outbox, sweepAfterDrain(header), ports);
      return movedTo(done);
    }
    if (!OPEN_RESERVATION_STATUSES.includes(header.status)) return { outcome: 'nothing_held' };
    const open = record.parts.filter((part) => part.status === 'reserved');
    const held = open.flatMap((part) => remainingOf(part).filter((a) => a.locationId === move.fromLocationId));
    if (held.length === 0) return { outcome: 'nothing_held' };

    const candidates = candidateLocations(header, ports.policy).filter(
      (id) => id !== move.fromLocationId && !move.exclude.includes(id),
    );
    const allocations = await placeWhole(
      linesHeld(held),
      candidates,
      storeHoldBack(header.sourcing, ports.policy),
      ports,
    );
    if (!allocations) return { outcome: 'no_location' };

    const part: ReservationPart = {
      partNo: record.parts.reduce((max, p) => Math.max(max, p.partNo + 1), 0),
      status: 'reserved',
      allocations: allocations.map((a) => ({ ...a, consumed: 0 })),
      version: 1,
      moveId: move.moveId,
    };
    const changedParts = open
      .filter((p) => p.allocations.some((a) => a.locationId === move.fromLocationId && a.consumed < a.quantity))
      .map((p) => {
        const allocations = p.allocations.map((a) =>
          a.locationId === move.fromLocationId ? { ...a, consumed: a.quantity } : a,
        );
        const status = allocations.every((a) => a.consumed >= a.quantity) ? ('released' as const) : p.status;
        return { part: { ...p, allocations, status, version: p.version + 1 }, expectVersion: p.version };
      });
    const toLocationId = allocations[0].locationId;
    const event = createEvent(
      ReservationMoved,
      {
        orderId: move.orderId,
        moveId: move.moveId,
        fromLocationId: move.fromLocationId,
        toLocationId,
        reason: move.reason,
        allocations: reservedQuantities(allocations),
      },
      { correlationId: move.orderId, ...(trace.causationId ? { causationId: trace.causationId } : {}) },
    );
    const next: ReservationHeader = {
      ...header,
      updatedAt: occurredAt,
      outbox: appendOutbox(header.outbox, [event], [...held, ...allocations]),
      sweepAt: new Date(now.getTime() + OUTBOX_GRACE_MS).toISOString(),
    };
    const movement = { reasonCode: move.reason, orderId: move.orderId, occurredAt };
    const buckets = [
      ...allocationWrites(allocations, { ...movement, kind: 'reservation', idPrefix: `mv:${move.moveId}:in` }),
      ...allocationWrites(held, { ...movement, kind: 'release', idPrefix: `mv:${move.moveId}:out` }),
    ];
    const actions = 2 + changedParts.length + buckets.reduce((sum, write) => sum + 1 + write.movements.length, 0);
    if (actions > MAX_TRANSACTION_ACTIONS)
      throw new InventoryInvariantError(
        `move ${move.moveId} of order ${move.orderId} needs ${actions} actions, more than one transaction takes`,
      );
    const outcome = await ports.store.commitReservationPart({
      orderId: move.orderId,
      part,
      buckets,
      header: { next, expect: { status: header.status } },
      changedParts,
    });
    if (outcome.kind === 'committed') {
      await drainOutbox(owner, next.outbox, sweepAfterDrain(next), ports);
      return movedTo(part);
    }
    // superseded: the order changed (maybe this very move, delivered twice); insufficient: the target's
    // stock went. Either way, read again and decide from what is there now.
  }
  throw new ReservationInProgressError(`move ${move.moveId}: order ${move.orderId} kept changing while it was moved`);
}

function movedTo(part: ReservationPart): MoveOutcome {
  return {
    outcome: 'moved',
    toLocationId: part.allocations[0].locationId,
    allocations: reservedQuantities(part.allocations),
  };
}

/**
 * Allocations for every unit of these lines at the first candidate that has them all beyond what it
 * holds back (a store's safety stock), from a fresh read; undefined if none has.
 */
async function placeWhole(
  lines: readonly ReservationLine[],
  candidates: readonly string[],
  holdBack: (locationId: string) => number,
  ports: InventoryPorts,
): Promise<Allocation[] | undefined> {
  if (candidates.length === 0) return undefined;
  const skus = [...new Set(lines.map((line) => line.sku))];
  const positions = await ports.store.readPositions(
    skus.flatMap((sku) => bucketKeys(sku, candidates, shardCount(ports.policy, sku))),
  );
  for (const locationId of candidates) {
    const plan = planReservation(lines, [locationId], positions, ports.shardStart, { holdBack });
    if (plan.lines.every((line) => line.short === 0)) return plan.allocations;
  }
  return undefined;
}
