import { createEvent } from '#domain/kernel/event';
import { PermanentError, TransientError } from '#domain/kernel/errors';
import type { DeliveryMethod, Order, SalesChannel } from '#domain/kernel/order';
import type { EventPublisher } from '#domain/kernel/ports';
import {
  FulfilmentRequested,
  StoreTaskChanged,
  type RequestLine,
  type RequestRoute,
  type RequestStatus,
} from './events';
import type { SourcingDecision } from './sourcing';

/**
 * A fulfilment request: the part of an order one location holds, released to that location. A store
 * gets it as a store task, a ShipBob-run warehouse as a ShipBob order, any other warehouse as a release
 * its WMS ships against (POST /shipments). Each request id is `${orderId}.${locationId}.${attempt}`:
 * deterministic, so a redelivered reservation finds the request it made and makes no second one.
 */
export interface FulfilmentRequest {
  requestId: string;
  orderId: string;
  channel: SalesChannel;
  channelOrderId: string;
  locationId: string;
  locationKind: 'store' | 'warehouse';
  method: DeliveryMethod;
  route: RequestRoute;
  status: RequestStatus;
  lines: RequestLine[];
  /** 1, or 2 for a part re-sourced after a rejection or an SLA miss. */
  attempt: number;
  createdAt: string;
  updatedAt: string;
  /** A store task not accepted by then is re-sourced (the store's acceptSlaMinutes). */
  acceptBy?: string;
  readyAt?: string;
  pickupExpiresAt?: string;
  rejectReason?: string;
  /** The 3PL's id for the order it was sent as (ShipBob's order id). */
  providerOrderId?: string;
  history: { at: string; from: RequestStatus; to: RequestStatus; by: string; reason?: string }[];
}

/** What the store keeps besides the request everyone may read. */
export interface StoredRequest extends FulfilmentRequest {
  /** The code the customer shows at the counter: checked on collect, never listed. */
  pickupCode?: string;
  /** When fulfilment-watch must look at the request next (SLA, pickup hold, 3PL poll); absent when never. */
  dueAt?: string;
  /** Grows with every write; a write expects the version it read. */
  version: number;
}

/** A request as the API and the console show it: without its pickup code or bookkeeping. */
export function requestView(request: StoredRequest): FulfilmentRequest {
  const { pickupCode: _code, dueAt: _due, version: _version, ...view } = request;
  return view;
}

export function requestIdOf(orderId: string, locationId: string, attempt: number): string {
  return `${orderId}.${locationId}.${attempt}`;
}

/** Statuses in which a request is done: nothing moves it any more. */
export const CLOSED_REQUEST_STATUSES: readonly RequestStatus[] = [
  'collected',
  'shipped',
  'rejected',
  'sla_missed',
  'expired',
  'cancelled',
];

export interface FulfilmentStore {
  /** Writes a new request; false when one with its id exists (a redelivery). */
  createRequest(request: StoredRequest): Promise<boolean>;
  getRequest(requestId: string): Promise<StoredRequest | undefined>;
  /** Writes `next` if the stored request is still at `expectVersion`; false when another write came first. */
  updateRequest(next: StoredRequest, expectVersion: number): Promise<boolean>;
  listByOrder(orderId: string): Promise<StoredRequest[]>;
  /** A store's requests (its tasks), newest first, optionally in one status. */
  listByLocation(locationId: string, status?: RequestStatus): Promise<StoredRequest[]>;
  /** Requests whose dueAt has passed, soonest first. */
  listDue(now: Date): Promise<StoredRequest[]>;
}

/** What the fulfilment capability needs to know of a location (the inventory policy's locations fit). */
export interface FulfilmentLocation {
  id: string;
  kind: 'store' | 'warehouse';
  fulfilledBy?: 'shipbob';
  acceptSlaMinutes?: number;
  channelLocationIds?: Partial<Record<SalesChannel, string>>;
}

/** A 3PL's order API (ShipBob): create once per reference id, read back what shipped. */
export interface ThirdPartyFulfilment {
  /** Creates the 3PL order for a request, idempotent on the request id (ShipBob's reference_id); answers the 3PL's order id. */
  createOrder(request: FulfilmentRequest, order: Order): Promise<{ providerOrderId: string }>;
  /** The shipments the 3PL has made for its order: none until it ships. */
  shipmentsOf(providerOrderId: string): Promise<ProviderShipment[]>;
}

export interface ProviderShipment {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
  lines: { sku: string; quantity: number }[];
}

/** A shipment to confirm through the order's shipment flow (POST /shipments' rules, once per shipment id). */
export interface ShipmentToConfirm {
  shipmentId: string;
  orderId: string;
  locationId: string;
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
  lines: { lineId?: string; sku: string; quantity: number }[];
}

export interface FulfilmentPorts {
  store: FulfilmentStore;
  publisher: EventPublisher;
  locations: readonly FulfilmentLocation[];
  orders: { getOrder(orderId: string): Promise<Order | undefined> };
  shipbob: ThirdPartyFulfilment;
  /** The shipment flow (confirmShipment): 2xx accepted or a duplicate; any other status is its refusal. */
  confirmShipment(shipment: ShipmentToConfirm): Promise<{ status: number; body: Record<string, unknown> }>;
  stock: StockPorts;
  /** How long a pickup waits at the store once ready (FABRIC_PICKUP_HOLD_HOURS). */
  pickupHoldHours: number;
  now?: () => Date;
  /** Makes a pickup code; six random digits by default. */
  pickupCode?: () => string;
}

