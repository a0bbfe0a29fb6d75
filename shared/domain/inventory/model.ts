import type { InventoryMovement, QuantityName } from './movement';
import { PermanentError } from '#domain/kernel/errors';

/**
 * Stock positions and their arithmetic. A position is one SKU at one location (one bucket of it, for
 * a sharded SKU) with named quantities in the spirit of Shopify's inventory states:
 *
 *   on hand          units physically at the location, damaged and quality-control ones included
 *   reserved         committed to open orders, still on hand until fulfilled
 *   incoming         expected (purchase orders, transfers in transit), not on hand, not sellable
 *   safety stock     held back by policy
 *   damaged, QC      on hand but not sellable
 *
 *   sellable on hand = on hand - damaged - quality control
 *   available        = sellable on hand - reserved - safety stock        (may be negative)
 *   available-to-sell (published) = max(0, available)
 *
 * No AWS here: the DynamoDB adapter turns `netDeltas` into ADD expressions and `guardsFor` into the
 * condition of the same write.
 */

export const QUANTITY_NAMES: readonly QuantityName[] = [
  'onHand',
  'reserved',
  'incoming',
  'safetyStock',
  'damaged',
  'qualityControl',
];
export type Quantities = Record<QuantityName, number>;

/** Derived figures kept on the stored position, so that a condition can compare one attribute with one number. */
export type DerivedName = 'available' | 'sellableOnHand';
export type PositionFigure = QuantityName | DerivedName;
export const POSITION_FIGURES: readonly PositionFigure[] = [...QUANTITY_NAMES, 'sellableOnHand', 'available'];

/** One bucket of stock: shard 0 is the position itself; a sharded SKU has shards 1..n-1 beside it. */
export interface BucketKey {
  sku: string;
  locationId: string;
  shard: number;
}

export interface StockPosition extends BucketKey, Quantities {
  sellableOnHand: number;
  available: number;
  /** Incremented by every write to the position; the sum over a SKU's buckets versions its availability. */
  revision: number;
}

/** A movement as the ledger keeps it: the canonical movement, and the bucket it moved. */
export interface LedgerMovement extends InventoryMovement {
  shard: number;
}

export class InsufficientStockError extends Error {
  override name = 'InsufficientStockError';
  constructor(
    readonly key: BucketKey,
    readonly figure: PositionFigure,
    readonly needed: number,
    readonly actual: number,
  ) {
    super(
      `${key.sku} at ${key.locationId}${key.shard ? ` (bucket ${key.shard})` : ''}: needs ${figure} >= ${needed}, has ${actual}`,
    );
  }
}

export class UnknownLocationError extends PermanentError {
  override name = 'UnknownLocationError';
}

export function sellableOnHand(q: Quantities): number {
  return q.onHand - q.damaged - q.qualityControl;
}

/** Available before clamping: negative when damage, a count or safety stock took units already promised. */
export function availableToSell(q: Quantities): number {
  return sellableOnHand(q) - q.reserved - q.safetyStock;
}

/** What is ever published or answered: never below zero. */
export function publishedAvailable(available: number): number {
  return Math.max(0, available);
}

export function emptyPosition(key: BucketKey): StockPosition {
  return {
    ...key,
    onHand: 0,
    reserved: 0,
    incoming: 0,
    safetyStock: 0,
    damaged: 0,
    qualityControl: 0,
    sellableOnHand: 0,
    available: 0,
    revision: 0,
  };
}

export function bucketId(key: BucketKey): string {
  return `${key.sku}@${key.locationId}#${key.shard}`;
}

/** Every bucket of a SKU at the given locations. */
export function bucketKeys(sku: string, locationIds: readonly string[], shards: number): BucketKey[] {
  return locationIds.flatMap((locationId) =>
    Array.from({ length: shards }, (_, shard) => ({ sku, locationId, shard })),
  );
}

/** Which named quantities a movement changes, and by how much. Every kind is linear, so any set of movements folds in any order. */
export function movementDeltas(
  movement: Pick<InventoryMovement, 'kind' | 'quantity' | 'direction' | 'quantityName'>,
): Partial<Quantities> {
  const q = movement.quantity;
  switch (movement.kind) {
    case 'receipt':
    case 'return':
    case 'transfer_in':
      return { onHand: q };
    case 'sale':
    case 'transfer_out':
      return { onHand: -q };
    case 'adjustment':
      return { [movement.quantityName ?? 'onHand']: movement.direction === 'out' ? -q : q };
    case 'reservation':
      return { reserved: q };
    case 'release':
      return { reserved: -q };
    case 'fulfilment':
      return { onHand: -q, reserved: -q };
  }
}

export type FigureDeltas = Record<PositionFigure, number>;

