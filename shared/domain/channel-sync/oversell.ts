import type { Order } from '#domain/kernel/order';
import { createEvent } from '#domain/kernel/event';
import type { EventPublisher } from '#domain/kernel/ports';
import { OversellIncident } from './events';
import { oversellIncidentId } from './model';
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
 * Lines without an internal SKU, or acknowledged after the order was placed, are not incidents. Reads
 * the order's SKUs in one batch.
 */
export async function findOversells(
  order: Order,
  ledger: Pick<PublicationLedger, 'readMany'>,
): Promise<OversoldListing[]> {
  const incidents: OversoldListing[] = [];
  const quantities = new Map<string, number>();
  for (const line of order.lines)
    if (line.sku) quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity);
  if (quantities.size === 0) return incidents;
  const records = await ledger.readMany(
    [...quantities.keys()].map((sku) => ({ channel: order.channel, subject: publicationSubject('availability', sku) })),
  );
  const bySku = new Map(records.map((record) => [record.sku, record]));
  for (const [sku, quantity] of quantities) {
    const record = bySku.get(sku);
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

/**
 * Checks an order for oversells and publishes an OversellIncident for each. Once-only without a
 * record of its own: it only reads the ledger, and each incident's event id comes from the order and
 * SKU (oversellIncidentId), so a redelivery or a later version of the order publishes the same event
 * again, which the exceptions queue already holds as that sighting.
 */
export async function checkOversells(
  order: Order,
  ports: { ledger: Pick<PublicationLedger, 'readMany'>; publisher: EventPublisher },
  trace: { causationId?: string } = {},
): Promise<OversoldListing[]> {
  const incidents = await findOversells(order, ports.ledger);
  if (incidents.length === 0) return incidents;
  await ports.publisher.publish(
    incidents.map((incident) => ({
      ...createEvent(OversellIncident, incident, { correlationId: order.orderId, ...trace }),
      id: oversellIncidentId(order.orderId, incident.sku),
    })),
  );
  return incidents;
}
