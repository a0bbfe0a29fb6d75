import type { Money } from '#domain/kernel/money';
import type { Order, SalesChannel } from '#domain/kernel/order';
import type { EventPublisher, OnceRunner } from '#domain/kernel/ports';
import { createEvent } from '#domain/kernel/event';
import { ChannelCancellationNeeded } from './events';
import { OrderNotStoredError } from './shipment-sync';
import { cancellationSyncKey } from './model';

/**
 * Why the fabric cancelled an order: stock could not cover it (the lifecycle's `stock_refused`), or the
 * customer never collected it from the store within the pickup hold (`pickup_expired`).
 */
export type CancellationReason = 'OUT_OF_STOCK' | 'PICKUP_EXPIRED';

/** The reason for a lifecycle move into `cancelled` the fabric made itself; undefined for any other move. */
export function cancellationReasonFor(on: string): CancellationReason | undefined {
  if (on === 'stock_refused') return 'OUT_OF_STOCK';
  if (on === 'pickup_expired') return 'PICKUP_EXPIRED';
  return undefined;
}

/** An order the fabric (not the channel) cancelled, as the channel is asked to cancel and refund it. */
export interface ChannelCancellation {
  orderId: string;
  channelOrderId: string;
  reason: CancellationReason;
  /** What the customer paid, for channels whose cancellation does not refund by itself. */
  total: Money;
}

export interface ChannelCancellationApi {
  readonly channel: SalesChannel;
  cancelOrder(cancellation: ChannelCancellation): Promise<void>;
}

export interface CancellationSyncPorts {
  orders: { getOrder(orderId: string): Promise<{ order: Order } | undefined> };
  cancellation: (channel: SalesChannel) => ChannelCancellationApi | undefined;
  once: OnceRunner;
  publisher: EventPublisher;
}

/**
 * Asks the order's channel to cancel (and refund) an order the fabric cancelled, at most once per order.
 * Only fabric decisions come here (the routing rule matches the lifecycle's `stock_refused` and
 * `pickup_expired` moves): a cancellation the channel itself sent is never echoed back to it. A channel
 * without a cancellation API raises ChannelCancellationNeeded (`no_channel_api`): the customer paid, and
 * only a person can cancel and refund the order there, so it goes to the exceptions work queue.
 */
export async function cancelOnChannel(
  orderId: string,
  ports: CancellationSyncPorts,
  reason: CancellationReason = 'OUT_OF_STOCK',
  trace: { causationId?: string } = {},
) {
  return ports.once(cancellationSyncKey(orderId), async () => {
    const stored = await ports.orders.getOrder(orderId);
    if (!stored) throw new OrderNotStoredError(`order ${orderId} is not in the order store (yet)`);
    const { order } = stored;
    const api = ports.cancellation(order.channel);
    if (!api) {
      await ports.publisher.publish([
        createEvent(
          ChannelCancellationNeeded,
          {
            orderId,
            channel: order.channel,
            channelOrderId: order.channelOrderId,
            reason,
            total: order.totals.total,
          },
          { correlationId: orderId, ...trace },
        ),
      ]);
      return { outcome: 'no_channel_api' as const, orderId, channel: order.channel };
    }
    await api.cancelOrder({ orderId, channelOrderId: order.channelOrderId, reason, total: order.totals.total });
    return { outcome: 'cancelled' as const, orderId, channel: order.channel };
  });
}
