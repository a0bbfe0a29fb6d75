import { randomUUID } from 'node:crypto';
import { createEvent } from '#domain/kernel/event';
import { InventoryReserved, ReservationRejected, ReservationReleased } from './events';
import type { FabricEvent } from '#domain/kernel/event';
import { channelPolicy, locationIds, shardCount, type InventoryPolicy } from './policy';
import { bucketId, bucketKeys, type BucketKey, type LedgerMovement, type StockPosition } from './model';
import { pickReservationBuckets } from './buckets';
import type { LineReservation, ReservedQuantity } from './events';
import type { ShortagePolicy } from './shortage-policy';
import {
  OPEN_RESERVATION_STATUSES,
  type Allocation,
  type BucketWrite,
  type HeaderExpectation,
  type InventoryRepository,
  type Outbox,
  type OutboxOwner,
  type ReservationHeader,
  type ReservationPart,
  type ReservationRecord,
  type ReservationStatus,
} from './records';
import type { Address, Delivery, Order, SalesChannel } from '#domain/kernel/order';
import {
  chooseSourcing,
  type SourcingDecision,
  type SourcingOrder,
  type SourcingRuleRepository,
  type SourcingRuleSet,
} from '#domain/fulfilment';
import { availabilityRefresh } from './exposure';
import type { EventPublisher } from '#domain/kernel/ports';
import { PermanentError, TransientError } from '#domain/kernel/errors';

/** DynamoDB's limit on actions in one TransactWriteItems. */
export const MAX_TRANSACTION_ACTIONS = 100;
/**
 * How many times a reservation plans from a fresh read. A write whose guard fails lost a race for the
 * last units of a bucket (another order took them), so the next plan sees less stock; planning stops
 * as soon as a plan itself comes out short, and in any case after this many plans.
 */
const MAX_PLANS = 10;
/** How many times a release starts over when a part changed under it (a shipment, another release). */
const MAX_RELEASE_ATTEMPTS = 3;
/** A pending outbox is the sweeper's business after this, if nobody else published it. */
export const OUTBOX_GRACE_MS = 2 * 60_000;
/** How long a worker holds an order while it writes a reservation of several parts. */
const CLAIM_MS = 60_000;
/** After this the sweeper treats a claim as abandoned; by then SQS has long redelivered or dead-lettered the order. */
const ABANDONED_CLAIM_MS = 60 * 60_000;

export class ReservationInProgressError extends TransientError {
  override name = 'ReservationInProgressError';
}

/** Something that the write guards make impossible happened anyway: a bug or a hand-edited table. */
export class InventoryInvariantError extends PermanentError {
  override name = 'InventoryInvariantError';
}

export interface ReservationLine {
  lineId: string;
  sku: string;
  quantity: number;
}

export interface ReservationPlan {
  allocations: Allocation[];
  lines: LineReservation[];
}

/** What a location can promise: its positive buckets, but never more than the location as a whole has (a bucket in deficit counts). */
function reservable(buckets: readonly number[]): number {
  const positive = buckets.reduce((sum, available) => sum + Math.max(0, available), 0);
  const net = buckets.reduce((sum, available) => sum + available, 0);
  return Math.max(0, Math.min(positive, net));
}

/**
 * What the sourcing decision asks of a plan: one location for the whole order, at most `maxParts`
 * locations (counting `used`, where the order already holds units), and units a location holds back
 * per SKU (a store's safety stock).
 */
export interface PlanConstraints {
  shipComplete?: boolean;
  maxParts?: number;
  used?: readonly string[];
  holdBack?: (locationId: string) => number;
}

/** Units of `lines` a location can give from a snapshot, after what it holds back: how `stock` ranking measures it. */
export function coverAt(
  lines: readonly ReservationLine[],
  locationId: string,
  positions: readonly StockPosition[],
  holdBack = 0,
): number {
  const wanted = new Map<string, number>();
  for (const line of lines) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
  let cover = 0;
  for (const [sku, quantity] of wanted) {
    const buckets = positions.filter((p) => p.sku === sku && p.locationId === locationId).map((p) => p.available);
    cover += Math.min(quantity, Math.max(0, reservable(buckets) - holdBack));
  }
  return cover;
}

/**
 * Plans where each line is reserved, from a snapshot of the positions. The rule, in order:
 *  1. lines are planned in order, each seeing what earlier lines of the order took;
 *  2. a line goes whole to the first ranked location that can cover it;
 *  3. when none can, it is split over the ranked locations in order, each giving what it has;
 *  4. within a location (sharded SKUs) buckets are tried from `start`, whole first, then split.
 * Under `constraints`: ship complete plans at the first location covering every line (else the one
 * covering most), a location is used only while fewer than `maxParts` are, and a location never
 * gives what it holds back. What no location can cover is the line's `short`. Pure: the write's
 * guards decide, not this plan.
 */
