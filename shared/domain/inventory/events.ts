import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { SalesChannel } from '#domain/kernel/order';
import { InventoryMovement, MovementReference, QuantityName } from './movement';
import { EventSource, defineEvent } from '#domain/kernel/event';
import { SourcingDecision } from '#domain/fulfilment';
import { ShortagePolicy } from './shortage-policy';

/**
 * Payload schemas of the inventory events, which the catalog (events/catalog.ts) versions. They are
 * built on the first parse of any of them rather than when the module loads: fifteen functions carry
 * this module for one or two of its events, and it builds 123 schemas (issue 27).
 */
const schemas = once(() => {
  const Count = z.number().check(z.int(), z.gte(0));
  const IsoTimestamp = z.iso.datetime({ offset: true });

  /** Units of an order line held at a location (bucket detail of sharded SKUs is not part of the contract). */
  const ReservedQuantity = z.object({
    lineId: z.string().check(z.minLength(1)),
    sku: z.string().check(z.minLength(1)),
    locationId: z.string().check(z.minLength(1)),
    quantity: z.number().check(z.int(), z.positive()),
  });

  /** Per order line: what was asked, what the order now holds, and what stock could not cover. */
  const LineReservation = z.object({
    lineId: z.string().check(z.minLength(1)),
    sku: z.string().check(z.minLength(1)),
    requested: z.number().check(z.int(), z.positive()),
    reserved: Count,
    short: Count,
  });

  const InventoryReservedData = z.object({
    orderId: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    onShortage: ShortagePolicy,
    allocations: z.array(ReservedQuantity).check(z.minLength(1)),
    /** After this the sweeper releases whatever was not fulfilled. */
    expiresAt: IsoTimestamp,
    /** Which sourcing rule chose the locations, and why; absent on events published before sourcing rules. */
    sourcing: z.optional(SourcingDecision),
    /** True when some lines wait for stock (a backorder): fulfilment waits for BackorderFilled before it releases the order. */
    backordered: z.optional(z.boolean()),
  });

  const ReservationRejectedData = z.object({
    orderId: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    onShortage: ShortagePolicy,
    /** rejected: nothing is held; partially_rejected: the short units are dropped; backordered: they wait for stock. */
    outcome: z.enum(['rejected', 'partially_rejected', 'backordered']),
    reason: z.enum(['INSUFFICIENT_STOCK']),
    lines: z.array(LineReservation).check(z.minLength(1)),
  });

  const ReservationReleasedData = z.object({
    orderId: z.string().check(z.minLength(1)),
    reason: z.enum(['ORDER_CANCELLED', 'RESERVATION_EXPIRED', 'PICKUP_EXPIRED']),
    allocations: z.array(ReservedQuantity).check(z.minLength(1)),
  });

  /** Why held units moved to another location: the store that held them refused the pick, or let its acceptance SLA pass. */
  const MoveReason = z.enum(['STORE_REJECTED', 'STORE_SLA_MISSED']);

  const ReservationMovedData = z.object({
    orderId: z.string().check(z.minLength(1)),
    /** The move's idempotency key: one move per id, however often it is asked for. */
    moveId: z.string().check(z.minLength(1)),
    fromLocationId: z.string().check(z.minLength(1)),
    toLocationId: z.string().check(z.minLength(1)),
    reason: MoveReason,
    /** The units now held at `toLocationId` (and no longer at `fromLocationId`). */
    allocations: z.array(ReservedQuantity).check(z.minLength(1)),
  });

  const BackorderFilledData = z.object({
    orderId: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    /** Everything the order holds now that every line is covered, the units held before the fill included. */
    allocations: z.array(ReservedQuantity).check(z.minLength(1)),
    /** After this the sweeper releases whatever was not fulfilled. */
    expiresAt: IsoTimestamp,
    sourcing: z.optional(SourcingDecision),
  });

  const AdjustmentType = z.enum([
    'receipt',
    'return',
    'sale',
    'count',
    'transfer',
    'transfer_shipped',
    'transfer_received',
    'adjustment',
  ]);

  const InventoryAdjustedData = z.object({
    adjustmentId: z.string().check(z.minLength(1)),
    type: AdjustmentType,
    sku: z.string().check(z.minLength(1)),
    reasonCode: z.string().check(z.minLength(1)),
    reference: MovementReference,
    /** Net change per location and named quantity; empty for a count that found what the books said. */
    changes: z.array(
      z.object({
        locationId: z.string().check(z.minLength(1)),
        quantityName: QuantityName,
        delta: z.number().check(z.int()),
      }),
    ),
    /** A transfer in transit: what was shipped and, once received, what arrived (a difference is a TRANSFER_VARIANCE). */
    transfer: z.optional(
      z.object({
        transferId: z.string().check(z.minLength(1)),
        fromLocationId: z.string().check(z.minLength(1)),
        toLocationId: z.string().check(z.minLength(1)),
        shipped: z.number().check(z.int(), z.positive()),
        received: z.optional(Count),
      }),
    ),
  });

  const AvailabilityChangedData = z.object({
    sku: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    /** What the channel may list, after its buffer, percentage and cap. */
    available: Count,
    /** The figure this one replaces; null the first time the channel is told about the SKU. */
    previous: z.nullable(Count),
    /** Grows with every change to the SKU's positions: keep the highest per (sku, channel), drop older. */
    version: Count,
    changedAt: IsoTimestamp,
  });

  const InventoryMovementRecordedData = z.object({ movement: InventoryMovement });
  return {
    ReservedQuantity,
    LineReservation,
    InventoryReservedData,
    ReservationRejectedData,
    ReservationReleasedData,
    MoveReason,
    ReservationMovedData,
    BackorderFilledData,
    AdjustmentType,
    InventoryAdjustedData,
    AvailabilityChangedData,
    InventoryMovementRecordedData,
  };
});

