/**
 * The idempotency scopes and business keys of the channel-sync consumers: what each tells a channel
 * at most once, and what ops look up before a redrive.
 */

export const OVERSELL_CHECK_SCOPE = 'channel-oversell-check';

/** One check per order: a later version of the same order is not a second sale. */
export function oversellCheckKey(orderId: string): string {
  return `oversell#${orderId}`;
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
