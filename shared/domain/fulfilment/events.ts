import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { DeliveryMethod, SalesChannel } from '#domain/kernel/order';
import { EventSource, defineEvent } from '#domain/kernel/event';

/**
 * Payload schemas of the fulfilment events, which the catalog (events/catalog.ts) versions. They are
 * built on the first parse of any of them rather than when the module loads: most of the functions
 * that carry this module read one or two of its events or none (issue 27).
 */
const schemas = once(() => {
  const IsoTimestamp = z.iso.datetime({ offset: true });

  /** The order lines one fulfilment request asks its location to pick. */
  const RequestLine = z.object({
    lineId: z.string().check(z.minLength(1)),
    /** The channel's id of the line, for telling the channel (Shopify's fulfillment order line items). */
    channelLineId: z.optional(z.string().check(z.minLength(1))),
    sku: z.string().check(z.minLength(1)),
    quantity: z.number().check(z.int(), z.positive()),
  });

  const RequestRoute = z.enum(['store_task', 'shipbob', 'warehouse']);

  const RequestStatus = z.enum([
    'open',
    'accepted',
    'picked',
    'ready_for_pickup',
    'collected',
    'shipped',
    'rejected',
    'sla_missed',
    'expired',
    'released',
    'sent_to_3pl',
    'cancelled',
  ]);

  const FulfilmentRequestedData = z.object({
    requestId: z.string().check(z.minLength(1)),
    orderId: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    locationId: z.string().check(z.minLength(1)),
    method: DeliveryMethod,
    route: RequestRoute,
    attempt: z.number().check(z.int(), z.positive()),
    lines: z.array(RequestLine).check(z.minLength(1)),
  });

  const StoreTaskChangedData = z.object({
    requestId: z.string().check(z.minLength(1)),
    orderId: z.string().check(z.minLength(1)),
    locationId: z.string().check(z.minLength(1)),
    from: RequestStatus,
    to: RequestStatus,
    /** The caller's identity (a store app's IAM principal, a console user) or `fulfilment-watch`. */
    by: z.string().check(z.minLength(1)),
    reason: z.optional(z.string().check(z.minLength(1))),
  });

  const PickupReadyData = z.object({
    orderId: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    channelOrderId: z.string().check(z.minLength(1)),
    locationId: z.string().check(z.minLength(1)),
    /** The store as the channel names it (a Shopify location id), when the policy maps it. */
    channelLocationId: z.optional(z.string().check(z.minLength(1))),
    /** What the customer shows at the counter; the channel passes it on. */
    pickupCode: z.string().check(z.minLength(1)),
    lines: z.array(RequestLine).check(z.minLength(1)),
    readyAt: IsoTimestamp,
  });

  const PickupCollectedData = z.object({
    orderId: z.string().check(z.minLength(1)),
    requestId: z.string().check(z.minLength(1)),
    locationId: z.string().check(z.minLength(1)),
    /** The shipment id the collection was confirmed under (the order ships through the shipment flow). */
    shipmentId: z.string().check(z.minLength(1)),
    collectedAt: IsoTimestamp,
  });

  const PickupExpiredData = z.object({
    orderId: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    channelOrderId: z.string().check(z.minLength(1)),
    requestId: z.string().check(z.minLength(1)),
    locationId: z.string().check(z.minLength(1)),
    readyAt: IsoTimestamp,
    expiredAt: IsoTimestamp,
  });

  const FulfilmentUnsourceableData = z.object({
    orderId: z.string().check(z.minLength(1)),
    channel: SalesChannel,
    requestId: z.string().check(z.minLength(1)),
    locationId: z.string().check(z.minLength(1)),
    /** rejected twice, SLA missed on a re-sourced part, or no other location the rules allow holds the units. */
    reason: z.enum(['NO_LOCATION', 'REJECTED_TWICE', 'SLA_MISSED_TWICE']),
    /** The store's words when it rejected; what the watch saw when it was the SLA. */
    detail: z.string().check(z.minLength(1)),
    lines: z.array(RequestLine).check(z.minLength(1)),
  });

  const TillHandOverUnmatchedData = z.object({
    orderId: z.string().check(z.minLength(1)),
    storeId: z.string().check(z.minLength(1)),
    registerId: z.string().check(z.minLength(1)),
    /** Why the hand-over collected nothing: not a pickup, no task at that store, or one already expired or cancelled. */
    reason: z.string().check(z.minLength(1)),
  });
  return {
    RequestLine,
    RequestRoute,
    RequestStatus,
    FulfilmentRequestedData,
    StoreTaskChangedData,
    PickupReadyData,
    PickupCollectedData,
    PickupExpiredData,
    FulfilmentUnsourceableData,
    TillHandOverUnmatchedData,
  };
});

