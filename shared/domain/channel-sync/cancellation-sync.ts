import type { Order, SalesChannel } from '#domain/kernel/order';
import type { OnceRunner } from '#domain/kernel/ports';
import { OrderNotStoredError } from './shipment-sync';
import { cancellationSyncKey } from './model';

/** An order the fabric (not the channel) cancelled, as the channel is asked to cancel it. */
export interface ChannelCancellation {
  orderId: string;
  channelOrderId: string;
  /** Why the fabric cancelled: it could not cover the order from stock. */
  reason: 'OUT_OF_STOCK';
}

export interface ChannelCancellationApi {
  readonly channel: SalesChannel;
  cancelOrder(cancellation: ChannelCancellation): Promise<void>;
}

export interface CancellationSyncPorts {
  orders: { getOrder(orderId: string): Promise<{ order: Order } | undefined> };
  cancellation: (channel: SalesChannel) => ChannelCancellationApi | undefined;
  once: OnceRunner;
}

/**
 * Asks the order's channel to cancel an order the fabric refused for stock, at most once per order.
 * Only fabric decisions come here (the routing rule matches the lifecycle's `stock_refused` move): a
 * cancellation the channel itself sent is never echoed back to it. A channel without a cancellation
 * API is recorded as such (`no_channel_api`) for a person to act on.
 */
export async function cancelOnChannel(orderId: string, ports: CancellationSyncPorts) {
  return ports.once(cancellationSyncKey(orderId), async () => {
    const stored = await ports.orders.getOrder(orderId);
    if (!stored) throw new OrderNotStoredError(`order ${orderId} is not in the order store (yet)`);
    const { order } = stored;
    const api = ports.cancellation(order.channel);
    if (!api) return { outcome: 'no_channel_api' as const, orderId, channel: order.channel };
    await api.cancelOrder({ orderId, channelOrderId: order.channelOrderId, reason: 'OUT_OF_STOCK' });
    return { outcome: 'cancelled' as const, orderId, channel: order.channel };
  });
}
