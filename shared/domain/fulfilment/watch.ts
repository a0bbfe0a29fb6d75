import { PermanentError } from '#domain/kernel/errors';
import { expirePickup } from './pickup';
import { PROVIDER_POLL_MS, moveRequest, type FulfilmentPorts, type StoredRequest } from './requests';
import { resourcePart } from './store-tasks';

export interface WatchOutcome {
  requestId: string;
  outcome: 'sla_missed' | 'pickup_expired' | 'shipped_by_3pl' | 'polled' | 'skipped' | 'failed';
  /** Why a request failed; it stays due, so the next run tries again. */
  error?: string;
  /** The failure will not go away by itself (ShipBob refused, a location the policy no longer names): a person must look. */
  permanent?: boolean;
}

/**
 * One run of fulfilment-watch over every request due by now: a store task not accepted within its
 * store's SLA is re-sourced (sla_missed), a pickup left at the counter past its hold expires, and a
 * ShipBob order is asked whether it shipped (its shipments then go through the order's shipment flow,
 * once per ShipBob shipment id). A request that fails stays due and is tried again next run; the others
 * go on. Never throws for one request.
 */
export async function watchFulfilment(ports: FulfilmentPorts): Promise<WatchOutcome[]> {
  const now = ports.now?.() ?? new Date();
  const outcomes: WatchOutcome[] = [];
  for (const request of await ports.store.listDue(now)) {
    try {
      outcomes.push({ requestId: request.requestId, outcome: await watchOne(request, now, ports) });
    } catch (error) {
      outcomes.push({
        requestId: request.requestId,
        outcome: 'failed',
        error: error instanceof Error ? error.message : String(error),
        ...(error instanceof PermanentError ? { permanent: true } : {}),
      });
    }
  }
  return outcomes;
}

async function watchOne(request: StoredRequest, now: Date, ports: FulfilmentPorts): Promise<WatchOutcome['outcome']> {
  const nowIso = now.toISOString();
  if (request.status === 'open' && request.acceptBy && request.acceptBy <= nowIso) {
    await resourcePart(request, 'sla_missed', 'fulfilment-watch', `not accepted by ${request.acceptBy}`, ports);
    return 'sla_missed';
  }
  if (request.status === 'ready_for_pickup' && request.pickupExpiresAt && request.pickupExpiresAt <= nowIso) {
    await expirePickup(request, ports);
    return 'pickup_expired';
  }
  if (request.status === 'sent_to_3pl' && request.providerOrderId) return pollProvider(request, now, ports);
  // Due for a reason that no longer holds (accepted in time, say): off the watch list.
  await ports.store.updateRequest({ ...request, dueAt: undefined, version: request.version + 1 }, request.version);
  return 'skipped';
}

/**
 * Confirms each shipment ShipBob made for the request through the shipment flow; when they cover the
 * request's units it is `shipped`, otherwise it is polled again in a minute.
 */
async function pollProvider(
  request: StoredRequest,
  now: Date,
  ports: FulfilmentPorts,
): Promise<WatchOutcome['outcome']> {
  // The request has its provider order id: pollProvider is only called for one that does.
  const shipments = await ports.shipbob.shipmentsOf(request.providerOrderId as string);
  for (const shipment of shipments) {
    const answer = await ports.confirmShipment({
      shipmentId: `shipbob-${shipment.shipmentId}`,
      orderId: request.orderId,
      locationId: request.locationId,
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      shippedAt: shipment.shippedAt,
      lines: shipment.lines,
    });
    if (answer.status >= 300)
      throw new Error(
        `ShipBob shipment ${shipment.shipmentId} was refused: ${String(answer.body.message ?? answer.status)}`,
      );
  }
  const shippedUnits = shipments.flatMap((s) => s.lines).reduce((sum, line) => sum + line.quantity, 0);
  const requestedUnits = request.lines.reduce((sum, line) => sum + line.quantity, 0);
  const next =
    shipments.length > 0 && shippedUnits >= requestedUnits
      ? moveRequest(request, 'shipped', 'shipbob', now)
      : { ...request, dueAt: new Date(now.getTime() + PROVIDER_POLL_MS).toISOString(), version: request.version + 1 };
  await ports.store.updateRequest(next, request.version);
  return next.status === 'shipped' ? 'shipped_by_3pl' : 'polled';
}
