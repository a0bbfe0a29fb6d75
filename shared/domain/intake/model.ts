import type { SalesChannel } from '#domain/kernel/order';

/** The idempotency scope of order fetches, and the business key: one fetch per notification delivery. */
export const ORDER_FETCH_SCOPE = 'channel-order-fetch';
export function orderFetchKey(channel: SalesChannel, deliveryId: string): string {
  return `${channel}#fetch#${deliveryId}`;
}
