import type { ChannelFulfilmentApi, ChannelShipment } from '../../domain/channel-sync-shipment';
import type { ChannelCancellation, ChannelCancellationApi } from '../../domain/channel-sync-cancellation';
import type { WooCommerceRestApi } from './inventory-api';

/**
 * WooCommerce core has no shipment or tracking resource: the shipment goes on the order as a customer
 * note (carrier, tracking number, lines), which WooCommerce emails to the customer, and an order whose
 * every unit shipped is marked completed.
 */
export class WooCommerceFulfilmentApi implements ChannelFulfilmentApi {
  readonly channel = 'woocommerce' as const;

  constructor(private readonly api: WooCommerceRestApi) {}

  async confirmShipment(shipment: ChannelShipment): Promise<{ channelFulfilmentId?: string }> {
    const orderPath = `/orders/${encodeURIComponent(shipment.channelOrderId)}`;
    const lines = shipment.lines.map((line) => `${line.quantity} x ${line.sku}`).join(', ');
    const note = await this.api.request<{ id?: number }>('POST', `${orderPath}/notes`, {
      note: `Shipped ${lines} with ${shipment.carrier}, tracking number ${shipment.trackingNumber} (shipment ${shipment.shipmentId}).`,
      customer_note: true,
    });
    if (shipment.completesOrder) await this.api.request('PUT', orderPath, { status: 'completed' });
    return note?.id !== undefined ? { channelFulfilmentId: String(note.id) } : {};
  }
}

/** The order set to `cancelled` (WooCommerce then restocks per its settings and emails the customer), with a note saying why. */
export class WooCommerceCancellationApi implements ChannelCancellationApi {
  readonly channel = 'woocommerce' as const;

  constructor(private readonly api: WooCommerceRestApi) {}

  async cancelOrder(cancellation: ChannelCancellation): Promise<void> {
    const orderPath = `/orders/${encodeURIComponent(cancellation.channelOrderId)}`;
    await this.api.request('PUT', orderPath, { status: 'cancelled' });
    await this.api.request('POST', `${orderPath}/notes`, { note: `Cancelled: not enough stock to fulfil (order ${cancellation.orderId}).`, customer_note: true });
  }
}
