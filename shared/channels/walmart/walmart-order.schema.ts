import * as z from 'zod';

/*
 * The part of a Walmart Marketplace purchase order (Orders API v3, GET /v3/orders/{purchaseOrderId},
 * answered as `{ order }`) that the fabric reads. Money is `{ currency, amount }` with a JSON number
 * amount (29.99); quantities are decimal strings ("2"); the order has no status of its own, each line
 * carries its statuses with the quantity in each. Dates are epoch milliseconds in Walmart's examples
 * and date-times in its reference, so both are read.
 */
const WalmartTimestamp = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value).toISOString());

const WalmartMoney = z.object({ currency: z.string().regex(/^[A-Z]{3}$/), amount: z.number() });
export type WalmartMoney = z.infer<typeof WalmartMoney>;

const WalmartQuantity = z.object({ unitOfMeasurement: z.string().optional(), amount: z.string() });

const WalmartCharge = z.object({
  /** PRODUCT (the item price, or a product discount such as SubscriptionDiscount) or SHIPPING. */
  chargeType: z.string().min(1),
  chargeName: z.string().optional(),
  chargeAmount: WalmartMoney,
  tax: z.object({ taxName: z.string().optional(), taxAmount: WalmartMoney }).nullish(),
});
export type WalmartCharge = z.infer<typeof WalmartCharge>;

export const WalmartOrderLine = z.object({
  lineNumber: z.string().min(1),
  item: z.object({ productName: z.string().optional(), sku: z.string() }),
  charges: z.object({ charge: z.array(WalmartCharge).min(1) }),
  orderLineQuantity: WalmartQuantity,
  statusDate: WalmartTimestamp.optional(),
  orderLineStatuses: z.object({
    orderLineStatus: z
      .array(
        z.object({
          status: z.enum(['Created', 'Acknowledged', 'Shipped', 'Delivered', 'Cancelled', 'Refund']),
          statusQuantity: WalmartQuantity,
          cancellationReason: z.string().nullish(),
        }),
      )
      .min(1),
  }),
  /** What was refunded on the line, as negative charges. */
  refund: z
    .object({
      refundId: z.string().optional(),
      refundComments: z.string().optional(),
      refundCharges: z.object({
        refundCharge: z.array(z.object({ refundReason: z.string().optional(), charge: WalmartCharge })),
      }),
    })
    .nullish(),
});
export type WalmartOrderLine = z.infer<typeof WalmartOrderLine>;

export const WalmartOrder = z.object({
  purchaseOrderId: z.string().min(1),
  customerOrderId: z.string().optional(),
  customerEmailId: z.string().optional(),
  orderDate: WalmartTimestamp,
  shippingInfo: z
    .object({
      phone: z.string().optional(),
      methodCode: z.string().optional(),
      postalAddress: z
        .object({
          name: z.string().optional(),
          address1: z.string().optional(),
          address2: z.string().nullish(),
          city: z.string().optional(),
          state: z.string().optional(),
          postalCode: z.string().optional(),
          country: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  orderLines: z.object({ orderLine: z.array(WalmartOrderLine).min(1) }),
  /** The order's total as Walmart states it; the mapping must reproduce it when present. */
  orderSummary: z
    .object({
      totalAmount: z.object({ currencyAmount: z.number(), currencyUnit: z.string().regex(/^[A-Z]{3}$/) }).optional(),
    })
    .optional(),
});
export type WalmartOrder = z.infer<typeof WalmartOrder>;

export const WalmartGetOrderResponse = z.object({ order: WalmartOrder });

/*
 * Walmart Marketplace Notifications (webhooks) that name a purchase order. Every event is
 * `{ source: { eventType, eventTime, eventId }, payload }`; eventId is the idempotency key. PO_CREATED
 * and PO_LINE_AUTOCANCELLED put the purchaseOrderId in the payload (their lines carry no prices);
 * ORDER_UPDATES nests it in payload.order and names the concrete change in subEventType (PO_CREATED,
 * PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL, FRAUD_CANCEL), which Walmart's page places both at
 * payload.subEventType and under payload.meta.
 */
const EventSource = z.object({ eventType: z.string().min(1), eventId: z.string().min(1) });

export const WALMART_PURCHASE_ORDER_EVENTS = ['PO_CREATED', 'PO_LINE_AUTOCANCELLED'] as const;

export const WalmartPurchaseOrderEvent = z.object({
  source: EventSource,
  payload: z.object({ partnerId: z.string().optional(), purchaseOrderId: z.string().min(1) }),
});

export const WalmartOrderUpdatesEvent = z.object({
  source: EventSource,
  payload: z.object({
    subEventType: z.string().optional(),
    meta: z.object({ subEventType: z.string().optional() }).nullish(),
    order: z.object({ purchaseOrderId: z.string().min(1), partnerId: z.string().optional() }),
  }),
});