export const ReservedQuantity = /* @__PURE__ */ z.lazy(() => schemas().ReservedQuantity);
export type ReservedQuantity = z.infer<typeof ReservedQuantity>;
export const LineReservation = /* @__PURE__ */ z.lazy(() => schemas().LineReservation);
export type LineReservation = z.infer<typeof LineReservation>;
export const InventoryReservedData = /* @__PURE__ */ z.lazy(() => schemas().InventoryReservedData);
export const ReservationRejectedData = /* @__PURE__ */ z.lazy(() => schemas().ReservationRejectedData);
export const ReservationReleasedData = /* @__PURE__ */ z.lazy(() => schemas().ReservationReleasedData);
export const MoveReason = /* @__PURE__ */ z.lazy(() => schemas().MoveReason);
export type MoveReason = z.infer<typeof MoveReason>;
export const ReservationMovedData = /* @__PURE__ */ z.lazy(() => schemas().ReservationMovedData);
export const BackorderFilledData = /* @__PURE__ */ z.lazy(() => schemas().BackorderFilledData);
export const AdjustmentType = /* @__PURE__ */ z.lazy(() => schemas().AdjustmentType);
export type AdjustmentType = z.infer<typeof AdjustmentType>;
export const InventoryAdjustedData = /* @__PURE__ */ z.lazy(() => schemas().InventoryAdjustedData);
export const AvailabilityChangedData = /* @__PURE__ */ z.lazy(() => schemas().AvailabilityChangedData);
export const InventoryMovementRecordedData = /* @__PURE__ */ z.lazy(() => schemas().InventoryMovementRecordedData);

export const InventoryMovementRecorded = defineEvent('InventoryMovementRecorded', {
  source: EventSource.inventory,
  description: 'A movement was appended to the stock ledger.',
  versions: { 1: InventoryMovementRecordedData },
  current: 1,
});

export const InventoryReserved = defineEvent('InventoryReserved', {
  source: EventSource.inventory,
  description:
    "An order's lines are held at locations (all of them, or what stock allowed under a partial or backorder policy).",
  versions: { 1: InventoryReservedData },
  current: 1,
});

export const ReservationRejected = defineEvent('ReservationRejected', {
  source: EventSource.inventory,
  description:
    "Stock could not cover an order as asked: refused whole, partly dropped or backordered, per the channel's policy.",
  versions: { 1: ReservationRejectedData },
  current: 1,
});

export const ReservationReleased = defineEvent('ReservationReleased', {
  source: EventSource.inventory,
  description: 'Units held for an order went back to available: the order was cancelled or its reservation expired.',
  versions: { 1: ReservationReleasedData },
  current: 1,
});

export const InventoryAdjusted = defineEvent('InventoryAdjusted', {
  source: EventSource.inventory,
  description: 'A receipt, return, sale, count, transfer or adjustment changed stock positions.',
  versions: { 1: InventoryAdjustedData },
  current: 1,
});

export const ReservationMoved = defineEvent('ReservationMoved', {
  source: EventSource.inventory,
  description:
    'Units an order held at one location are now held at another, because the first refused the pick or missed its acceptance SLA.',
  versions: { 1: ReservationMovedData },
  current: 1,
});

export const BackorderFilled = defineEvent('BackorderFilled', {
  source: EventSource.inventory,
  description: 'Stock that arrived covered every short line of a backordered order, which now holds all it asked for.',
  versions: { 1: BackorderFilledData },
  current: 1,
});

export const AvailabilityChanged = defineEvent('AvailabilityChanged', {
  source: EventSource.inventory,
  description: 'What a channel may list of a SKU changed; versioned so that a late event never overwrites a newer one.',
  versions: { 1: AvailabilityChangedData },
  current: 1,
});
