import * as z from '#domain/kernel/schema';
import { ChannelApiError } from '../channel-http';
import type { ChannelFulfilmentApi, ChannelShipment } from '#domain/channel-sync/shipment-sync';
import type { ChannelCancellation, ChannelCancellationApi } from '#domain/channel-sync/cancellation-sync';
import type { ChannelReturn, ChannelReturnApi } from '#domain/channel-sync/return-sync';
import { type ChannelPickup, type ChannelPickupApi, PickupNotSyncableError } from '#domain/channel-sync/pickup-sync';
import { returnNote } from '../return-note';
import type { ShopifyAdminApi } from './inventory-api';

const FULFILLMENT_ORDERS = `query FabricFulfillmentOrders($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 20) {
      nodes { id status lineItems(first: 100) { nodes { id remainingQuantity lineItem { id } } } }
    }
  }
}`;

const CREATE_FULFILLMENT = `mutation FabricFulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment { id status }
    userErrors { field message }
  }
}`;

const FulfillmentOrdersAnswer = z.object({
  order: z.nullable(
    z.object({
      fulfillmentOrders: z.object({
        nodes: z.array(
          z.object({
            id: z.string(),
            status: z.string(),
            lineItems: z.object({
              nodes: z.array(
                z.object({
                  id: z.string(),
                  remainingQuantity: z.number().check(z.int()),
                  lineItem: z.object({ id: z.string() }),
                }),
              ),
            }),
          }),
        ),
      }),
    }),
  ),
});

const FulfillmentCreateAnswer = z.object({
  fulfillmentCreate: z.object({
    fulfillment: z.nullable(z.object({ id: z.string() })),
    userErrors: z.array(z.object({ message: z.string() })),
  }),
});

const FULFILLABLE = new Set(['OPEN', 'IN_PROGRESS']);

/**
 * Shipments through fulfillment orders, as Shopify requires since fulfillments moved off orders: the
 * order's open fulfillment order lines are matched to the shipped lines (by the order line item id the
 * fabric kept as channelLineId), then fulfillmentCreate with the carrier and tracking number. A line
 * Shopify has nothing left to fulfil is refused with ChannelApiError rather than sent short.
 */
export class ShopifyFulfilmentApi implements ChannelFulfilmentApi {
  readonly channel = 'shopify' as const;

  constructor(private readonly admin: ShopifyAdminApi) {}

  async confirmShipment(shipment: ChannelShipment): Promise<{ channelFulfilmentId?: string }> {
    const orders = FulfillmentOrdersAnswer.parse(
      await this.admin.graphql(FULFILLMENT_ORDERS, { id: `gid://shopify/Order/${shipment.channelOrderId}` }),
    );
    if (!orders.order) throw new ChannelApiError('shopify', 404, `shopify has no order ${shipment.channelOrderId}`);
    const byFulfillmentOrder = new Map<string, { id: string; quantity: number }[]>();
    for (const line of shipment.lines) {
      let left = line.quantity;
      for (const fulfillmentOrder of orders.order.fulfillmentOrders.nodes.filter((fo) => FULFILLABLE.has(fo.status))) {
        for (const item of fulfillmentOrder.lineItems.nodes) {
          if (
            left === 0 ||
            item.lineItem.id !== `gid://shopify/LineItem/${line.channelLineId}` ||
            item.remainingQuantity === 0
          )
            continue;
          const quantity = Math.min(left, item.remainingQuantity);
          byFulfillmentOrder.set(fulfillmentOrder.id, [
            ...(byFulfillmentOrder.get(fulfillmentOrder.id) ?? []),
            { id: item.id, quantity },
          ]);
          left -= quantity;
        }
      }
      if (left > 0)
        throw new ChannelApiError(
          'shopify',
          422,
          `shopify order ${shipment.channelOrderId} has ${left} unit(s) of line ${line.channelLineId} fewer open to fulfil than shipment ${shipment.shipmentId} shipped`,
        );
    }
    const data = FulfillmentCreateAnswer.parse(
      await this.admin.graphql(CREATE_FULFILLMENT, {
        fulfillment: {
          lineItemsByFulfillmentOrder: [...byFulfillmentOrder].map(([fulfillmentOrderId, items]) => ({
            fulfillmentOrderId,
            fulfillmentOrderLineItems: items,
          })),
          trackingInfo: { company: shipment.carrier, number: shipment.trackingNumber },
          notifyCustomer: true,
        },
        message: `shipment ${shipment.shipmentId}`,
      }),
    );
    const { fulfillment, userErrors } = data.fulfillmentCreate;
    if (userErrors.length > 0 || !fulfillment)
      throw new ChannelApiError(
        'shopify',
        422,
        `shopify fulfillmentCreate: ${userErrors.map((e) => e.message).join('; ')}`,
        data,
      );
    return { channelFulfilmentId: fulfillment.id };
  }
}

