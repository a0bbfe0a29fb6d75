import { createEvent } from '#domain/kernel/event';
import { BackorderFilled } from './events';
import { bucketKeys, stockByLocation } from './model';
import { channelPolicy, locationIds, shardCount } from './policy';
import type { BackorderEntry, ReservationHeader, ReservationPart } from './records';
import {
  OUTBOX_GRACE_MS,
  ReservationInProgressError,
  allocationWrites,
  appendOutbox,
  drainOutbox,
  pendingOutboxSweep,
  planReservation,
  remainingOf,
  reservedQuantities,
  storeHoldBack,
  sweepAfterDrain,
  type InventoryPorts,
} from './reservation';
import { candidateLocations } from './reallocation';
import { refreshAvailability } from './exposure';

/** How many times one order's fill plans again after losing a race (the stock went, or the order changed). */
const MAX_ATTEMPTS = 5;

/** What a fill did for one backordered order. */
export type FillOutcome =
  /** Every line is covered now: the order is `reserved` and BackorderFilled is published. */
  | 'filled'
  /** Some short units are held now; the order still waits for the rest. */
  | 'partly_filled'
  /** Nothing could be held at the order's locations. */
  | 'unfilled'
  /** The order no longer waits (filled, cancelled, expired or shipped): its list entries are stale. */
  | 'not_waiting';

/**
 * Holds what stock allows of a backordered order's short units, at the order's locations (its
 * sourcing candidates, else its channel's ranking; a store keeps its safety stock), in one write: a new part with the reservations
 * and the header's lines, conditional on the order still being backordered. When every line is
 * covered the order becomes `reserved` with a new expiry, and BackorderFilled (all the order holds)
 * goes out through the header's outbox. Concurrent fills of the same order both plan the same next
 * part, so only one commits and the other plans again from what it wrote: an order is never given
 * more than it asked for, and the bucket guards never let a unit be promised twice.
 */
export async function fillBackorder(
  orderId: string,
  ports: InventoryPorts,
  trace: { causationId?: string } = {},
): Promise<FillOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const now = ports.now?.() ?? new Date();
    const occurredAt = now.toISOString();
    const record = await ports.store.readReservation(orderId);
    const { header } = record;
    if (header?.status !== 'backordered') return 'not_waiting';
    const short = header.lines.filter((line) => line.short > 0);
    if (short.length === 0) return 'not_waiting';
    const candidates = candidateLocations(header, ports.policy);
    const skus = [...new Set(short.map((line) => line.sku))];
    const positions = await ports.store.readPositions(
      skus.flatMap((sku) => bucketKeys(sku, candidates, shardCount(ports.policy, sku))),
    );
    const plan = planReservation(
      short.map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: line.short })),
      candidates,
      positions,
      ports.shardStart,
      { holdBack: storeHoldBack(header.sourcing, ports.policy) },
    );
    if (plan.allocations.length === 0) return 'unfilled';

    const part: ReservationPart = {
      partNo: record.parts.reduce((max, p) => Math.max(max, p.partNo + 1), 0),
      status: 'reserved',
      allocations: plan.allocations.map((a) => ({ ...a, consumed: 0 })),
      version: 1,
    };
    const filled = new Map(plan.lines.map((line) => [line.lineId, line.reserved]));
    const lines = header.lines.map((line) => ({
      ...line,
      reserved: line.reserved + (filled.get(line.lineId) ?? 0),
      short: line.short - (filled.get(line.lineId) ?? 0),
    }));
    const complete = lines.every((line) => line.short === 0);
    const expiresAt = new Date(
      now.getTime() + channelPolicy(ports.policy, header.channel).reservationTtlMinutes * 60_000,
    ).toISOString();
    const next: ReservationHeader = {
      ...header,
      status: complete ? 'reserved' : 'backordered',
      lines,
      expiresAt,
      updatedAt: occurredAt,
    };
    if (complete) {
      const held = [...record.parts.filter((p) => p.status === 'reserved').flatMap(remainingOf), ...plan.allocations];
      const event = createEvent(
        BackorderFilled,
        {
          orderId,
          channel: header.channel,
          allocations: reservedQuantities(held),
          expiresAt,
          ...(header.sourcing ? { sourcing: header.sourcing } : {}),
        },
        { correlationId: orderId, ...(trace.causationId ? { causationId: trace.causationId } : {}) },
      );
      next.outbox = appendOutbox(header.outbox, [event], plan.allocations);
      next.sweepAt = new Date(now.getTime() + OUTBOX_GRACE_MS).toISOString();
    } else {
      next.sweepAt = header.outbox ? pendingOutboxSweep(header, now) : sweepAfterDrain(next);
    }
    const outcome = await ports.store.commitReservationPart({
      orderId,
      part,
      buckets: allocationWrites(plan.allocations, {
        kind: 'reservation',
        reasonCode: 'BACKORDER_FILLED',
        idPrefix: `res:${orderId}:${part.partNo}`,
        orderId,
        occurredAt,
      }),
      header: { next, expect: { status: 'backordered' } },
    });
    if (outcome.kind === 'committed') {
      if (complete) await drainOutbox({ kind: 'reservation', orderId }, next.outbox, sweepAfterDrain(next), ports);
      else await refreshAvailability(skus, ports);
      return complete ? 'filled' : 'partly_filled';
    }
    // superseded (another fill, a cancellation or a shipment changed the order) or insufficient (the
    // stock went): read again and plan from what is there now.
  }
  throw new ReservationInProgressError(`backorder of order ${orderId} kept changing while it was filled`);
}

