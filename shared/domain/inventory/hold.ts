import { OPEN_RESERVATION_STATUSES } from './records';
import { ReservationInProgressError, drainOutbox, sweepAfterDrain, type InventoryPorts } from './reservation';

/** How many times holding starts over when the header changed under it (an outbox added, another write). */
const MAX_HOLD_ATTEMPTS = 3;

export type HoldOutcome =
  /** The reservation now expires at `until`, and the sweeper looks at it then. */
  | 'extended'
  /** It already expired at `until` or later (a retry, or a longer hold): never shortened. */
  | 'unchanged'
  /** Nothing is held any more (fulfilled, cancelled, expired, rejected) or nothing ever expired: left alone. */
  | 'closed';

/**
 * Keeps an open reservation until at least `until`: a pickup made ready waits for its customer for
 * the pickup hold, which may outlast the channel's reservation TTL, and the pickup's own expiry (not
 * the sweeper) must decide what happens to its units. Moves only the header's expiry and sweep time, in
 * one write conditional on the status read, on no outbox pending and on an earlier expiry, so a
 * concurrent change to the header is never overwritten: a pending outbox is published first (its clear
 * would otherwise set the sweep time from the old expiry), and a header that changed is read again.
 * Idempotent, never shortens; throws ReservationInProgressError while the order is being (re)written,
 * or if it kept changing, so the caller retries.
 */
export async function holdReservationUntil(
  orderId: string,
  until: string,
  ports: InventoryPorts,
): Promise<HoldOutcome> {
  for (let attempt = 0; attempt < MAX_HOLD_ATTEMPTS; attempt += 1) {
    const { header } = await ports.store.readReservation(orderId);
    if (header?.status === 'in_progress')
      throw new ReservationInProgressError(`order ${orderId} is being reserved by another worker`);
    if (!header || !OPEN_RESERVATION_STATUSES.includes(header.status) || header.expiresAt === undefined)
      return 'closed';
    if (header.expiresAt >= until) return 'unchanged';
    if (header.outbox) {
      await drainOutbox({ kind: 'reservation', orderId }, header.outbox, sweepAfterDrain(header), ports);
      continue;
    }
    const outcome = await ports.store.extendReservation({ orderId, expiresAt: until, expectStatus: header.status });
    if (outcome.kind === 'committed') return 'extended';
  }
  throw new ReservationInProgressError(`order ${orderId} kept changing while its hold was extended`);
}
