import { randomUUID } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import { formatIssues, type FieldIssue } from './validation';
import { isoStringOf } from './iso-time';

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
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  /** The stored detail's size: what the bus would have had to carry. */
  bytes: z.number().check(z.int(), z.positive()),
});
export type ClaimCheck = z.infer<typeof ClaimCheck>;

export const EventMetadata = z.object({
  /** Our id for this event; EventBridge assigns its own `id` on the wire, this one survives replays. */
  eventId: z.string().check(z.minLength(1)),
  /** Follows one business flow end to end (an order from webhook to settlement). */
  correlationId: z.string().check(z.minLength(1)),
  /** The event id (or delivery id) that caused this one; absent for events born at the edge. */
  causationId: z.optional(z.string().check(z.minLength(1))),
  schemaVersion: z.number().check(z.int(), z.positive()),
  claimCheck: z.optional(ClaimCheck),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

export const WireEvent = z.object({
  version: z.optional(z.literal('0')),
  id: z.string(),
  source: z.string().check(z.minLength(1)),
  'detail-type': z.string().check(z.minLength(1)),
  time: z.iso.datetime({ offset: true }),
  region: z.optional(z.string()),
  account: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
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

/** Where events come from; a rule matches on these, so they are part of the contract. */
export const EventSource = {
  intake: 'fabric.intake',
  orders: 'fabric.orders',
  inventory: 'fabric.inventory',
  fulfilment: 'fabric.fulfilment',
  returns: 'fabric.returns',
  settlement: 'fabric.settlement',
  accounting: 'fabric.accounting',
  pos: 'fabric.pos',
  erp: 'fabric.erp',
  channels: 'fabric.channels',
  catalog: 'fabric.catalog',
  pricing: 'fabric.pricing',
} as const;

/**
 * One detail-type of the event catalog, declared by the capability that publishes it: its source, what it
 * means, and every published version of its payload (a breaking change is a new version, never an edit).
 */
export interface EventDefinition<
  TDetailType extends string = string,
  TVersions extends Record<number, z.ZodMiniType> = Record<number, z.ZodMiniType>,
  TCurrent extends number = number,
> {
  detailType: TDetailType;
  source: string;
  description: string;
  versions: TVersions;
  current: TCurrent;
  /**
   * Lifts a payload of an older version (already valid against it) to the current one, so consumers
   * read one shape while events published before the new version are still in queues, archives and
   * replays. Required once `current` is above 1.
   */
  upcast?: (data: unknown, fromVersion: number) => unknown;
}

export function defineEvent<
  const TDetailType extends string,
  TVersions extends { 1: z.ZodMiniType },
  const TCurrent extends number = 1,
>(
  detailType: TDetailType,
  entry: Omit<EventDefinition<TDetailType, TVersions, TCurrent>, 'detailType'>,
): EventDefinition<TDetailType, TVersions, TCurrent> {
  return { detailType, ...entry };
}

/** The payload of an event, as its current version declares it: what producers create and consumers read. */
export type EventDataOf<D extends EventDefinition<string, { 1: z.ZodMiniType }>> =
  D extends EventDefinition<string, infer V, infer C>
    ? C extends keyof V
      ? V[C] extends z.ZodMiniType
        ? z.infer<V[C]>
        : never
      : never
    : never;

export class UnknownEventError extends Error {
  override name = 'UnknownEventError';
}

export class EventContractError extends Error {
  override name = 'EventContractError';
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(message);
  }
}

/** Builds an event of the current schema version, validating its payload against its definition. */
export function createEvent<D extends EventDefinition<string, { 1: z.ZodMiniType }>>(
  definition: D,
  data: EventDataOf<D>,
  trace: { correlationId: string; causationId?: string; time?: Date },
): FabricEvent<EventDataOf<D>> {
  return createEventOfValidPayload(
    definition,
    validatePayload(definition, definition.current, data) as EventDataOf<D>,
    trace,
  );
}

/**
 * Builds an event of the current schema version around a payload its producer's own contract already
 * makes valid, without parsing it a second time: a channel order mapped from a payload validated at
 * the edge (ChannelOrderMapper.toCanonicalOrder returns a valid canonical order). Consumers still
 * parse every event they receive against its definition.
 */
export function createEventOfValidPayload<D extends EventDefinition<string, { 1: z.ZodMiniType }>>(
  definition: D,
  data: EventDataOf<D>,
  trace: { correlationId: string; causationId?: string; time?: Date },
): FabricEvent<EventDataOf<D>> {
  return {
    id: newEventId(),
    source: definition.source,
    detailType: definition.detailType,
    time: isoStringOf(trace.time ? trace.time.getTime() : Date.now()),
    correlationId: trace.correlationId,
    ...(trace.causationId ? { causationId: trace.causationId } : {}),
    schemaVersion: definition.current,
    data,
  };
}

/** The payload checked against the named version of its definition; throws EventContractError naming the fields. */
export function validatePayload(definition: EventDefinition, version: number, data: unknown): unknown {
  const schema = (definition.versions as Record<number, z.ZodMiniType>)[version];
  if (!schema) throw new UnknownEventError(`${definition.detailType} has no schema version ${version}`);
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new EventContractError(`${definition.detailType} v${version} payload is invalid`, formatIssues(result.error));
  }
  return result.data;
}

/** Parses an SQS body written by EventBridge (or the local topic) into the event its definition names, validated. */
export function parseEvent<D extends EventDefinition<string, { 1: z.ZodMiniType }>>(
  body: string,
  definition: D,
): FabricEvent<EventDataOf<D>> {
  const wire = WireEvent.safeParse(JSON.parse(body));
  if (!wire.success) throw new EventContractError('not a fabric event envelope', formatIssues(wire.error));
  const event = fromWireEvent(wire.data);
  if (event.detailType !== definition.detailType) {
    throw new UnknownEventError(`expected ${definition.detailType}, received ${event.detailType}`);
  }
  const data = validatePayload(definition, event.schemaVersion, event.data);
  if (event.schemaVersion === definition.current) return { ...event, data: data as EventDataOf<D> };
  if (!definition.upcast || event.schemaVersion > definition.current)
    throw new UnknownEventError(
      `${definition.detailType} v${event.schemaVersion} cannot be read as v${definition.current}`,
    );
  return {
    ...event,
    schemaVersion: definition.current,
    data: validatePayload(
      definition,
      definition.current,
      definition.upcast(data, event.schemaVersion),
    ) as EventDataOf<D>,
  };
}
