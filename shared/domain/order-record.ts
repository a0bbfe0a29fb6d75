import type { Order, OrderStatus, SalesChannel } from './order';

/** One line of an order's state history: what changed it, when, and from which event. */
export interface OrderHistoryEntry {
  recordedAt: string;
  change: 'created' | 'updated' | 'stale_update_ignored';
  status: OrderStatus;
  channelUpdatedAt: string;
  eventId: string;
  deliveryId: string;
}

export interface OrderWithHistory {
  order: Order;
  history: OrderHistoryEntry[];
}

/** The idempotency scope under which the order-intake consumer records each order version once. */
export const ORDER_INTAKE_SCOPE = 'order-intake';

/**
 * The business key of one version of a channel order: the same order, channel version and status is
 * the same fact, however many times and under whatever message ids it is delivered.
 */
export function orderVersionKey(order: Pick<Order, 'orderId' | 'channelUpdatedAt' | 'status'>): string {
  return `${order.orderId}#${order.channelUpdatedAt}#${order.status}`;
}

export type RecordOrderResult = 'created' | 'updated' | 'stale_update_ignored';

/** Where canonical orders live. Implementations must make `recordOrder` atomic. */
export interface OrderRepository {
  /**
   * Stores a version of a channel order: creates it, or replaces it when this version's
   * channelUpdatedAt is newer than the stored one. An older version arriving late changes nothing but
   * the history (`stale_update_ignored`). The cross-reference (channel, channelOrderId) -> orderId is
   * written in the same transaction.
   */
  recordOrder(order: Order, source: { eventId: string; deliveryId: string }): Promise<RecordOrderResult>;
  getOrder(orderId: string): Promise<OrderWithHistory | undefined>;
  findOrderId(channel: SalesChannel, channelOrderId: string): Promise<string | undefined>;
}
