import type { CachedAccessToken, ChannelHttpOptions } from '../channel-http';
import { channelRequest } from '../channel-http';
import type { ChannelFulfilmentApi, ChannelShipment } from '#domain/channel-sync/shipment-sync';

/**
 * createShippingFulfillment: POST /sell/fulfillment/v1/order/{orderId}/shipping_fulfillment with the
 * shipped line items (eBay line item ids, kept as channelLineId), carrier code and tracking number.
 * eBay has no idempotency key here; the consumer's once-per-shipment record is what prevents a second
 * fulfillment for the same parcel.
 */
export class EbayFulfilmentApi implements ChannelFulfilmentApi {
  readonly channel = 'ebay' as const;

  constructor(
    private readonly baseUrl: string,
    private readonly token: CachedAccessToken,
    private readonly http: ChannelHttpOptions,
  ) {}

  async confirmShipment(shipment: ChannelShipment): Promise<{ channelFulfilmentId?: string }> {
    await channelRequest(
      `${this.baseUrl}/sell/fulfillment/v1/order/${encodeURIComponent(shipment.channelOrderId)}/shipping_fulfillment`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await this.token.get()}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({
          lineItems: shipment.lines.map((line) => ({ lineItemId: line.channelLineId, quantity: line.quantity })),
          shippedDate: new Date(shipment.shippedAt).toISOString(),
          shippingCarrierCode: shipment.carrier,
          trackingNumber: shipment.trackingNumber,
        }),
      },
      this.http,
    );
    return {};
  }
}
