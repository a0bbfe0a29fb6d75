import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { DynamoErpDocumentReferences } from '#shared/adapters/erp-document-references';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { orderTimeline, type OrderTraceStep } from '#domain/kernel/event-trail';
import type { Money } from '#domain/kernel/money';
import type { SalesChannel } from '#domain/kernel/order';
import type { LifecycleHistoryEntry, LifecycleRefusal, LifecycleState, OrderStanding, OrderView } from '#domain/orders';
import type { LineReservation, ReservationStatus } from '#domain/inventory';
import type { SourcingDecision } from '#domain/fulfilment';
import { BUSINESS_CENTRAL } from '#shared/erp/business-central/business-central.client';

/**
 * What the CLI (`ops order show|trace`) and the order API read about orders, computed once here: the
 * CLI prints it, the API answers it as JSON.
 */

/** The stores an order is read from. */
export interface OrderReadStores {
  orders: Pick<DynamoOrderRepository, 'viewOrder' | 'findOrderId' | 'orderIdsWithSku'>;
  lifecycles: Pick<DynamoLifecycleStore, 'load' | 'history'>;
  reservations: Pick<DynamoInventoryStore, 'readReservation'>;
  erpDocuments: Pick<DynamoErpDocumentReferences, 'find'>;
  trail: Pick<DynamoEventTrail, 'forCorrelation'>;
}

export function orderReadStores(tables: {
  orders: string;
  crossReference: string;
  inventory: string;
  eventTrail: string;
}): OrderReadStores {
  return {
    orders: new DynamoOrderRepository(tables.orders, tables.crossReference),
    lifecycles: new DynamoLifecycleStore(tables.orders),
    reservations: new DynamoInventoryStore(tables.inventory),
    erpDocuments: new DynamoErpDocumentReferences(tables.crossReference),
    trail: new DynamoEventTrail(tables.eventTrail),
  };
}

/** Units of one order line held, or once held, at one location. */
export interface ReservedUnits {
  lineId: string;
  sku: string;
  locationId: string;
  quantity: number;
  /** Units no longer held: shipped, or released because the line shipped from elsewhere. */
  consumed: number;
  state: 'reserved' | 'released' | 'fulfilled';
}

export interface OrderReservation {
  status: ReservationStatus;
  expiresAt?: string;
  updatedAt: string;
  lines: LineReservation[];
  units: ReservedUnits[];
  /** Which sourcing rule chose the locations, and why (absent on reservations decided before sourcing rules). */
  sourcing?: SourcingDecision;
}

export interface OrderErpDocument {
  erp: string;
  documentType: 'sales_order';
  key: string;
  erpDocumentId?: string;
  erpDocumentNumber?: string;
  recordedAt?: string;
  /** Set while a consumer holds the document's lease: posting it, or waiting out a post in doubt. */
  postingUntil?: string;
}

/** An order as a person reads it: the order view, its lifecycle, the stock it holds and its ERP documents. */
export interface OrderDetail extends OrderView {
  lifecycle?: {
    state: LifecycleState;
    version: number;
    moves: (LifecycleHistoryEntry & { version: number })[];
    refusals: LifecycleRefusal[];
  };
  reservation?: OrderReservation;
  erpDocuments: OrderErpDocument[];
}

/** Everything known about an order, or undefined when the fabric knows neither a canonical nor a held order. */
export async function orderDetail(stores: OrderReadStores, orderId: string): Promise<OrderDetail | undefined> {
  const [view, lifecycle, history, reservation, salesOrder] = await Promise.all([
    stores.orders.viewOrder(orderId),
    stores.lifecycles.load(orderId),
    stores.lifecycles.history(orderId),
    stores.reservations.readReservation(orderId),
    stores.erpDocuments.find(BUSINESS_CENTRAL, 'sales_order', orderId),
  ]);
  if (!view) return undefined;
  return {
    ...view,
    ...(lifecycle ? { lifecycle: { state: lifecycle.state, version: lifecycle.version, ...history } } : {}),
    ...(reservation.header
      ? {
          reservation: {
            status: reservation.header.status,
            ...(reservation.header.expiresAt ? { expiresAt: reservation.header.expiresAt } : {}),
            updatedAt: reservation.header.updatedAt,
            lines: reservation.header.lines,
            units: unitsByLocation(reservation.parts),
            ...(reservation.header.sourcing ? { sourcing: reservation.header.sourcing } : {}),
          },
        }
      : {}),
    erpDocuments: salesOrder
      ? [
          {
            erp: BUSINESS_CENTRAL,
            documentType: 'sales_order',
            key: orderId,
            ...(salesOrder.document ?? {}),
            ...(salesOrder.recordedAt ? { recordedAt: salesOrder.recordedAt } : {}),
            ...(salesOrder.postingUntil ? { postingUntil: salesOrder.postingUntil } : {}),
          },
        ]
      : [],
  };
}