/**
 * What fulfilment asks of inventory: moving a part's reservation to the next location (moveReservation),
 * holding a ready pickup's reservation until its pickup expires (holdReservationUntil), and releasing
 * what an order holds when its pickup expired (releaseOrderStock). All idempotent.
 */
export interface StockPorts {
  moveReservation(input: {
    orderId: string;
    fromLocationId: string;
    moveId: string;
    reason: 'STORE_REJECTED' | 'STORE_SLA_MISSED';
    exclude: string[];
  }): Promise<{ outcome: 'moved'; toLocationId: string } | { outcome: 'no_location' } | { outcome: 'nothing_held' }>;
  /** Keeps the order's reservation at least until `until` (never shorter); a closed one is left alone. */
  holdReservation(input: { orderId: string; until: string }): Promise<void>;
  releaseExpiredPickup(order: { orderId: string; channel: SalesChannel }): Promise<void>;
}

/** The order is not stored yet (its OrderReceived and the reservation raced): the release is retried. */
export class OrderNotYetStoredError extends TransientError {
  override name = 'OrderNotYetStoredError';
}

/** Units an order holds at a location, per line: what a reservation, a move or a filled backorder says. */
export interface HeldUnits {
  lineId: string;
  sku: string;
  locationId: string;
  quantity: number;
}

export interface Release {
  orderId: string;
  allocations: readonly HeldUnits[];
  sourcing?: SourcingDecision;
  /** 2 for units a re-sourcing moved; 1 otherwise. */
  attempt: number;
  /** The event that released them, for the trace. */
  causationId?: string;
}

/**
 * Turns what an order holds into one fulfilment request per location, once: store locations get a
 * store task (with an accept-by time when the store has an SLA and the part is not a pickup), a ShipBob-run warehouse gets a
 * ShipBob order (created once per request id), any other warehouse a `released` request its WMS ships.
 * Publishes FulfilmentRequested for each request it creates. Idempotent: a redelivery finds each
 * request and only finishes what a crash left undone (a ShipBob order not yet created). Throws
 * OrderNotYetStoredError while the order is not stored yet.
 */
export async function releaseFulfilment(release: Release, ports: FulfilmentPorts): Promise<StoredRequest[]> {
  const order = await ports.orders.getOrder(release.orderId);
  if (!order) throw new OrderNotYetStoredError(`order ${release.orderId} is not stored yet`);
  const now = (ports.now?.() ?? new Date()).toISOString();
  const method = release.sourcing?.deliveryMethod ?? order.delivery?.method ?? 'ship';
  const byLocation = new Map<string, HeldUnits[]>();
  for (const held of release.allocations)
    byLocation.set(held.locationId, [...(byLocation.get(held.locationId) ?? []), held]);
  const requests: StoredRequest[] = [];
  for (const [locationId, held] of byLocation) {
    const location = locationOf(ports.locations, locationId);
    const route: RequestRoute =
      location.kind === 'store' ? 'store_task' : location.fulfilledBy === 'shipbob' ? 'shipbob' : 'warehouse';
    // A shipped order's part the rules sourced at a store is the store's to ship: ship-from-store, under its SLA.
    const partMethod = method === 'ship' && location.kind === 'store' ? 'ship_from_store' : method;
    const request: StoredRequest = {
      requestId: requestIdOf(order.orderId, locationId, release.attempt),
      orderId: order.orderId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      locationId,
      locationKind: location.kind,
      method: partMethod,
      route,
      status: route === 'warehouse' ? 'released' : 'open',
      lines: requestLines(held, order),
      attempt: release.attempt,
      createdAt: now,
      updatedAt: now,
      history: [],
      version: 1,
    };
    // A pickup stays at the store the customer chose: there is nowhere to re-source it to when the store is late.
    if (route === 'store_task' && partMethod !== 'pickup' && location.acceptSlaMinutes) {
      request.acceptBy = new Date(Date.parse(now) + location.acceptSlaMinutes * 60_000).toISOString();
      request.dueAt = request.acceptBy;
    }
    const created = await ports.store.createRequest(request);
    const current = created ? request : await ports.store.getRequest(request.requestId);
    if (!current) throw new OrderNotYetStoredError(`request ${request.requestId} vanished while it was released`);
    if (created)
      await ports.publisher.publish([
        createEvent(
          FulfilmentRequested,
          {
            requestId: request.requestId,
            orderId: order.orderId,
            channel: order.channel,
            locationId,
            method: partMethod,
            route,
            attempt: release.attempt,
            lines: request.lines,
          },
          { correlationId: order.orderId, causationId: release.causationId },
        ),
      ]);
    requests.push(
      current.route === 'shipbob' && current.status === 'open' ? await sendToShipBob(current, order, ports) : current,
    );
  }
  return requests;
}

