import type { ChannelFulfilmentApi, ChannelShipment } from '#domain/channel-sync/shipment-sync';
import { walmartRequest, type WalmartSellerApi } from './inventory-api';

/** Carriers as Walmart's carrierName.carrier enumerates them; any other goes as otherCarrier. */
const WALMART_CARRIERS = ['UPS', 'USPS', 'FedEx', 'DHL Ecommerce - US', 'OnTrac', 'LS', 'FEDEXSP', 'UPSMI', 'LSO'];

/**
 * Ship Order Lines: POST /v3/orders/{purchaseOrderId}/shipping with each shipped line (its Walmart
 * lineNumber, kept as channelLineId) as status `Shipped` for the shipped quantity, with the ship time
 * (epoch milliseconds), carrier, method and tracking number. Walmart captures the customer's payment
 * for those lines. The shipment carries no ship method, so every line goes as `Standard`, the method
 * of Walmart's ordinary seller-fulfilled orders. A carrier outside Walmart's list goes as
 * otherCarrier; Walmart then also wants a trackingURL the fabric does not have, so such a shipment
 * is refused and waits in the DLQ for a person.
 */
export class WalmartFulfilmentApi implements ChannelFulfilmentApi {
  readonly channel = 'walmart' as const;

  constructor(private readonly api: WalmartSellerApi) {}

  async confirmShipment(shipment: ChannelShipment): Promise<{ channelFulfilmentId?: string }> {
    const carrier = WALMART_CARRIERS.find((known) => known.toLowerCase() === shipment.carrier.toLowerCase());
    await walmartRequest(this.api, 'POST', `/v3/orders/${encodeURIComponent(shipment.channelOrderId)}/shipping`, {
      orderShipment: {
        orderLines: {
          orderLine: shipment.lines.map((line) => ({
            lineNumber: line.channelLineId,
            orderLineStatuses: {
              orderLineStatus: [
                {
                  status: 'Shipped',
                  statusQuantity: { unitOfMeasurement: 'EACH', amount: String(line.quantity) },
                  trackingInfo: {
                    shipDateTime: Date.parse(shipment.shippedAt),
                    carrierName: carrier ? { carrier } : { otherCarrier: shipment.carrier },
                    methodCode: 'Standard',
                    trackingNumber: shipment.trackingNumber,
                  },
                },
              ],
            },
          })),
        },
      },
    });
    return { channelFulfilmentId: shipment.shipmentId };
  }
}