const CANCEL_ORDER = `mutation FabricOrderCancel($orderId: ID!, $reason: OrderCancelReason!, $refundMethod: OrderCancelRefundMethodInput!, $restock: Boolean!, $notifyCustomer: Boolean, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refundMethod: $refundMethod, restock: $restock, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id }
    orderCancelUserErrors { code field message }
  }
}`;

const OrderCancelAnswer = z.object({
  orderCancel: z.object({
    orderCancelUserErrors: z.array(z.object({ code: z.optional(z.nullable(z.string())), message: z.string() })),
  }),
});

/** Shopify's OrderCancelReason and the staff note for each reason the fabric cancels. */
const CANCEL_REASONS: Record<ChannelCancellation['reason'], { reason: string; note: string }> = {
  OUT_OF_STOCK: { reason: 'INVENTORY', note: 'not enough stock' },
  PICKUP_EXPIRED: { reason: 'OTHER', note: 'not collected from the store within the pickup hold' },
};

/**
 * orderCancel refunded to the original payment methods and the customer told: reason INVENTORY for a
 * stock refusal, OTHER for a pickup never collected. `restock` is false: the fabric, not Shopify, owns
 * what Shopify may sell, and publishes it itself.
 */
export class ShopifyCancellationApi implements ChannelCancellationApi {
  readonly channel = 'shopify' as const;

  constructor(private readonly admin: ShopifyAdminApi) {}

  async cancelOrder(cancellation: ChannelCancellation): Promise<void> {
    const data = OrderCancelAnswer.parse(
      await this.admin.graphql(CANCEL_ORDER, {
        orderId: `gid://shopify/Order/${cancellation.channelOrderId}`,
        reason: CANCEL_REASONS[cancellation.reason].reason,
        refundMethod: { originalPaymentMethodsRefund: true },
        restock: false,
        notifyCustomer: true,
        staffNote: `Cancelled by the retail fabric: ${CANCEL_REASONS[cancellation.reason].note} (order ${cancellation.orderId}).`,
      }),
    );
    const errors = data.orderCancel.orderCancelUserErrors;
    if (errors.length > 0)
      throw new ChannelApiError(
        'shopify',
        422,
        `shopify orderCancel: ${errors.map((e) => `${e.code ?? 'ERROR'} ${e.message}`).join('; ')}`,
        data,
      );
  }
}

// 2026-04 refuses refundCreate without @idempotent; the return id keys it, so a retry after a lost answer creates no second refund.
const RECORD_RETURN = `mutation FabricReturnRecorded($input: RefundInput!, $idempotencyKey: String!) {
  refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
    refund { id }
    userErrors { field message }
  }
}`;

const RefundCreateAnswer = z.object({
  refundCreate: z.object({
    refund: z.nullable(z.object({ id: z.string() })),
    userErrors: z.array(z.object({ message: z.string() })),
  }),
});

/**
 * A return taken elsewhere, recorded on the Shopify order with refundCreate: the returned line items
 * and quantities, no transactions (the customer was paid back where the goods came back, so Shopify
 * moves no money) and no customer notification. restockType is NO_RESTOCK: the fabric, not Shopify,
 * owns what Shopify may sell and publishes the restocked units itself; whether each line went back on
 * sale or to damaged stock is in the refund's note.
 */
export class ShopifyReturnApi implements ChannelReturnApi {
  readonly channel = 'shopify' as const;

  constructor(private readonly admin: ShopifyAdminApi) {}

  async recordReturn(channelReturn: ChannelReturn): Promise<{ channelRefundId?: string }> {
    const data = RefundCreateAnswer.parse(
      await this.admin.graphql(RECORD_RETURN, {
        input: {
          orderId: `gid://shopify/Order/${channelReturn.channelOrderId}`,
          note: returnNote(channelReturn),
          notify: false,
          refundLineItems: channelReturn.lines.map((line) => ({
            lineItemId: `gid://shopify/LineItem/${line.channelLineId}`,
            quantity: line.quantity,
            restockType: 'NO_RESTOCK',
          })),
        },
        idempotencyKey: `fabric-return-${channelReturn.returnId}`,
      }),
    );
    const { refund, userErrors } = data.refundCreate;
    if (userErrors.length > 0 || !refund)
      throw new ChannelApiError(
        'shopify',
        422,
        `shopify refundCreate: ${userErrors.map((e) => e.message).join('; ')}`,
        data,
      );
    return { channelRefundId: refund.id };
  }
}

const PICKUP_FULFILLMENT_ORDERS = `query FabricPickupFulfillmentOrders($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 20) {
      nodes {
        id status
        deliveryMethod { methodType }
        assignedLocation { location { id } }
        lineItems(first: 100) { nodes { id remainingQuantity lineItem { id } } }
      }
    }
  }
}`;

const PREPARED_FOR_PICKUP = `mutation FabricPreparedForPickup($input: FulfillmentOrderLineItemsPreparedForPickupInput!) {
  fulfillmentOrderLineItemsPreparedForPickup(input: $input) {
    userErrors { field message }
  }
}`;