/** How often fulfilment-watch asks ShipBob again whether a sent order has shipped. */
export const PROVIDER_POLL_MS = 60_000;

/** Creates the ShipBob order (idempotent on the request id) and records it: `sent_to_3pl`, polled from the watch's next run. */
async function sendToShipBob(request: StoredRequest, order: Order, ports: FulfilmentPorts): Promise<StoredRequest> {
  const { providerOrderId } = await ports.shipbob.createOrder(requestView(request), order);
  const now = ports.now?.() ?? new Date();
  const next = moveRequest(request, 'sent_to_3pl', 'fulfilment-release', now, {
    providerOrderId,
    dueAt: now.toISOString(),
  });
  if (await ports.store.updateRequest(next, request.version)) return next;
  // Another delivery recorded it first; ShipBob kept one order under the reference id.
  return (await ports.store.getRequest(request.requestId)) ?? next;
}

/**
 * The request moved to `to` by `by`, one history entry longer and one version newer; `patch` sets or
 * (with undefined) clears fields in the same write.
 */
export function moveRequest(
  request: StoredRequest,
  to: RequestStatus,
  by: string,
  now: Date,
  patch: Partial<StoredRequest> = {},
  reason?: string,
): StoredRequest {
  const at = now.toISOString();
  return {
    ...request,
    dueAt: undefined,
    ...patch,
    status: to,
    updatedAt: at,
    version: request.version + 1,
    history: [...request.history, { at, from: request.status, to, by, ...(reason ? { reason } : {}) }],
  };
}

/** Units held at a location the inventory policy no longer names: a configuration a person must fix. */
export class UnknownLocationError extends PermanentError {
  override name = 'UnknownLocationError';
}

/** The location a reservation named; throws UnknownLocationError for one the policy lost, which no retry finds. */
export function locationOf(locations: readonly FulfilmentLocation[], locationId: string): FulfilmentLocation {
  const location = locations.find((candidate) => candidate.id === locationId);
  if (!location)
    throw new UnknownLocationError(`location ${locationId} holds units but is not in the inventory policy`);
  return location;
}

/** Held units per order line, with the channel's line id the pickup message needs. */
function requestLines(held: readonly HeldUnits[], order: Order): RequestLine[] {
  const lines = new Map<string, RequestLine>();
  for (const unit of held) {
    const channelLineId = order.lines.find((line) => line.lineId === unit.lineId)?.channelLineId;
    const line = lines.get(unit.lineId);
    lines.set(unit.lineId, {
      lineId: unit.lineId,
      ...(channelLineId ? { channelLineId } : {}),
      sku: unit.sku,
      quantity: (line?.quantity ?? 0) + unit.quantity,
    });
  }
  return [...lines.values()];
}

/** The action does not apply to the task as it stands (its status names why), or another write came first: a 409. */
export class StoreTaskStateError extends Error {
  override name = 'StoreTaskStateError';
}

/**
 * Writes the request's move if nobody wrote it meanwhile, and for a store task publishes StoreTaskChanged. Throws
 * StoreTaskStateError when another write came first: the caller reads the task again and decides.
 */
export async function save(
  task: StoredRequest,
  next: StoredRequest,
  by: string,
  ports: Pick<FulfilmentPorts, 'store' | 'publisher'>,
): Promise<StoredRequest> {
  if (!(await ports.store.updateRequest(next, task.version)))
    throw new StoreTaskStateError(`store task ${task.requestId} changed meanwhile; read it again`);
  if (next.route !== 'store_task') return next;
  const move = next.history[next.history.length - 1];
  await ports.publisher.publish([
    createEvent(
      StoreTaskChanged,
      {
        requestId: next.requestId,
        orderId: next.orderId,
        locationId: next.locationId,
        from: task.status,
        to: next.status,
        by,
        ...(move?.reason ? { reason: move.reason } : {}),
      },
      { correlationId: next.orderId },
    ),
  ]);
  return next;
}

/**
 * An order whose held units went back to stock (cancelled, its reservation or its pickup expired) is no
 * longer picked anywhere: its requests still under way are cancelled, so no store lists them any more;
 * when the pickup expired, its own ready task stays for the watch, which closes it as `expired`.
 * Idempotent: a request already closed is left as it is. Throws StoreTaskStateError when a store moved
 * a task meanwhile, so the event is retried and reads it again.
 */
export async function cancelRequests(
  orderId: string,
  reason: string,
  ports: Pick<FulfilmentPorts, 'store' | 'publisher' | 'now'>,
): Promise<StoredRequest[]> {
  const except: readonly RequestStatus[] = reason === 'PICKUP_EXPIRED' ? ['ready_for_pickup'] : [];
  const now = ports.now?.() ?? new Date();
  const cancelled: StoredRequest[] = [];
  for (const request of await ports.store.listByOrder(orderId)) {
    if (CLOSED_REQUEST_STATUSES.includes(request.status) || except.includes(request.status)) continue;
    const next = moveRequest(request, 'cancelled', 'fulfilment-release', now, {}, reason);
    cancelled.push(await save(request, next, 'fulfilment-release', ports));
  }
  return cancelled;
}
