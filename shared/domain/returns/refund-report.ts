import * as z from '#domain/kernel/schema';
import { Money } from '#domain/kernel/money';
import { SalesChannel } from '#domain/kernel/order';

const PositiveMoney = Money.check(z.refine((money) => money.amountMinor >= 0, 'must not be negative'));

/**
 * The first version of a refund report: one amount per line, tax included when the channel broke it
 * down, and nothing on shipping or restocking. Still read from queues, archives and replays, lifted to
 * ChannelRefund by `upcastChannelRefund`.
 */
export const ChannelRefundV1 = z.object({
  channel: SalesChannel,
  channelOrderId: z.string().check(z.minLength(1)),
  orderId: z.string().check(z.regex(/^ord_[a-z2-7]{26}$/)),
  channelRefundId: z.string().check(z.minLength(1)),
  refundedAt: z.iso.datetime({ offset: true }),
  /** What the buyer gets back in total (lines, shipping and tax), positive. */
  amount: PositiveMoney,
  lines: z.array(
    z.object({
      channelLineId: z.string().check(z.minLength(1)),
      quantity: z.number().check(z.int(), z.nonnegative()),
      /** The line's share of the refund, tax included, when the channel breaks it down. */
      amount: z.optional(Money),
    }),
  ),
  reason: z.optional(z.string()),
});
export type ChannelRefundV1 = z.infer<typeof ChannelRefundV1>;

/**
 * What a refund does to the units of a line: `return` puts shipped units back on hand at the restock
 * location, `cancel` gives up units that never shipped (their reservation is released), `no_restock`
 * moves no stock (goodwill, a damaged item the buyer keeps). Shopify's `legacy_restock` is a `return`
 * once the line was fulfilled and a `cancel` before; its mapper decides which.
 */
export const RestockType = z.enum(['return', 'cancel', 'no_restock']);
export type RestockType = z.infer<typeof RestockType>;

/**
 * A refund a channel reports against one of its orders: money given back to the buyer, partial or
 * full, with the lines it covers, split into goods and tax where the channel says, what happens to
 * their units, the shipping given back and the order-level adjustments. It is the channel's statement,
 * not a return received: accounting, the order lifecycle and stock correlate it. Consumers key on
 * (channel, channelRefundId), because a channel that repeats its refunds in every order update reports
 * the same refund again. Every amount is positive: what the buyer gets back.
 */
export const ChannelRefund = z.extend(ChannelRefundV1, {
  lines: z.array(
    z.object({
      channelLineId: z.string().check(z.minLength(1)),
      quantity: z.number().check(z.int(), z.nonnegative()),
      /** The goods refunded on the line, before tax (discounts already taken off). */
      goods: z.optional(PositiveMoney),
      /** The tax refunded on the line. */
      tax: z.optional(PositiveMoney),
      /** The line's refund tax included, only when the channel does not split goods from tax. */
      amount: z.optional(Money),
      restockType: RestockType,
      /** The channel's location the units go back to (Shopify `location_id`), for a `return`. */
      restockLocationId: z.optional(z.string().check(z.minLength(1))),
    }),
  ),
  /** Shipping given back, before tax, and its tax. */
  shipping: z.optional(z.object({ amount: PositiveMoney, tax: PositiveMoney })),
  /**
   * Order-level money not tied to a line: a refund discrepancy, a restocking fee kept (negative), a
   * goodwill credit. `kind` is the channel's word for it. Absent when the channel reports none.
   */
  adjustments: z.optional(
    z.array(
      z.object({
        kind: z.string().check(z.minLength(1)),
        amount: Money,
        tax: z.optional(Money),
        reason: z.optional(z.string()),
      }),
    ),
  ),
});
export type ChannelRefund = z.infer<typeof ChannelRefund>;

/** A v1 refund as v2: it said nothing about restocking, so no line moves stock; its line totals stay as they were. */
export function upcastChannelRefund(v1: ChannelRefundV1): ChannelRefund {
  return { ...v1, lines: v1.lines.map((line) => ({ ...line, restockType: 'no_restock' })), adjustments: [] };
}
