import type { Order, SalesChannel } from '#domain/kernel/order';
import type { Shipment } from '#domain/kernel/shipment';
import type { OnceRunner } from '#domain/kernel/ports';
import { PermanentError, TransientError } from '#domain/kernel/errors';
import { shipmentSyncKey } from './model';

/** A shipment as the originating channel needs it: its own order and line ids, carrier and tracking. */
export interface ChannelShipment {
  shipmentId: string;
  channelOrderId: string;
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
  lines: { channelLineId: string; sku: string; quantity: number }[];
  /** Every unit of the order is in this shipment (some channels then close the order). */
  completesOrder: boolean;
}

/** A channel's fulfilment API. `confirmShipment` is safe to call again for the same shipment id where the channel allows. */
export interface ChannelFulfilmentApi {
  readonly channel: SalesChannel;
  confirmShipment(shipment: ChannelShipment): Promise<{ channelFulfilmentId?: string }>;
}

export class ShipmentNotSyncableError extends PermanentError {
  override name = 'ShipmentNotSyncableError';
}

/** The event names an order the order store does not hold (yet): retried by the queue, then held in the DLQ. */
export class OrderNotStoredError extends TransientError {
  override name = 'OrderNotStoredError';
}

/**
 * The shipment in the channel's terms, from the order it belongs to. Throws ShipmentNotSyncableError
 * naming the line when a shipped line is not on the order: a shipment must never be told to a
 * channel against the wrong lines.
 */
export function toChannelShipment(shipment: Shipment, order: Order): ChannelShipment {
  const lines = shipment.lines.map((line) => {
    const orderLine = order.lines.find((candidate) => candidate.lineId === line.lineId);
    if (!orderLine)
      throw new ShipmentNotSyncableError(
        `shipment ${shipment.shipmentId}: line ${line.lineId} is not on order ${order.orderId}`,
      );
    return { channelLineId: orderLine.channelLineId, sku: line.sku, quantity: line.quantity };
  });
  const shipped = new Map<string, number>();
  for (const line of shipment.lines) shipped.set(line.lineId, (shipped.get(line.lineId) ?? 0) + line.quantity);
  const completesOrder = order.lines.every((line) => (shipped.get(line.lineId) ?? 0) >= line.quantity);
  return {
    shipmentId: shipment.shipmentId,
    channelOrderId: order.channelOrderId,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    shippedAt: shipment.shippedAt,
    lines,
    completesOrder,
  };
}

export interface ShipmentSyncPorts {
  orders: { getOrder(orderId: string): Promise<{ order: Order } | undefined> };
  fulfilment: (channel: SalesChannel) => ChannelFulfilmentApi | undefined;
  once: OnceRunner;
}

export type ShipmentSyncOutcome =
  | { outcome: 'confirmed'; orderId: string; channel: SalesChannel; channelFulfilmentId?: string }
  | { outcome: 'no_channel_api'; orderId: string; channel: SalesChannel };

/**
 * Tells the order's channel about one shipment, at most once per shipment id (a redelivered event
 * gets the first run's outcome with duplicate: true). An order the fabric does not know yet throws
 * OrderNotStoredError, so the message is retried and, if the order never arrives, held in the
 * DLQ; a channel without a fulfilment API (POS) is recorded as such, not retried.
 */
export async function confirmShipmentToChannel(
  shipment: Shipment,
  ports: ShipmentSyncPorts,
): Promise<ShipmentSyncOutcome & { duplicate: boolean }> {
  return ports.once(shipmentSyncKey(shipment.shipmentId), async (): Promise<ShipmentSyncOutcome> => {
    const stored = await ports.orders.getOrder(shipment.orderId);
    if (!stored)
      throw new OrderNotStoredError(
        `shipment ${shipment.shipmentId}: order ${shipment.orderId} is not in the order store (yet)`,
      );
    const { order } = stored;
    const api = ports.fulfilment(order.channel);
    if (!api) return { outcome: 'no_channel_api', orderId: order.orderId, channel: order.channel };
    const { channelFulfilmentId } = await api.confirmShipment(toChannelShipment(shipment, order));
    return {
      outcome: 'confirmed',
      orderId: order.orderId,
      channel: order.channel,
      ...(channelFulfilmentId ? { channelFulfilmentId } : {}),
    };
  });
}
