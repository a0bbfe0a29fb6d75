import type { Order } from '#domain/kernel/order';
import { OrderReceived, RefundReported } from '#domain/intake';
import { BackorderFilled, InventoryReserved, ReservationRejected, ReservationReleased } from '#domain/inventory';
import { ErpSalesOrderPosted } from '#domain/erp';
import { ReturnReceived } from '#domain/returns';
import { PickupExpired } from '#domain/fulfilment';
import { ShipmentConfirmed } from './events';

/**
 * The scope under which the order-intake consumer records each order version once. It keeps no
 * idempotency record: whether a version was processed is whether it is the stored version.
 */
export const ORDER_INTAKE_SCOPE = 'order-intake';

/**
 * The business key of one version of a channel order: the same order, channel version and status is
 * the same fact, however many times and under whatever message ids it is delivered.
 */
export function orderVersionKey(order: Pick<Order, 'orderId' | 'channelUpdatedAt' | 'status'>): string {
  return `${order.orderId}#${order.channelUpdatedAt}#${order.status}`;
}

/** The order version an orderVersionKey names; undefined for a key it did not make. */
export function orderVersionOf(key: string): Pick<Order, 'orderId' | 'channelUpdatedAt' | 'status'> | undefined {
  const [orderId, channelUpdatedAt, status, ...rest] = key.split('#');
  return orderId && channelUpdatedAt && status && rest.length === 0
    ? ({ orderId, channelUpdatedAt, status } as Pick<Order, 'orderId' | 'channelUpdatedAt' | 'status'>)
    : undefined;
}

/**
 * The fabric events that move orders, and the consumer's routing rule lists exactly these. Built in a
 * call marked pure: reading a `detailType` at load counts as a side effect to the bundler, which would
 * then keep every one of these events' schemas in each function that imports this module for the
 * version key alone (the order store, the catch-up pull).
 */
export const LIFECYCLE_DETAIL_TYPES = /* @__PURE__ */ (() =>
  [
    OrderReceived.detailType,
    InventoryReserved.detailType,
    BackorderFilled.detailType,
    ReservationRejected.detailType,
    ReservationReleased.detailType,
    ErpSalesOrderPosted.detailType,
    ShipmentConfirmed.detailType,
    ReturnReceived.detailType,
    RefundReported.detailType,
    PickupExpired.detailType,
  ] as const)();
export type LifecycleDetailType = (typeof LIFECYCLE_DETAIL_TYPES)[number];
