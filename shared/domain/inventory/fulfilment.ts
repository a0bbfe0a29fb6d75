import { bucketId, bucketKeys, type LedgerMovement } from './model';
import { takeOutflow } from './buckets';
import { shardCount } from './policy';
import {
  MAX_TRANSACTION_ACTIONS,
  allocationWrites,
  InventoryInvariantError,
  ReservationInProgressError,
  pendingOutboxSweep,
  type InventoryPorts,
} from './reservation';
import {
  OPEN_RESERVATION_STATUSES,
  type Allocation,
  type BucketWrite,
  type ReservationHeader,
  type ReservationPart,
  type StoredAllocation,
} from './records';
import type { Shipment } from '#domain/kernel/shipment';
import { refreshAvailability } from './exposure';
import { PermanentError } from '#domain/kernel/errors';

const MAX_ATTEMPTS = 3;

/** A shipment took units the books do not have: someone counts the shelf before it is recorded. */
export class ShipmentExceedsStockError extends PermanentError {
  override name = 'ShipmentExceedsStockError';
}

export interface ShipmentOutcome {
  result: 'consumed' | 'duplicate';
  /** Units shipped from held reservations (on hand and reserved both fall). */
  fromReservations: number;
  /** Units shipped that the order did not hold (recorded as a sale from on hand). */
  unreserved: number;
}

/**
 * Consumes an order's reservation for what a shipment took: for each shipped line, the line's units
 * held at the shipping location leave on hand and reserved together, so available does not move;
 * anything shipped beyond that leaves the shipping location's on hand as an UNRESERVED_SHIPMENT sale,
 * and as many of the line's units held elsewhere are released: the books must lose the units where
 * the shelf lost them, or the other location would keep a phantom hold and this one phantom stock.
 * Once per shipment id; a reservation with nothing left to ship becomes `fulfilled`, and the sweeper
 * leaves it alone. Throws ReservationInProgressError (the message is retried) while the order has no reservation
 * decision yet, and ShipmentExceedsStockError when the location's books do not have the unreserved units.
 */
