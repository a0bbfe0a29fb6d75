import type { FabricEvent } from '#domain/kernel/event';
import type { BucketKey, LedgerMovement, StockPosition } from './model';
import type { InventoryAdjustedData, LineReservation } from './events';
import type { ShortagePolicy } from './shortage-policy';
import type { SalesChannel } from '#domain/kernel/order';
import type * as z from '#domain/kernel/schema';
import type { SourcingDecision } from '#domain/fulfilment';

/**
 * What the inventory use cases keep besides positions, and the port through which they keep it. Every
 * write below is one atomic write in the adapter: the record that makes an operation idempotent (its
 * business key), the bucket movements with their guards, and the ledger lines commit together or not at
 * all, so position and ledger can never disagree and a redelivery finds the record and changes nothing.
 */

/** Units of one order line held in one bucket. */
export interface Allocation extends BucketKey {
  lineId: string;
  quantity: number;
}

export interface StoredAllocation extends Allocation {
  /** Units of this allocation no longer held: shipped from it, or released because its line shipped from another location. */
  consumed: number;
}

/**
 * A reservation is written in parts of at most 100 DynamoDB actions each; almost every order has one.
 * `version` grows with each change, so a release and a fulfilment cannot both act on what they read.
 */
export interface ReservationPart {
  partNo: number;
  status: 'reserved' | 'released' | 'fulfilled';
  allocations: StoredAllocation[];
  version: number;
  /** Set on a part written to move units from another location (a store rejected its pick): the move's id. */
  moveId?: string;
  /**
   * Stored inside the header (a reservation decided in one transaction): the store makes a change to
   * this part in the header's own write. Set by the store as it reads; kept by copies of the part.
   */
  inHeader?: true;
}

export type ReservationStatus =
  | 'in_progress'
  | 'reserved'
  | 'partially_reserved'
  | 'backordered'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'fulfilled';

/** Statuses in which the order may still hold units. */
export const OPEN_RESERVATION_STATUSES: readonly ReservationStatus[] = [
  'reserved',
  'partially_reserved',
  'backordered',
];

/**
 * Events decided together with a state change and stored in the same write: published after it
 * commits, then the changed SKUs' availability is refreshed, then the outbox is cleared. Whoever finds
 * it still there (a redelivery, the sweeper) does both again, with the same event ids, so neither an
 * event nor an availability change is ever lost, and duplicates are recognisable.
 */
export interface Outbox {
  events: FabricEvent[];
  /** SKUs whose positions the same write changed: their channel availability is refreshed before the outbox is cleared. */
  skus: string[];
  token: string;
}

/** The decision about one order's stock; its key (the order id) is what makes reserving idempotent. */
export interface ReservationHeader {
  orderId: string;
  channel: SalesChannel;
  onShortage: ShortagePolicy;
  status: ReservationStatus;
  lines: LineReservation[];
  /** Set when units are held: after it the sweeper releases what was not fulfilled. */
  expiresAt?: string;
  updatedAt: string;
  /** A worker writing a reservation of several parts holds the order until `until`. */
  claim?: { id: string; until: string };
  outbox?: Outbox;
  /** When the sweeper must look at this record next; absent when it never needs to. */
  sweepAt?: string;
  /** Which sourcing rule chose the locations, and why (shared/domain/fulfilment/sourcing.ts). */
  sourcing?: SourcingDecision;
  /**
   * The part stored inside this header, as read (it is also among the record's parts): a later write of
   * the header keeps it, and is refused if the part changed since it was read.
   */
  part?: ReservationPart;
}

export interface ReservationRecord {
  header?: ReservationHeader;
  parts: ReservationPart[];
}

/** The movements one write applies to one bucket, checked against its guards (shared/domain/inventory/model.ts). */
export interface BucketWrite {
  key: BucketKey;
  movements: LedgerMovement[];
  /** Optimistic check for a count: the bucket's on hand must still be what the count was computed from. */
  expectOnHand?: number;
}

export type HeaderExpectation =
  | { absent: true }
  | { status: ReservationStatus }
  | { claimId: string }
  /** Takes over an abandoned claim. */
  | { claimExpiredBefore: string };

export interface HeaderWrite {
  next: ReservationHeader;
  expect: HeaderExpectation;
}

export type WriteOutcome =
  | { kind: 'committed' }
  /** A guard failed on these buckets: the normal "not enough stock" answer, not an error. */
  | { kind: 'insufficient'; buckets: BucketKey[] }
  /** The record's expectation failed: someone else decided, or the part was already written or changed. */
  | { kind: 'superseded' }
  /** A count's on-hand expectation failed: stock moved since it was read. */
  | { kind: 'changed' }
  /** The operation's business key (adjustment id, shipment id) is already recorded. */
  | { kind: 'duplicate' };

export type AdjustmentResult = Omit<z.infer<typeof InventoryAdjustedData>, 'reference' | 'reasonCode'>;

export interface AdjustmentRecord {
  adjustmentId: string;
  /** Digest of the request: the same key with another request is refused, not silently replayed. */
  requestHash: string;
  result: AdjustmentResult;
  recordedAt: string;
  outbox?: Outbox;
  sweepAt?: string;
}

/**
 * Goods between two locations: shipped (off hand at the origin, incoming at the destination) and,
 * once, received. Its id is the key that makes a transfer ship once and arrive once, whatever
 * adjustment keys its two steps come under.
 */