const SET_PICKUP_CODE = `mutation FabricPickupCode($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id }
    userErrors { field message code }
  }
}`;

/** Where the pickup code is kept on the order: the "Ready for pickup" notification template reads it from there. */
export const SHOPIFY_PICKUP_CODE_METAFIELD = { namespace: 'fabric', key: 'pickup_code' } as const;

const MetafieldsSetAnswer = z.object({
  metafieldsSet: z.object({ userErrors: z.array(z.object({ message: z.string() })) }),
});

const PickupFulfillmentOrdersAnswer = z.object({
  order: z.nullable(
    z.object({
      fulfillmentOrders: z.object({
        nodes: z.array(
          z.object({
            id: z.string(),
            status: z.string(),
            deliveryMethod: z.nullable(z.object({ methodType: z.string() })),
            assignedLocation: z.object({ location: z.nullable(z.object({ id: z.string() })) }),
            lineItems: z.object({ nodes: z.array(z.object({ lineItem: z.object({ id: z.string() }) })) }),
          }),
        ),
      }),
    }),
  ),
});

const PreparedForPickupAnswer = z.object({
  fulfillmentOrderLineItemsPreparedForPickup: z.object({
    userErrors: z.array(z.object({ message: z.string() })),
  }),
});

/**
 * Ready for pickup through the order's fulfillment orders, as the shipment sync finds them: the open
 * PICK_UP fulfillment orders at the store (gid://shopify/Location/{channelLocationId}, any store when
 * the pickup names none) holding the ready lines are marked prepared with
 * fulfillmentOrderLineItemsPreparedForPickup, which sends Shopify's "Ready for pickup" notification to
 * the customer. The pickup code is set first on the order as the metafield `fabric.pickup_code`
 * (metafieldsSet, which sets the same value again harmlessly), where the shop's notification template
 * shows it (`{{ order.metafields.fabric.pickup_code }}`). An order with no such fulfillment order (it
 * ships, or its pickup is at another store) is PickupNotSyncableError: Shopify would tell the customer
 * the wrong thing.
 */
export class ShopifyPickupApi implements ChannelPickupApi {
  readonly channel = 'shopify' as const;

  constructor(private readonly admin: ShopifyAdminApi) {}

  async pickupReady(pickup: ChannelPickup): Promise<{ channelReference?: string }> {
    const orders = PickupFulfillmentOrdersAnswer.parse(
      await this.admin.graphql(PICKUP_FULFILLMENT_ORDERS, { id: `gid://shopify/Order/${pickup.channelOrderId}` }),
    );
    if (!orders.order) throw new ChannelApiError('shopify', 404, `shopify has no order ${pickup.channelOrderId}`);
    const store = pickup.channelLocationId && `gid://shopify/Location/${pickup.channelLocationId}`;
    const lineItemIds = new Set(pickup.lines.map((line) => `gid://shopify/LineItem/${line.channelLineId}`));
    const prepared = orders.order.fulfillmentOrders.nodes.filter(
      (fo) =>
        FULFILLABLE.has(fo.status) &&
        fo.deliveryMethod?.methodType === 'PICK_UP' &&
        (!store || fo.assignedLocation.location?.id === store) &&
        fo.lineItems.nodes.some((item) => lineItemIds.has(item.lineItem.id)),
    );
    if (prepared.length === 0)
      throw new PickupNotSyncableError(
        `shopify order ${pickup.channelOrderId} has no open pickup fulfillment order${store ? ` at ${store}` : ''} for order ${pickup.orderId}'s ready lines`,
      );
    const coded = MetafieldsSetAnswer.parse(
      await this.admin.graphql(SET_PICKUP_CODE, {
        metafields: [
          {
            ownerId: `gid://shopify/Order/${pickup.channelOrderId}`,
            ...SHOPIFY_PICKUP_CODE_METAFIELD,
            type: 'single_line_text_field',
            value: pickup.pickupCode,
          },
        ],
      }),
    );
    if (coded.metafieldsSet.userErrors.length > 0)
      throw new ChannelApiError(
        'shopify',
        422,
        `shopify metafieldsSet: ${coded.metafieldsSet.userErrors.map((e) => e.message).join('; ')}`,
        coded,
      );
    const data = PreparedForPickupAnswer.parse(
      await this.admin.graphql(PREPARED_FOR_PICKUP, {
        input: { lineItemsByFulfillmentOrder: prepared.map((fo) => ({ fulfillmentOrderId: fo.id })) },
      }),
    );
    const { userErrors } = data.fulfillmentOrderLineItemsPreparedForPickup;
    if (userErrors.length > 0)
      throw new ChannelApiError(
        'shopify',
        422,
        `shopify fulfillmentOrderLineItemsPreparedForPickup: ${userErrors.map((e) => e.message).join('; ')}`,
        data,
      );
    return { channelReference: prepared.map((fo) => fo.id).join(',') };
  }
}
