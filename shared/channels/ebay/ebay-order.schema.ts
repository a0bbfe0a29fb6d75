import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';

/**
 * eBay's schemas, built on the first parse of any of them rather than when the module loads:
 * the functions that import every channel (the webhook, order fetch and catch-up, the ops APIs that
 * reprocess an order) would otherwise build all six channels' schemas at each cold start (issue 27).
 */
const schemas = once(() => {
  /*
   * The part of eBay's Sell Fulfillment API order (getOrder, and each of getOrders' `orders`) that the
   * fabric reads. Amounts are { value, currency } with value a decimal string; lineItemCost is extended
   * (unit price x quantity); discounts (priceDiscount, deliveryDiscount) are negative.
   */
  const EbayAmount = z.object({
    value: z.string().check(z.regex(/^-?\d+(\.\d+)?$/)),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  });

  const ContactAddress = z.object({
    addressLine1: z.optional(z.string()),
    addressLine2: z.optional(z.string()),
    city: z.optional(z.string()),
    stateOrProvince: z.optional(z.string()),
    postalCode: z.optional(z.string()),
    countryCode: z.optional(z.string()),
  });

  const EbayOrder = z.object({
    orderId: z.string().check(z.minLength(1)),
    legacyOrderId: z.optional(z.string()),
    creationDate: z.iso.datetime({ offset: true }),
    lastModifiedDate: z.iso.datetime({ offset: true }),
    orderFulfillmentStatus: z.enum(['NOT_STARTED', 'IN_PROGRESS', 'FULFILLED']),
    orderPaymentStatus: z.string(),
    sellerId: z.optional(z.string()),
    salesRecordReference: z.optional(z.string()),
    buyer: z.optional(z.object({ username: z.optional(z.string()) })),
    pricingSummary: z.object({
      priceSubtotal: EbayAmount,
      priceDiscount: z.optional(EbayAmount),
      deliveryCost: z.optional(EbayAmount),
      deliveryDiscount: z.optional(EbayAmount),
      tax: z.optional(EbayAmount),
      total: EbayAmount,
    }),
    cancelStatus: z.optional(z.object({ cancelState: z.string() })),
    paymentSummary: z.optional(
      z.object({
        refunds: z._default(
          z.array(
            z.object({
              refundId: z.optional(z.string()),
              refundDate: z.optional(z.iso.datetime({ offset: true })),
              refundStatus: z.optional(z.string()),
              amount: EbayAmount,
            }),
          ),
          [],
        ),
      }),
    ),
    fulfillmentStartInstructions: z._default(
      z.array(
        z.object({
          shippingStep: z.optional(
            z.object({
              shippingServiceCode: z.optional(z.string()),
              shipTo: z.optional(
                z.object({
                  fullName: z.optional(z.string()),
                  email: z.optional(z.string()),
                  primaryPhone: z.optional(z.object({ phoneNumber: z.optional(z.string()) })),
                  contactAddress: z.optional(ContactAddress),
                }),
              ),
            }),
          ),
        }),
      ),
      [],
    ),
    lineItems: z
      .array(
        z.object({
          lineItemId: z.string().check(z.minLength(1)),
          legacyItemId: z.optional(z.string()),
          legacyVariationId: z.optional(z.string()),
          sku: z.optional(z.string()),
          title: z.optional(z.string()),
          /** Checked by the mapper, so a negative quantity holds the order with the field named. */
          quantity: z.number().check(z.int()),
          /** The price of all units of the line, before discounts, shipping and tax. */
          lineItemCost: EbayAmount,
          listingMarketplaceId: z.optional(z.string()),
          appliedPromotions: z._default(
            z.array(
              z.object({
                promotionId: z.optional(z.string()),
                description: z.optional(z.string()),
                discountAmount: EbayAmount,
              }),
            ),
            [],
          ),
          taxes: z._default(z.array(z.object({ amount: EbayAmount, taxType: z.optional(z.string()) })), []),
          /** Refunds issued on this line (issueRefund at line level); they are not repeated in paymentSummary.refunds. */
          refunds: z._default(
            z.array(
              z.object({
                refundId: z.optional(z.string()),
                refundDate: z.optional(z.iso.datetime({ offset: true })),
                refundStatus: z.optional(z.string()),
                amount: z.optional(EbayAmount),
              }),
            ),
            [],
          ),
        }),
      )
      .check(z.minLength(1)),
  });

  const EbayOrderSearchPage = z.object({
    total: z.number().check(z.int(), z.nonnegative()),
    limit: z.number().check(z.int(), z.positive()),
    offset: z.number().check(z.int(), z.nonnegative()),
    next: z.optional(z.string()),
    orders: z._default(z.array(z.unknown()), []),
  });

  /** eBay Notification API push: `{ metadata, notification }`, signed in X-EBAY-SIGNATURE. */
  const EbayNotification = z.object({
    metadata: z.object({ topic: z.string().check(z.minLength(1)), schemaVersion: z.optional(z.string()) }),
    notification: z.object({
      notificationId: z.string().check(z.minLength(1)),
      eventDate: z.optional(z.string()),
      publishDate: z.optional(z.string()),
      publishAttemptCount: z.optional(z.number().check(z.int())),
      data: z._default(z.record(z.string(), z.unknown()), {}),
    }),
  });

  /** The decoded X-EBAY-SIGNATURE header: base64 of this JSON. */
  const EbaySignatureHeader = z.object({
    alg: z.string(),
    kid: z.string().check(z.minLength(1)),
    signature: z.string().check(z.minLength(1)),
    digest: z.string(),
  });

  /** getPublicKey's answer. */
  const EbayPublicKey = z.object({
    algorithm: z.string(),
    digest: z.string(),
    key: z.string().check(z.minLength(1)),
  });

  return { EbayAmount, EbayOrder, EbayOrderSearchPage, EbayNotification, EbaySignatureHeader, EbayPublicKey };
});
type Schemas = ReturnType<typeof schemas>;

export type EbayAmount = z.infer<Schemas['EbayAmount']>;

export const EbayOrder = /* @__PURE__ */ z.lazy(() => schemas().EbayOrder);
export type EbayOrder = z.infer<Schemas['EbayOrder']>;

export const EbayOrderSearchPage = /* @__PURE__ */ z.lazy(() => schemas().EbayOrderSearchPage);

export const EbayNotification = /* @__PURE__ */ z.lazy(() => schemas().EbayNotification);

export const EbaySignatureHeader = /* @__PURE__ */ z.lazy(() => schemas().EbaySignatureHeader);

export const EbayPublicKey = /* @__PURE__ */ z.lazy(() => schemas().EbayPublicKey);
export type EbayPublicKey = z.infer<Schemas['EbayPublicKey']>;