export interface TransferRecord {
  transferId: string;
  sku: string;
  fromLocationId: string;
  toLocationId: string;
  shipped: number;
  status: 'in_transit' | 'received';
  shippedAt: string;
  /** The adjustment that shipped it. */
  shippedBy: string;
  received?: number;
  receivedAt?: string;
  receivedBy?: string;
}

export interface ShipmentRecord {
  shipmentId: string;
  orderId: string;
  recordedAt: string;
}

/** An order waiting on a SKU's backorder list, ordered by when it was backordered: first come, first served. */
export interface BackorderEntry {
  sku: string;
  orderId: string;
  backorderedAt: string;
}

export type OutboxOwner = { kind: 'reservation'; orderId: string } | { kind: 'adjustment'; adjustmentId: string };

export interface PublishedAvailability {
  available: number;
  version: number;
}

/** A SKU's positions and what each channel was last told of it. */
export interface AvailabilityState {
  positions: StockPosition[];
  published: Map<SalesChannel, PublishedAvailability>;
}

export type SweepItem =
  | { kind: 'reservation'; header: ReservationHeader }
  | { kind: 'adjustment'; record: AdjustmentRecord };

export interface InventoryRepository {
  /** Strongly consistent; a bucket never written comes back as an empty position. */
  readPositions(keys: readonly BucketKey[]): Promise<StockPosition[]>;
  readReservation(orderId: string): Promise<ReservationRecord>;
  /**
   * Writes a new part and its bucket movements, the header when given, and changes to other parts (each
   * at the version read, still reserved) when given, all or nothing.
   */
  commitReservationPart(input: {
    orderId: string;
    part: ReservationPart;
    buckets: BucketWrite[];
    header?: HeaderWrite;
    changedParts?: { part: ReservationPart; expectVersion: number }[];
  }): Promise<WriteOutcome>;
  /** Moves a part (at the version read) to released or fulfilled with its bucket movements, and the header when given. */
  updateReservationPart(input: {
    orderId: string;
    part: ReservationPart;
    expectVersion: number;
    buckets: BucketWrite[];
    header?: HeaderWrite;
  }): Promise<WriteOutcome>;
  putReservationHeader(header: HeaderWrite): Promise<WriteOutcome>;
  /**
   * Moves a reservation's expiry, and its sweep time with it, to `expiresAt` and changes nothing else of
   * the header, if it is still in `expectStatus`, has no outbox pending and expires earlier; else `superseded`.
   */
  extendReservation(input: {
    orderId: string;
    expiresAt: string;
    expectStatus: ReservationStatus;
  }): Promise<WriteOutcome>;
  /** Records a shipment once (its id is the key) with the parts it consumed and their bucket movements. */
  commitShipment(input: {
    shipment: ShipmentRecord;
    parts: { part: ReservationPart; expectVersion: number }[];
    buckets: BucketWrite[];
    header?: HeaderWrite;
  }): Promise<WriteOutcome>;
  readAdjustment(adjustmentId: string): Promise<AdjustmentRecord | undefined>;
  /**
   * Records an adjustment once (its id is the key) with its bucket movements and, for a transfer's step,
   * the transfer's next state: written new (`absent`) when shipped, or from `in_transit` when received;
   * a transfer not in the expected state answers `superseded`.
   */
  commitAdjustment(input: {
    record: AdjustmentRecord;
    buckets: BucketWrite[];
    transfer?: { next: TransferRecord; expect: 'absent' | 'in_transit' };
  }): Promise<WriteOutcome>;
  readTransfer(transferId: string): Promise<TransferRecord | undefined>;
  /**
   * Lists a reservation header in the sweep index at `sweepAt`, if its outbox is still the one with
   * `token` and it has no sweep time: for a decision whose outbox its delivery could not drain.
   */
  scheduleOutboxSweep(orderId: string, token: string, sweepAt: string): Promise<void>;
  /** Clears an outbox once its events are published, unless newer events were added meanwhile. */
  clearOutbox(owner: OutboxOwner, token: string, sweepAt: string | undefined): Promise<void>;
  /** Each SKU's positions (as readPositions) and the figures last published to its channels, in one batch read; keyed by SKU. */
  readAvailabilityStates(
    requests: readonly { sku: string; keys: readonly BucketKey[] }[],
  ): Promise<Map<string, AvailabilityState>>;
  /**
   * Records published figures, each unless a figure of the same or a newer version is already recorded
   * for its channel; returns the channels whose figure was stale and not recorded.
   */
  recordPublishedAvailability(
    sku: string,
    figures: ReadonlyMap<SalesChannel, PublishedAvailability>,
  ): Promise<SalesChannel[]>;
  /** Puts an order on a SKU's backorder waiting list; the same entry written twice is one entry. */
  enlistBackorder(entry: BackorderEntry): Promise<void>;
  /** A SKU's backorder waiting list, first backordered first. Entries are hints: the reservation header decides. */
  backordersOf(sku: string): Promise<BackorderEntry[]>;
  /** Takes an order off a SKU's waiting list; taking it off twice is harmless. */
  delistBackorder(entry: BackorderEntry): Promise<void>;
  /** Records whose sweepAt has passed, from `lookbackDays` back. */
  dueForSweep(now: Date, lookbackDays: number): Promise<SweepItem[]>;
}