export function planReservation(
  lines: readonly ReservationLine[],
  rankedLocations: readonly string[],
  positions: readonly StockPosition[],
  start: (shards: number) => number = (shards) => Math.floor(Math.random() * shards),
  constraints: PlanConstraints = {},
): ReservationPlan {
  const available = new Map(positions.map((position) => [bucketId(position), position.available]));
  const bucketsAt = (sku: string, locationId: string) =>
    positions.filter((p) => p.sku === sku && p.locationId === locationId).sort((a, b) => a.shard - b.shard);
  const holdBack = constraints.holdBack ?? (() => 0);
  const used = new Set(constraints.used ?? []);
  const maxParts = constraints.shipComplete ? 1 : (constraints.maxParts ?? Number.POSITIVE_INFINITY);
  let ranked = rankedLocations;
  if (constraints.shipComplete && used.size === 0) {
    const total = lines.reduce((sum, line) => sum + line.quantity, 0);
    const cover = (id: string) => coverAt(lines, id, positions, holdBack(id));
    const best =
      ranked.find((id) => cover(id) === total) ??
      ranked.reduce<string | undefined>(
        (most, id) => (most === undefined || cover(id) > cover(most) ? id : most),
        undefined,
      );
    ranked = best ? [best] : [];
  }
  const open = (locationId: string) => used.has(locationId) || used.size < maxParts;
  const allocations: Allocation[] = [];
  const outcomes: LineReservation[] = [];
  for (const line of lines) {
    const figures = (locationId: string) =>
      bucketsAt(line.sku, locationId).map((bucket) => available.get(bucketId(bucket)) ?? 0);
    const canGive = (locationId: string) => Math.max(0, reservable(figures(locationId)) - holdBack(locationId));
    const whole = ranked.find((locationId) => open(locationId) && canGive(locationId) >= line.quantity);
    let remaining = line.quantity;
    for (const locationId of whole ? [whole] : ranked) {
      const buckets = figures(locationId);
      if (remaining === 0 || buckets.length === 0 || !open(locationId)) continue;
      const wanted = Math.min(remaining, canGive(locationId));
      for (const pick of wanted > 0 ? pickReservationBuckets(buckets, wanted, start(buckets.length)) : []) {
        const key = { sku: line.sku, locationId, shard: pick.shard };
        allocations.push({ ...key, lineId: line.lineId, quantity: pick.quantity });
        available.set(bucketId(key), (available.get(bucketId(key)) ?? 0) - pick.quantity);
        remaining -= pick.quantity;
        used.add(locationId);
      }
    }
    outcomes.push({
      lineId: line.lineId,
      sku: line.sku,
      requested: line.quantity,
      reserved: line.quantity - remaining,
      short: remaining,
    });
  }
  return { allocations, lines: outcomes };
}

/** What the channel's shortage policy makes of a plan: the status, and which allocations to write. */
export function decideReservation(
  plan: ReservationPlan,
  onShortage: ShortagePolicy,
): { status: ReservationStatus; allocations: Allocation[] } {
  const short = plan.lines.some((line) => line.short > 0);
  if (!short) return { status: 'reserved', allocations: plan.allocations };
  if (onShortage === 'reject' || plan.allocations.length === 0) {
    return { status: onShortage === 'backorder' ? 'backordered' : 'rejected', allocations: [] };
  }
  return { status: onShortage === 'backorder' ? 'backordered' : 'partially_reserved', allocations: plan.allocations };
}

/**
 * Splits allocations into parts that each fit one transaction: one update per bucket, one ledger line
 * per allocation, the part record and the header.
 */
