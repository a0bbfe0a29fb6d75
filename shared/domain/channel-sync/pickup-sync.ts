import type { Order, SalesChannel } from '#domain/kernel/order';
import type { OnceRunner } from '#domain/kernel/ports';
import { PermanentError } from '#domain/kernel/errors';
import { OrderNotStoredError } from './shipment-sync';
import { pickupSyncKey } from './model';

/** A pickup waiting at a store, as the fulfilment capability announces it (PickupReady's data). */
export interface PickupAtStore {
  orderId: string;
  locationId: string;
  /** The store as the channel names it, when the inventory policy maps it. */
  channelLocationId?: string;
  pickupCode: string;
  readyAt: string;
  lines: { lineId: string; channelLineId?: string; sku: string; quantity: number }[];
}

/** The pickup in the channel's terms: its order and line ids, and the store as the channel names it. */
export interface ChannelPickup {
  orderId: string;
  channelOrderId: string;
  /** The channel's id of the store; absent when neither the event nor the order names one. */
  channelLocationId?: string;
  pickupCode: string;
  readyAt: string;
  lines: { channelLineId: string; sku: string; quantity: number }[];
}

/**
 * A channel's way of telling the customer an order waits at the store. `pickupReady` may be called
 * again for the same order and store after a lost answer: each channel's implementation says how it
 * stays single.
 */
export interface ChannelPickupApi {
  readonly channel: SalesChannel;
  pickupReady(pickup: ChannelPickup): Promise<{ channelReference?: string }>;
}

/** The channel cannot take this pickup as told (no pickup of the order at that store there): a person must look. */
export class PickupNotSyncableError extends PermanentError {
  override name = 'PickupNotSyncableError';
}

/**
 * The pickup in the channel's terms, from the order it belongs to: each line's channel id (the
 * event's, else the order's), and the store as the event or else the order's delivery names it.
 * Throws PickupNotSyncableError naming the line when a line is not on the order.
 */
export function toChannelPickup(pickup: PickupAtStore, order: Order): ChannelPickup {
  const lines = pickup.lines.map((line) => {
    const channelLineId =
      line.channelLineId ?? order.lines.find((candidate) => candidate.lineId === line.lineId)?.channelLineId;
    if (!channelLineId)
      throw new PickupNotSyncableError(
        `pickup of order ${order.orderId} at ${pickup.locationId}: line ${line.lineId} is not on the order`,
      );
    return { channelLineId, sku: line.sku, quantity: line.quantity };
  });
  const channelLocationId = pickup.channelLocationId ?? order.delivery?.channelLocationId;
  return {
    orderId: order.orderId,
    channelOrderId: order.channelOrderId,
    ...(channelLocationId ? { channelLocationId } : {}),
    pickupCode: pickup.pickupCode,
    readyAt: pickup.readyAt,
    lines,
  };
}

export interface PickupSyncPorts {
  orders: { getOrder(orderId: string): Promise<{ order: Order } | undefined> };
  pickups: (channel: SalesChannel) => ChannelPickupApi | undefined;
  once: OnceRunner;
}

export type PickupSyncOutcome =
  | { outcome: 'told'; orderId: string; channel: SalesChannel; channelReference?: string }
  | { outcome: 'no_channel_api'; orderId: string; channel: SalesChannel };

/**
 * Tells the order's channel that its pickup waits at the store, with the pickup code, at most once per
 * order and store (a redelivered PickupReady gets the first run's outcome with duplicate: true). An
 * order the fabric does not know yet throws OrderNotStoredError (retried, then held in the DLQ); a
 * channel with no way to tell its customer here is recorded as `no_channel_api` for the store to call
 * the customer.
 */
export async function tellChannelPickupReady(
  pickup: PickupAtStore,
  ports: PickupSyncPorts,
): Promise<PickupSyncOutcome & { duplicate: boolean }> {
  return ports.once(pickupSyncKey(pickup.orderId, pickup.locationId), async (): Promise<PickupSyncOutcome> => {
    const stored = await ports.orders.getOrder(pickup.orderId);
    if (!stored)
      throw new OrderNotStoredError(
        `pickup at ${pickup.locationId}: order ${pickup.orderId} is not in the order store (yet)`,
      );
    const { order } = stored;
    const api = ports.pickups(order.channel);
    if (!api) return { outcome: 'no_channel_api', orderId: order.orderId, channel: order.channel };
    const { channelReference } = await api.pickupReady(toChannelPickup(pickup, order));
    return {
      outcome: 'told',
      orderId: order.orderId,
      channel: order.channel,
      ...(channelReference ? { channelReference } : {}),
    };
  });
}
