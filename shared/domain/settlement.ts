import { z } from 'zod';
import { Money } from './money';
import { SalesChannel } from './order';

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
});
export type SettlementLine = z.infer<typeof SettlementLine>;
