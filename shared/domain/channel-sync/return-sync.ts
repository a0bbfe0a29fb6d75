import { sumMoney, type Money } from '#domain/kernel/money';
import type { Order, SalesChannel } from '#domain/kernel/order';
import type { OnceRunner } from '#domain/kernel/ports';
import type { CustomerReturn } from '#domain/returns';
import { OrderNotStoredError } from './shipment-sync';
import { PermanentError } from '#domain/kernel/errors';
import { returnSyncKey } from './model';
import { findReturnedOrder, goesToDamaged, returnedOrderLine, type ReturnOrderLookup } from '#domain/returns';

/**
 * A return taken somewhere other than the order's channel (a store taking back a web order), as that
 * channel is told of it: its own order and line ids, what came back and whether it went back on sale.
 * The customer was already refunded where the goods came back, so the channel records the return
 * without paying anyone.
 */
export interface ChannelReturn {
  returnId: string;
  orderId: string;
  channelOrderId: string;
  /** Where the goods came back. */
  receivedThrough: SalesChannel;
  receivedAt: string;
  lines: {
    channelLineId: string;
    sku: string;
    quantity: number;
    reasonCode: string;
    restocked: boolean;
    refund: Money;
  }[];
  /** What the receiver paid back in all, in the order's currency. */
  refunded: Money;
}

/** A channel's API for recording a return it did not take itself. */
export interface ChannelReturnApi {
  readonly channel: SalesChannel;
  recordReturn(channelReturn: ChannelReturn): Promise<{ channelRefundId?: string }>;
}

export class ReturnNotSyncableError extends PermanentError {
  override name = 'ReturnNotSyncableError';
}

/**
 * The return in the channel's terms, its lines correlated as return-intake correlates them (order line
 * id, else SKU). Throws ReturnNotSyncableError naming the line when a returned line is not on the order:
 * a channel must never be told of a return against the wrong lines.
 */
export function toChannelReturn(customerReturn: CustomerReturn, order: Order): ChannelReturn {
  const lines = customerReturn.lines.map((line, i) => {
    const orderLine = returnedOrderLine(order, line);
    if (!orderLine)
      throw new ReturnNotSyncableError(
        `return ${customerReturn.returnId}: line ${i + 1} (${line.sku}) is not on order ${order.orderId}`,
      );
    return {
      channelLineId: orderLine.channelLineId,
      sku: line.sku,
      quantity: line.quantity,
      reasonCode: line.reasonCode,
      restocked: !goesToDamaged(line),
      refund: line.refund,
    };
  });
  return {
    returnId: customerReturn.returnId,
    orderId: order.orderId,
    channelOrderId: order.channelOrderId,
    receivedThrough: customerReturn.receivedThrough,
    receivedAt: customerReturn.receivedAt,
    lines,
    refunded: sumMoney(
      order.currency,
      lines.map((line) => line.refund),
    ),
  };
}

export interface ReturnSyncPorts {
  orders: ReturnOrderLookup;
  returns: (channel: SalesChannel) => ChannelReturnApi | undefined;
  once: OnceRunner;
}

export type ReturnSyncOutcome =
  | { outcome: 'recorded'; orderId: string; channel: SalesChannel; channelRefundId?: string }
  | { outcome: 'no_channel_api'; orderId: string; channel: SalesChannel }
  | { outcome: 'reported_by_channel'; orderId: string; channel: SalesChannel };

/**
 * Tells the order's channel of a return received elsewhere, at most once per return id (a redelivered
 * event gets the first run's outcome with duplicate: true). A return the order's own channel reported
 * (a marketplace refund webhook) is never echoed back to it. A return naming an order the fabric does
 * not know throws OrderNotStoredError, so it waits in the DLQ (beside return-intake's
 * ReturnNeedsAttention) to be redriven once the order is known; a channel without a returns API here
 * is recorded as such (`no_channel_api`) for a person to act on.
 */
export async function recordReturnOnChannel(
  customerReturn: CustomerReturn,
  ports: ReturnSyncPorts,
): Promise<ReturnSyncOutcome & { duplicate: boolean }> {
  return ports.once(returnSyncKey(customerReturn.returnId), async (): Promise<ReturnSyncOutcome> => {
    const order = await findReturnedOrder(customerReturn, ports.orders);
    if (!order)
      throw new OrderNotStoredError(
        `return ${customerReturn.returnId} names an order the order store does not hold (yet)`,
      );
    const channel = order.channel;
    if (channel === customerReturn.receivedThrough)
      return { outcome: 'reported_by_channel', orderId: order.orderId, channel };
    const api = ports.returns(channel);
    if (!api) return { outcome: 'no_channel_api', orderId: order.orderId, channel };
    const { channelRefundId } = await api.recordReturn(toChannelReturn(customerReturn, order));
    return { outcome: 'recorded', orderId: order.orderId, channel, ...(channelRefundId ? { channelRefundId } : {}) };
  });
}
