import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The one envelope every fabric event travels in. On the wire it is EventBridge's own event shape,
 * with our metadata in `detail.metadata` and the payload in `detail.data`: EventBridge delivers that
 * JSON to SQS as the message body, and locally the SNS topic carries the same JSON, so a consumer
 * cannot tell the two apart.
 */
/**
 * Where the detail of an event too large for the bus waits (see events/claim-check.ts): consumers
 * load it from there before anything parses the event, so none of them sees the pointer.
 */
export const ClaimCheck = z.object({
  bucket: z.string().min(1),
  key: z.string().min(1),
  /** The stored detail's size: what the bus would have had to carry. */
  bytes: z.number().int().positive(),
});
export type ClaimCheck = z.infer<typeof ClaimCheck>;

export const EventMetadata = z.object({
  /** Our id for this event; EventBridge assigns its own `id` on the wire, this one survives replays. */
  eventId: z.string().min(1),
  /** Follows one business flow end to end (an order from webhook to settlement). */
  correlationId: z.string().min(1),
  /** The event id (or delivery id) that caused this one; absent for events born at the edge. */
  causationId: z.string().min(1).optional(),
  schemaVersion: z.number().int().positive(),
  claimCheck: ClaimCheck.optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

export const WireEvent = z.object({
  version: z.literal('0').optional(),
  id: z.string(),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  region: z.string().optional(),
  account: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.object({ metadata: EventMetadata, data: z.unknown() }),
});
export type WireEvent = z.infer<typeof WireEvent>;

/** A fabric event as code handles it. */
export interface FabricEvent<TData = unknown> {
  id: string;
  source: string;
  detailType: string;
  time: string;
  correlationId: string;
  causationId?: string;
  schemaVersion: number;
  data: TData;
}

export function toWireEvent(event: FabricEvent, region = 'local', account = '000000000000'): WireEvent {
  return {
    version: '0',
    id: event.id,
    source: event.source,
    'detail-type': event.detailType,
    time: event.time,
    region,
    account,
    resources: [],
    detail: {
      metadata: {
        eventId: event.id,
        correlationId: event.correlationId,
        ...(event.causationId ? { causationId: event.causationId } : {}),
        schemaVersion: event.schemaVersion,
      },
      data: event.data,
    },
  };
}

export function fromWireEvent(wire: WireEvent): FabricEvent {
  return {
    id: wire.detail.metadata.eventId,
    source: wire.source,
    detailType: wire['detail-type'],
    time: wire.time,
    correlationId: wire.detail.metadata.correlationId,
    ...(wire.detail.metadata.causationId ? { causationId: wire.detail.metadata.causationId } : {}),
    schemaVersion: wire.detail.metadata.schemaVersion,
    data: wire.detail.data,
  };
}

export function newEventId(): string {
  return randomUUID();
}

/** The detail-type of an SQS body written by EventBridge (or the local topic), to dispatch before a typed parse. */
export function detailTypeOf(body: string): string | undefined {
  return (JSON.parse(body) as { 'detail-type'?: string })['detail-type'];
}
