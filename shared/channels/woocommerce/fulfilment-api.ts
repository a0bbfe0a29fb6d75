import type { ChannelFulfilmentApi, ChannelShipment } from '#domain/channel-sync/shipment-sync';
import type { ChannelCancellation, ChannelCancellationApi } from '#domain/channel-sync/cancellation-sync';
import type { ChannelReturn, ChannelReturnApi } from '#domain/channel-sync/return-sync';
import { formatDecimalMoney } from '#domain/kernel/money';
import { returnNote } from '../return-note';
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
    await this.api.request('POST', `${orderPath}/notes`, {
      note: `Cancelled: not enough stock to fulfil (order ${cancellation.orderId}).`,
      customer_note: true,
    });
  }
}

/**
 * A return taken elsewhere, recorded as an order refund (POST /orders/{id}/refunds) with the returned
 * line items and quantities. api_refund is false: the customer was paid back where the goods came back,
 * so WooCommerce must not refund through its payment gateway again; api_restock is false because the
 * fabric owns WooCommerce's stock figures and publishes the restocked units itself. The fabric knows
 * what each line refunded in all but not its split over WooCommerce's tax rates, so the money goes in
 * `amount`, which WooCommerce documents as taking precedence over line totals.
 */
export class WooCommerceReturnApi implements ChannelReturnApi {
  readonly channel = 'woocommerce' as const;

  constructor(private readonly api: WooCommerceRestApi) {}

  async recordReturn(channelReturn: ChannelReturn): Promise<{ channelRefundId?: string }> {
    const refund = await this.api.request<{ id?: number }>(
      'POST',
      `/orders/${encodeURIComponent(channelReturn.channelOrderId)}/refunds`,
      {
        amount: formatDecimalMoney(channelReturn.refunded),
        reason: returnNote(channelReturn),
        api_refund: false,
        api_restock: false,
        line_items: channelReturn.lines.map((line) => ({ id: Number(line.channelLineId), quantity: line.quantity })),
      },
    );
    return refund?.id !== undefined ? { channelRefundId: String(refund.id) } : {};
  }
}