/** The net change of every named and derived figure when these movements apply to one bucket. */
export function netDeltas(movements: readonly Parameters<typeof movementDeltas>[0][]): FigureDeltas {
  const net = Object.fromEntries(QUANTITY_NAMES.map((name) => [name, 0])) as Quantities;
  for (const movement of movements) {
    for (const [name, delta] of Object.entries(movementDeltas(movement)) as [QuantityName, number][])
      net[name] += delta;
  }
  return { ...net, sellableOnHand: sellableOnHand(net), available: availableToSell(net) };
}

/** A precondition on the position before a write: `figure >= atLeast`. */
export interface Guard {
  figure: PositionFigure;
  atLeast: number;
}

/** Kinds that promise sellable stock or move it away: only these need available units. */
const PROMISING_KINDS = new Set<InventoryMovement['kind']>(['reservation', 'transfer_out']);

/**
 * The preconditions of applying movements to one bucket in one write, stated on the bucket before it:
 * no named quantity and no sellable-on-hand may go below zero, whatever the movement (a fact that
 * contradicts the books is refused, and someone counts the shelf); and a reservation or transfer out
 * needs that many available units. That last guard is what makes oversell impossible: a damage or
 * safety-stock change may leave `available` negative, but nothing can promise a unit that is not there.
 */
export function guardsFor(movements: readonly LedgerMovement[] | readonly InventoryMovement[]): Guard[] {
  const net = netDeltas(movements);
  const guards: Guard[] = [];
  for (const figure of [...QUANTITY_NAMES, 'sellableOnHand'] as PositionFigure[]) {
    if (net[figure] < 0) guards.push({ figure, atLeast: -net[figure] });
  }
  if (movements.some((m) => PROMISING_KINDS.has(m.kind)) && net.available < 0)
    guards.push({ figure: 'available', atLeast: -net.available });
  return guards;
}

/** Adds net deltas to a position, without any check. */
export function withDeltas<T extends StockPosition>(position: T, net: FigureDeltas): T {
  const next = { ...position, revision: position.revision + 1 };
  for (const figure of POSITION_FIGURES) next[figure] += net[figure];
  return next;
}

/**
 * Applies movements to one bucket as one write would: every guard must hold on the position before
 * it. Throws InsufficientStockError naming the first guard that fails; returns the new position.
 */
export function applyMovements<T extends StockPosition>(
  position: T,
  movements: readonly LedgerMovement[] | readonly InventoryMovement[],
): T {
  for (const guard of guardsFor(movements)) {
    if (position[guard.figure] < guard.atLeast)
      throw new InsufficientStockError(position, guard.figure, guard.atLeast, position[guard.figure]);
  }
  return withDeltas(position, netDeltas(movements));
}

/** Folds a bucket's ledger into the position it implies. Order does not matter; revision is not part of it. */
export function rebuildPosition(
  key: BucketKey,
  movements: readonly Parameters<typeof movementDeltas>[0][],
): StockPosition {
  return withDeltas(emptyPosition(key), netDeltas(movements));
}

export interface PositionDrift {
  figure: PositionFigure;
  stored: number;
  rebuilt: number;
}

/** Where a stored position and the one rebuilt from its ledger disagree; empty when they agree. */
export function positionDrift(stored: StockPosition, rebuilt: StockPosition): PositionDrift[] {
  return POSITION_FIGURES.filter((figure) => stored[figure] !== rebuilt[figure]).map((figure) => ({
    figure,
    stored: stored[figure],
    rebuilt: rebuilt[figure],
  }));
}

/** A location's stock, its buckets summed. */
export interface LocationStock extends Quantities {
  locationId: string;
  sellableOnHand: number;
  /** May be negative; see availableToSell. */
  available: number;
  /** max(0, available): what this location can sell. */
  availableToSell: number;
}

/** Sums buckets per location, in the order the locations are given; a location without buckets is all zeros. */
export function stockByLocation(positions: readonly StockPosition[], locationIds: readonly string[]): LocationStock[] {
  return locationIds.map((locationId) => {
    const sum = emptyPosition({ sku: '', locationId, shard: 0 });
    for (const position of positions.filter((p) => p.locationId === locationId)) {
      for (const figure of POSITION_FIGURES) sum[figure] += position[figure];
    }
    const { sku: _sku, shard: _shard, revision: _revision, ...figures } = sum;
    return { ...figures, locationId, availableToSell: publishedAvailable(sum.available) };
  });
}

/** The version of a SKU's availability: the sum of its buckets' revisions, which only ever grows. */
export function availabilityVersion(positions: readonly StockPosition[]): number {
  return positions.reduce((sum, position) => sum + position.revision, 0);
}
