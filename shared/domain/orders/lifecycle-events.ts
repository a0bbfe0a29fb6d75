import { setTimeout as pause } from 'node:timers/promises';
import { createEvent, parseEvent } from '#domain/kernel/event';
import { OrderReceived, RefundReported } from '#domain/intake';
import { BackorderFilled, InventoryReserved, ReservationRejected, ReservationReleased } from '#domain/inventory';
import { ErpSalesOrderPosted } from '#domain/erp';
import { ReturnReceived } from '#domain/returns';
import { PickupExpired } from '#domain/fulfilment';
import { OrderStateChanged, OrderTransitionRefused, ShipmentConfirmed } from './events';
import type { FabricEvent } from '#domain/kernel/event';
import type { EventPublisher } from '#domain/kernel/ports';
import {
  LifecycleEventEarlyError,
  applyLifecycleEvent,
  type LifecycleEvent,
  type LifecycleOutcome,
  type LifecycleStore,
} from './lifecycle';
import type { LifecycleDetailType } from './model';

/** The lifecycle's key for a shipment: an order's lifecycle applies each shipment id once, and remembers it for good. */
export const shipmentLifecycleKey = (shipmentId: string) => `shipment:${shipmentId}`;

/**
 * What a fabric event means to order lifecycles: zero or more (order, lifecycle event) pairs. Events
 * that say nothing about the lifecycle (a partly refused reservation, whose held part arrives as
 * InventoryReserved; an expired reservation; a return no order was found for) map to none.
 */
export function lifecycleEventsOf(
  body: string,
  detailType: LifecycleDetailType,
): { orderId: string; event: LifecycleEvent; source: FabricEvent }[] {
  switch (detailType) {
    case 'OrderReceived': {
      const source = parseEvent(body, OrderReceived);
      const { order } = source.data;
      const received = {
        orderId: order.orderId,
        source,
        event: {
          on: 'order_received',
          key: 'received',
          lines: order.lines.map(({ lineId, channelLineId, quantity }) => ({ lineId, channelLineId, quantity })),
          totalMinor: order.totals.total.amountMinor,
        } as const,
      };
      return order.status === 'cancelled'
        ? [received, { orderId: order.orderId, source, event: { on: 'order_cancelled', key: 'cancelled' } }]
        : [received];
    }
    case 'InventoryReserved': {
      const source = parseEvent(body, InventoryReserved);
      // What a backordered order holds is not its reservation: it stays backordered until BackorderFilled.
      if (source.data.backordered) return [];
      return [{ orderId: source.data.orderId, source, event: { on: 'stock_reserved', key: 'reservation' } }];
    }
    case 'BackorderFilled': {
      const source = parseEvent(body, BackorderFilled);
      return [{ orderId: source.data.orderId, source, event: { on: 'stock_reserved', key: 'backorder-filled' } }];
    }
    case 'ReservationRejected': {
      const source = parseEvent(body, ReservationRejected);
      const { orderId, outcome } = source.data;
      if (outcome === 'backordered') return [{ orderId, source, event: { on: 'stock_backordered', key: 'backorder' } }];
      if (outcome === 'rejected') return [{ orderId, source, event: { on: 'stock_refused', key: 'stock_refused' } }];
      return [];
    }
    case 'ReservationReleased': {
      const source = parseEvent(body, ReservationReleased);
      return source.data.reason === 'ORDER_CANCELLED'
        ? [{ orderId: source.data.orderId, source, event: { on: 'order_cancelled', key: 'cancelled' } }]
        : [];
    }
    case 'ErpSalesOrderPosted': {
      const source = parseEvent(body, ErpSalesOrderPosted);
      return [
        {
          orderId: source.data.orderId,
          source,
          event: { on: 'erp_posted', key: 'erp', erpDocumentId: source.data.erpDocumentId },
        },
      ];
    }
    case 'ShipmentConfirmed': {
      const source = parseEvent(body, ShipmentConfirmed);
      const { shipment } = source.data;
      return [
        {
          orderId: shipment.orderId,
          source,
          event: {
            on: 'shipment_confirmed',
            key: shipmentLifecycleKey(shipment.shipmentId),
            lines: shipment.lines.map(({ lineId, quantity }) => ({ lineId, quantity })),
          },
        },
      ];
    }
    case 'PickupExpired': {
      const source = parseEvent(body, PickupExpired);
      return [{ orderId: source.data.orderId, source, event: { on: 'pickup_expired', key: 'pickup_expired' } }];
    }
    case 'ReturnReceived': {
      const source = parseEvent(body, ReturnReceived);
      const { customerReturn } = source.data;
      if (!customerReturn.orderId) return [];
      const units = customerReturn.lines.reduce((sum, line) => sum + line.quantity, 0);
      return [
        {
          orderId: customerReturn.orderId,
          source,
          event: { on: 'return_received', key: `return:${customerReturn.returnId}`, units },
        },
      ];
    }
    case 'RefundReported': {
      const source = parseEvent(body, RefundReported);
      const { refund } = source.data;
      return [
        {
          orderId: refund.orderId,
          source,
          event: {
            on: 'refund_reported',
            key: `refund:${refund.channel}:${refund.channelRefundId}`,
            amountMinor: refund.amount.amountMinor,
            cancelled: refund.lines
              .filter((line) => line.restockType === 'cancel' && line.quantity > 0)
              .map(({ channelLineId, quantity }) => ({ channelLineId, quantity })),
          },
        },
      ];
    }
  }
}

/**
 * Applies every lifecycle event a fabric event carries and publishes what happened:
 * `OrderStateChanged` for a move (again for a redelivered one, so a publish lost after the write is
 * not lost for good; consumers key on order and version) and `OrderTransitionRefused` for a refusal,
 * which the store has recorded on the order. Throws LifecycleEventEarlyError for an early event.
 */
export async function moveOrders(
  body: string,
  detailType: LifecycleDetailType,
  ports: { store: LifecycleStore; publisher: EventPublisher; sleep?: (ms: number) => Promise<void> },
): Promise<string[]> {
  const results: string[] = [];
  for (const { orderId, event, source } of lifecycleEventsOf(body, detailType)) {
    const outcome = await applyWithPatience(
      () => applyLifecycleEvent(ports.store, orderId, event, { eventId: source.id }),
      ports.sleep,
    );
    const trace = { correlationId: orderId, causationId: source.id };
    if (outcome.outcome === 'refused') {
      await ports.publisher.publish([
        createEvent(
          OrderTransitionRefused,
          {
            orderId,
            from: outcome.from,
            to: outcome.to,
            on: event.on,
            refusedEventType: source.detailType,
            refusedEventId: source.id,
            reason: outcome.reason,
          },
          trace,
        ),
      ]);
    } else if (outcome.from !== outcome.to) {
      await ports.publisher.publish([
        createEvent(
          OrderStateChanged,
          { orderId, from: outcome.from, to: outcome.to, version: outcome.version, on: event.on },
          trace,
        ),
      ]);
    }
    results.push(`${orderId}:${event.on}:${outcome.outcome}`);
  }
  return results;
}

/**
 * Events published together (OrderReceived, then the InventoryReserved it caused) often reach two
 * pollers at once: an early event waits up to a second and a half in the invocation before its
 * record goes back to the queue for a whole visibility timeout.
 */
async function applyWithPatience(
  apply: () => Promise<LifecycleOutcome>,
  sleep: (ms: number) => Promise<void> = pause,
): Promise<LifecycleOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await apply();
    } catch (error) {
      if (!(error instanceof LifecycleEventEarlyError) || attempt >= 4) throw error;
      await sleep(250 * attempt);
    }
  }
}