export interface BackorderRun {
  filled: string[];
  partlyFilled: string[];
}

/**
 * Offers a SKU's sellable stock to the orders waiting for it, first backordered first: each gets what
 * its locations have before the next is asked, and the run stops once no location has the SKU to
 * give. Entries of orders that no longer wait, or no longer wait for this SKU, are taken off the list.
 * Safe to run concurrently and again (a redelivered receipt): every fill is conditional on the order.
 */
export async function fillBackorders(
  sku: string,
  ports: InventoryPorts,
  trace: { causationId?: string } = {},
): Promise<BackorderRun> {
  const run: BackorderRun = { filled: [], partlyFilled: [] };
  for (const entry of await ports.store.backordersOf(sku)) {
    if (!(await hasStockToGive(sku, ports))) break;
    const outcome = await fillBackorder(entry.orderId, ports, trace);
    if (outcome === 'filled') run.filled.push(entry.orderId);
    if (outcome === 'partly_filled') run.partlyFilled.push(entry.orderId);
    if (outcome === 'unfilled') continue;
    const { header } = await ports.store.readReservation(entry.orderId);
    const stillShort = header?.status === 'backordered' && header.lines.some((l) => l.sku === sku && l.short > 0);
    if (!stillShort) await ports.store.delistBackorder(entry);
  }
  return run;
}

/**
 * Puts a backordered order on the waiting list of each SKU it is still short of, under the time it was
 * backordered (its ReservationRejected event's time: the same on every redelivery, so the entry is
 * written once), then offers those SKUs' stock to their lists at once: units that arrived while the
 * order's event was on its way are not left waiting for the next receipt.
 */
export async function enlistBackorder(
  backorder: { orderId: string; backorderedAt: string },
  ports: InventoryPorts,
  trace: { causationId?: string } = {},
): Promise<BackorderRun> {
  // A redelivery after the order was filled or cancelled lists nothing: the header, not the event, says what still waits.
  const { header } = await ports.store.readReservation(backorder.orderId);
  const waiting = header?.status === 'backordered' ? header.lines : [];
  const skus = [...new Set(waiting.filter((line) => line.short > 0).map((line) => line.sku))];
  const entries: BackorderEntry[] = skus.map((sku) => ({
    sku,
    orderId: backorder.orderId,
    backorderedAt: backorder.backorderedAt,
  }));
  for (const entry of entries) await ports.store.enlistBackorder(entry);
  const run: BackorderRun = { filled: [], partlyFilled: [] };
  for (const sku of skus) {
    const { filled, partlyFilled } = await fillBackorders(sku, ports, trace);
    run.filled.push(...filled);
    run.partlyFilled.push(...partlyFilled);
  }
  return run;
}

/** Whether any location has a sellable unit of the SKU to give: a run stops asking once none has. */
async function hasStockToGive(sku: string, ports: InventoryPorts): Promise<boolean> {
  const locations = locationIds(ports.policy);
  const positions = await ports.store.readPositions(bucketKeys(sku, locations, shardCount(ports.policy, sku)));
  return stockByLocation(positions, locations).some((location) => location.availableToSell > 0);
}
