import * as z from '#domain/kernel/schema';
import { Order, SalesChannel } from '#domain/kernel/order';
import { ChannelRefund, ChannelRefundV1, upcastChannelRefund } from '#domain/returns';
import { EventSource, defineEvent } from '#domain/kernel/event';

export const OrderReceived = defineEvent('OrderReceived', {
  source: EventSource.intake,
  description: 'A channel delivered a new or changed order, verified and mapped to the canonical order.',
  versions: { 1: z.object({ order: Order, deliveryId: z.string().check(z.minLength(1)) }) },
  current: 1,
});

export const OrderNeedsAttention = defineEvent('OrderNeedsAttention', {
  source: EventSource.intake,
  description: 'A channel order could not be mapped as it is (unknown SKU, unbalanced money); held, not dropped.',
  versions: {
    1: z.object({
      channel: SalesChannel,
      channelOrderId: z.string().check(z.minLength(1)),
      orderId: z.string().check(z.minLength(1)),
      reason: z.string().check(z.minLength(1)),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      /** The raw archive key of the delivery that carried the order: a fix maps it again from there. */
      archiveKey: z.optional(z.string().check(z.minLength(1))),
      /** UNKNOWN_SKU: the cross-reference keys the order waits for (`sku:CODE` or `variant:ID`). */
      channelSkus: z.optional(z.array(z.string().check(z.minLength(1)))),
    }),
  },
  current: 1,
});

export const ChannelOrderNotified = defineEvent('ChannelOrderNotified', {
  source: EventSource.intake,
  description:
    'A channel said an order exists or changed without sending it (Square, eBay, Walmart, Amazon ORDER_CHANGE); its fetch consumer retrieves and maps it.',
  versions: {
    1: z.object({
      channel: SalesChannel,
      channelOrderId: z.string().check(z.minLength(1)),
      orderId: z.string().check(z.minLength(1)),
      /** The notification's dedupe key; the fetch runs once per delivery. */
      deliveryId: z.string().check(z.minLength(1)),
      topic: z.string().check(z.minLength(1)),
      notifiedAt: z.iso.datetime({ offset: true }),
      channelAccount: z.optional(z.string().check(z.minLength(1))),
    }),
  },
  current: 1,
});

export const RefundReported = defineEvent('RefundReported', {
  source: EventSource.intake,
  description:
    'A channel reported a refund (partial or full) against one of its orders; consumers key on channel and channelRefundId.',
  versions: { 1: z.object({ refund: ChannelRefundV1 }), 2: z.object({ refund: ChannelRefund }) },
  current: 2,
  upcast: (data) => ({ refund: upcastChannelRefund((data as { refund: ChannelRefundV1 }).refund) }),
});

export const ChannelCatchUpFailing = defineEvent('ChannelCatchUpFailing', {
  source: EventSource.intake,
  description:
    "A channel's catch-up pull failed run after run: an order whose webhook never arrives is not being found until it works again.",
  versions: {
    1: z.object({
      channel: SalesChannel,
      connector: z.string().check(z.minLength(1)),
      /** Scheduled runs failed in a row, this one included. */
      failures: z.number().check(z.int(), z.positive()),
      failingSince: z.iso.datetime({ offset: true }),
      reason: z.string().check(z.minLength(1)),
    }),
  },
  current: 1,
});

export const ChannelCatchUpRequested = defineEvent('ChannelCatchUpRequested', {
  source: EventSource.intake,
  description:
    "An operator asked for a channel's catch-up pull now (`ops channel catch-up`), over the cursor's window or from `since`.",
  versions: {
    1: z.object({
      channel: SalesChannel,
      /** The run's report is kept under this id for whoever asked. */
      requestId: z.string().check(z.minLength(1)),
      since: z.optional(z.iso.datetime({ offset: true })),
      requestedBy: z.string().check(z.minLength(1)),
    }),
  },
  current: 1,
});
