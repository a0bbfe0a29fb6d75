import { randomUUID } from 'node:crypto';
import * as z from '#domain/kernel/schema';
import { createEvent } from '#domain/kernel/event';
import { InventoryAdjusted } from './events';
import { locationIds, shardCount, type InventoryPolicy } from './policy';
import {
  InsufficientStockError,
  bucketKeys,
  movementDeltas,
  type BucketKey,
  type LedgerMovement,
  type StockPosition,
} from './model';
import { StockKey } from '#domain/kernel/product';
import { pullIntoBase, spreadInflow, takeOutflow } from './buckets';
import type { AdjustmentType } from './events';
import { MovementReference, QuantityName } from './movement';
import { InventoryInvariantError, OUTBOX_GRACE_MS, drainOutbox, type InventoryPorts } from './reservation';
import type { AdjustmentRecord, AdjustmentResult, BucketWrite, InventoryRepository, TransferRecord } from './records';
import { formatIssues, type FieldIssue } from '#domain/kernel/validation';
import { requestFingerprint } from '#domain/kernel/request-fingerprint';

/** How many times a count re-reads when stock moved between its read and its write. */
const MAX_ATTEMPTS = 3;

const Units = z.number().check(z.int(), z.positive(), z.lte(1_000_000));
const TransferId = z.string().check(z.regex(/^[^#\s]{1,200}$/, 'must be 1-200 characters without # or whitespace'));
const ReasonCode = z
  .string()
  .check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'must be an upper-case reason code such as CYCLE_COUNT'));

const common = {
  /** The client's idempotency key; or the Idempotency-Key header. */
  adjustmentId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  sku: StockKey,
  reasonCode: z.optional(ReasonCode),
  reference: MovementReference,
};

/**
 * `POST /inventory/adjustments`: receipts, returns, POS sales, counts, transfers (instant, or shipped
 * and later received under a transfer id) and adjustments of one named quantity.
 */
export const AdjustmentRequest = z.discriminatedUnion('type', [
  z.object({
    ...common,
    type: z.literal('receipt'),
    locationId: StockKey,
    quantity: Units,
    fromIncoming: z._default(z.boolean(), false),
  }),
  z.object({ ...common, type: z.literal('return'), locationId: StockKey, quantity: Units }),
  z.object({ ...common, type: z.literal('sale'), locationId: StockKey, quantity: Units }),
  z.object({
    ...common,
    type: z.literal('count'),
    locationId: StockKey,
    countedOnHand: z.number().check(z.int(), z.gte(0), z.lte(1_000_000)),
  }),
  z.object({
    ...common,
    type: z.literal('transfer'),
    fromLocationId: StockKey,
    toLocationId: StockKey,
    quantity: Units,
  }),
  z.object({
    ...common,
    type: z.literal('transfer_shipped'),
    transferId: TransferId,
    fromLocationId: StockKey,
    toLocationId: StockKey,
    quantity: Units,
  }),
  z.object({
    ...common,
    type: z.literal('transfer_received'),
    transferId: TransferId,
    /** Units that arrived; what was shipped comes from the transfer. */
    quantity: z.number().check(z.int(), z.gte(0), z.lte(1_000_000)),
  }),
  z.object({
    ...common,
    type: z.literal('adjustment'),
    locationId: StockKey,
    quantityName: z.enum(
      QuantityName.options.filter((name): name is Exclude<QuantityName, 'reserved'> => name !== 'reserved'),
    ),
    delta: z.number().check(
      z.int(),
      z.gte(-1_000_000),
      z.lte(1_000_000),
      z.refine((delta) => delta !== 0, 'must not be 0'),
    ),
    reasonCode: ReasonCode,
  }),
]);
export type AdjustmentRequest = z.infer<typeof AdjustmentRequest>;

const DEFAULT_REASONS: Record<AdjustmentType, string> = {
  receipt: 'RECEIPT',
  return: 'CUSTOMER_RETURN',
  sale: 'POS_SALE',
  count: 'CYCLE_COUNT',
  transfer: 'TRANSFER',
  transfer_shipped: 'TRANSFER_SHIPPED',
  transfer_received: 'TRANSFER_RECEIVED',
  adjustment: 'ADJUSTMENT',
};

/** The reason of the movement that books the difference between what a transfer shipped and what arrived. */
export const TRANSFER_VARIANCE = 'TRANSFER_VARIANCE';

/**
 * Validates an adjustment body against the schema and the policy's locations, and settles its
 * idempotency key (the header or `adjustmentId`, which must agree). Returns field issues for a 400.
 */
export function parseAdjustmentRequest(
  body: unknown,
  idempotencyKey: string | undefined,
  policy: InventoryPolicy,
): { ok: true; request: AdjustmentRequest; adjustmentId: string } | { ok: false; issues: FieldIssue[] } {
  const parsed = AdjustmentRequest.safeParse(body);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
  const request = parsed.data;
  const issues: FieldIssue[] = [];
  const known = new Set(locationIds(policy));
  for (const field of ['locationId', 'fromLocationId', 'toLocationId'] as const) {
    const value = (request as Record<string, unknown>)[field];
    if (typeof value === 'string' && !known.has(value))
      issues.push({ path: field, message: `"${value}" is not a location (${[...known].join(', ')})` });
  }
  if (
    (request.type === 'transfer' || request.type === 'transfer_shipped') &&
    request.fromLocationId === request.toLocationId
  )
    issues.push({ path: 'toLocationId', message: 'must differ from fromLocationId' });
  const adjustmentId = idempotencyKey ?? request.adjustmentId;
  if (!adjustmentId) issues.push({ path: 'adjustmentId', message: 'is required, or an Idempotency-Key header' });
  if (idempotencyKey && request.adjustmentId && idempotencyKey !== request.adjustmentId) {
    issues.push({ path: 'adjustmentId', message: 'differs from the Idempotency-Key header' });
  }
  if (adjustmentId && !/^[^#\s]{1,200}$/.test(adjustmentId))
    issues.push({ path: 'adjustmentId', message: 'must be 1-200 characters without # or whitespace' });
  // A missing id is already among the issues; testing it again narrows it for the answer.
  if (issues.length || !adjustmentId) return { ok: false, issues };
  return { ok: true, request, adjustmentId };
}

/** The locations an adjustment touches; a receipt of a transfer touches its destination. */
function locationsOf(request: AdjustmentRequest, transfer: TransferRecord | undefined): string[] {
  switch (request.type) {
    case 'transfer':
    case 'transfer_shipped':
      return [request.fromLocationId, request.toLocationId];
    case 'transfer_received':
      return transfer ? [transfer.toLocationId] : [];
    default:
      return [request.locationId];
  }
}

/**
 * Turns an adjustment into bucket movements from a snapshot of the buckets of its locations. For a
 * sharded SKU: inflows fill bucket deficits then spread; outflows take from the buckets with most;
 * safety stock, damaged, quality control and incoming live on bucket 0, which first draws the units it
 * needs from the other buckets (SHARD_REBALANCE transfers inside the location). A shipped transfer
 * leaves the origin's on hand (as much as is available there) and is incoming at the destination;
 * its receipt takes what was shipped off incoming and puts what arrived on hand, booking a shortfall
 * off incoming and a surplus onto on hand as TRANSFER_VARIANCE. Throws InsufficientStockError when
 * the snapshot already shows the stock is not there; the write's guards still decide.
 */
export function planAdjustment(
  request: AdjustmentRequest,
  adjustmentId: string,
  positions: readonly StockPosition[],
  occurredAt: string,
  /** The shipped transfer a `transfer_received` receives. */
  transfer?: TransferRecord,
): BucketWrite[] {
  const writes = new Map<string, BucketWrite>();
  let sequence = 0;
  const reasonCode = request.reasonCode ?? DEFAULT_REASONS[request.type];
  const move = (
    key: BucketKey,
    kind: LedgerMovement['kind'],
    quantity: number,
    extra: Partial<LedgerMovement> = {},
  ) => {
    if (quantity <= 0) return;
    const id = `${key.locationId}#${key.shard}`;
    const write = writes.get(id) ?? { key, movements: [] };
    write.movements.push({
      movementId: `adj:${adjustmentId}:${sequence++}`,
      ...key,
      kind,
      quantity,
      reasonCode,
      reference: request.reference,
      occurredAt,
      ...extra,
    });
    writes.set(id, write);
  };
  const bucketsAt = (locationId: string) =>
    positions.filter((p) => p.locationId === locationId).sort((a, b) => a.shard - b.shard);
  const spread = (
    locationId: string,
    quantity: number,
    kind: LedgerMovement['kind'],
    extra?: Partial<LedgerMovement>,
  ) => {
    const buckets = bucketsAt(locationId);
    spreadInflow(buckets, quantity).forEach((part, shard) => {
      move(buckets[shard], kind, part, extra);
    });
  };
  const take = (
    locationId: string,
    quantity: number,
    figure: 'available' | 'sellableOnHand',
    kind: LedgerMovement['kind'],
    extra?: Partial<LedgerMovement>,
  ) => {
    const buckets = bucketsAt(locationId);
    const parts = takeOutflow(buckets, quantity, figure);
    if (!parts) {
      const has = buckets.reduce((sum, bucket) => sum + Math.max(0, bucket[figure]), 0);
      throw new InsufficientStockError(buckets[0], figure, quantity, has);
    }
    parts.forEach((part, shard) => {
      move(buckets[shard], kind, part, extra);
    });
  };
  const onBase = (locationId: string, quantityName: QuantityName, delta: number) => {
    const buckets = bucketsAt(locationId);
    if (delta > 0 && quantityName !== 'incoming') {
      pullIntoBase(buckets, delta).forEach((part, shard) => {
        move(buckets[shard], 'transfer_out', part, { reasonCode: 'SHARD_REBALANCE' });
        move(buckets[0], 'transfer_in', part, { reasonCode: 'SHARD_REBALANCE' });
      });
    }
    move(buckets[0], 'adjustment', Math.abs(delta), { direction: delta > 0 ? 'in' : 'out', quantityName });
  };

  switch (request.type) {
    case 'receipt':
      spread(request.locationId, request.quantity, 'receipt');
      if (request.fromIncoming) onBase(request.locationId, 'incoming', -request.quantity);
      break;
    case 'return':
      spread(request.locationId, request.quantity, 'return');
      break;
    case 'sale':
      take(request.locationId, request.quantity, 'sellableOnHand', 'sale');
      break;
    case 'count': {
      const buckets = bucketsAt(request.locationId);
      const delta = request.countedOnHand - buckets.reduce((sum, bucket) => sum + bucket.onHand, 0);
      if (delta > 0) spread(request.locationId, delta, 'adjustment', { direction: 'in' });
      if (delta < 0) take(request.locationId, -delta, 'sellableOnHand', 'adjustment', { direction: 'out' });
      // Every bucket of the location is checked, touched or not: the count is of all of them.
      for (const bucket of buckets) {
        const id = `${bucket.locationId}#${bucket.shard}`;
        writes.set(id, { ...(writes.get(id) ?? { key: bucket, movements: [] }), expectOnHand: bucket.onHand });
      }
      break;
    }
    case 'transfer':
      take(request.fromLocationId, request.quantity, 'available', 'transfer_out');
      spread(request.toLocationId, request.quantity, 'transfer_in');
      break;
    case 'transfer_shipped':
      take(request.fromLocationId, request.quantity, 'available', 'transfer_out');
      onBase(request.toLocationId, 'incoming', request.quantity);
      break;
    case 'transfer_received': {
      if (!transfer)
        throw new InventoryInvariantError(`transfer ${request.transferId} is received without its shipment`);
      const base = bucketsAt(transfer.toLocationId)[0];
      const arrived = Math.min(request.quantity, transfer.shipped);
      const offIncoming = (quantity: number, extra: Partial<LedgerMovement> = {}) =>
        move(base, 'adjustment', quantity, { direction: 'out', quantityName: 'incoming', ...extra });
      offIncoming(arrived);
      spread(transfer.toLocationId, arrived, 'transfer_in');
      offIncoming(transfer.shipped - arrived, { reasonCode: TRANSFER_VARIANCE });
      spread(transfer.toLocationId, request.quantity - arrived, 'adjustment', {
        direction: 'in',
        reasonCode: TRANSFER_VARIANCE,
      });
      break;
    }
    case 'adjustment':
      if (request.quantityName === 'onHand') {
        if (request.delta > 0) spread(request.locationId, request.delta, 'adjustment', { direction: 'in' });
        else take(request.locationId, -request.delta, 'sellableOnHand', 'adjustment', { direction: 'out' });
      } else {
        onBase(request.locationId, request.quantityName, request.delta);
      }
      break;
  }
  return [...writes.values()].map(({ key, movements, expectOnHand }) => ({
    key: { sku: key.sku, locationId: key.locationId, shard: key.shard },
    movements,
    ...(expectOnHand !== undefined ? { expectOnHand } : {}),
  }));
}

/** Net change per location and named quantity; transfers between buckets of one location cancel out. */
export function summarizeChanges(writes: readonly BucketWrite[]): AdjustmentResult['changes'] {
  const sums = new Map<string, { locationId: string; quantityName: QuantityName; delta: number }>();
  for (const movement of writes.flatMap((write) => write.movements)) {
    for (const [quantityName, delta] of Object.entries(movementDeltas(movement)) as [QuantityName, number][]) {
      const key = `${movement.locationId}#${quantityName}`;
      const sum = sums.get(key) ?? { locationId: movement.locationId, quantityName, delta: 0 };
      sum.delta += delta;
      sums.set(key, sum);
    }
  }
  return [...sums.values()].filter((sum) => sum.delta !== 0);
}

export type AdjustmentOutcome =
  | { kind: 'applied'; result: AdjustmentResult }
  | { kind: 'duplicate'; result: AdjustmentResult }
  /** The key was used before for a different request. */
  | { kind: 'key_reused' }
  | { kind: 'insufficient'; message: string }
  /** A transfer step that does not follow from the transfer's state: not shipped, shipped or received already, another SKU. */
  | { kind: 'refused'; message: string }
  /** Stock kept moving while a count was being applied; the client retries. */
  | { kind: 'busy' };

function requestHash(request: AdjustmentRequest): string {
  const { adjustmentId: _key, ...rest } = request;
  return requestFingerprint(rest);
}

/**
 * Applies an adjustment once per client key: its movements, their guards and ledger lines, the
 * adjustment record and its InventoryAdjusted event commit in one write. A repeat with the same key
 * and request answers the first result (and finishes anything the first left undone: its event, the
 * channels' availability); the same key with another request is refused. Not enough stock is an
 * outcome (`insufficient`), not an error.
 */
export async function adjustStock(
  request: AdjustmentRequest,
  adjustmentId: string,
  ports: InventoryPorts,
): Promise<AdjustmentOutcome> {
  const hash = requestHash(request);
  const owner = { kind: 'adjustment', adjustmentId } as const;
  const repeat = async (record: AdjustmentRecord): Promise<AdjustmentOutcome> => {
    if (record.requestHash !== hash) return { kind: 'key_reused' };
    await drainOutbox(owner, record.outbox, undefined, ports);
    return { kind: 'duplicate', result: record.result };
  };
  const existing = await ports.store.readAdjustment(adjustmentId);
  if (existing) return repeat(existing);

  const shards = shardCount(ports.policy, request.sku);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const now = ports.now?.() ?? new Date();
    const step = await transferStep(request, adjustmentId, now.toISOString(), ports.store);
    if (step && 'refused' in step) return { kind: 'refused', message: step.refused };
    const transfer = step?.next;
    const positions = await ports.store.readPositions(bucketKeys(request.sku, locationsOf(request, transfer), shards));
    let buckets: BucketWrite[];
    try {
      buckets = planAdjustment(request, adjustmentId, positions, now.toISOString(), transfer);
    } catch (error) {
      if (error instanceof InsufficientStockError) return { kind: 'insufficient', message: error.message };
      throw error;
    }
    const result: AdjustmentResult = {
      adjustmentId,
      type: request.type,
      sku: request.sku,
      changes: summarizeChanges(buckets),
      ...(transfer
        ? {
            transfer: {
              transferId: transfer.transferId,
              fromLocationId: transfer.fromLocationId,
              toLocationId: transfer.toLocationId,
              shipped: transfer.shipped,
              ...(transfer.received !== undefined ? { received: transfer.received } : {}),
            },
          }
        : {}),
    };
    const event = createEvent(
      InventoryAdjusted,
      { ...result, reasonCode: request.reasonCode ?? DEFAULT_REASONS[request.type], reference: request.reference },
      { correlationId: `adjustment:${adjustmentId}` },
    );
    const record: AdjustmentRecord = {
      adjustmentId,
      requestHash: hash,
      result,
      recordedAt: now.toISOString(),
      outbox: { events: [event], skus: [request.sku], token: randomUUID() },
      sweepAt: new Date(now.getTime() + OUTBOX_GRACE_MS).toISOString(),
    };
    const outcome = await ports.store.commitAdjustment({ record, buckets, ...(step ? { transfer: step } : {}) });
    if (outcome.kind === 'committed') {
      await drainOutbox(owner, record.outbox, undefined, ports);
      return { kind: 'applied', result };
    }
    if (outcome.kind === 'duplicate') {
      // The store refused the record because it holds one under this id: answer as for a repeat.
      const stored = await ports.store.readAdjustment(adjustmentId);
      if (!stored) throw new InventoryInvariantError(`adjustment ${adjustmentId} is a duplicate but is not stored`);
      return repeat(stored);
    }
    if (outcome.kind === 'insufficient' && attempt === MAX_ATTEMPTS - 1) {
      const where = outcome.buckets.map((b) => `${b.locationId}${b.shard ? ` (bucket ${b.shard})` : ''}`).join(', ');
      return { kind: 'insufficient', message: `${request.sku} at ${where}: not enough units for this ${request.type}` };
    }
    // insufficient or changed: stock moved since the read; superseded: another step of the transfer
    // came first. Plan again from a fresh read, which refuses a step the transfer no longer allows.
  }
  return { kind: 'busy' };
}

/**
 * What a transfer step writes of its transfer, from the transfer as stored: a shipment writes it new,
 * a receipt moves it from in transit to received with what arrived. Refused (with why) when the
 * transfer is not in that state or is of another SKU. Undefined for every other adjustment.
 */
async function transferStep(
  request: AdjustmentRequest,
  adjustmentId: string,
  at: string,
  store: InventoryRepository,
): Promise<{ next: TransferRecord; expect: 'absent' | 'in_transit' } | { refused: string } | undefined> {
  if (request.type !== 'transfer_shipped' && request.type !== 'transfer_received') return undefined;
  const stored = await store.readTransfer(request.transferId);
  const id = `transfer ${request.transferId}`;
  if (request.type === 'transfer_shipped') {
    if (stored) return { refused: `${id} was shipped already, by adjustment ${stored.shippedBy}` };
    const { transferId, sku, fromLocationId, toLocationId, quantity } = request;
    return {
      next: {
        transferId,
        sku,
        fromLocationId,
        toLocationId,
        shipped: quantity,
        status: 'in_transit',
        shippedAt: at,
        shippedBy: adjustmentId,
      },
      expect: 'absent',
    };
  }
  if (!stored) return { refused: `${id} was never shipped: ship it first (transfer_shipped)` };
  if (stored.status === 'received')
    return { refused: `${id} was received already, by adjustment ${stored.receivedBy}` };
  if (stored.sku !== request.sku) return { refused: `${id} shipped ${stored.sku}, not ${request.sku}` };
  return {
    next: { ...stored, status: 'received', received: request.quantity, receivedAt: at, receivedBy: adjustmentId },
    expect: 'in_transit',
  };
}
