import { randomInt } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import { readConfig } from '#shared/config/env';
import { createEvent } from '#domain/kernel/event';
import { PickupExpired, PickupReady } from './events';
import { locationOf, moveRequest, save, type FulfilmentPorts, type StoredRequest } from './requests';

/**
 * Pickup in store: a picked pickup task waits at the counter with a code the customer shows; it is
 * collected against that code, or expires after the pickup hold, when its units go back to stock and
 * the order is cancelled (PickupExpired: the lifecycle cancels, the ERP and the channel follow).
 */

/** How long a pickup waits at the store before it expires, unless FABRIC_PICKUP_HOLD_HOURS says otherwise. */
export const DEFAULT_PICKUP_HOLD_HOURS = 72;

/**
 * The pickup hold in hours from FABRIC_PICKUP_HOLD_HOURS (a positive number; fractions allowed, so a
 * simulated day can hold pickups for minutes), read once at cold start. Throws ConfigError naming it.
 */
export function pickupHoldHours(env: NodeJS.ProcessEnv = process.env): number {
  return readConfig(
    {
      FABRIC_PICKUP_HOLD_HOURS: z._default(
        z.coerce.number({ error: 'must be a number of hours' }).check(z.positive('must be more than 0 hours')),
        DEFAULT_PICKUP_HOLD_HOURS,
      ),
    },
    env,
  ).FABRIC_PICKUP_HOLD_HOURS;
}

/**
 * How long a ready pickup's reservation outlasts its hold: the pickup's expiry (the watch, which cancels
 * the order on the channel) decides what happens to its units, never the reservation sweeper.
 */
export const PICKUP_RESERVATION_MARGIN_MS = 60 * 60_000;

/** Six digits, read out at a counter; unguessable enough for a parcel that also needs the customer's name. */
export function newPickupCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * A picked pickup task is ready: its reservation is first held until the pickup expires (and a margin
 * after), so a crash before the task is saved retries that too; then the task gets its pickup code and
 * the time it expires, moves picked -> ready_for_pickup in one write, and PickupReady tells the channel
 * (and so the customer).
 */
export async function markReadyForPickup(
  task: StoredRequest,
  by: string,
  ports: FulfilmentPorts,
): Promise<StoredRequest> {
  const now = ports.now?.() ?? new Date();
  const at = now.toISOString();
  const pickupCode = (ports.pickupCode ?? newPickupCode)();
  const pickupExpiresAt = new Date(now.getTime() + ports.pickupHoldHours * 3_600_000).toISOString();
  const holdUntil = new Date(Date.parse(pickupExpiresAt) + PICKUP_RESERVATION_MARGIN_MS).toISOString();
  await ports.stock.holdReservation({ orderId: task.orderId, until: holdUntil });
  const picked = moveRequest(task, 'picked', by, now);
  const ready = moveRequest(picked, 'ready_for_pickup', by, now, {
    pickupCode,
    readyAt: at,
    pickupExpiresAt,
    dueAt: pickupExpiresAt,
  });
  const saved = await save(task, { ...ready, version: task.version + 1 }, by, ports);
  const channelLocationId = locationOf(ports.locations, task.locationId).channelLocationIds?.[task.channel];
  await ports.publisher.publish([
    createEvent(
      PickupReady,
      {
        orderId: task.orderId,
        channel: task.channel,
        channelOrderId: task.channelOrderId,
        locationId: task.locationId,
        ...(channelLocationId ? { channelLocationId } : {}),
        pickupCode,
        lines: task.lines,
        readyAt: at,
      },
      { correlationId: task.orderId },
    ),
  ]);
  return saved;
}

/**
 * A pickup nobody collected within the hold: what the order holds goes back to stock
 * (releaseOrderStock, once), PickupExpired is published (the lifecycle cancels the order on it), and the
 * task ends `expired`. A run that stops half way is finished by the next: the release and the
 * lifecycle's move each happen once.
 */
export async function expirePickup(task: StoredRequest, ports: FulfilmentPorts): Promise<StoredRequest> {
  const now = ports.now?.() ?? new Date();
  await ports.stock.releaseExpiredPickup({ orderId: task.orderId, channel: task.channel });
  await ports.publisher.publish([
    createEvent(
      PickupExpired,
      {
        orderId: task.orderId,
        channel: task.channel,
        channelOrderId: task.channelOrderId,
        requestId: task.requestId,
        locationId: task.locationId,
        // A ready task always has its readyAt; the fallback keeps the event valid for a hand-edited one.
        readyAt: task.readyAt ?? task.updatedAt,
        expiredAt: now.toISOString(),
      },
      { correlationId: task.orderId },
    ),
  ]);
  return save(task, moveRequest(task, 'expired', 'fulfilment-watch', now), 'fulfilment-watch', ports);
}
