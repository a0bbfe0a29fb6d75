import type { Allocation } from './records';
import { settleParts } from './fulfilment';
import {
  InventoryInvariantError,
  ReservationInProgressError,
  allocationWrites,
  type InventoryPorts,
} from './reservation';
import { refreshAvailability } from './exposure';

const MAX_ATTEMPTS = 3;

/** Units of some order lines the channel cancelled (refunded before shipping), released once under `cancellationId`. */
export interface LineCancellation {
  cancellationId: string;
  orderId: string;
  lines: readonly { lineId: string; quantity: number }[];
}

/**
 * Releases what an order still holds for the cancelled units of some of its lines, leaving its other
 * lines reserved: a channel that refunds one line before shipping keeps the rest of the order going.
 * Recorded once under the cancellation id (through the same once-only record a shipment uses), so a
 * redelivery releases nothing twice; units the order no longer holds (shipped, or released by the
 * sweeper) are not released again. A reservation with nothing left to hold becomes `fulfilled`, as
 * after its last shipment. Throws ReservationInProgressError (retried) while the order has no
 * reservation decision yet. Returns the units released.
 */
export async function releaseCancelledUnits(cancellation: LineCancellation, ports: InventoryPorts): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const occurredAt = (ports.now?.() ?? new Date()).toISOString();
    const record = await ports.store.readReservation(cancellation.orderId);
    if (!record.header || record.header.status === 'in_progress')
      throw new ReservationInProgressError(
        `cancellation ${cancellation.cancellationId}: order ${cancellation.orderId} has no reservation decision yet`,
      );
    const open = record.parts
      .filter((part) => part.status === 'reserved')
      .map((part) => ({ ...part, allocations: part.allocations.map((a) => ({ ...a })) }));
    const touched = new Set<number>();
    const released: Allocation[] = [];
    for (const line of cancellation.lines) {
      let left = line.quantity;
      for (const part of open)
        for (const allocation of part.allocations.filter((a) => a.lineId === line.lineId)) {
          const take = Math.min(left, allocation.quantity - allocation.consumed);
          if (take <= 0) continue;
          allocation.consumed += take;
          released.push({ ...allocation, quantity: take });
          touched.add(part.partNo);
          left -= take;
        }
    }
    const { parts, closing } = settleParts(open, touched, record.header, occurredAt);
    const outcome = await ports.store.commitShipment({
      shipment: { shipmentId: cancellation.cancellationId, orderId: cancellation.orderId, recordedAt: occurredAt },
      parts,
      buckets: allocationWrites(released, {
        kind: 'release',
        reasonCode: 'LINE_CANCELLED',
        idPrefix: `cxl:${cancellation.cancellationId}`,
        orderId: cancellation.orderId,
        occurredAt,
      }),
      ...closing,
    });
    if (outcome.kind === 'committed' || outcome.kind === 'duplicate') {
      await refreshAvailability([...new Set(released.map((allocation) => allocation.sku))], ports);
      return outcome.kind === 'committed' ? released.reduce((sum, allocation) => sum + allocation.quantity, 0) : 0;
    }
    // superseded (a shipment or release changed a part meanwhile): read again.
  }
  throw new InventoryInvariantError(
    `cancellation ${cancellation.cancellationId}: the reservation of order ${cancellation.orderId} kept changing`,
  );
}
