import { OPEN_RESERVATION_STATUSES } from './records';
import { drainOutbox, releaseOrderStock, sweepAfterDrain, type InventoryPorts } from './reservation';

export interface SweepOutcome {
  /** Reservations released because they expired (or were abandoned mid-write). */
  released: number;
  /** Records whose pending events were published. */
  drained: number;
  failed: { key: string; error: string }[];
}

/**
 * One sweeper run: releases every reservation whose expiry has passed (what was not fulfilled goes
 * back to available, with ReservationReleased and the channels' new figures), takes over reservations
 * abandoned mid-write, and finishes any outbox a crash left pending. Idempotent: each step is
 * conditional on the record's status. One failing record does not stop the others; they are
 * returned in `failed` and retried on the next run.
 */
export async function sweepInventory(ports: InventoryPorts): Promise<SweepOutcome> {
  const now = ports.now?.() ?? new Date();
  const due = await ports.store.dueForSweep(now, ports.policy.sweeper.lookbackDays);
  const outcome: SweepOutcome = { released: 0, drained: 0, failed: [] };
  for (const item of due) {
    const key = item.kind === 'reservation' ? item.header.orderId : item.record.adjustmentId;
    try {
      if (item.kind === 'adjustment') {
        await drainOutbox(
          { kind: 'adjustment', adjustmentId: item.record.adjustmentId },
          item.record.outbox,
          undefined,
          ports,
        );
        outcome.drained += 1;
        continue;
      }
      const { header } = item;
      const expired =
        OPEN_RESERVATION_STATUSES.includes(header.status) &&
        header.expiresAt !== undefined &&
        header.expiresAt <= now.toISOString();
      if (header.status === 'in_progress' || expired) {
        const result = await releaseOrderStock(
          { orderId: header.orderId, channel: header.channel },
          'RESERVATION_EXPIRED',
          ports,
        );
        if (!result.replayed) outcome.released += 1;
      } else {
        await drainOutbox(
          { kind: 'reservation', orderId: header.orderId },
          header.outbox,
          sweepAfterDrain(header),
          ports,
        );
        outcome.drained += 1;
      }
    } catch (error) {
      outcome.failed.push({ key, error: (error as Error).message });
    }
  }
  return outcome;
}
