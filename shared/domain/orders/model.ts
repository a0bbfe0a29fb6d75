import type { Order } from '../kernel/order';

/** The idempotency scope under which the order-intake consumer records each order version once. */
export const ORDER_INTAKE_SCOPE = 'order-intake';

/**
 * The business key of one version of a channel order: the same order, channel version and status is
 * the same fact, however many times and under whatever message ids it is delivered.
 */
export function orderVersionKey(order: Pick<Order, 'orderId' | 'channelUpdatedAt' | 'status'>): string {
  return `${order.orderId}#${order.channelUpdatedAt}#${order.status}`;
}
