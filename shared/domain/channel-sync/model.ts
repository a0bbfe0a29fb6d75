/**
 * The idempotency scopes and business keys of the channel-sync consumers: what each tells a channel
 * at most once, and what ops look up before a redrive.
 */

/**
 * The event id of the oversell incident of one order's SKU: the same whichever delivery or version of
 * the order found it, so the exceptions queue records a repeated check as the sighting it already has.
 */
export function oversellIncidentId(orderId: string, sku: string): string {
  return `oversell:${orderId}:${sku}`;
}

export const SHIPMENT_SYNC_SCOPE = 'channel-shipment-sync';

export function shipmentSyncKey(shipmentId: string): string {
  return `shipment#${shipmentId}`;
}

export const CANCELLATION_SYNC_SCOPE = 'channel-cancellation-sync';

export function cancellationSyncKey(orderId: string): string {
  return `cancellation#${orderId}`;
}

export const RETURN_SYNC_SCOPE = 'channel-return-sync';

export function returnSyncKey(returnId: string): string {
  return `return#${returnId}`;
}

export const PICKUP_SYNC_SCOPE = 'channel-pickup-sync';

/** One "ready for pickup" per order and store: a part re-sourced to another store is a pickup of its own. */
export function pickupSyncKey(orderId: string, locationId: string): string {
  return `pickup#${orderId}#${locationId}`;
}
