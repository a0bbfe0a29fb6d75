import * as z from '#domain/kernel/schema';
import { createEvent } from '#domain/kernel/event';
import { ShipmentConfirmed } from './events';
import { StockKey } from '#domain/kernel/product';
import { SalesChannel, type Order } from '#domain/kernel/order';
import type { OrderRepository } from './order-record';
import type { LifecycleStore } from './lifecycle';
import { shipmentLifecycleKey } from './lifecycle-events';
import type { OnceRunner } from '#domain/kernel/ports';
import { requestFingerprint } from '#domain/kernel/request-fingerprint';
import type { Shipment } from '#domain/kernel/shipment';
import { formatIssues, type FieldIssue } from '#domain/kernel/validation';
import { DeliveryInProgressError, type EventPublisher } from '#domain/kernel/ports';
import { verdictFor, type ArchivedAnswer, type RequestArchive } from '#domain/kernel/archive';

/** The idempotency scope of `POST /shipments`; its business key is the shipment id. */
export const SHIPMENT_CONFIRMATION_SCOPE = 'shipment-confirmation';

/**
 * inventory-fulfilment consumes a shipment in one transaction of at most 100 actions, about two per
 * line; a longer shipment would be accepted here and then refused there, so the warehouse splits it.
 */
export const MAX_SHIPMENT_LINES = 40;

/** `POST /shipments`: what a warehouse (WMS, 3PL) shipped against one order, from one location. */
export const ShipmentConfirmationRequest = z.object({
  /** The warehouse's shipment id; or the Idempotency-Key header. */
  shipmentId: z.optional(z.string()),
  /** Our order id; or, when the warehouse only knows the channel's order number, channel and channelOrderId. */
  orderId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  channel: z.optional(SalesChannel),
  channelOrderId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  locationId: StockKey,
  carrier: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  trackingNumber: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  shippedAt: z.iso.datetime({ offset: true }),
  lines: z
    .array(
      z.object({
        /** Our order line id; without it the line is found on the order by SKU. */
        lineId: z.optional(z.string().check(z.minLength(1))),
        sku: StockKey,
        quantity: z.number().check(z.int(), z.positive(), z.lte(1_000_000)),
      }),
    )
    .check(z.minLength(1), z.maxLength(MAX_SHIPMENT_LINES)),
});
export type ShipmentConfirmationRequest = z.infer<typeof ShipmentConfirmationRequest>;

/**
 * Validates a confirmation against the schema and the policy's locations, checks that it names its
 * order one way (orderId, or channel and channelOrderId), and settles its shipment id: the
 * Idempotency-Key header or `shipmentId`, which must agree, as for `POST /inventory/adjustments`.
 * Returns field issues for a 400.
 */