export function chunkAllocations(
  allocations: readonly Allocation[],
  maxActions = MAX_TRANSACTION_ACTIONS,
): Allocation[][] {
  const chunks: Allocation[][] = [];
  let current: Allocation[] = [];
  let buckets = new Set<string>();
  for (const allocation of allocations) {
    const addsBucket = buckets.has(bucketId(allocation)) ? 0 : 1;
    if (current.length > 0 && buckets.size + addsBucket + current.length + 1 + 2 > maxActions) {
      chunks.push(current);
      current = [];
      buckets = new Set();
    }
    current.push(allocation);
    buckets.add(bucketId(allocation));
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Ledger movements for allocations, grouped per bucket as one write applies them. */
export function allocationWrites(
  allocations: readonly Allocation[],
  movement: {
    kind: 'reservation' | 'release' | 'fulfilment';
    reasonCode: string;
    idPrefix: string;
    orderId: string;
    occurredAt: string;
  },
): BucketWrite[] {
  const writes = new Map<string, BucketWrite>();
  allocations.forEach((allocation, i) => {
    const key: BucketKey = { sku: allocation.sku, locationId: allocation.locationId, shard: allocation.shard };
    const write = writes.get(bucketId(key)) ?? { key, movements: [] };
    write.movements.push({
      movementId: `${movement.idPrefix}:${i}`,
      ...key,
      kind: movement.kind,
      quantity: allocation.quantity,
      reasonCode: movement.reasonCode,
      reference: { kind: 'order_line', id: `${movement.orderId}#${allocation.lineId}` },
      occurredAt: movement.occurredAt,
    } satisfies LedgerMovement);
    writes.set(bucketId(key), write);
  });
  return [...writes.values()];
}

/** Units per order line and location, buckets summed: what events say (buckets are not part of the contract). */
export function reservedQuantities(allocations: readonly Allocation[]): ReservedQuantity[] {
  const sums = new Map<string, ReservedQuantity>();
  for (const { lineId, sku, locationId, quantity } of allocations) {
    const key = `${lineId}\u0000${locationId}`;
    const sum = sums.get(key) ?? { lineId, sku, locationId, quantity: 0 };
    sum.quantity += quantity;
    sums.set(key, sum);
  }
  return [...sums.values()].filter((sum) => sum.quantity > 0);
}

export interface InventoryPorts {
  store: InventoryRepository;
  publisher: EventPublisher;
  policy: InventoryPolicy;
  now?: () => Date;
  /** Picks the first bucket a reservation tries; random by default, to spread a hot SKU's writes. */
  shardStart?: (shards: number) => number;
  /** The merchant's sourcing rules, read at each reservation; without it (or with none stored) the channel's ranking applies. */
  sourcingRules?: Pick<SourcingRuleRepository, 'loadSourcingRules'>;
}

/** What sourcing an order reads: the order, the rules read for this reservation, the channel's ranking. */
interface SourcingInput {
  order: SourcingOrder;
  ruleSet: SourcingRuleSet | undefined;
  channelRanking: readonly string[];
}

export interface ReservationOutcome {
  status: ReservationStatus;
  /** True when the order was already decided (a redelivery or a replay): nothing changed. */
  replayed: boolean;
}

/**
 * Reserves an order's lines once per order id, at the locations the sourcing rules choose (the
 * channel's ranking when none matches; a pickup order at its store only), with the channel's
 * shortage policy; the decision is recorded in the header and in InventoryReserved. All of the
 * order's lines commit in one conditional transaction (a larger order in parts, undone if it is refused); a failed condition means another order took the units meanwhile,
 * so the order is planned again from a fresh read until a plan comes out short (then the shortage
 * policy decides) or MAX_PLANS is reached (then nothing is reserved): never a retry of the same write.
 * Idempotent on the order id: a redelivery, a replay or a later version of the order changes nothing
 * (a cancelled version releases, see releaseOrderStock). Lines without an internal SKU are skipped.
 * Throws ReservationInProgressError while another worker holds the order, so the message is retried.
 */
export async function reserveOrderStock(
  order: {
    orderId: string;
    channel: SalesChannel;
    lines: readonly { lineId: string; sku: string | null; quantity: number }[];
    delivery?: Delivery;
    shippingAddress?: Pick<Address, 'countryCode' | 'postalCode'>;
  },
  ports: InventoryPorts,
  trace: { causationId?: string } = {},
): Promise<ReservationOutcome> {
  const context = new OperationContext(order.orderId, ports, trace);
  const lines = order.lines.flatMap((line) =>
    line.sku ? [{ lineId: line.lineId, sku: line.sku, quantity: line.quantity }] : [],
  );
  // No read first: the header's absent condition in the write answers whether the order was seen
  // before (a redelivery, a replay, a later version); the record is read only when it says so.
  let existing: ReservationRecord | undefined;
  const rules = channelPolicy(ports.policy, order.channel);
  // Read at every reservation, so a rule changed through the API or the CLI applies to the next order.
  const sourcing: SourcingInput = {
    order,
    ruleSet: await ports.sourcingRules?.loadSourcingRules(),
    channelRanking: rules.locations,
  };
  let decision: SourcingDecision = {
    ...chooseSourcing(order, sourcing.ruleSet, context.network(rules.locations)),
    decidedAt: context.nowIso,
  };
  const base = {
    orderId: order.orderId,
    channel: order.channel,
    onShortage: rules.onShortage,
    expiresAt: context.at(rules.reservationTtlMinutes * 60_000),
  };
  let needsParts = false;
  for (let attempt = 0; attempt < MAX_PLANS && !needsParts; attempt += 1) {
    const sourced = await context.plan(lines, sourcing);
    decision = sourced.decision;
    const { plan } = sourced;
    const outcomeOf = decideReservation(plan, rules.onShortage);
    needsParts = chunkAllocations(outcomeOf.allocations).length > 1;
    if (needsParts) break;
    const header = context.decidedHeader(
      { ...base, sourcing: decision },
      outcomeOf.status,
      plan.lines,
      outcomeOf.allocations,
    );
    const outcome =
      outcomeOf.allocations.length === 0
        ? await ports.store.putReservationHeader({ next: header, expect: { absent: true } })
        : await ports.store.commitReservationPart({
            orderId: order.orderId,
            part: {
              partNo: 0,
              status: 'reserved',
              allocations: outcomeOf.allocations.map((a) => ({ ...a, consumed: 0 })),
              version: 1,
            },
            buckets: allocationWrites(outcomeOf.allocations, {
              kind: 'reservation',
              reasonCode: 'ORDER_RESERVED',
              idPrefix: `res:${order.orderId}:0`,
              orderId: order.orderId,
              occurredAt: context.nowIso,
            }),
            header: { next: header, expect: { absent: true } },
          });
    if (outcome.kind === 'committed') return context.decided(header);
    if (outcome.kind === 'superseded') {
      existing = await ports.store.readReservation(order.orderId);
      if (isDecided(existing)) return context.replay(existing.header);
      needsParts = true;
    }
    // insufficient: the stock went between the read and the write; plan again from a fresh read.
  }
  if (!needsParts) {
    // Every plan lost its race for the last units: the conservative outcome is that nothing is reservable now.
    const shortLines = lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      requested: line.quantity,
      reserved: 0,
      short: line.quantity,
    }));
    const header = context.decidedHeader(
      { ...base, sourcing: decision },
      decideReservation({ allocations: [], lines: shortLines }, rules.onShortage).status,
      shortLines,
      [],
    );
    const outcome = await ports.store.putReservationHeader({ next: header, expect: { absent: true } });
    if (outcome.kind === 'committed') return context.decided(header);
    existing = await ports.store.readReservation(order.orderId);
    if (isDecided(existing)) return context.replay(existing.header);
  }
  // Too large for one transaction, or another worker's claim is in the way. A plan too large wrote
  // nothing, so nothing has told yet whether the order was seen: its record does. A decided order
  // (a redelivery, a replay, a later version) replays; otherwise the claim decides, and a dead
  // worker's expired claim is taken over.
  existing ??= await ports.store.readReservation(order.orderId);
  if (isDecided(existing)) return context.replay(existing.header);
  return reserveInParts(context, { ...base, sourcing: decision }, lines, existing);
}

