import type { ChannelFulfilmentApi, ChannelShipment } from '#domain/channel-sync/shipment-sync';
import type { RateLimit } from '#domain/kernel/rate-limit';
import { AmazonSeller, amazonRequest, type AmazonSellerApi } from './inventory-api';

/** Orders v0 confirmShipment: 2 requests a second, burst 10. */
export const AMAZON_CONFIRM_SHIPMENT_RATE_LIMIT: RateLimit = { ratePerSecond: 2, burst: 10 };

/**
 * confirmShipment (Orders v0): POST /orders/v0/orders/{orderId}/shipmentConfirmation with one package
 * per shipment (the shipment id as its packageReferenceId), the carrier, tracking number and the
 * shipped order items (Amazon order item ids, kept as channelLineId). Amazon answers 204.
 */
export class AmazonFulfilmentApi implements ChannelFulfilmentApi {
  readonly channel = 'amazon' as const;

  constructor(private readonly api: AmazonSellerApi) {}

  async confirmShipment(shipment: ChannelShipment): Promise<{ channelFulfilmentId?: string }> {
    const { marketplaceId } = await this.api.credentials.credentialsFor('amazon', AmazonSeller);
    await amazonRequest(
      this.api,
      'POST',
      `/orders/v0/orders/${encodeURIComponent(shipment.channelOrderId)}/shipmentConfirmation`,
      {
        marketplaceId,
        packageDetail: {
          packageReferenceId: shipment.shipmentId,
          carrierCode: shipment.carrier,
          trackingNumber: shipment.trackingNumber,
          shipDate: new Date(shipment.shippedAt).toISOString(),
          orderItems: shipment.lines.map((line) => ({ orderItemId: line.channelLineId, quantity: line.quantity })),
        },
      },
    );
    return { channelFulfilmentId: shipment.shipmentId };
  }
}
