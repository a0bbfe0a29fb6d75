import { z } from 'zod';
import { Order, SalesChannel } from '../shared/domain/order';
import { InventoryMovement } from '../shared/domain/inventory-movement';
import { Shipment } from '../shared/domain/shipment';
import { CustomerReturn } from '../shared/domain/return';
import { SettlementLine } from '../shared/domain/settlement';
import { JournalEntry } from '../shared/domain/journal-entry';
import { FabricEvent, WireEvent, fromWireEvent, newEventId } from './envelope';
import { FieldIssue, formatIssues } from '../shared/domain/validation';

/** Where events come from; a rule matches on these, so they are part of the contract. */
export const EventSource = {
  intake: 'fabric.intake',
  orders: 'fabric.orders',
  inventory: 'fabric.inventory',
  fulfilment: 'fabric.fulfilment',
  returns: 'fabric.returns',
  settlement: 'fabric.settlement',
  accounting: 'fabric.accounting',
} as const;

interface CatalogEntry {
  source: string;
  description: string;
  /** Every published version stays here: a breaking change is a new version, never an edit. */
  versions: Record<number, z.ZodType>;
  current: number;
}

/**
 * Every detail-type the fabric publishes, with its versioned payload schema. JSON Schema is generated
 * from this (`npm run events:schemas`) and a contract test fails when a change removes or retypes a field.
 */
export const eventCatalog = {
  OrderReceived: {
    source: EventSource.intake,
    description: 'A channel delivered a new or changed order, verified and mapped to the canonical order.',
    versions: { 1: z.object({ order: Order, deliveryId: z.string().min(1) }) },
    current: 1,
  },
  OrderNeedsAttention: {
    source: EventSource.intake,
    description: 'A channel order could not be mapped as it is (unknown SKU, unbalanced money); held, not dropped.',
    versions: {
      1: z.object({
        channel: SalesChannel,
        channelOrderId: z.string().min(1),
        orderId: z.string().min(1),
        reason: z.string().min(1),
        details: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    },
    current: 1,
  },
  InventoryMovementRecorded: {
    source: EventSource.inventory,
    description: 'A movement was appended to the stock ledger.',
    versions: { 1: z.object({ movement: InventoryMovement }) },
    current: 1,
  },
  ShipmentConfirmed: {
    source: EventSource.fulfilment,
    description: 'A warehouse or store shipped order lines.',
    versions: { 1: z.object({ shipment: Shipment }) },
    current: 1,
  },
  ReturnReceived: {
    source: EventSource.returns,
    description: 'A customer return was received through some channel.',
    versions: { 1: z.object({ customerReturn: CustomerReturn }) },
    current: 1,
  },
  SettlementLineReceived: {
    source: EventSource.settlement,
    description: 'One line of a marketplace settlement report, ready to match.',
    versions: { 1: z.object({ line: SettlementLine }) },
    current: 1,
  },
  JournalEntryPosted: {
    source: EventSource.accounting,
    description: 'A balanced journal entry was posted to the ledger.',
    versions: { 1: z.object({ entry: JournalEntry }) },
    current: 1,
  },
} satisfies Record<string, CatalogEntry>;

export type DetailType = keyof typeof eventCatalog;
export type EventData<T extends DetailType> = z.infer<(typeof eventCatalog)[T]['versions'][1]>;

export class UnknownEventError extends Error {
  override name = 'UnknownEventError';
}

export class EventContractError extends Error {
  override name = 'EventContractError';
  constructor(message: string, readonly issues: readonly FieldIssue[]) {
    super(message);
  }
}

/** Builds an event of the current schema version, validating its payload against the catalog. */
export function createEvent<T extends DetailType>(
  detailType: T,
  data: EventData<T>,
  trace: { correlationId: string; causationId?: string; time?: Date },
): FabricEvent<EventData<T>> {
  const entry = eventCatalog[detailType];
  const parsed = validatePayload(detailType, entry.current, data) as EventData<T>;
  return {
    id: newEventId(),
    source: entry.source,
    detailType,
    time: (trace.time ?? new Date()).toISOString(),
    correlationId: trace.correlationId,
    ...(trace.causationId ? { causationId: trace.causationId } : {}),
    schemaVersion: entry.current,
    data: parsed,
  };
}

/** Parses an SQS body written by EventBridge (or the local SNS topic) into a typed, validated event. */
export function parseEventBody<T extends DetailType>(body: string, expected: T): FabricEvent<EventData<T>> {
  const wire = WireEvent.safeParse(JSON.parse(body));
  if (!wire.success) throw new EventContractError('not a fabric event envelope', formatIssues(wire.error));
  const event = fromWireEvent(wire.data);
  if (event.detailType !== expected) {
    throw new UnknownEventError(`expected ${expected}, received ${event.detailType}`);
  }
  return { ...event, data: validatePayload(expected, event.schemaVersion, event.data) as EventData<T> };
}

function validatePayload(detailType: DetailType, version: number, data: unknown): unknown {
  const schema = (eventCatalog[detailType].versions as Record<number, z.ZodType>)[version];
  if (!schema) throw new UnknownEventError(`${detailType} has no schema version ${version}`);
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new EventContractError(`${detailType} v${version} payload is invalid`, formatIssues(result.error));
  }
  return result.data;
}