export function parseShipmentConfirmation(
  body: unknown,
  idempotencyKey: string | undefined,
  locations: readonly string[],
): { ok: true; request: ShipmentConfirmationRequest; shipmentId: string } | { ok: false; issues: FieldIssue[] } {
  const parsed = ShipmentConfirmationRequest.safeParse(body);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
  const request = parsed.data;
  const issues: FieldIssue[] = [];
  if (!locations.includes(request.locationId))
    issues.push({ path: 'locationId', message: `"${request.locationId}" is not a location (${locations.join(', ')})` });
  const byChannel = request.channel !== undefined || request.channelOrderId !== undefined;
  if (request.orderId && byChannel)
    issues.push({ path: 'orderId', message: 'give orderId, or channel and channelOrderId, not both' });
  if (!request.orderId && !byChannel)
    issues.push({ path: 'orderId', message: 'is required, or channel and channelOrderId' });
  if (!request.orderId && byChannel && !request.channel)
    issues.push({ path: 'channel', message: 'is required with channelOrderId' });
  if (!request.orderId && byChannel && !request.channelOrderId)
    issues.push({ path: 'channelOrderId', message: 'is required with channel' });
  const shipmentId = idempotencyKey ?? request.shipmentId;
  if (!shipmentId) issues.push({ path: 'shipmentId', message: 'is required, or an Idempotency-Key header' });
  if (idempotencyKey && request.shipmentId && idempotencyKey !== request.shipmentId) {
    issues.push({ path: 'shipmentId', message: 'differs from the Idempotency-Key header' });
  }
  if (shipmentId && !/^[^#\s]{1,200}$/.test(shipmentId))
    issues.push({ path: 'shipmentId', message: 'must be 1-200 characters without # or whitespace' });
  // A missing id is already among the issues; testing it again narrows it for the answer.
  if (issues.length || !shipmentId) return { ok: false, issues };
  return { ok: true, request: { ...request, shipmentId }, shipmentId };
}

/**
 * The order lines a confirmation shipped. A line naming its lineId is that order line, which must carry
 * its SKU; a line without one takes the open units of the order's lines with its SKU, in order (a SKU on
 * two lines may split over both). Open units are those ordered, less `shippedBefore` (per order line id),
 * less what earlier lines of the same confirmation took. Lines on the same order line are merged.
 * Returns issues naming each line (`lines.{i}.…`) that is not on the order or ships more than is open.
 */
export function resolveShipmentLines(
  lines: ShipmentConfirmationRequest['lines'],
  order: Pick<Order, 'orderId' | 'lines'>,
  shippedBefore: Readonly<Record<string, number>>,
): { ok: true; lines: Shipment['lines'] } | { ok: false; issues: FieldIssue[] } {
  const open = new Map(order.lines.map((line) => [line.lineId, line.quantity - (shippedBefore[line.lineId] ?? 0)]));
  // Candidates are order lines, and every order line has its entry.
  const openOn = (lineId: string) => open.get(lineId) ?? 0;
  const shipped = new Map<string, Shipment['lines'][number]>();
  const issues: FieldIssue[] = [];
  for (const [i, line] of lines.entries()) {
    const candidates = line.lineId
      ? order.lines.filter((candidate) => candidate.lineId === line.lineId)
      : order.lines.filter((candidate) => candidate.sku === line.sku);
    if (line.lineId && candidates.length === 0) {
      issues.push({ path: `lines.${i}.lineId`, message: `is not a line of order ${order.orderId}` });
      continue;
    }
    if (line.lineId && candidates[0].sku !== line.sku) {
      issues.push({
        path: `lines.${i}.sku`,
        message: `is not the SKU of order line ${line.lineId} (${candidates[0].sku ?? 'unmapped'})`,
      });
      continue;
    }
    if (candidates.length === 0) {
      issues.push({ path: `lines.${i}.sku`, message: `${line.sku} is not on order ${order.orderId}` });
      continue;
    }
    const available = candidates.reduce((sum, candidate) => sum + Math.max(0, openOn(candidate.lineId)), 0);
    if (line.quantity > available) {
      const ordered = candidates.reduce((sum, candidate) => sum + candidate.quantity, 0);
      const before = candidates.reduce((sum, candidate) => sum + (shippedBefore[candidate.lineId] ?? 0), 0);
      const taken = Math.max(0, ordered - before - available);
      const where = line.lineId ? `order line ${line.lineId}` : `${line.sku} on order ${order.orderId}`;
      issues.push({
        path: `lines.${i}.quantity`,
        message: `ships ${line.quantity} but ${where} has ${available} open (${ordered} ordered, ${before} shipped before${taken ? `, ${taken} on earlier lines of this shipment` : ''})`,
      });
      continue;
    }
    let left = line.quantity;
    for (const candidate of candidates) {
      const take = Math.min(left, Math.max(0, openOn(candidate.lineId)));
      if (take === 0) continue;
      open.set(candidate.lineId, openOn(candidate.lineId) - take);
      const merged = shipped.get(candidate.lineId);
      shipped.set(candidate.lineId, {
        lineId: candidate.lineId,
        sku: line.sku,
        quantity: (merged?.quantity ?? 0) + take,
      });
      left -= take;
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, lines: [...shipped.values()] };
}

/** An inbound `POST /shipments` as received: the body byte for byte, before anything parses it. */
export interface ShipmentConfirmationDelivery {
  requestId: string;
  receivedAt: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  rawBody: Buffer;
}

export interface ShipmentConfirmationPorts {
  archive: RequestArchive;
  orders: Pick<OrderRepository, 'getOrder' | 'findOrderId'>;
  /** The order lifecycle: what it has shipped so far, and whether it was cancelled. */
  lifecycles: Pick<LifecycleStore, 'load'>;
  publisher: EventPublisher;
  once: OnceRunner;
}

export interface ShipmentConfirmationAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A confirmation the order refuses (unknown, cancelled, lines that do not match). Thrown out of the
 * once-per-shipment run, so that its idempotency record is dropped and a corrected request under the
 * same shipment id is decided afresh.
 */
class ShipmentRefusedError extends Error {
  override name = 'ShipmentRefusedError';
  constructor(
    readonly status: number,
    message: string,
    readonly orderId?: string,
    readonly errors?: FieldIssue[],
  ) {
    super(message);
  }
}

/**
 * Accepts one shipment confirmation from a warehouse: archives the raw request, validates it, finds
 * its order (by our id, or channel and channel order id through the cross-reference), checks each line
 * against the order and the shipments the order lifecycle has applied, then publishes one
 * ShipmentConfirmed (correlated by the order id), once per shipment id. A repeat answers the first
 * result with `duplicate: true` and publishes nothing; the same shipment id with another request is
 * refused. Every answer is recorded as a verdict beside the archived request. Never throws for bad
 * input; throws for infrastructure failures (archive, stores, bus), which must surface as a 5xx: a
 * failed publish drops the shipment's idempotency record, so the warehouse's retry publishes it.
 */
export async function confirmShipment(
  delivery: ShipmentConfirmationDelivery,
  ports: ShipmentConfirmationPorts,
  locations: readonly string[],
): Promise<ShipmentConfirmationAnswer> {
  const archiveKey = await ports.archive.archiveRequest({
    source: 'shipments',
    requestId: delivery.requestId,
    receivedAt: delivery.receivedAt,
    headers: withoutCredentials(delivery.headers),
    sizeBytes: delivery.rawBody.length,
    bodyBase64: delivery.rawBody.toString('base64'),
  });
  const decision = await decide(delivery, ports, locations);
  await ports.archive.recordVerdict(archiveKey, verdictFor(decision));
  return { status: decision.status, body: decision.body };
}

/**
 * The headers worth keeping: in AWS the route is IAM-authorized, and API Gateway hands the caller's
 * SigV4 signature and session token to the function; they are credentials, not evidence.
 */
function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const { authorization: _signature, 'x-amz-security-token': _token, ...kept } = headers;
  return kept;
}

/** The answer, and for the verdict the shipment id as the delivery's business id. */
async function decide(
  delivery: ShipmentConfirmationDelivery,
  ports: ShipmentConfirmationPorts,
  locations: readonly string[],
): Promise<ArchivedAnswer> {
  let json: unknown;
  try {
    json = JSON.parse(delivery.rawBody.toString('utf8'));
  } catch {
    return invalid([{ path: '(body)', message: 'is not valid JSON' }]);
  }
  const parsed = parseShipmentConfirmation(json, delivery.headers['idempotency-key'], locations);
  if (!parsed.ok) return invalid(parsed.issues);
  const { request, shipmentId } = parsed;
  const fingerprint = requestFingerprint(request);
  try {
    const result = await ports.once(shipmentId, () => publishShipment(request, shipmentId, fingerprint, ports));
    if (result.fingerprint !== fingerprint) {
      return refuse(
        422,
        `shipment ${shipmentId} was already confirmed with a different request`,
        shipmentId,
        result.orderId,
      );
    }
    const body = { shipmentId, orderId: result.orderId };
    if (result.duplicate || result.outcome === 'duplicate')
      return { status: 200, body: { ...body, duplicate: true }, outcome: 'duplicate', deliveryId: shipmentId };
    return { status: 202, body, outcome: 'accepted', deliveryId: shipmentId };
  } catch (error) {
    if (error instanceof ShipmentRefusedError)
      return refuse(error.status, error.message, shipmentId, error.orderId, error.errors);
    if (error instanceof DeliveryInProgressError)
      return refuse(409, `shipment ${shipmentId} is already being confirmed; retry later`, shipmentId);
    throw error;
  }
}

/**
 * The once-per-shipment work: order, lines, publish. A shipment the lifecycle has already applied
 * (confirmed again after the idempotency record expired) is a duplicate, not a second shipment.
 */
async function publishShipment(
  request: ShipmentConfirmationRequest,
  shipmentId: string,
  fingerprint: string,
  ports: ShipmentConfirmationPorts,
) {
  // Without an orderId the request names channel and channelOrderId: parseShipmentConfirmation requires both.
  const orderId =
    request.orderId ??
    (request.channel && request.channelOrderId
      ? await ports.orders.findOrderId(request.channel, request.channelOrderId)
      : undefined);
  const order = orderId ? (await ports.orders.getOrder(orderId))?.order : undefined;
  if (!order) {
    const named = request.orderId ? `order ${request.orderId}` : `${request.channel} order ${request.channelOrderId}`;
    throw new ShipmentRefusedError(404, `${named} is not known to the fabric`);
  }
  const lifecycle = await ports.lifecycles.load(order.orderId);
  const settled = { orderId: order.orderId, shipmentId, fingerprint };
  if (lifecycle?.applied[shipmentLifecycleKey(shipmentId)]) return { outcome: 'duplicate' as const, ...settled };
  if (lifecycle?.state === 'cancelled')
    throw new ShipmentRefusedError(
      409,
      `order ${order.orderId} is cancelled; no shipment can be confirmed against it`,
      order.orderId,
    );
  const lines = resolveShipmentLines(request.lines, order, lifecycle?.facts.shipped ?? {});
  if (!lines.ok)
    throw new ShipmentRefusedError(
      422,
      `the shipment does not match order ${order.orderId}`,
      order.orderId,
      lines.issues,
    );

  const shipment: Shipment = {
    shipmentId,
    orderId: order.orderId,
    locationId: request.locationId,
    carrier: request.carrier,
    trackingNumber: request.trackingNumber,
    shippedAt: request.shippedAt,
    lines: lines.lines,
  };
  await ports.publisher.publish([
    createEvent(
      ShipmentConfirmed,
      { shipment },
      { correlationId: order.orderId, causationId: `shipment:${shipmentId}` },
    ),
  ]);
  return { outcome: 'accepted' as const, ...settled };
}

function invalid(errors: FieldIssue[]): ArchivedAnswer {
  return {
    status: 400,
    body: { message: 'the shipment confirmation is not valid', errors },
    outcome: 'rejected',
    reason: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
  };
}

function refuse(
  status: number,
  message: string,
  shipmentId: string,
  orderId?: string,
  errors?: FieldIssue[],
): ArchivedAnswer {
  return {
    status,
    body: { message, ...(orderId ? { orderId } : {}), ...(errors ? { errors } : {}) },
    outcome: 'rejected',
    reason: errors ? `${message}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}` : message,
    deliveryId: shipmentId,
  };
}
