import { z } from 'zod';
import { Order, SalesChannel } from '../shared/domain/kernel/order';
import { InventoryMovement } from '../shared/domain/inventory/movement';
import {
  AvailabilityChangedData, InventoryAdjustedData, InventoryReservedData, ReservationRejectedData, ReservationReleasedData,
} from '../shared/domain/inventory/events';
import { Shipment } from '../shared/domain/kernel/shipment';
import { CustomerReturn, ReturnNeedsAttentionData } from '../shared/domain/returns/model';
import { SettlementLine } from '../shared/domain/accounting/settlement';
import { JournalEntry } from '../shared/domain/accounting/journal-entry';
import { JournalEntryPreparedData } from '../shared/domain/accounting/model';
import { ReconciliationExceptionData } from '../shared/domain/accounting/settlement-exception';
import { ChannelRefund } from '../shared/domain/returns/refund-report';
import { OrderStateChangedData, OrderTransitionRefusedData } from '../shared/domain/orders/lifecycle';
import { ErpPostingRejectedData, ErpSalesOrderCancelledData, ErpSalesOrderPostedData } from '../shared/domain/erp/model';
import { OrderStuckData } from '../shared/domain/orders/sla-events';
import {
  PosBatchContinuationRequestedData, PosBatchProcessedData, PosLineNeedsAttentionData, PosSequenceGapDetectedData, PosTransactionRecordedData,
} from '../shared/domain/pos/events';
import { ChangeRefusedData, PriceChangedData, PricingExceptionData, ProductChangedData, PromotionWindowData } from '../shared/domain/pricing/events';
import { ChannelDriftCorrectedData, OversellIncidentData } from '../shared/domain/channel-sync/events';
import { FabricEvent, WireEvent, fromWireEvent, newEventId } from '../shared/domain/kernel/event';
import { FieldIssue, formatIssues } from '../shared/domain/kernel/validation';

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
        /** The raw archive key of the delivery that carried the order: a fix maps it again from there. */
        archiveKey: z.string().min(1).optional(),
        /** UNKNOWN_SKU: the cross-reference keys the order waits for (`sku:CODE` or `variant:ID`). */
        channelSkus: z.array(z.string().min(1)).optional(),
      }),
    },
    current: 1,
  },
  ChannelOrderNotified: {
    source: EventSource.intake,
    description: 'A channel said an order exists or changed without sending it (Square, eBay, Walmart, Amazon ORDER_CHANGE); its fetch consumer retrieves and maps it.',
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
  },
  RefundReported: {
    source: EventSource.intake,
    description: 'A channel reported a refund (partial or full) against one of its orders; consumers key on channel and channelRefundId.',
    versions: { 1: z.object({ refund: ChannelRefund }) },
    current: 1,
  },
  InventoryMovementRecorded: {
    source: EventSource.inventory,
    description: 'A movement was appended to the stock ledger.',
    versions: { 1: z.object({ movement: InventoryMovement }) },
    current: 1,
  },
  InventoryReserved: {
    source: EventSource.inventory,
    description: 'An order\'s lines are held at locations (all of them, or what stock allowed under a partial or backorder policy).',
    versions: { 1: InventoryReservedData },
    current: 1,
  },
  ReservationRejected: {
    source: EventSource.inventory,
    description: 'Stock could not cover an order as asked: refused whole, partly dropped or backordered, per the channel\'s policy.',
    versions: { 1: ReservationRejectedData },
    current: 1,
  },
  ReservationReleased: {
    source: EventSource.inventory,
    description: 'Units held for an order went back to available: the order was cancelled or its reservation expired.',
    versions: { 1: ReservationReleasedData },
    current: 1,
  },
  InventoryAdjusted: {
    source: EventSource.inventory,
    description: 'A receipt, return, sale, count, transfer or adjustment changed stock positions.',
    versions: { 1: InventoryAdjustedData },
    current: 1,
  },
  AvailabilityChanged: {
    source: EventSource.inventory,
    description: 'What a channel may list of a SKU changed; versioned so that a late event never overwrites a newer one.',
    versions: { 1: AvailabilityChangedData },
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
  ReturnNeedsAttention: {
    source: EventSource.returns,
    description: 'A received return, or some of its lines, could not be acted on: no matching order or order line, no receiving location, or the stock books refused it.',
    versions: { 1: ReturnNeedsAttentionData },
    current: 1,
  },
  SettlementLineReceived: {
    source: EventSource.settlement,
    description: 'One line of a marketplace settlement report, ready to match.',
    versions: { 1: z.object({ line: SettlementLine }) },
    current: 1,
  },
  JournalEntryPrepared: {
    source: EventSource.accounting,
    description: 'A balanced journal entry (sale, POS sale by tender, refund, return reversal, marketplace fees) is ready to post through the ERP port; entry.entryId is stable per business fact and is the posting\'s idempotency key.',
    versions: { 1: JournalEntryPreparedData },
    current: 1,
  },
  ReconciliationException: {
    source: EventSource.settlement,
    description: 'A settlement line or a booked sale does not reconcile: an order id the fabric never received, an unknown order line, an amount or fee variance, a sale never settled, or a report that cannot be read.',
    versions: { 1: ReconciliationExceptionData },
    current: 1,
  },
  JournalEntryPosted: {
    source: EventSource.accounting,
    description: 'A balanced journal entry was posted to the ledger.',
    versions: { 1: z.object({ entry: JournalEntry }) },
    current: 1,
  },
  OrderStateChanged: {
    source: EventSource.orders,
    description: 'The order lifecycle moved an order (received, reserved, posted to the ERP, shipped, returned, refunded...), with the version the move produced.',
    versions: { 1: OrderStateChangedData },
    current: 1,
  },
  OrderStuck: {
    source: EventSource.orders,
    description: 'An order stayed in one lifecycle state past its SLA (FABRIC_ORDER_SLAS): nothing failed, but nothing moved it either.',
    versions: { 1: OrderStuckData },
    current: 1,
  },
  OrderTransitionRefused: {
    source: EventSource.orders,
    description: 'An event would have moved an order backwards or past a step (cancelling a shipped order, say); recorded on the order and published, never dropped.',
    versions: { 1: OrderTransitionRefusedData },
    current: 1,
  },
  ErpSalesOrderPosted: {
    source: EventSource.erp,
    description: 'The order is in the ERP as a sales order (posted now, or found there under our order id after an unanswered post).',
    versions: { 1: ErpSalesOrderPostedData },
    current: 1,
  },
  ErpSalesOrderCancelled: {
    source: EventSource.erp,
    description: 'The channel cancelled an order after it was posted, and its ERP sales order was deleted (nothing had shipped).',
    versions: { 1: ErpSalesOrderCancelledData },
    current: 1,
  },
  ErpPostingRejected: {
    source: EventSource.erp,
    description: 'The ERP refused a sales order or journal entry for a business reason (closed posting period, unknown item), with its own message; a person must act.',
    versions: { 1: ErpPostingRejectedData },
    current: 1,
  },
  PosTransactionRecorded: {
    source: EventSource.pos,
    description: 'A store POS transaction (sale, return, exchange; or a cancelled, training or control one) was recorded from a batch upload, once per (store, register, business day, sequence).',
    versions: { 1: PosTransactionRecordedData },
    current: 1,
  },
  PosLineNeedsAttention: {
    source: EventSource.pos,
    description: 'Lines of a recorded POS transaction need a person: an item code the cross-reference does not know (UNKNOWN_SKU), or a stock movement the books refused (STOCK_REFUSED).',
    versions: { 1: PosLineNeedsAttentionData },
    current: 1,
  },
  PosSequenceGapDetected: {
    source: EventSource.pos,
    description: 'A register\'s business day has sequence numbers nobody uploaded (yet), as of a batch.',
    versions: { 1: PosSequenceGapDetectedData },
    current: 1,
  },
  PosBatchProcessed: {
    source: EventSource.pos,
    description: 'A POS batch upload was read to its end (or quarantined whole): counts accepted, duplicate, rejected, quarantined, and sequence gaps per register.',
    versions: { 1: PosBatchProcessedData },
    current: 1,
  },
  PosBatchContinuationRequested: {
    source: EventSource.pos,
    description: 'Internal: a POS batch upload is too large for one invocation; the ingest function picks it up again from its checkpoint.',
    versions: { 1: PosBatchContinuationRequestedData },
    current: 1,
  },
  ProductChanged: {
    source: EventSource.catalog,
    description: 'The item master owner changed a product or variant (SKU, GTIN, channel listings); the cross-reference holds it.',
    versions: { 1: ProductChangedData },
    current: 1,
  },
  ChangeRefused: {
    source: EventSource.catalog,
    description: 'A system sent a change to master data it does not own (item master, base price, web content, promotions); refused, not applied.',
    versions: { 1: ChangeRefusedData },
    current: 1,
  },
  PriceChanged: {
    source: EventSource.pricing,
    description: 'A price list entry took effect (at its effective time, or at once and flagged when it arrived late); once per price window.',
    versions: { 1: PriceChangedData },
    current: 1,
  },
  PromotionActivated: {
    source: EventSource.pricing,
    description: 'A promotion started: its targets now sell at the promoted price on its channels; once per promotion window.',
    versions: { 1: PromotionWindowData },
    current: 1,
  },
  PromotionEnded: {
    source: EventSource.pricing,
    description: 'A promotion ended: its targets revert to their price list; once per promotion window.',
    versions: { 1: PromotionWindowData },
    current: 1,
  },
  PricingException: {
    source: EventSource.pricing,
    description: 'An order charged less than the effective price (with its promotion) beyond the configured tolerance: a pricing leak for a person to look at.',
    versions: { 1: PricingExceptionData },
    current: 1,
  },
  OversellIncident: {
    source: EventSource.channels,
    description: 'A channel accepted an order for a SKU after it had acknowledged the fabric\'s zero for it: an exception for a person, with the timeline.',
    versions: { 1: OversellIncidentData },
    current: 1,
  },
  ChannelDriftCorrected: {
    source: EventSource.channels,
    description: 'The drift check found a channel listing other than what the fabric published (or a stalled publication) and published the fabric\'s figure again.',
    versions: { 1: ChannelDriftCorrectedData },
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