/** A record whose header holds a decision (not a claim being written): the order was reserved or refused before. */
function isDecided(record: ReservationRecord): record is ReservationRecord & { header: ReservationHeader } {
  return record.header !== undefined && record.header.status !== 'in_progress';
}

/**
 * The path for orders too large for one transaction: claim the order, write parts, decide, undo on
 * refusal. Plans under the decision taken before it (its candidates, ship complete, maxParts counting
 * the locations parts already hold).
 */
async function reserveInParts(
  context: OperationContext,
  base: Pick<ReservationHeader, 'orderId' | 'channel' | 'onShortage'> & {
    expiresAt: string;
    sourcing: SourcingDecision;
  },
  lines: readonly ReservationLine[],
  existing: ReservationRecord,
): Promise<ReservationOutcome> {
  const { store } = context.ports;
  const requested = lines.map((line) => ({
    lineId: line.lineId,
    sku: line.sku,
    requested: line.quantity,
    reserved: 0,
    short: 0,
  }));
  const { sourcing, ...claimed } = base;
  const claim = await context.claim({ ...claimed, lines: requested }, existing.header);
  const record = await store.readReservation(base.orderId);
  const parts = record.parts.filter((part) => part.status === 'reserved');
  let nextPartNo = record.parts.reduce((max, part) => Math.max(max, part.partNo + 1), 0);
  const held = (lineId: string) =>
    parts
      .flatMap((part) => part.allocations)
      .filter((a) => a.lineId === lineId)
      .reduce((sum, a) => sum + a.quantity, 0);

  for (let attempt = 0; attempt < MAX_PLANS; attempt += 1) {
    const remainder = lines
      .map((line) => ({ ...line, quantity: line.quantity - held(line.lineId) }))
      .filter((line) => line.quantity > 0);
    if (remainder.length === 0) break;
    const used = [...new Set(parts.flatMap((part) => part.allocations.map((a) => a.locationId)))];
    const plan = await context.planUnder(sourcing, remainder, used);
    if (plan.allocations.length === 0 || (base.onShortage === 'reject' && plan.lines.some((line) => line.short > 0)))
      break;
    let lostRace = false;
    for (const chunk of chunkAllocations(plan.allocations)) {
      const part: ReservationPart = {
        partNo: nextPartNo,
        status: 'reserved',
        allocations: chunk.map((a) => ({ ...a, consumed: 0 })),
        version: 1,
      };
      const outcome = await store.commitReservationPart({
        orderId: base.orderId,
        part,
        buckets: allocationWrites(chunk, {
          kind: 'reservation',
          reasonCode: 'ORDER_RESERVED',
          idPrefix: `res:${base.orderId}:${part.partNo}`,
          orderId: base.orderId,
          occurredAt: context.nowIso,
        }),
      });
      if (outcome.kind === 'superseded')
        throw new ReservationInProgressError(`order ${base.orderId}: another worker wrote part ${part.partNo}`);
      if (outcome.kind !== 'committed') {
        lostRace = true;
        break;
      }
      parts.push(part);
      nextPartNo += 1;
    }
    if (!lostRace) break;
  }

  let outcomes: LineReservation[] = lines.map((line) => ({
    lineId: line.lineId,
    sku: line.sku,
    requested: line.quantity,
    reserved: held(line.lineId),
    short: line.quantity - held(line.lineId),
  }));
  let allocations = parts.flatMap((part) => part.allocations);
  if (base.onShortage === 'reject' && outcomes.some((line) => line.short > 0)) {
    for (const part of parts) await context.closePart(part, 'released', 'RESERVATION_ABORTED');
    outcomes = outcomes.map((line) => ({ ...line, reserved: 0 }));
    allocations = [];
  }
  const status = decideReservation({ allocations, lines: outcomes }, base.onShortage).status;
  const header = context.decidedHeader(base, status, outcomes, allocations);
  const outcome = await store.putReservationHeader({ next: header, expect: { claimId: claim } });
  if (outcome.kind !== 'committed')
    throw new ReservationInProgressError(`order ${base.orderId}: the claim was taken over`);
  return context.decided(header);
}