export const RequestLine = /* @__PURE__ */ z.lazy(() => schemas().RequestLine);
export type RequestLine = z.infer<typeof RequestLine>;
export const RequestRoute = /* @__PURE__ */ z.lazy(() => schemas().RequestRoute);
export type RequestRoute = z.infer<typeof RequestRoute>;
export const RequestStatus = /* @__PURE__ */ z.lazy(() => schemas().RequestStatus);
export type RequestStatus = z.infer<typeof RequestStatus>;
export const FulfilmentRequestedData = /* @__PURE__ */ z.lazy(() => schemas().FulfilmentRequestedData);
export const StoreTaskChangedData = /* @__PURE__ */ z.lazy(() => schemas().StoreTaskChangedData);
export const PickupReadyData = /* @__PURE__ */ z.lazy(() => schemas().PickupReadyData);
export const PickupCollectedData = /* @__PURE__ */ z.lazy(() => schemas().PickupCollectedData);
export const PickupExpiredData = /* @__PURE__ */ z.lazy(() => schemas().PickupExpiredData);
export const FulfilmentUnsourceableData = /* @__PURE__ */ z.lazy(() => schemas().FulfilmentUnsourceableData);
export const TillHandOverUnmatchedData = /* @__PURE__ */ z.lazy(() => schemas().TillHandOverUnmatchedData);

export const FulfilmentRequested = defineEvent('FulfilmentRequested', {
  source: EventSource.fulfilment,
  description:
    'A part of an order was released to the location holding it: a store task, a ShipBob order or a warehouse release.',
  versions: { 1: FulfilmentRequestedData },
  current: 1,
});

export const StoreTaskChanged = defineEvent('StoreTaskChanged', {
  source: EventSource.fulfilment,
  description:
    'A store task moved (accepted, picked, ready for pickup, collected, shipped, rejected, SLA missed, expired), with who moved it.',
  versions: { 1: StoreTaskChangedData },
  current: 1,
});

export const PickupReady = defineEvent('PickupReady', {
  source: EventSource.fulfilment,
  description: 'A pickup order is picked and waits at the store: the channel tells the customer, with the pickup code.',
  versions: { 1: PickupReadyData },
  current: 1,
});

export const PickupCollected = defineEvent('PickupCollected', {
  source: EventSource.fulfilment,
  description:
    'The customer collected a pickup order at the store with its code; the order ships through the shipment flow.',
  versions: { 1: PickupCollectedData },
  current: 1,
});

export const PickupExpired = defineEvent('PickupExpired', {
  source: EventSource.fulfilment,
  description:
    'A pickup order waited at the store past the pickup hold (FABRIC_PICKUP_HOLD_HOURS): its units went back to stock and the order is cancelled.',
  versions: { 1: PickupExpiredData },
  current: 1,
});

export const FulfilmentUnsourceable = defineEvent('FulfilmentUnsourceable', {
  source: EventSource.fulfilment,
  description:
    'A part of an order no location can take (rejected twice, or no other location the rules allow): its units stay held until a person decides.',
  versions: { 1: FulfilmentUnsourceableData },
  current: 1,
});

export const TillHandOverUnmatched = defineEvent('TillHandOverUnmatched', {
  source: EventSource.fulfilment,
  description:
    'A till handed goods over against an online order (a sale line naming it) that has no pickup to collect at that store: the units left the shelf with no stock movement, and the order may be cancelled or refunded. A person must look.',
  versions: { 1: TillHandOverUnmatchedData },
  current: 1,
});
