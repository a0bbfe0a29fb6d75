import * as z from 'zod';

/*
 * Selling Partner API shapes the fabric reads: the ORDER_CHANGE notification (delivered to an SQS
 * queue, NotificationVersion 1.0), and the Orders API v0 getOrder and getOrderItems answers. Money is
 * { CurrencyCode, Amount } with Amount a decimal string; a Pending order has no prices yet.
 */
const AmazonMoney = z.object({
  CurrencyCode: z.string().regex(/^[A-Z]{3}$/),
  Amount: z.string().regex(/^-?\d+(\.\d+)?$/),
});
export type AmazonMoney = z.infer<typeof AmazonMoney>;

export const AmazonOrderChangeNotification = z.object({
  NotificationVersion: z.string(),
  NotificationType: z.literal('ORDER_CHANGE'),
  PayloadVersion: z.string(),
  EventTime: z.iso.datetime({ offset: true }),
  Payload: z.object({
    OrderChangeNotification: z.object({
      NotificationLevel: z.string(),
      SellerId: z.string().min(1),
      AmazonOrderId: z.string().min(1),
      OrderChangeType: z.string(),
      OrderChangeTrigger: z
        .object({ TimeOfOrderChange: z.string().nullable().optional(), ChangeReason: z.string() })
        .optional(),
      Summary: z.object({ MarketplaceId: z.string(), OrderStatus: z.string() }).passthrough(),
    }),
  }),
  NotificationMetadata: z.object({
    ApplicationId: z.string().optional(),
    SubscriptionId: z.string().optional(),
    PublishTime: z.string().optional(),
    NotificationId: z.string().min(1),
  }),
});

export const AmazonOrder = z.object({
  AmazonOrderId: z.string().min(1),
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
  FulfillmentChannel: z.string().optional(),
  SalesChannel: z.string().optional(),
  ShipServiceLevel: z.string().optional(),
  OrderTotal: AmazonMoney.optional(),
  MarketplaceId: z.string().min(1),
  ShippingAddress: z
    .object({
      City: z.string().optional(),
      StateOrRegion: z.string().optional(),
      PostalCode: z.string().optional(),
      CountryCode: z.string().optional(),
    })
    .optional(),
});
export type AmazonOrder = z.infer<typeof AmazonOrder>;

export const AmazonOrderItem = z.object({
  ASIN: z.string().min(1),
  SellerSKU: z.string().optional(),
  OrderItemId: z.string().min(1),
  Title: z.string().optional(),
  /** Checked by the mapper, so a negative quantity holds the order with the field named. */
  QuantityOrdered: z.number().int(),
  QuantityShipped: z.number().int().nonnegative().optional(),
  /** The selling price of the item multiplied by the quantity ordered: an extended amount. */
  ItemPrice: AmazonMoney.optional(),
  ItemTax: AmazonMoney.optional(),
  ShippingPrice: AmazonMoney.optional(),
  ShippingTax: AmazonMoney.optional(),
  ShippingDiscount: AmazonMoney.optional(),
  ShippingDiscountTax: AmazonMoney.optional(),
  PromotionDiscount: AmazonMoney.optional(),
  PromotionDiscountTax: AmazonMoney.optional(),
});
export type AmazonOrderItem = z.infer<typeof AmazonOrderItem>;

export const AmazonGetOrderResponse = z.object({ payload: AmazonOrder });
export const AmazonGetOrderItemsResponse = z.object({
  payload: z.object({
    AmazonOrderId: z.string(),
    OrderItems: z.array(AmazonOrderItem),
    NextToken: z.string().optional(),
  }),
});

/** What the fabric maps for one Amazon order: getOrder's order and every page of getOrderItems. */
export interface AmazonOrderPayload {
  order: AmazonOrder;
  items: AmazonOrderItem[];
  /** The selling partner, from the notification. */
  sellerId?: string;
}