/**
 * Releases what an order still holds (what was not fulfilled), once: on cancellation, or when the
 * sweeper finds it expired. A cancellation that arrives before any reservation is recorded, so that
 * an older version of the order arriving late does not reserve. Idempotent on the order id and its
 * status; throws ReservationInProgressError while another worker is still reserving the order.
 */
export async function releaseOrderStock(
  order: { orderId: string; channel: SalesChannel },
  reason: 'ORDER_CANCELLED' | 'RESERVATION_EXPIRED' | 'PICKUP_EXPIRED',
  ports: InventoryPorts,
  trace: { causationId?: string } = {},
): Promise<ReservationOutcome> {
  const context = new OperationContext(order.orderId, ports, trace);
  for (let attempt = 0; attempt < MAX_RELEASE_ATTEMPTS; attempt += 1) {
    const record = await ports.store.readReservation(order.orderId);
    const { header } = record;
    if (!header) {
      if (reason !== 'ORDER_CANCELLED') return { status: 'cancelled', replayed: true };
      const cancelled: ReservationHeader = {
        orderId: order.orderId,
        channel: order.channel,
        onShortage: channelPolicy(ports.policy, order.channel).onShortage,
        status: 'cancelled',
        lines: [],
        updatedAt: context.nowIso,
      };
      if ((await ports.store.putReservationHeader({ next: cancelled, expect: { absent: true } })).kind === 'committed')
        return { status: 'cancelled', replayed: false };
      continue;
    }
    let expect: HeaderExpectation = { status: header.status };
    if (header.status === 'in_progress') {
      if (reason === 'ORDER_CANCELLED' || !header.claim || header.claim.until > context.nowIso) {
        throw new ReservationInProgressError(`order ${order.orderId} is being reserved by another worker`);
      }
      expect = { claimId: await context.claim(header, header) };
    } else if (!OPEN_RESERVATION_STATUSES.includes(header.status)) {
      return context.replay(header);
    } else if (
      reason === 'RESERVATION_EXPIRED' &&
      header.expiresAt !== undefined &&
      header.expiresAt > context.nowIso
    ) {
      // Held longer since the sweeper listed it (a pickup made ready, holdReservationUntil): not expired yet.
      return context.replay(header);
    }

    // The part stored inside the header last: the last part is closed in the header's own write.
    const open = record.parts
      .filter((part) => part.status === 'reserved')
      .sort((a, b) => Number(a.inHeader ?? false) - Number(b.inHeader ?? false));
    const releasedBefore = record.parts.filter((part) => part.status === 'released').flatMap(remainingOf);
    const released = [...releasedBefore, ...open.flatMap(remainingOf)];
    const closed: ReservationHeader = {
      ...header,
      status: reason === 'ORDER_CANCELLED' ? 'cancelled' : 'expired',
      claim: undefined,
      updatedAt: context.nowIso,
      outbox: released.length
        ? context.appendOutbox(
            header.outbox,
            [
              createEvent(
                ReservationReleased,
                { orderId: order.orderId, reason, allocations: reservedQuantities(released) },
                context.trace,
              ),
            ],
            released,
          )
        : header.outbox,
    };
    closed.sweepAt = closed.outbox ? context.at(OUTBOX_GRACE_MS) : undefined;
    let superseded = false;
    for (const [i, part] of open.entries()) {
      const last = i === open.length - 1;
      const outcome = await context.closePart(part, 'released', reason, last ? { next: closed, expect } : undefined);
      if (outcome !== 'committed') {
        superseded = true;
        break;
      }
    }
    if (superseded) continue;
    if (open.length === 0 && (await ports.store.putReservationHeader({ next: closed, expect })).kind !== 'committed')
      continue;
    return context.decided(closed);
  }
  throw new ReservationInProgressError(`order ${order.orderId} kept changing while it was being released`);
}

