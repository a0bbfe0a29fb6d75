import type { Order } from '#domain/kernel/order';
import { publicationSubject, type PublicationLedger, type PublishedFigure } from './publication';

export interface OversoldListing {
  orderId: string;
  channel: Order['channel'];
  channelOrderId: string;
  sku: string;
  quantity: number;
  timeline: {
    /** When the fabric decided the SKU had none to sell on the channel. */
    zeroDecidedAt: string;
    zeroPublishedAt: string;
    zeroAcknowledgedAt: string;
    availabilityVersion: number;
    /** The channel's own time for the order: it accepted the sale after it had been told zero. */
    orderPlacedAt: string;
  };
}

/**
 * Finds the lines of a channel order for SKUs whose last acknowledged figure on that channel was zero
 * before the channel accepted the order: the channel sold what the fabric had told it it did not have.
 * Lines without an internal SKU, or acknowledged after the order was placed, are not incidents.
 */
export async function findOversells(order: Order, ledger: Pick<PublicationLedger, 'read'>): Promise<OversoldListing[]> {
  const incidents: OversoldListing[] = [];
  const quantities = new Map<string, number>();
  for (const line of order.lines)
    if (line.sku) quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity);
  for (const [sku, quantity] of quantities) {
    const record = await ledger.read({ channel: order.channel, subject: publicationSubject('availability', sku) });
    const zero: PublishedFigure | undefined = record?.published?.value === 0 ? record.published : undefined;
    if (!zero || Date.parse(order.placedAt) <= Date.parse(zero.acknowledgedAt)) continue;
    incidents.push({
      orderId: order.orderId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      sku,
      quantity,
      timeline: {
        zeroDecidedAt: zero.eventTime,
        zeroPublishedAt: zero.publishedAt,
        zeroAcknowledgedAt: zero.acknowledgedAt,
        availabilityVersion: zero.version,
        orderPlacedAt: order.placedAt,
      },
    });
  }
  return incidents;
}
