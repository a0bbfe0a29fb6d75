import { z } from 'zod';
import { SalesChannel } from '../kernel/order';

const IsoTimestamp = z.iso.datetime({ offset: true });
const Count = z.number().int().min(0);

export const OversellIncidentData = z.object({
  orderId: z.string().min(1),
  channel: SalesChannel,
  channelOrderId: z.string().min(1),
  sku: z.string().min(1),
  quantity: z.number().int().positive(),
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
  sku: z.string().min(1),
  reason: z.enum(['LISTED_QUANTITY_DIFFERS', 'NOT_LISTED', 'PUBLICATION_STALLED']),
  /** What the channel listed when read back; null when it did not list the SKU at all. */
  listed: Count.nullable(),
  corrected: Count,
  version: Count,
  checkedAt: IsoTimestamp,
});
