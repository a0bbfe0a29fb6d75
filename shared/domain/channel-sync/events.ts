import * as z from '#domain/kernel/schema';
import { SalesChannel } from '#domain/kernel/order';
import { Money } from '#domain/kernel/money';
import { EventSource, defineEvent } from '#domain/kernel/event';

const IsoTimestamp = z.iso.datetime({ offset: true });
const Count = z.number().check(z.int(), z.gte(0));

export const OversellIncidentData = z.object({
  orderId: z.string().check(z.minLength(1)),
  channel: SalesChannel,
  channelOrderId: z.string().check(z.minLength(1)),
  sku: z.string().check(z.minLength(1)),
  quantity: z.number().check(z.int(), z.positive()),
  timeline: z.object({
    zeroDecidedAt: IsoTimestamp,
    zeroPublishedAt: IsoTimestamp,
    zeroAcknowledgedAt: IsoTimestamp,
    availabilityVersion: Count,
    orderPlacedAt: IsoTimestamp,
  }),
});

export const ChannelDriftCorrectedData = z.object({
  channel: SalesChannel,
  sku: z.string().check(z.minLength(1)),
  reason: z.enum(['LISTED_QUANTITY_DIFFERS', 'NOT_LISTED', 'PUBLICATION_STALLED']),
  /** What the channel listed when read back; null when it did not list the SKU at all. */
  listed: z.nullable(Count),
  corrected: Count,
  version: Count,
  checkedAt: IsoTimestamp,
});

export const OversellIncident = defineEvent('OversellIncident', {
  source: EventSource.channels,
  description:
    "A channel accepted an order for a SKU after it had acknowledged the fabric's zero for it: an exception for a person, with the timeline.",
  versions: { 1: OversellIncidentData },
  current: 1,
});

export const ChannelDriftCorrected = defineEvent('ChannelDriftCorrected', {
  source: EventSource.channels,
  description:
    "The drift check found a channel listing other than what the fabric published (or a stalled publication) and published the fabric's figure again.",
  versions: { 1: ChannelDriftCorrectedData },
  current: 1,
});

export const ChannelCancellationNeededData = z.object({
  orderId: z.string().check(z.minLength(1)),
  channel: SalesChannel,
  channelOrderId: z.string().check(z.minLength(1)),
  /** Why the fabric cancelled it: stock could not cover it, or its pickup was never collected. */
  reason: z.enum(['OUT_OF_STOCK', 'PICKUP_EXPIRED']),
  /** What the customer paid and must get back. */
  total: Money,
});

export const ChannelCancellationNeeded = defineEvent('ChannelCancellationNeeded', {
  source: EventSource.channels,
  description:
    'The fabric cancelled an order whose channel it has no cancellation API for: a person must cancel it on the channel and refund the customer.',
  versions: { 1: ChannelCancellationNeededData },
  current: 1,
});
