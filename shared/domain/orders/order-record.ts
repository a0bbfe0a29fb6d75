import type { Order, OrderStatus, SalesChannel } from '#domain/kernel/order';
import type { LifecycleState } from './lifecycle';
import type { FieldIssue } from '#domain/kernel/validation';

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

/**
 * A verified channel order the fabric could not map as it stands (money that does not balance, a rule
 * the payload breaks): kept with the verdict's field paths and the archive key of the delivery that
 * carried it, so a person can see it and a fix can map it again from the archive.
 */
export interface HeldOrder {
  orderId: string;
  channel: SalesChannel;
  channelOrderId: string;
  reason: string;
  details: FieldIssue[];
  archiveKey?: string;
  heldAt: string;
}

/** The one status a user reads: the lifecycle's, or needs_attention while the order is held. */
export type OrderStanding = LifecycleState | 'needs_attention';

/** An order as a user reads it (GET /orders/..., `ops order show`): one status, the channel's beside it. */
export interface OrderView {
  orderId: string;
  status: OrderStanding;
  /** What the channel says of the order; absent while no canonical order could be mapped. */
  channelStatus?: OrderStatus;
  order?: Order;
  held?: HeldOrder;
  history: OrderHistoryEntry[];
}

/**
 * Where an order stands: held (no canonical order yet, or one with an unresolved line) is
 * needs_attention; otherwise its lifecycle state, or received before the lifecycle consumer has run.
 */
export function orderStanding(order: Order | undefined, lifecycleState: LifecycleState | undefined): OrderStanding {
  if (!order || order.status === 'needs_attention') return 'needs_attention';
  return lifecycleState ?? 'received';
}

export type RecordOrderResult = 'created' | 'updated' | 'stale_update_ignored';
/** What recording a version did: a history entry's change, or `duplicate` when that very version was stored already. */
export type RecordOrderOutcome = RecordOrderResult | 'duplicate';

/** Where canonical orders live. Implementations must store each version once, whatever races it. */
export interface OrderRepository {
  /**
   * Stores a version of a channel order: creates it, or replaces it when this version's
   * channelUpdatedAt is newer than the stored one. An older version arriving late changes nothing but
   * the history (`stale_update_ignored`). The same version mapped again after a fix (a SKU mapped since)
   * replaces a stored version held as needs_attention, once. The same version stored already is a
   * `duplicate` and changes nothing, so a redelivery or a replay of it has one effect. The
   * cross-reference (channel, channelOrderId) -> orderId is written before the order, and one that
   * names another order id stores nothing.
   */
  recordOrder(order: Order, source: { eventId: string; deliveryId: string }): Promise<RecordOrderOutcome>;
  getOrder(orderId: string): Promise<OrderWithHistory | undefined>;
  /** Keeps a held order and its cross-reference; holding it again changes nothing. */
  holdOrder(held: HeldOrder): Promise<void>;
  /** The order as a user reads it: canonical or held, with one status; undefined when the fabric knows neither. */
  viewOrder(orderId: string): Promise<OrderView | undefined>;
  findOrderId(channel: SalesChannel, channelOrderId: string): Promise<string | undefined>;
}
