import { z } from 'zod';
import { Money } from '#domain/kernel/money';
import { SalesChannel } from '#domain/kernel/order';

/**
 * A refund a channel reports against one of its orders: money given back to the buyer, partial or
 * full, with the lines it covers when the channel says. It is the channel's statement, not a return
 * received: accounting and order-to-cash correlate it. Consumers key on (channel, channelRefundId),
 * because a channel that repeats its refunds in every order update reports the same refund again.
 */
export const ChannelRefund = z.object({
  channel: SalesChannel,
  channelOrderId: z.string().min(1),
  orderId: z.string().regex(/^ord_[a-z2-7]{26}$/),
  channelRefundId: z.string().min(1),
  refundedAt: z.iso.datetime({ offset: true }),
  /** What the buyer gets back in total (lines, shipping and tax), positive. */
  amount: Money.refine((money) => money.amountMinor >= 0, 'must not be negative'),
  lines: z.array(
    z.object({
      channelLineId: z.string().min(1),
      quantity: z.number().int().nonnegative(),
      /** The line's share of the refund, tax included, when the channel breaks it down. */
      amount: Money.optional(),
    }),
  ),
  reason: z.string().optional(),
});
export type ChannelRefund = z.infer<typeof ChannelRefund>;
