import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';

/** What the fabric maps for one Amazon order: getOrder's order and every page of getOrderItems. */
export interface AmazonOrderPayload {
  order: AmazonOrder;
  items: AmazonOrderItem[];
  /** The selling partner, from the notification. */
  sellerId?: string;
}

/**
 * Amazon's schemas, built on the first parse of any of them rather than when the module loads:
 * the functions that import every channel (the webhook, order fetch and catch-up, the ops APIs that
 * reprocess an order) would otherwise build all six channels' schemas at each cold start (issue 27).
 */
const schemas = once(() => {
  /*
   * Selling Partner API shapes the fabric reads: the ORDER_CHANGE notification (delivered to an SQS
   * queue, NotificationVersion 1.0), and the Orders API v0 getOrder and getOrderItems answers. Money is
   * { CurrencyCode, Amount } with Amount a decimal string; a Pending order has no prices yet.
   */
  const AmazonMoney = z.object({
    CurrencyCode: z.string().check(z.regex(/^[A-Z]{3}$/)),
    Amount: z.string().check(z.regex(/^-?\d+(\.\d+)?$/)),
  });

  const AmazonOrderChangeNotification = z.object({
    NotificationVersion: z.string(),
    NotificationType: z.literal('ORDER_CHANGE'),
    PayloadVersion: z.string(),
    EventTime: z.iso.datetime({ offset: true }),
    Payload: z.object({
      OrderChangeNotification: z.object({
        NotificationLevel: z.string(),
        SellerId: z.string().check(z.minLength(1)),
        AmazonOrderId: z.string().check(z.minLength(1)),
        OrderChangeType: z.string(),
        OrderChangeTrigger: z.optional(
          z.object({ TimeOfOrderChange: z.optional(z.nullable(z.string())), ChangeReason: z.string() }),
        ),
        Summary: z.looseObject({ MarketplaceId: z.string(), OrderStatus: z.string() }),
      }),
    }),
    NotificationMetadata: z.object({
      ApplicationId: z.optional(z.string()),
      SubscriptionId: z.optional(z.string()),
      PublishTime: z.optional(z.string()),
      NotificationId: z.string().check(z.minLength(1)),
    }),
  });

  const AmazonOrder = z.object({
    AmazonOrderId: z.string().check(z.minLength(1)),
    PurchaseDate: z.iso.datetime({ offset: true }),
    LastUpdateDate: z.iso.datetime({ offset: true }),
    OrderStatus: z.enum([
      'Pending',
      'Unshipped',
      'PartiallyShipped',
      'Shipped',
      'Canceled',
      'Unfulfillable',
      'InvoiceUnconfirmed',
      'PendingAvailability',
    ]),
    FulfillmentChannel: z.optional(z.string()),
    SalesChannel: z.optional(z.string()),
    ShipServiceLevel: z.optional(z.string()),
    OrderTotal: z.optional(AmazonMoney),
    MarketplaceId: z.string().check(z.minLength(1)),
    ShippingAddress: z.optional(
      z.object({
        City: z.optional(z.string()),
        StateOrRegion: z.optional(z.string()),
        PostalCode: z.optional(z.string()),
        CountryCode: z.optional(z.string()),
      }),
    ),
  });

  const AmazonOrderItem = z.object({
    ASIN: z.string().check(z.minLength(1)),
    SellerSKU: z.optional(z.string()),
    OrderItemId: z.string().check(z.minLength(1)),
    Title: z.optional(z.string()),
    /** Checked by the mapper, so a negative quantity holds the order with the field named. */
    QuantityOrdered: z.number().check(z.int()),
    QuantityShipped: z.optional(z.number().check(z.int(), z.nonnegative())),
    /** The selling price of the item multiplied by the quantity ordered: an extended amount. */
    ItemPrice: z.optional(AmazonMoney),
    ItemTax: z.optional(AmazonMoney),
    ShippingPrice: z.optional(AmazonMoney),
    ShippingTax: z.optional(AmazonMoney),
    ShippingDiscount: z.optional(AmazonMoney),
    ShippingDiscountTax: z.optional(AmazonMoney),
    PromotionDiscount: z.optional(AmazonMoney),
    PromotionDiscountTax: z.optional(AmazonMoney),
  });

  const AmazonGetOrderResponse = z.object({ payload: AmazonOrder });

  const AmazonGetOrderItemsResponse = z.object({
    payload: z.object({
      AmazonOrderId: z.string(),
      OrderItems: z.array(AmazonOrderItem),
      NextToken: z.optional(z.string()),
    }),
  });

  return {
    AmazonMoney,
    AmazonOrderChangeNotification,
    AmazonOrder,
    AmazonOrderItem,
    AmazonGetOrderResponse,
    AmazonGetOrderItemsResponse,
  };
});
type Schemas = ReturnType<typeof schemas>;

export type AmazonMoney = z.infer<Schemas['AmazonMoney']>;

export const AmazonOrderChangeNotification = /* @__PURE__ */ z.lazy(() => schemas().AmazonOrderChangeNotification);

export const AmazonOrder = /* @__PURE__ */ z.lazy(() => schemas().AmazonOrder);
export type AmazonOrder = z.infer<Schemas['AmazonOrder']>;

export const AmazonOrderItem = /* @__PURE__ */ z.lazy(() => schemas().AmazonOrderItem);
export type AmazonOrderItem = z.infer<Schemas['AmazonOrderItem']>;

export const AmazonGetOrderResponse = /* @__PURE__ */ z.lazy(() => schemas().AmazonGetOrderResponse);

export const AmazonGetOrderItemsResponse = /* @__PURE__ */ z.lazy(() => schemas().AmazonGetOrderItemsResponse);