/** The order a channel knows by its own id, read as `orderDetail` reads it. */
export async function orderDetailByChannel(
  stores: OrderReadStores,
  channel: SalesChannel,
  channelOrderId: string,
): Promise<OrderDetail | undefined> {
  const orderId = await stores.orders.findOrderId(channel, channelOrderId);
  return orderId ? orderDetail(stores, orderId) : undefined;
}

/** A hot SKU's buckets each hold part of a line's units: a person reads one figure per line, location and state. */
function unitsByLocation(
  parts: readonly {
    status: ReservedUnits['state'];
    allocations: readonly { lineId: string; sku: string; locationId: string; quantity: number; consumed: number }[];
  }[],
): ReservedUnits[] {
  const units = new Map<string, ReservedUnits>();
  for (const part of parts)
    for (const allocation of part.allocations) {
      const key = [allocation.lineId, allocation.sku, allocation.locationId, part.status].join('\u0000');
      const known = units.get(key);
      if (known) {
        known.quantity += allocation.quantity;
        known.consumed += allocation.consumed;
      } else
        units.set(key, {
          lineId: allocation.lineId,
          sku: allocation.sku,
          locationId: allocation.locationId,
          quantity: allocation.quantity,
          consumed: allocation.consumed,
          state: part.status,
        });
    }
  return [...units.values()];
}

export interface OrderTrace {
  orderId: string;
  view?: OrderView;
  steps: OrderTraceStep[];
}

/** GET /orders/{orderId}/trace: the steps without the order view, which GET /orders/{orderId} answers. */
export type OrderTraceAnswer = Omit<OrderTrace, 'view'>;

/**
 * An order's whole path through the fabric, oldest first: what its stores recorded (versions, the hold,
 * lifecycle moves and refusals) and every event about it at every queue, with timings. Undefined when
 * nothing at all is known of the order.
 */
export async function orderTrace(stores: OrderReadStores, orderId: string): Promise<OrderTrace | undefined> {
  const [view, trail, { moves, refusals }, { header }] = await Promise.all([
    stores.orders.viewOrder(orderId),
    stores.trail.forCorrelation(orderId),
    stores.lifecycles.history(orderId),
    stores.reservations.readReservation(orderId),
  ]);
  const sourcing = header?.sourcing;
  if (!view && trail.length === 0) return undefined;
  const recorded = [
    ...(view?.held ? [{ at: view.held.heldAt, what: `order held: ${view.held.reason}` }] : []),
    ...(view?.history ?? []).map((entry) => ({
      at: entry.recordedAt,
      what: `order ${entry.change} (${entry.status})`,
    })),
    ...moves.map((move) => ({ at: move.recordedAt, what: `lifecycle ${move.from} -> ${move.to} on ${move.on}` })),
    ...refusals.map((refusal) => ({
      at: refusal.recordedAt,
      what: `lifecycle refused ${refusal.on}: ${refusal.from} -> ${refusal.to}`,
    })),
    ...(sourcing && header
      ? [{ at: sourcing.decidedAt ?? header.updatedAt, what: `stock sourced (${header.status}): ${sourcing.reason}` }]
      : []),
  ];
  return { orderId, ...(view ? { view } : {}), steps: orderTimeline(recorded, trail) };
}

/** One order in a list: enough to recognise it and open it. */
export interface OrderSummary {
  orderId: string;
  channel: SalesChannel;
  channelOrderId: string;
  channelOrderNumber?: string;
  placedAt: string;
  status: OrderStanding;
  total: Money;
  /** Units of the SKU searched for, over all the order's lines. */
  quantity: number;
}

/** GET /orders?sku=: the orders carrying the SKU, and whether more were recorded than listed. */
export interface OrdersWithSku {
  sku: string;
  orders: OrderSummary[];
  more: boolean;
}

/** At most this many orders a page: each is read whole to check it still carries the SKU. */
export const ORDERS_BY_SKU_LIMIT = 100;

/**
 * The orders that carry an internal SKU, newest placed first, at most `limit` (up to
 * ORDERS_BY_SKU_LIMIT), and whether more were recorded. An order whose latest version dropped the SKU is
 * left out; orders held before any of their lines mapped carry no SKU yet and are found by order id.
 */
export async function ordersWithSku(stores: OrderReadStores, sku: string, limit = 25): Promise<OrdersWithSku> {
  const { orderIds, more } = await stores.orders.orderIdsWithSku(sku, Math.min(limit, ORDERS_BY_SKU_LIMIT));
  const views = await Promise.all(orderIds.map((orderId) => stores.orders.viewOrder(orderId)));
  const orders = views.flatMap((view): OrderSummary[] => {
    const order = view?.order;
    const lines = order?.lines.filter((line) => line.sku === sku) ?? [];
    if (!view || !order || lines.length === 0) return [];
    return [
      {
        orderId: view.orderId,
        channel: order.channel,
        channelOrderId: order.channelOrderId,
        ...(order.channelOrderNumber ? { channelOrderNumber: order.channelOrderNumber } : {}),
        placedAt: order.placedAt,
        status: view.status,
        total: order.totals.total,
        quantity: lines.reduce((units, line) => units + line.quantity, 0),
      },
    ];
  });
  return { sku, orders, more };
}