export async function consumeShipment(shipment: Shipment, ports: InventoryPorts): Promise<ShipmentOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const occurredAt = (ports.now?.() ?? new Date()).toISOString();
    const record = await ports.store.readReservation(shipment.orderId);
    if (!record.header || record.header.status === 'in_progress') {
      // Queues do not keep order between event types: the order's own event has not been applied yet.
      // Shipping it as unreserved now would count the units twice once the reservation lands.
      throw new ReservationInProgressError(
        `shipment ${shipment.shipmentId}: order ${shipment.orderId} has no reservation decision yet`,
      );
    }
    const open = record.parts
      .filter((part) => part.status === 'reserved')
      .map((part) => ({ ...part, allocations: part.allocations.map((a) => ({ ...a })) }));
    const touched = new Set<number>();
    const consumed: Allocation[] = [];
    const releasedElsewhere: Allocation[] = [];
    const unreserved: { lineId: string; sku: string; quantity: number }[] = [];
    const stopHolding = (
      held: { part: ReservationPart; allocation: StoredAllocation }[],
      units: number,
      into: Allocation[],
    ): number => {
      let left = units;
      for (const { part, allocation } of held) {
        const take = Math.min(left, allocation.quantity - allocation.consumed);
        if (take <= 0) continue;
        allocation.consumed += take;
        into.push({ ...allocation, quantity: take });
        touched.add(part.partNo);
        left -= take;
      }
      return left;
    };
    for (const line of shipment.lines) {
      const held = open
        .flatMap((part) => part.allocations.map((allocation) => ({ part, allocation })))
        .filter(({ allocation }) => allocation.lineId === line.lineId && allocation.sku === line.sku);
      const need = stopHolding(
        held.filter(({ allocation }) => allocation.locationId === shipment.locationId),
        line.quantity,
        consumed,
      );
      if (need === 0) continue;
      unreserved.push({ lineId: line.lineId, sku: line.sku, quantity: need });
      stopHolding(
        held.filter(({ allocation }) => allocation.locationId !== shipment.locationId),
        need,
        releasedElsewhere,
      );
    }

    // Consumed holds are at the shipping location and released ones elsewhere: never the same bucket.
    const buckets = [
      ...allocationWrites(consumed, {
        kind: 'fulfilment',
        reasonCode: 'SHIPPED',
        idPrefix: `ful:${shipment.shipmentId}`,
        orderId: shipment.orderId,
        occurredAt,
      }),
      ...allocationWrites(releasedElsewhere, {
        kind: 'release',
        reasonCode: 'SHIPPED_FROM_OTHER_LOCATION',
        idPrefix: `ful:${shipment.shipmentId}:r`,
        orderId: shipment.orderId,
        occurredAt,
      }),
    ];
    for (const [i, line] of unreserved.entries()) {
      const positions = await ports.store.readPositions(
        bucketKeys(line.sku, [shipment.locationId], shardCount(ports.policy, line.sku)),
      );
      const parts = takeOutflow(positions, line.quantity, 'sellableOnHand');
      if (!parts)
        throw new ShipmentExceedsStockError(
          `shipment ${shipment.shipmentId} took ${line.quantity} x ${line.sku} from ${shipment.locationId} that neither the order held nor the books have`,
        );
      parts.forEach((quantity, shard) => {
        if (quantity === 0) return;
        const key = positions[shard];
        const movement: LedgerMovement = {
          movementId: `ful:${shipment.shipmentId}:u${i}:${shard}`,
          sku: key.sku,
          locationId: key.locationId,
          shard,
          kind: 'sale',
          quantity,
          reasonCode: 'UNRESERVED_SHIPMENT',
          reference: { kind: 'order_line', id: `${shipment.orderId}#${line.lineId}` },
          occurredAt,
        };
        const write = buckets.find((w) => bucketId(w.key) === bucketId(key));
        if (write) write.movements.push(movement);
        else
          buckets.push({
            key: { sku: key.sku, locationId: key.locationId, shard },
            movements: [movement],
          } satisfies BucketWrite);
      });
    }

    const { parts, closes, closing } = settleParts(open, touched, record.header, occurredAt);
    const actions =
      1 + parts.length + buckets.length + buckets.reduce((sum, w) => sum + w.movements.length, 0) + (closes ? 1 : 0);
    if (actions > MAX_TRANSACTION_ACTIONS)
      throw new InventoryInvariantError(
        `shipment ${shipment.shipmentId} needs ${actions} actions; split it into smaller shipments`,
      );

    const outcome = await ports.store.commitShipment({
      shipment: { shipmentId: shipment.shipmentId, orderId: shipment.orderId, recordedAt: occurredAt },
      parts,
      buckets,
      ...closing,
    });
    const fromReservations = consumed.reduce((sum, a) => sum + a.quantity, 0);
    const unreservedUnits = unreserved.reduce((sum, line) => sum + line.quantity, 0);
    if (outcome.kind === 'committed') {
      await refreshAvailability(
        shipment.lines.map((line) => line.sku),
        ports,
      );
      return { result: 'consumed', fromReservations, unreserved: unreservedUnits };
    }
    if (outcome.kind === 'duplicate') {
      // The first delivery may have stopped before telling the channels; telling them again is harmless.
      await refreshAvailability(
        shipment.lines.map((line) => line.sku),
        ports,
      );
      return { result: 'duplicate', fromReservations: 0, unreserved: 0 };
    }
    if (outcome.kind === 'insufficient' && attempt === MAX_ATTEMPTS - 1) {
      throw new ShipmentExceedsStockError(
        `shipment ${shipment.shipmentId}: the books at ${shipment.locationId} no longer have the units it took`,
      );
    }
    // superseded (a part changed: a concurrent release or shipment) or the stock moved: read again.
  }
  throw new InventoryInvariantError(
    `shipment ${shipment.shipmentId}: the reservation kept changing while it was consumed`,
  );
}

/**
 * The reservation parts a consumption touched, at their next version: `fulfilled` once every
 * allocation in them is consumed, else still `reserved`; whether the order's reservation closes
 * (it was open, and no part holds anything any more), and then the header's write that closes it.
 */
export function settleParts(
  open: readonly ReservationPart[],
  touched: ReadonlySet<number>,
  header: ReservationHeader,
  occurredAt: string,
): {
  parts: { part: ReservationPart; expectVersion: number }[];
  closes: boolean;
  closing: { header?: { next: ReservationHeader; expect: { status: ReservationHeader['status'] } } };
} {
  const parts = open
    .filter((part) => touched.has(part.partNo))
    .map((part) => ({
      part: {
        ...part,
        status: part.allocations.every((a) => a.consumed >= a.quantity)
          ? ('fulfilled' as const)
          : ('reserved' as const),
        version: part.version + 1,
      } satisfies ReservationPart,
      expectVersion: part.version,
    }));
  const stillHeld = open.some(
    (part) => !parts.some((p) => p.part.partNo === part.partNo && p.part.status === 'fulfilled'),
  );
  const closes = OPEN_RESERVATION_STATUSES.includes(header.status) && parts.length > 0 && !stillHeld;
  const closing = closes
    ? {
        header: {
          next: {
            ...header,
            status: 'fulfilled' as const,
            updatedAt: occurredAt,
            sweepAt: header.outbox ? pendingOutboxSweep(header, new Date(occurredAt)) : undefined,
          },
          expect: { status: header.status },
        },
      }
    : {};
  return { parts, closes, closing };
}
