import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';

export const WALMART_PURCHASE_ORDER_EVENTS = ['PO_CREATED', 'PO_LINE_AUTOCANCELLED'] as const;

/**
 * Walmart's schemas, built on the first parse of any of them rather than when the module loads:
 * the functions that import every channel (the webhook, order fetch and catch-up, the ops APIs that
 * reprocess an order) would otherwise build all six channels' schemas at each cold start (issue 27).
 */
const schemas = once(() => {
  /*
   * The part of a Walmart Marketplace purchase order (Orders API v3, GET /v3/orders/{purchaseOrderId},
   * answered as `{ order }`) that the fabric reads. Money is `{ currency, amount }` with a JSON number
   * amount (29.99); quantities are decimal strings ("2"); the order has no status of its own, each line
   * carries its statuses with the quantity in each. Dates are epoch milliseconds in Walmart's examples
   * and date-times in its reference, so both are read.
   */
  const WalmartTimestamp = z.pipe(
    z.union([z.number().check(z.int(), z.nonnegative()), z.iso.datetime({ offset: true })]),
    z.transform((value) => new Date(value).toISOString()),
  );

  const WalmartMoney = z.object({ currency: z.string().check(z.regex(/^[A-Z]{3}$/)), amount: z.number() });

  const WalmartQuantity = z.object({ unitOfMeasurement: z.optional(z.string()), amount: z.string() });

  const WalmartCharge = z.object({
    /** PRODUCT (the item price, or a product discount such as SubscriptionDiscount) or SHIPPING. */
    chargeType: z.string().check(z.minLength(1)),
    chargeName: z.optional(z.string()),
    chargeAmount: WalmartMoney,
    tax: z.nullish(z.object({ taxName: z.optional(z.string()), taxAmount: WalmartMoney })),
  });

  const WalmartOrderLine = z.object({
    lineNumber: z.string().check(z.minLength(1)),
    item: z.object({ productName: z.optional(z.string()), sku: z.string() }),
    charges: z.object({ charge: z.array(WalmartCharge).check(z.minLength(1)) }),
    orderLineQuantity: WalmartQuantity,
    statusDate: z.optional(WalmartTimestamp),
    orderLineStatuses: z.object({
      orderLineStatus: z
        .array(
          z.object({
            status: z.enum(['Created', 'Acknowledged', 'Shipped', 'Delivered', 'Cancelled', 'Refund']),
            statusQuantity: WalmartQuantity,
            cancellationReason: z.nullish(z.string()),
          }),
        )
        .check(z.minLength(1)),
    }),
    /** What was refunded on the line, as negative charges. */
    refund: z.nullish(
      z.object({
        refundId: z.optional(z.string()),
        refundComments: z.optional(z.string()),
        refundCharges: z.object({
          refundCharge: z.array(z.object({ refundReason: z.optional(z.string()), charge: WalmartCharge })),
        }),
      }),
    ),
  });

  const WalmartOrder = z.object({
    purchaseOrderId: z.string().check(z.minLength(1)),
    customerOrderId: z.optional(z.string()),
    customerEmailId: z.optional(z.string()),
    orderDate: WalmartTimestamp,
    shippingInfo: z.optional(
      z.object({
        phone: z.optional(z.string()),
        methodCode: z.optional(z.string()),
        postalAddress: z.optional(
          z.object({
            name: z.optional(z.string()),
            address1: z.optional(z.string()),
            address2: z.nullish(z.string()),
            city: z.optional(z.string()),
            state: z.optional(z.string()),
            postalCode: z.optional(z.string()),
            country: z.optional(z.string()),
          }),
        ),
      }),
    ),
    orderLines: z.object({ orderLine: z.array(WalmartOrderLine).check(z.minLength(1)) }),
    /** The order's total as Walmart states it; the mapping must reproduce it when present. */
    orderSummary: z.optional(
      z.object({
        totalAmount: z.optional(
          z.object({ currencyAmount: z.number(), currencyUnit: z.string().check(z.regex(/^[A-Z]{3}$/)) }),
        ),
      }),
    ),
  });

  const WalmartGetOrderResponse = z.object({ order: WalmartOrder });

  /*
   * Walmart Marketplace Notifications (webhooks) that name a purchase order. Every event is
   * `{ source: { eventType, eventTime, eventId }, payload }`; eventId is the idempotency key. PO_CREATED
   * and PO_LINE_AUTOCANCELLED put the purchaseOrderId in the payload (their lines carry no prices);
   * ORDER_UPDATES nests it in payload.order and names the concrete change in subEventType (PO_CREATED,
   * PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL, FRAUD_CANCEL), which Walmart's page places both at
   * payload.subEventType and under payload.meta.
   */
  const EventSource = z.object({
    eventType: z.string().check(z.minLength(1)),
    eventId: z.string().check(z.minLength(1)),
  });

  const WalmartPurchaseOrderEvent = z.object({
    source: EventSource,
    payload: z.object({ partnerId: z.optional(z.string()), purchaseOrderId: z.string().check(z.minLength(1)) }),
  });

  const WalmartOrderUpdatesEvent = z.object({
    source: EventSource,
    payload: z.object({
      subEventType: z.optional(z.string()),
      meta: z.nullish(z.object({ subEventType: z.optional(z.string()) })),
      order: z.object({ purchaseOrderId: z.string().check(z.minLength(1)), partnerId: z.optional(z.string()) }),
    }),
  });

  return {
    WalmartMoney,
    WalmartCharge,
    WalmartOrderLine,
    WalmartOrder,
    WalmartGetOrderResponse,
    WalmartPurchaseOrderEvent,
    WalmartOrderUpdatesEvent,
  };
});
type Schemas = ReturnType<typeof schemas>;

export type WalmartMoney = z.infer<Schemas['WalmartMoney']>;

export type WalmartCharge = z.infer<Schemas['WalmartCharge']>;

export const WalmartOrderLine = /* @__PURE__ */ z.lazy(() => schemas().WalmartOrderLine);
export type WalmartOrderLine = z.infer<Schemas['WalmartOrderLine']>;

export const WalmartOrder = /* @__PURE__ */ z.lazy(() => schemas().WalmartOrder);
export type WalmartOrder = z.infer<Schemas['WalmartOrder']>;

export const WalmartGetOrderResponse = /* @__PURE__ */ z.lazy(() => schemas().WalmartGetOrderResponse);

export const WalmartPurchaseOrderEvent = /* @__PURE__ */ z.lazy(() => schemas().WalmartPurchaseOrderEvent);

export const WalmartOrderUpdatesEvent = /* @__PURE__ */ z.lazy(() => schemas().WalmartOrderUpdatesEvent);
