import * as z from '#domain/kernel/schema';
import { Money } from '#domain/kernel/money';
import { SalesChannel } from '#domain/kernel/order';

/** One line of a marketplace payout report (Amazon settlement, Shopify payout), signed as the channel reports it. */
export const SettlementLine = z.object({
  settlementId: z.string().check(z.minLength(1)),
  channel: SalesChannel,
  lineNumber: z.number().check(z.int(), z.positive()),
  channelOrderId: z.optional(z.string().check(z.minLength(1))),
  sku: z.optional(z.string()),
  /** The channel's category: "ItemPrice", "ItemFees", "Promotion", "charge", "refund", ... */
  amountType: z.string().check(z.minLength(1)),
  amountDescription: z.string(),
  amount: Money,
  postedAt: z.optional(z.iso.datetime({ offset: true })),
  /** The channel's transaction the line belongs to: "Order", "Refund", "other-transaction" (Amazon); "charge", "refund", "adjustment" (Shopify). */
  transactionType: z.optional(z.string().check(z.minLength(1))),
  /** The channel's id of the order line (Amazon order-item-code), to match it to the canonical order line. */
  channelLineId: z.optional(z.string().check(z.minLength(1))),
  /** The channel's id of the money movement the line is part of (a Shopify balance transaction): fees are checked per transaction. */
  transactionId: z.optional(z.string().check(z.minLength(1))),
});
export type SettlementLine = z.infer<typeof SettlementLine>;

/** What a settlement report says about itself: its id, period, payout date and total (the summary row of Amazon's report, Shopify's payout). */
export const SettlementHeader = z.object({
  settlementId: z.string().check(z.minLength(1)),
  channel: SalesChannel,
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  startDate: z.optional(z.string()),
  endDate: z.optional(z.string()),
  depositDate: z.optional(z.string()),
  totalAmount: z.optional(Money),
});
export type SettlementHeader = z.infer<typeof SettlementHeader>;
