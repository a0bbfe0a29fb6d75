import * as z from '#domain/kernel/schema';
import {
  ShipmentNotSyncableError,
  type ChannelFulfilmentApi,
  type ChannelShipment,
} from '#domain/channel-sync/shipment-sync';
import { type ChannelPickup, type ChannelPickupApi, PickupNotSyncableError } from '#domain/channel-sync/pickup-sync';
import type { SquareRestApi } from './inventory-api';

const Fulfillment = z.looseObject({
  uid: z.string(),
  type: z.string(),
  state: z.string(),
  shipment_details: z.optional(z.looseObject({ tracking_number: z.optional(z.string()) })),
});
const OrderAnswer = z.object({
  order: z.object({
    id: z.string(),
    location_id: z.string(),
    version: z.number().check(z.int()),
    fulfillments: z._default(z.array(Fulfillment), []),
  }),
});

/** States after which a fulfillment takes no more changes. */
const CLOSED = new Set(['COMPLETED', 'CANCELED', 'FAILED']);

/**
 * The shipment on the order's SHIPMENT fulfillment: RetrieveOrder for the order's version and the
 * fulfillment's uid, then UpdateOrder (PUT /v2/orders/{order_id}, a sparse order with that version)
 * setting the carrier, tracking number and shipped time, and the state COMPLETED once every unit has
 * shipped (Square tells the buyer). The shipment id is the idempotency key, so a retry after a lost
 * answer gets Square's first answer; an order changed meanwhile answers VERSION_MISMATCH and the
 * queue's retry reads it again. An order with no open SHIPMENT fulfillment (a pickup or an in-person
 * sale) cannot carry a shipment: ShipmentNotSyncableError, unless this very tracking number is already
 * on it (a retry after Square's idempotency window).
 */
export class SquareFulfilmentApi implements ChannelFulfilmentApi {
  readonly channel = 'square' as const;

  constructor(private readonly api: SquareRestApi) {}

  async confirmShipment(shipment: ChannelShipment): Promise<{ channelFulfilmentId?: string }> {
    const orderPath = `/v2/orders/${encodeURIComponent(shipment.channelOrderId)}`;
    const { order } = OrderAnswer.parse(await this.api.request('GET', orderPath));
    const shipments = order.fulfillments.filter((fulfillment) => fulfillment.type === 'SHIPMENT');
    const done = shipments.find((f) => f.shipment_details?.tracking_number === shipment.trackingNumber);
    if (done && CLOSED.has(done.state)) return { channelFulfilmentId: done.uid };
    const open = shipments.find((fulfillment) => !CLOSED.has(fulfillment.state));
    if (!open)
      throw new ShipmentNotSyncableError(
        `shipment ${shipment.shipmentId}: Square order ${order.id} has no open SHIPMENT fulfillment`,
      );
    await this.api.request('PUT', orderPath, {
      idempotency_key: shipment.shipmentId,
      order: {
        location_id: order.location_id,
        version: order.version,
        fulfillments: [
          {
            uid: open.uid,
            ...(shipment.completesOrder ? { state: 'COMPLETED' } : {}),
            shipment_details: {
              carrier: shipment.carrier,
              tracking_number: shipment.trackingNumber,
              shipped_at: new Date(shipment.shippedAt).toISOString(),
            },
          },
        ],
      },
    });
    return { channelFulfilmentId: open.uid };
  }
}

/**
 * Ready for pickup on the order's PICKUP fulfillment: RetrieveOrder for the order's version and the
 * fulfillment's uid, then UpdateOrder setting its state to PREPARED (Square tells the buyer the order
 * is ready) with the pickup code in its note, which the seller sees at the counter. Keyed once per
 * order and store (`pickup-{orderId}-{channelLocationId}`), so a retry after a lost answer gets
 * Square's first answer; a fulfillment already PREPARED is left as it is. An order without an open
 * PICKUP fulfillment, or whose location is not the pickup's store, is PickupNotSyncableError.
 */
export class SquarePickupApi implements ChannelPickupApi {
  readonly channel = 'square' as const;

  constructor(private readonly api: SquareRestApi) {}

  async pickupReady(pickup: ChannelPickup): Promise<{ channelReference?: string }> {
    const orderPath = `/v2/orders/${encodeURIComponent(pickup.channelOrderId)}`;
    const { order } = OrderAnswer.parse(await this.api.request('GET', orderPath));
    if (pickup.channelLocationId && pickup.channelLocationId !== order.location_id)
      throw new PickupNotSyncableError(
        `Square order ${order.id} is collected at ${order.location_id}, not at ${pickup.channelLocationId}`,
      );
    const open = order.fulfillments.find((f) => f.type === 'PICKUP' && !CLOSED.has(f.state));
    if (!open)
      throw new PickupNotSyncableError(`Square order ${order.id} has no open PICKUP fulfillment for ${pickup.orderId}`);
    if (open.state === 'PREPARED') return { channelReference: open.uid };
    await this.api.request('PUT', orderPath, {
      idempotency_key: `pickup-${pickup.orderId}-${order.location_id}`,
      order: {
        location_id: order.location_id,
        version: order.version,
        fulfillments: [
          { uid: open.uid, state: 'PREPARED', pickup_details: { note: `Pickup code ${pickup.pickupCode}` } },
        ],
      },
    });
    return { channelReference: open.uid };
  }
}
