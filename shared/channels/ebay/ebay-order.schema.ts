import * as z from 'zod';

/*
 * The part of eBay's Sell Fulfillment API order (getOrder, and each of getOrders' `orders`) that the
 * fabric reads. Amounts are { value, currency } with value a decimal string; lineItemCost is extended
 * (unit price x quantity); discounts (priceDiscount, deliveryDiscount) are negative.
 */
const EbayAmount = z.object({ value: z.string().regex(/^-?\d+(\.\d+)?$/), currency: z.string().regex(/^[A-Z]{3}$/) });
export type EbayAmount = z.infer<typeof EbayAmount>;

const ContactAddress = z.object({
  addressLine1: z.string().optional(),
  addressLine2: z.string().optional(),
  city: z.string().optional(),
  stateOrProvince: z.string().optional(),
  postalCode: z.string().optional(),
  countryCode: z.string().optional(),
});

export const EbayOrder = z.object({
  orderId: z.string().min(1),
  legacyOrderId: z.string().optional(),
  creationDate: z.iso.datetime({ offset: true }),
  lastModifiedDate: z.iso.datetime({ offset: true }),
  orderFulfillmentStatus: z.enum(['NOT_STARTED', 'IN_PROGRESS', 'FULFILLED']),
  orderPaymentStatus: z.string(),
  sellerId: z.string().optional(),
  salesRecordReference: z.string().optional(),
  buyer: z.object({ username: z.string().optional() }).optional(),
  pricingSummary: z.object({
    priceSubtotal: EbayAmount,
    priceDiscount: EbayAmount.optional(),
    deliveryCost: EbayAmount.optional(),
    deliveryDiscount: EbayAmount.optional(),
    tax: EbayAmount.optional(),
    total: EbayAmount,
  }),
  cancelStatus: z.object({ cancelState: z.string() }).optional(),
  paymentSummary: z
    .object({
      refunds: z
        .array(
          z.object({
            refundId: z.string().optional(),
            refundDate: z.iso.datetime({ offset: true }).optional(),
            refundStatus: z.string().optional(),
            amount: EbayAmount,
          }),
        )
        .default([]),
    })
    .optional(),
  fulfillmentStartInstructions: z
    .array(
      z.object({
        shippingStep: z
          .object({
            shippingServiceCode: z.string().optional(),
            shipTo: z
              .object({
                fullName: z.string().optional(),
                email: z.string().optional(),
                primaryPhone: z.object({ phoneNumber: z.string().optional() }).optional(),
                contactAddress: ContactAddress.optional(),
              })
              .optional(),
          })
          .optional(),
      }),
    )
    .default([]),
  lineItems: z
    .array(
      z.object({
        lineItemId: z.string().min(1),
        legacyItemId: z.string().optional(),
        legacyVariationId: z.string().optional(),
        sku: z.string().optional(),
        title: z.string().optional(),
        /** Checked by the mapper, so a negative quantity holds the order with the field named. */
        quantity: z.number().int(),
        /** The price of all units of the line, before discounts, shipping and tax. */
        lineItemCost: EbayAmount,
        listingMarketplaceId: z.string().optional(),
        appliedPromotions: z
          .array(
            z.object({
              promotionId: z.string().optional(),
              description: z.string().optional(),
              discountAmount: EbayAmount,
            }),
          )
          .default([]),
        taxes: z.array(z.object({ amount: EbayAmount, taxType: z.string().optional() })).default([]),
        /** Refunds issued on this line (issueRefund at line level); they are not repeated in paymentSummary.refunds. */
        refunds: z
          .array(
            z.object({
              refundId: z.string().optional(),
              refundDate: z.iso.datetime({ offset: true }).optional(),
              refundStatus: z.string().optional(),
              amount: EbayAmount.optional(),
            }),
          )
          .default([]),
      }),
    )
    .min(1),
});
export type EbayOrder = z.infer<typeof EbayOrder>;

export const EbayOrderSearchPage = z.object({
  total: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
  next: z.string().optional(),
  orders: z.array(z.unknown()).default([]),
});

/** eBay Notification API push: `{ metadata, notification }`, signed in X-EBAY-SIGNATURE. */
export const EbayNotification = z.object({
  metadata: z.object({ topic: z.string().min(1), schemaVersion: z.string().optional() }),
  notification: z.object({
    notificationId: z.string().min(1),
    eventDate: z.string().optional(),
    publishDate: z.string().optional(),
    publishAttemptCount: z.number().int().optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  }),
});

/** The decoded X-EBAY-SIGNATURE header: base64 of this JSON. */
export const EbaySignatureHeader = z.object({
  alg: z.string(),
  kid: z.string().min(1),
  signature: z.string().min(1),
  digest: z.string(),
});

/** getPublicKey's answer. */
export const EbayPublicKey = z.object({ algorithm: z.string(), digest: z.string(), key: z.string().min(1) });
export type EbayPublicKey = z.infer<typeof EbayPublicKey>;