export interface OrderStockOutcome {
  action: 'reserve' | 'release' | 'skip';
  status?: ReservationStatus;
  replayed: boolean;
}

/**
 * What an OrderReceived means for stock: a cancelled order releases what it holds; a received or
 * accepted order reserves (once per order id); an order held as needs_attention (a SKU nobody mapped)
 * or in any later status is left alone. Channels are told of any change in what they may list.
 */
export async function applyOrderToStock(
  order: Order,
  ports: InventoryPorts,
  trace: { causationId?: string } = {},
): Promise<OrderStockOutcome> {
  let outcome: OrderStockOutcome = { action: 'skip', replayed: false };
  if (order.status === 'cancelled') {
    outcome = { action: 'release', ...(await releaseOrderStock(order, 'ORDER_CANCELLED', ports, trace)) };
  } else if (
    (order.status === 'received' || order.status === 'accepted') &&
    order.lines.every((line) => line.sku !== null)
  ) {
    outcome = { action: 'reserve', ...(await reserveOrderStock(order, ports, trace)) };
  }
  return outcome;
}

/** Units of a part's allocations not yet fulfilled. */
export function remainingOf(part: ReservationPart): Allocation[] {
  return part.allocations.map((a) => ({ ...a, quantity: a.quantity - a.consumed })).filter((a) => a.quantity > 0);
}

/**
 * The sweep time a write keeps for a header whose outbox stays pending: the header's own, or soon when
 * it has none (a reservation decision, left to its delivery; another writer must not leave it unswept).
 */
export function pendingOutboxSweep(header: ReservationHeader, now: Date): string {
  return header.sweepAt ?? new Date(now.getTime() + OUTBOX_GRACE_MS).toISOString();
}

/** When the sweeper must look at a header once its outbox is drained: at expiry while it holds units. */
export function sweepAfterDrain(header: ReservationHeader): string | undefined {
  if (header.status === 'in_progress') return header.sweepAt;
  return OPEN_RESERVATION_STATUSES.includes(header.status) ? header.expiresAt : undefined;
}

/**
 * Publishes an outbox together with the channel availability of the SKUs its write changed (one read
 * of those SKUs, one publish), records the figures, then clears it; a failure anywhere leaves it for
 * the next redelivery or the sweeper, which do it all again (the same event ids, the same figures).
 */
export async function drainOutbox(
  owner: OutboxOwner,
  outbox: Outbox | undefined,
  sweepAt: string | undefined,
  ports: InventoryPorts,
): Promise<void> {
  if (!outbox?.events.length) return;
  const availability = await availabilityRefresh(outbox.skus ?? [], ports);
  await ports.publisher.publish([...outbox.events, ...availability.events]);
  await availability.record();
  // A sweep time already passed (an expiry reached while the events waited, say in a dead-letter queue
  // redriven days later) is listed now instead: the sweeper looks only a few days back.
  const now = (ports.now?.() ?? new Date()).toISOString();
  await ports.store.clearOutbox(owner, outbox.token, sweepAt && sweepAt < now ? now : sweepAt);
}

/** Units of each SKU a location holds back under a sourcing decision: its store safety stock at stores, nothing elsewhere. */
export function storeHoldBack(
  decision: Pick<SourcingDecision, 'storeSafetyStock'> | undefined,
  policy: InventoryPolicy,
): (locationId: string) => number {
  const stores = new Set(policy.locations.filter((l) => l.kind === 'store').map((l) => l.id));
  return (locationId) => (stores.has(locationId) ? (decision?.storeSafetyStock ?? 0) : 0);
}

/** An outbox with these events added, and the SKUs whose positions the same write changed; a new token, so an older clear misses it. */
export function appendOutbox(
  outbox: Outbox | undefined,
  events: FabricEvent[],
  changed: readonly { sku: string }[],
): Outbox {
  const skus = [...new Set([...(outbox?.skus ?? []), ...changed.map((item) => item.sku)])];
  return { events: [...(outbox?.events ?? []), ...events], skus, token: randomUUID() };
}

