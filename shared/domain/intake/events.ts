import { z } from 'zod';
import { Order, SalesChannel } from '#domain/kernel/order';
import { ChannelRefund } from '#domain/returns';
import { EventSource, defineEvent } from '#domain/kernel/event';

export const OrderReceived = defineEvent('OrderReceived', {
  source: EventSource.intake,
  description: 'A channel delivered a new or changed order, verified and mapped to the canonical order.',
  versions: { 1: z.object({ order: Order, deliveryId: z.string().min(1) }) },
  current: 1,
});

export const OrderNeedsAttention = defineEvent('OrderNeedsAttention', {
  source: EventSource.intake,
  description: 'A channel order could not be mapped as it is (unknown SKU, unbalanced money); held, not dropped.',
  versions: {
    1: z.object({
      channel: SalesChannel,
      channelOrderId: z.string().min(1),
      orderId: z.string().min(1),
      reason: z.string().min(1),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      /** The raw archive key of the delivery that carried the order: a fix maps it again from there. */
      archiveKey: z.string().min(1).optional(),
      /** UNKNOWN_SKU: the cross-reference keys the order waits for (`sku:CODE` or `variant:ID`). */
      channelSkus: z.array(z.string().min(1)).optional(),
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
      channelOrderId: z.string().min(1),
      orderId: z.string().min(1),
      /** The notification's dedupe key; the fetch runs once per delivery. */
      deliveryId: z.string().min(1),
      topic: z.string().min(1),
      notifiedAt: z.iso.datetime({ offset: true }),
      channelAccount: z.string().min(1).optional(),
    }),
  },
  current: 1,
});

export const RefundReported = defineEvent('RefundReported', {
  source: EventSource.intake,
  description:
    'A channel reported a refund (partial or full) against one of its orders; consumers key on channel and channelRefundId.',
  versions: { 1: z.object({ refund: ChannelRefund }) },
  current: 1,
});
