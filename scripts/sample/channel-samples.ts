import { randomUUID } from 'node:crypto';
import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';

/**
 * Deliveries shaped as Square, Amazon and Walmart send them, for the sample traffic, the simulator and
 * the tests: a Square order.* event signed over notification URL + body, an SP-API ORDER_CHANGE
 * notification as it lands on the SQS destination, and a Walmart order notification with its HMAC.
 */
export function squareOrderEvent(
  orderId: string,
  locationId: string,
  type = 'order.updated',
  eventId: string = randomUUID(),
  version = 2,
): string {
  const now = new Date().toISOString();
  const key =
    type === 'order.created'
      ? 'order_created'
      : type === 'order.fulfillment.updated'
        ? 'order_fulfillment_updated'
        : 'order_updated';
  return JSON.stringify({
    merchant_id: 'MLB0M4PXGJ7GV',
    type,
    event_id: eventId,
    created_at: now,
    data: {
      type: 'order',
      id: orderId,
      object: {
        [key]: { created_at: now, location_id: locationId, order_id: orderId, state: 'OPEN', updated_at: now, version },
      },
    },
  });
}

/** Square's headers: the signature covers the notification URL exactly as the subscription names it, then the body. */
export function squareDeliveryHeaders(
  body: string,
  signatureKey: string,
  notificationUrl: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Square Connect v2',
    'square-environment': 'Production',
    'square-initial-delivery-timestamp': new Date().toISOString(),
    'square-retry-number': '0',
    'x-square-hmacsha256-signature': signBase64HmacSha256(`${notificationUrl}${body}`, signatureKey),
  };
}

/**
 * An ORDER_CHANGE notification (NotificationVersion 1.0) for an order, as SP-API writes it to the queue.
 * `at` is the time of the change (now by default); with it and the notification id given, the body is reproducible.
 */
export function amazonOrderChange(
  amazonOrderId: string,
  orderStatus: string,
  notificationId: string = randomUUID(),
  sellerId = 'A3TH9S8BH6GOGM',
  at = new Date().toISOString(),
): string {
  return JSON.stringify({
    NotificationVersion: '1.0',
    NotificationType: 'ORDER_CHANGE',
    PayloadVersion: '1.0',
    EventTime: at,
    Payload: {
      OrderChangeNotification: {
        NotificationLevel: 'OrderLevel',
        SellerId: sellerId,
        AmazonOrderId: amazonOrderId,
        OrderChangeType: 'OrderStatusChange',
        OrderChangeTrigger: { TimeOfOrderChange: at, ChangeReason: `Order status changed to ${orderStatus}` },
        Summary: {
          MarketplaceId: 'ATVPDKIKX0DER',
          OrderStatus: orderStatus,
          PurchaseDate: at,
          DestinationPostalCode: '78701',
          FulfillmentType: 'MFN',
          OrderType: 'StandardOrder',
          OrderItems: [],
        },
      },
    },
    NotificationMetadata: {
      ApplicationId: 'amzn1.sellerapps.app.fabric-dev',
      SubscriptionId: 'fabric-dev-subscription',
      PublishTime: at,
      NotificationId: notificationId,
    },
  });
}

/**
 * A Walmart Marketplace notification naming a purchase order: PO_CREATED (or PO_LINE_AUTOCANCELLED)
 * with the id in the payload, or ORDER_UPDATES with it in payload.order and the change in subEventType.
 * With `eventId` and `eventTime` given the body is reproducible; otherwise both are fresh.
 */
export function walmartOrderEvent(
  purchaseOrderId: string,
  options: {
    eventType?: 'PO_CREATED' | 'PO_LINE_AUTOCANCELLED' | 'ORDER_UPDATES';
    subEventType?: string;
    eventId?: string;
    partnerId?: string;
    eventTime?: string;
  } = {},
): string {
  const {
    eventType = 'PO_CREATED',
    subEventType = 'PO_CREATED',
    eventId = randomUUID(),
    partnerId = '10001234567',
    eventTime = new Date().toISOString(),
  } = options;
  const source = { eventType, eventVersion: 'V1', eventTime, eventId };
  return JSON.stringify(
    eventType === 'ORDER_UPDATES'
      ? {
          source: { ...source, eventFilters: null },
          payload: { meta: { subEventType }, order: { purchaseOrderId, partnerId } },
        }
      : { source, payload: { partnerId, purchaseOrderId } },
  );
}

/** Walmart's headers for a subscription with authMethod HMAC and authHeaderName Authorization: the HMAC-SHA256 of the body. */
export function walmartDeliveryHeaders(body: string, clientSecret: string): Record<string, string> {
  return { 'content-type': 'application/json', authorization: signBase64HmacSha256(body, clientSecret) };
}