/** The time, events and store calls one reservation operation shares. */
class OperationContext {
  readonly nowIso: string;
  readonly trace: { correlationId: string; causationId?: string };
  private readonly nowMs: number;

  constructor(
    readonly orderId: string,
    readonly ports: InventoryPorts,
    trace: { causationId?: string },
  ) {
    this.nowMs = (ports.now?.() ?? new Date()).getTime();
    this.nowIso = new Date(this.nowMs).toISOString();
    this.trace = { correlationId: orderId, ...(trace.causationId ? { causationId: trace.causationId } : {}) };
  }

  at(offsetMs: number): string {
    return new Date(this.nowMs + offsetMs).toISOString();
  }

  /** The policy's locations as sourcing sees them, with the channel's ranking for orders no rule matches. */
  network(channelRanking: readonly string[]) {
    return { locations: this.ports.policy.locations, channelRanking };
  }

  /** Chooses the sourcing from a fresh read of the candidates' positions (stock ranking reads them) and plans under it. */
  async plan(
    lines: readonly ReservationLine[],
    sourcing: SourcingInput,
  ): Promise<{ plan: ReservationPlan; decision: SourcingDecision }> {
    const network = this.network(sourcing.channelRanking);
    const first = chooseSourcing(sourcing.order, sourcing.ruleSet, network);
    const positions = await this.positionsAt(lines, first.candidates);
    const holdBack = this.holdBack(first);
    const decision = chooseSourcing(sourcing.order, sourcing.ruleSet, network, (id) =>
      coverAt(lines, id, positions, holdBack(id)),
    );
    return { decision: { ...decision, decidedAt: this.nowIso }, plan: this.planWith(decision, lines, positions, []) };
  }

  /** Plans the lines under a decision already taken, at `used` locations first when the decision limits parts. */
  async planUnder(
    decision: SourcingDecision,
    lines: readonly ReservationLine[],
    used: readonly string[],
  ): Promise<ReservationPlan> {
    return this.planWith(decision, lines, await this.positionsAt(lines, decision.candidates), used);
  }

  private planWith(
    decision: SourcingDecision,
    lines: readonly ReservationLine[],
    positions: readonly StockPosition[],
    used: readonly string[],
  ): ReservationPlan {
    return planReservation(lines, decision.candidates, positions, this.ports.shardStart, {
      shipComplete: decision.shipComplete,
      maxParts: decision.maxParts,
      used,
      holdBack: this.holdBack(decision),
    });
  }

  /** A store's safety stock under the decision's rule; warehouses hold nothing back. */
  private holdBack(decision: SourcingDecision): (locationId: string) => number {
    return storeHoldBack(decision, this.ports.policy);
  }

  private async positionsAt(lines: readonly ReservationLine[], locations: readonly string[]): Promise<StockPosition[]> {
    const { policy, store } = this.ports;
    const known = new Set(locationIds(policy));
    const ranked = locations.filter((id) => known.has(id));
    const skus = [...new Set(lines.map((line) => line.sku))];
    return store.readPositions(skus.flatMap((sku) => bucketKeys(sku, ranked, shardCount(policy, sku))));
  }

  appendOutbox(outbox: Outbox | undefined, events: FabricEvent[], changed: readonly { sku: string }[]): Outbox {
    return appendOutbox(outbox, events, changed);
  }

  decidedHeader(
    base: Pick<ReservationHeader, 'orderId' | 'channel' | 'onShortage' | 'sourcing'> & { expiresAt: string },
    status: ReservationStatus,
    lines: LineReservation[],
    allocations: readonly Allocation[],
  ): ReservationHeader {
    const reserved = reservedQuantities(allocations);
    const held = new Map<string, number>();
    for (const a of allocations) held.set(a.lineId, (held.get(a.lineId) ?? 0) + a.quantity);
    const finalLines = lines.map((line) => ({ ...line, reserved: held.get(line.lineId) ?? 0 }));
    const events: FabricEvent[] = [];
    const { orderId, channel, onShortage, sourcing } = base;
    if (reserved.length)
      events.push(
        createEvent(
          InventoryReserved,
          {
            orderId,
            channel,
            onShortage,
            allocations: reserved,
            expiresAt: base.expiresAt,
            ...(sourcing ? { sourcing } : {}),
            backordered: status === 'backordered',
          },
          this.trace,
        ),
      );
    if (status !== 'reserved' && finalLines.length) {
      const outcome =
        status === 'backordered' ? 'backordered' : status === 'partially_reserved' ? 'partially_rejected' : 'rejected';
      events.push(
        createEvent(
          ReservationRejected,
          { orderId, channel, onShortage, outcome, reason: 'INSUFFICIENT_STOCK', lines: finalLines },
          this.trace,
        ),
      );
    }
    return {
      orderId,
      channel,
      onShortage,
      status,
      lines: finalLines,
      updatedAt: this.nowIso,
      ...(sourcing ? { sourcing } : {}),
      ...(reserved.length ? { expiresAt: base.expiresAt } : {}),
      // No sweep time while the decision's outbox is pending, so the write stays out of the sweep index
      // (two write units of every reservation): the delivery writing it stays on its queue until the
      // outbox is drained, and its redelivery replays the decision and drains it (see finish). The
      // expiry's sweep time is set as the outbox is cleared.
      ...(events.length ? { outbox: this.appendOutbox(undefined, events, allocations) } : {}),
    };
  }

