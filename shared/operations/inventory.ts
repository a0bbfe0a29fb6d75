import {
  pendingFigure,
  publicationSubject,
  type PublicationFigure,
  type PublicationLedger,
  type PublishedFigure,
} from '#domain/channel-sync';
import {
  bucketId,
  bucketKeys,
  isClean,
  locationIds,
  movementDeltas,
  readAvailability,
  shardCount,
  verifyInventory,
  type AvailabilityView,
  type BucketKey,
  type ChannelAvailability,
  type InventoryPolicy,
  type LedgerMovement,
  type LocationStock,
  type PositionDrift,
  type Quantities,
} from '#domain/inventory';
import type { DynamoInventoryStore } from '#shared/adapters/inventory-store';

/**
 * What `ops inventory show|verify` and the inventory API both compute: a SKU at every location with
 * what each channel is shown and was last told, its newest ledger movements, and whether positions,
 * ledger and reservations agree.
 */

export interface InventoryPorts {
  store: Pick<DynamoInventoryStore, 'readPositions' | 'readLedger'>;
  publications: Pick<PublicationLedger, 'read'>;
  policy: InventoryPolicy;
}

export interface ChannelShown extends ChannelAvailability {
  /** The figure the channel last acknowledged, with its version and when. */
  published?: PublishedFigure;
  /** A newer figure the channel has not acknowledged yet. */
  pending?: PublicationFigure;
}

export interface SkuInventory extends Omit<AvailabilityView, 'locations' | 'channels'> {
  locations: (LocationStock & { name: string; kind: 'warehouse' | 'store' })[];
  channels: ChannelShown[];
  /** The newest movements over every location and bucket, newest first, each with what it changed. */
  movements: (LedgerMovement & { deltas: Partial<Quantities> })[];
}

/** How many ledger movements a SKU's view shows by default. */
export const RECENT_MOVEMENTS = 25;

/**
 * A SKU's every named quantity per location and in total, what each channel may list and what its
 * publication ledger says it was last told, and its newest `movementLimit` movements. Undefined for a
 * SKU no movement has ever touched: every write to a position bumps its revision, so a version of 0
 * means nothing was recorded, and a table of zeros would read like a sold-out SKU.
 */
export async function skuInventory(
  sku: string,
  ports: InventoryPorts,
  { movementLimit = RECENT_MOVEMENTS }: { movementLimit?: number } = {},
): Promise<SkuInventory | undefined> {
  const view = await readAvailability(sku, ports.store, ports.policy);
  if (view.version === 0) return undefined;
  const subject = publicationSubject('availability', sku);
  const [records, ledgers] = await Promise.all([
    Promise.all(view.channels.map(({ channel }) => ports.publications.read({ channel, subject }))),
    Promise.all(
      bucketKeys(sku, locationIds(ports.policy), shardCount(ports.policy, sku)).map((key) =>
        ports.store.readLedger(key),
      ),
    ),
  ]);
  const names = new Map(ports.policy.locations.map((location) => [location.id, location]));
  return {
    ...view,
    locations: view.locations.map((stock) => {
      const location = names.get(stock.locationId);
      return { ...stock, name: location?.name ?? stock.locationId, kind: location?.kind ?? 'warehouse' };
    }),
    channels: view.channels.map((shown, i) => {
      const record = records[i];
      const pending = record && pendingFigure(record);
      return {
        ...shown,
        ...(record?.published ? { published: record.published } : {}),
        ...(pending ? { pending } : {}),
      };
    }),
    movements: ledgers
      .flat()
      .sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || b.movementId.localeCompare(a.movementId))
      .slice(0, movementLimit)
      .map((movement) => ({ ...movement, deltas: movementDeltas(movement) })),
  };
}

/** A bucket named as operators read it (`SKU@location#shard`), with its parts. */
export type NamedBucket = BucketKey & { bucket: string };

export interface InventoryVerification {
  positions: number;
  movements: number;
  reservationParts: number;
  /** Positions, ledger and reservations agree to the unit. */
  clean: boolean;
  ledgerDrift: (NamedBucket & { drift: PositionDrift[] })[];
  reservedDrift: (NamedBucket & { reserved: number; heldByReservations: number })[];
  /** Ledger lines or reservations for a bucket that has no position. */
  orphans: NamedBucket[];
}

/**
 * `inventory verify`: rebuilds every position from its ledger and compares, and checks reserved
 * against open reservations, over one consistent scan of the inventory table. Reads only.
 */
export async function verifyInventoryNow(
  store: Pick<DynamoInventoryStore, 'scanForVerification'>,
): Promise<InventoryVerification> {
  const { positions, movements, parts } = await store.scanForVerification();
  const report = verifyInventory(positions, movements, parts);
  const named = (key: BucketKey): NamedBucket => ({
    sku: key.sku,
    locationId: key.locationId,
    shard: key.shard,
    bucket: bucketId(key),
  });
  return {
    positions: report.positions,
    movements: report.movements,
    reservationParts: parts.length,
    clean: isClean(report),
    ledgerDrift: report.ledgerDrift.map(({ key, drift }) => ({ ...named(key), drift })),
    reservedDrift: report.reservedDrift.map(({ key, reserved, heldByReservations }) => ({
      ...named(key),
      reserved,
      heldByReservations,
    })),
    orphans: report.orphans.map(named),
  };
}
