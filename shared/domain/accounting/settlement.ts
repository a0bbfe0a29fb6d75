import * as z from 'zod';
import { Money } from '#domain/kernel/money';
import { SalesChannel } from '#domain/kernel/order';

/** One line of a marketplace payout report (Amazon settlement, Shopify payout), signed as the channel reports it. */
export const SettlementLine = z.object({
  settlementId: z.string().min(1),
  channel: SalesChannel,
  lineNumber: z.number().int().positive(),
  channelOrderId: z.string().min(1).optional(),
  sku: z.string().optional(),
  /** The channel's category: "ItemPrice", "ItemFees", "Promotion", "charge", "refund", ... */
  amountType: z.string().min(1),
  amountDescription: z.string(),
  amount: Money,
  postedAt: z.iso.datetime({ offset: true }).optional(),
  /** The channel's transaction the line belongs to: "Order", "Refund", "other-transaction" (Amazon); "charge", "refund", "adjustment" (Shopify). */
  transactionType: z.string().min(1).optional(),
  /** The channel's id of the order line (Amazon order-item-code), to match it to the canonical order line. */
  channelLineId: z.string().min(1).optional(),
  /** The channel's id of the money movement the line is part of (a Shopify balance transaction): fees are checked per transaction. */
  transactionId: z.string().min(1).optional(),
});
export type SettlementLine = z.infer<typeof SettlementLine>;

/** What a settlement report says about itself: its id, period, payout date and total (the summary row of Amazon's report, Shopify's payout). */
export const SettlementHeader = z.object({
  settlementId: z.string().min(1),
  channel: SalesChannel,
  currency: z.string().regex(/^[A-Z]{3}$/),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  depositDate: z.string().optional(),
  totalAmount: Money.optional(),
});
export type SettlementHeader = z.infer<typeof SettlementHeader>;
