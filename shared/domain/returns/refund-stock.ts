import { TransientError } from '#domain/kernel/errors';
import { sumMoney } from '#domain/kernel/money';
import type { Order } from '#domain/kernel/order';
import {
  type InventoryPorts,
  releaseCancelledUnits,
  releaseOrderStock,
  type ReservationRecord,
} from '#domain/inventory';
import type { ChannelRefund } from './refund-report';
import { DEFAULT_RETURN_REASON, refundKey } from './model';
import { type ReturnLineResult, type ReturnOrderLookup, receiveReturn } from './return-intake';

/** A refund arrived before its order: retried until the order is stored. */
export class RefundBeforeOrderError extends TransientError {
  override name = 'RefundBeforeOrderError';
}

export type RefundStockResult = {
  /** Per line restocked (`return`), what receiving it did. */
  returned: { channelLineId: string; outcome: ReturnLineResult['outcome'] }[];
  /** Units given up before shipping (`cancel`): the whole order's hold released, or these units of their lines. */
  released: 'order' | number;
};

type RefundLine = ChannelRefund['lines'][number];

/**
 * What a channel's refund does to stock. Lines restocked as `return` go back on hand through the
 * return intake (one return per line, `{refundKey}:{channelLineId}`, so its adjustments are keyed
 * once): at the restock location when the channel names one the inventory policy maps
 * (`locations[].channelLocationIds`), else where the line's units shipped from, else nowhere, which is
 * raised as ReturnNeedsAttention. Lines cancelled (`cancel`, refunded before shipping) release what
 * the order holds for them: the whole order's reservation when they cover every unit not yet shipped
 * (the order is cancelled, as a channel cancellation would), otherwise just their units, once per
 * refund. `no_restock` lines move nothing. Throws RefundBeforeOrderError while the order is unknown.
 */
export async function applyRefundToStock(
  refund: ChannelRefund,
  ports: { orders: ReturnOrderLookup; inventory: InventoryPorts },
): Promise<RefundStockResult> {
  const acting = refund.lines.filter((line) => line.restockType !== 'no_restock' && line.quantity > 0);
  if (acting.length === 0) return { returned: [], released: 0 };
  const order = (await ports.orders.getOrder(refund.orderId))?.order;
  if (!order)
    throw new RefundBeforeOrderError(`${refundKey(refund)} names order ${refund.orderId}, which is not stored yet`);
  const reservation = await ports.inventory.store.readReservation(order.orderId);
  const returned: RefundStockResult['returned'] = [];
  for (const line of acting.filter((candidate) => candidate.restockType === 'return')) {
    const [result] = await receiveReturn(returnOf(refund, line, order, reservation, ports.inventory), ports);
    returned.push({ channelLineId: line.channelLineId, outcome: result.outcome });
  }
  const cancelled = new Map<string, number>();
  for (const line of acting.filter((candidate) => candidate.restockType === 'cancel')) {
    const orderLine = order.lines.find((candidate) => candidate.channelLineId === line.channelLineId);
    if (orderLine) cancelled.set(orderLine.lineId, (cancelled.get(orderLine.lineId) ?? 0) + line.quantity);
  }
  if (cancelled.size === 0) return { returned, released: 0 };
  const shipped = (lineId: string) =>
    reservation.parts
      .flatMap((part) => part.allocations)
      .filter((allocation) => allocation.lineId === lineId)
      .reduce((sum, allocation) => sum + allocation.consumed, 0);
  const everythingUnshipped = order.lines.every(
    (line) => (cancelled.get(line.lineId) ?? 0) + shipped(line.lineId) >= line.quantity,
  );
  if (everythingUnshipped) {
    await releaseOrderStock(order, 'ORDER_CANCELLED', ports.inventory, { causationId: refundKey(refund) });
    return { returned, released: 'order' };
  }
  const released = await releaseCancelledUnits(
    {
      cancellationId: refundKey(refund),
      orderId: order.orderId,
      lines: [...cancelled].map(([lineId, quantity]) => ({ lineId, quantity })),
    },
    ports.inventory,
  );
  return { returned, released };
}

/** One restocked line as a received return, at the location the channel named or the line shipped from. */
function returnOf(
  refund: ChannelRefund,
  line: RefundLine,
  order: Order,
  reservation: ReservationRecord,
  inventory: InventoryPorts,
) {
  const orderLine = order.lines.find((candidate) => candidate.channelLineId === line.channelLineId);
  const named = line.restockLocationId
    ? inventory.policy.locations.find(
        (location) => location.channelLocationIds?.[refund.channel] === line.restockLocationId,
      )?.id
    : undefined;
  const shippedFrom = reservation.parts
    .flatMap((part) => part.allocations)
    .find((allocation) => allocation.lineId === orderLine?.lineId && allocation.consumed > 0)?.locationId;
  const locationId = named ?? shippedFrom;
  const refunded = [line.goods, line.tax, line.amount].filter((money) => money !== undefined);
  return {
    returnId: `${refundKey(refund)}:${line.channelLineId}`,
    orderId: order.orderId,
    receivedThrough: refund.channel,
    ...(locationId ? { locationId } : {}),
    receivedAt: refund.refundedAt,
    lines: [
      {
        // A line the order does not have is named so that it matches nothing and is raised, not guessed by SKU.
        lineId: orderLine?.lineId ?? `${refund.channel}:${line.channelLineId}`,
        sku: orderLine?.sku ?? orderLine?.channelSku ?? line.channelLineId,
        quantity: line.quantity,
        reasonCode: DEFAULT_RETURN_REASON,
        condition: 'sellable' as const,
        refund: sumMoney(refund.amount.currency, refunded),
      },
    ],
  };
}