  /** Holds the order for this worker: a new claim, or one taking over an abandoned claim. Returns the claim id. */
  async claim(
    base: Pick<ReservationHeader, 'orderId' | 'channel' | 'onShortage'> & Partial<ReservationHeader>,
    current: ReservationHeader | undefined,
  ): Promise<string> {
    if (current?.claim && current.claim.until > this.nowIso)
      throw new ReservationInProgressError(`order ${this.orderId} is being reserved by another worker`);
    const id = randomUUID();
    const until = this.at(CLAIM_MS);
    const next: ReservationHeader = {
      ...current,
      orderId: base.orderId,
      channel: base.channel,
      onShortage: base.onShortage,
      lines: base.lines ?? current?.lines ?? [],
      status: 'in_progress',
      claim: { id, until },
      updatedAt: this.nowIso,
      sweepAt: this.at(CLAIM_MS + ABANDONED_CLAIM_MS),
      ...(base.expiresAt ? { expiresAt: base.expiresAt } : {}),
    };
    const expect: HeaderExpectation = current ? { claimExpiredBefore: this.nowIso } : { absent: true };
    const outcome = await this.ports.store.putReservationHeader({ next, expect });
    if (outcome.kind !== 'committed')
      throw new ReservationInProgressError(`order ${this.orderId} was claimed by another worker`);
    return id;
  }

  /** Releases (or marks fulfilled) a whole part: what it still holds goes back to available. */
  async closePart(
    part: ReservationPart,
    status: 'released',
    reasonCode: string,
    header?: { next: ReservationHeader; expect: HeaderExpectation },
  ): Promise<'committed' | 'superseded'> {
    const remaining = remainingOf(part);
    const outcome = await this.ports.store.updateReservationPart({
      orderId: this.orderId,
      part: { ...part, status, version: part.version + 1 },
      expectVersion: part.version,
      buckets: allocationWrites(remaining, {
        kind: 'release',
        reasonCode,
        idPrefix: `rel:${this.orderId}:${part.partNo}`,
        orderId: this.orderId,
        occurredAt: this.nowIso,
      }),
      header,
    });
    if (outcome.kind === 'insufficient')
      throw new InventoryInvariantError(
        `order ${this.orderId} part ${part.partNo}: releasing found fewer units reserved than the part holds`,
      );
    return outcome.kind === 'committed' ? 'committed' : 'superseded';
  }

  async decided(header: ReservationHeader): Promise<ReservationOutcome> {
    await this.finish(header);
    return { status: header.status, replayed: false };
  }

  async replay(header: ReservationHeader | undefined): Promise<ReservationOutcome> {
    if (!header) throw new ReservationInProgressError(`order ${this.orderId} changed while it was read`);
    if (header.outbox && !header.sweepAt) {
      // The decision's delivery may have died before publishing (a timeout: finish's catch never ran),
      // and this one may die too before the order goes to the dead-letter queue, so the sweeper is told
      // before the drain is tried; only a redelivery pays this write, not every reservation.
      const sweepAt = this.at(OUTBOX_GRACE_MS);
      await this.ports.store.scheduleOutboxSweep(this.orderId, header.outbox.token, sweepAt);
      await this.finish({ ...header, sweepAt });
    } else {
      await this.finish(header);
    }
    return { status: header.status, replayed: true };
  }

  /**
   * Drains the header's outbox. One written without a sweep time (a reservation decision) is left to
   * the sweeper once draining it fails, or by its redelivery before the drain (see replay): if every
   * delivery fails and the order goes to the dead-letter queue, the sweeper still publishes its events
   * and later releases its expired units.
   */
  private async finish(header: ReservationHeader): Promise<void> {
    try {
      await drainOutbox(
        { kind: 'reservation', orderId: this.orderId },
        header.outbox,
        sweepAfterDrain(header),
        this.ports,
      );
    } catch (error) {
      if (header.outbox && !header.sweepAt)
        // If this write fails as well, the redelivery tries both again: the drain's error is the one to report.
        await this.ports.store
          .scheduleOutboxSweep(this.orderId, header.outbox.token, this.at(OUTBOX_GRACE_MS))
          .catch(() => undefined);
      throw error;
    }
  }
}
