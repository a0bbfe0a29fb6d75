import type { SalesChannel } from '#domain/kernel/order';

/**
 * What the fabric tells a channel about one subject (a SKU's availability, a SKU's price), as a
 * ledger: the latest figure wanted, the figure last published with its version, when it was sent and
 * when the channel acknowledged it. Subjects are `<kind>#<sku>` so availability and prices share it.
 */
export type PublicationKind = 'availability' | 'price';

export interface PublicationKey {
  channel: SalesChannel;
  /** `<kind>#<sku>`, see publicationSubject. */
  subject: string;
}

export function publicationSubject(kind: PublicationKind, sku: string): string {
  return `${kind}#${sku}`;
}

/** A figure for a subject at a version; `eventTime` is when the fabric decided it (the lag starts there). */
export interface PublicationFigure {
  version: number;
  value: number;
  eventTime: string;
}

export interface PublishedFigure extends PublicationFigure {
  publishedAt: string;
  acknowledgedAt: string;
}

export interface PublicationRecord extends PublicationKey {
  sku: string;
  /** The newest figure asked for; only ever replaced by a higher version. */
  wanted?: PublicationFigure;
  /** The figure the channel last acknowledged. */
  published?: PublishedFigure;
  /** The channel's own id for the subject (Shopify inventory item, WooCommerce product), once resolved. */
  listingRef?: string;
  /** Whoever is publishing the subject right now, and until when the claim holds. */
  lease?: { owner: string; until: number };
}

/** The record's figure that still has to reach the channel, if any. */
export function pendingFigure(record: PublicationRecord): PublicationFigure | undefined {
  const { wanted, published } = record;
  if (!wanted) return undefined;
  return !published || wanted.version > published.version ? wanted : undefined;
}

/** Milliseconds from the fabric's decision to the channel's acknowledgement. */
export function propagationLagMs(published: PublishedFigure): number {
  return Date.parse(published.acknowledgedAt) - Date.parse(published.eventTime);
}

export interface AvailabilityChange {
  channel: SalesChannel;
  sku: string;
  available: number;
  version: number;
  changedAt: string;
}

/**
 * Keeps, per channel and SKU, only the change with the highest version: a burst of changes to one SKU
 * in a batch becomes one figure, the latest. Order of the input does not matter.
 */
export function coalesceAvailability(changes: readonly AvailabilityChange[]): AvailabilityChange[] {
  const latest = new Map<string, AvailabilityChange>();
  for (const change of changes) {
    const key = `${change.channel}\u0000${change.sku}`;
    const kept = latest.get(key);
    if (!kept || change.version > kept.version) latest.set(key, change);
  }
  return [...latest.values()];
}

/**
 * The ledger port. Every method is one conditional write on one item, so concurrent consumers agree:
 * - offer: records a figure as wanted unless an equal or newer version is already wanted (stale: false);
 * - claim: takes the subject's lease if nobody holds an unexpired one, returning the record;
 * - offerAndClaim: both of the above in one write, or nothing;
 * - settle: records a figure as published and, if nothing newer is wanted, releases the lease in the
 *   same write (released: true); otherwise keeps the lease and returns the newer wanted figure;
 * - release: gives the lease up without publishing (a failed call), so another delivery can retry.
 */
export interface PublicationLedger {
  offer(
    key: PublicationKey,
    sku: string,
    figure: PublicationFigure,
  ): Promise<{ accepted: boolean; record: PublicationRecord }>;
  claim(key: PublicationKey, owner: string, leaseMs: number): Promise<PublicationRecord | undefined>;
  /**
   * offer and claim in one write: records the figure as wanted and takes the lease, both or neither,
   * when the figure is newer than the one wanted and nobody holds an unexpired lease (creating the
   * subject if need be); returns the claimed record, or undefined when either condition failed and
   * nothing was written.
   */
  offerAndClaim(
    key: PublicationKey,
    sku: string,
    figure: PublicationFigure,
    owner: string,
    leaseMs: number,
  ): Promise<PublicationRecord | undefined>;
  settle(
    key: PublicationKey,
    owner: string,
    published: PublishedFigure,
    listingRef?: string,
  ): Promise<{ released: boolean; record: PublicationRecord }>;
  release(key: PublicationKey, owner: string): Promise<void>;
  read(key: PublicationKey): Promise<PublicationRecord | undefined>;
  /** The records of these subjects that exist, in one strongly consistent read. */
  readMany(keys: readonly PublicationKey[]): Promise<PublicationRecord[]>;
  /** Every record of a channel (all subjects), for the drift check and `ops channel lag`. */
  list(channel: SalesChannel): Promise<PublicationRecord[]>;
}
