import {
  bucketId,
  positionDrift,
  rebuildPosition,
  type BucketKey,
  type LedgerMovement,
  type PositionDrift,
  type StockPosition,
} from './model';
import { remainingOf } from './reservation';
import type { ReservationPart } from './records';

export interface VerificationReport {
  positions: number;
  movements: number;
  /** Positions whose stored figures differ from the fold of their ledger. */
  ledgerDrift: { key: BucketKey; drift: PositionDrift[] }[];
  /** Positions whose reserved differs from what open reservations hold there. */
  reservedDrift: { key: BucketKey; reserved: number; heldByReservations: number }[];
  /** Ledger lines or reservations for a bucket that has no position. */
  orphans: BucketKey[];
}

/**
 * Rebuilds every position from its ledger and compares the two, and compares each position's
 * reserved with what open reservation parts hold in it. Pure: give it a full scan (or one SKU's
 * items). An empty report means position, ledger and reservations agree to the unit.
 */
export function verifyInventory(
  positions: readonly StockPosition[],
  movements: readonly LedgerMovement[],
  parts: readonly ReservationPart[],
): VerificationReport {
  const ledgers = new Map<string, LedgerMovement[]>();
  for (const movement of movements) {
    const id = bucketId(movement);
    ledgers.set(id, [...(ledgers.get(id) ?? []), movement]);
  }
  const held = new Map<string, number>();
  for (const allocation of parts.filter((part) => part.status === 'reserved').flatMap(remainingOf)) {
    held.set(bucketId(allocation), (held.get(bucketId(allocation)) ?? 0) + allocation.quantity);
  }
  const known = new Set(positions.map(bucketId));
  const report: VerificationReport = {
    positions: positions.length,
    movements: movements.length,
    ledgerDrift: [],
    reservedDrift: [],
    orphans: [],
  };
  for (const position of positions) {
    const key = { sku: position.sku, locationId: position.locationId, shard: position.shard };
    const drift = positionDrift(position, rebuildPosition(key, ledgers.get(bucketId(position)) ?? []));
    if (drift.length) report.ledgerDrift.push({ key, drift });
    const heldHere = held.get(bucketId(position)) ?? 0;
    if (heldHere !== position.reserved)
      report.reservedDrift.push({ key, reserved: position.reserved, heldByReservations: heldHere });
  }
  const orphanIds = new Set([...ledgers.keys(), ...held.keys()].filter((id) => !known.has(id)));
  for (const id of orphanIds) {
    const movement = ledgers.get(id)?.[0];
    if (movement) report.orphans.push({ sku: movement.sku, locationId: movement.locationId, shard: movement.shard });
  }
  return report;
}

export function isClean(report: VerificationReport): boolean {
  return report.ledgerDrift.length === 0 && report.reservedDrift.length === 0 && report.orphans.length === 0;
}
