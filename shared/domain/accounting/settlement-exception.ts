import * as z from '#domain/kernel/schema';
import { Money } from '#domain/kernel/money';
import { SalesChannel } from '#domain/kernel/order';

/** Payload of ReconciliationException; the catalog (events/catalog.ts) versions it. */
export const ReconciliationReason = z.enum([
  'UNKNOWN_ORDER',
  'UNKNOWN_ORDER_LINE',
  'AMOUNT_VARIANCE',
  'FEE_VARIANCE',
  'NEVER_SETTLED',
  'REPORT_REJECTED',
]);
export type ReconciliationReason = z.infer<typeof ReconciliationReason>;

export const ReconciliationExceptionData = z.object({
  /**
   * UNKNOWN_ORDER: the settlement names an order id the fabric never received. UNKNOWN_ORDER_LINE: an
   * item of a known order the order does not have. AMOUNT_VARIANCE: what the buyer paid (settled
   * charges) is not the order's total, or (no order named) the report's rows do not add up to its deposit. FEE_VARIANCE: the marketplace kept more or less than its fee
   * schedule for one item and fee type. NEVER_SETTLED: a booked sale no settlement named within the configured days.
   * REPORT_REJECTED: a settlement report that cannot be read; nothing of it was reconciled.
   */
  reason: ReconciliationReason,
  channel: SalesChannel,
  settlementId: z.optional(z.string().check(z.minLength(1))),
  channelOrderId: z.optional(z.string().check(z.minLength(1))),
  orderId: z.optional(z.string().check(z.minLength(1))),
  /** The order item concerned (Amazon order-item-code, a Shopify balance transaction id), when the exception is about one. */
  channelLineId: z.optional(z.string().check(z.minLength(1))),
  /** The fee type of a FEE_VARIANCE, as the channel names it ("Commission", "RefundCommission", "fee"). */
  feeType: z.optional(z.string().check(z.minLength(1))),
  /** The settlement report lines concerned. */
  lineNumbers: z.array(z.number().check(z.int(), z.positive())),
  expected: z.optional(Money),
  actual: z.optional(Money),
  detail: z.string().check(z.minLength(1)),
});
export type ReconciliationExceptionData = z.infer<typeof ReconciliationExceptionData>;
