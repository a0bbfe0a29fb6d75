import type { ChannelFulfilmentApi, ChannelShipment } from '#domain/channel-sync/shipment-sync';
import type { ChannelCancellation, ChannelCancellationApi } from '#domain/channel-sync/cancellation-sync';
import type { ChannelReturn, ChannelReturnApi } from '#domain/channel-sync/return-sync';
import type { ChannelPickup, ChannelPickupApi } from '#domain/channel-sync/pickup-sync';
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

const CANCEL_NOTES: Record<ChannelCancellation['reason'], string> = {
  OUT_OF_STOCK: 'not enough stock to fulfil',
  PICKUP_EXPIRED: 'not collected from the store within the pickup hold; your payment is refunded',
};

/**
 * The order set to `cancelled` (WooCommerce then restocks per its settings and emails the customer), with
 * a note saying why. Cancelling moves no money in WooCommerce, so a pickup never collected is also
 * refunded in full through the payment gateway (POST /orders/{id}/refunds, api_refund true), before the
 * status changes so a failed refund leaves the order open to retry; api_restock is false because the
 * fabric owns WooCommerce's stock figures.
 */
export class WooCommerceCancellationApi implements ChannelCancellationApi {
  readonly channel = 'woocommerce' as const;

  constructor(private readonly api: WooCommerceRestApi) {}

  async cancelOrder(cancellation: ChannelCancellation): Promise<void> {
    const orderPath = `/orders/${encodeURIComponent(cancellation.channelOrderId)}`;
    if (cancellation.reason === 'PICKUP_EXPIRED')
      await this.api.request('POST', `${orderPath}/refunds`, {
        amount: formatDecimalMoney(cancellation.total),
        reason: `Pickup not collected (order ${cancellation.orderId}).`,
        api_refund: true,
        api_restock: false,
      });
    await this.api.request('PUT', orderPath, { status: 'cancelled' });
    await this.api.request('POST', `${orderPath}/notes`, {
      note: `Cancelled: ${CANCEL_NOTES[cancellation.reason]} (order ${cancellation.orderId}).`,
      customer_note: true,
    });
  }
}

/**
 * WooCommerce core has no pickup status: the customer is told by a customer note (WooCommerce emails it)
 * that the order waits at the store, with the pickup code to show at the counter.
 */
export class WooCommercePickupApi implements ChannelPickupApi {
  readonly channel = 'woocommerce' as const;

  constructor(private readonly api: WooCommerceRestApi) {}

  async pickupReady(pickup: ChannelPickup): Promise<{ channelReference?: string }> {
    const lines = pickup.lines.map((line) => `${line.quantity} x ${line.sku}`).join(', ');
    const store = pickup.channelLocationId ? ` at ${pickup.channelLocationId}` : '';
    const note = await this.api.request<{ id?: number }>(
      'POST',
      `/orders/${encodeURIComponent(pickup.channelOrderId)}/notes`,
      {
        note: `Ready for pickup${store}: ${lines}. Show pickup code ${pickup.pickupCode} at the counter (order ${pickup.orderId}).`,
        customer_note: true,
      },
    );
    return note?.id !== undefined ? { channelReference: String(note.id) } : {};
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
