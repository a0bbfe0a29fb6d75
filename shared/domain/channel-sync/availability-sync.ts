import type { SalesChannel } from '#domain/kernel/order';
import {
  coalesceAvailability,
  pendingFigure,
  publicationSubject,
  propagationLagMs,
  type AvailabilityChange,
  type PublicationFigure,
  type PublicationKey,
  type PublicationLedger,
  type PublicationRecord,
} from './publication';

/** One listing's quantity to set on a channel; `previous` is what the fabric last told it (compare-and-swap where offered). */
export interface ListingQuantity {
  sku: string;
  quantity: number;
  listingRef?: string;
  previous?: number;
}

export type ListingResult =
  | { sku: string; ok: true; listingRef?: string }
  /** `unlisted`: the channel has no listing for the SKU; retrying cannot help until someone lists it. */
  | { sku: string; ok: false; reason: string; unlisted?: boolean };

/**
 * A channel's inventory API as the sync needs it. `setAvailable` takes at most `maxBatch` listings and
 * answers per listing (a batch API may accept some and refuse others); it throws when the call as a
 * whole failed (rate limited beyond what one call waits, a 5xx), and nothing is known to have changed.
 */
export interface ChannelInventoryApi {
  readonly channel: SalesChannel;
  readonly maxBatch: number;
  setAvailable(listings: readonly ListingQuantity[]): Promise<ListingResult[]>;
  /** What the channel lists now, per SKU; SKUs it does not know are absent. */
  readAvailable(listings: readonly { sku: string; listingRef?: string }[]): Promise<Map<string, number>>;
}

export interface PublicationOutcome {
  channel: SalesChannel;
  sku: string;
  version: number;
  value: number;
  lagMs: number;
}

export interface SyncResult {
  published: PublicationOutcome[];
  /** Changes an equal or newer version had already overtaken. */
  superseded: number;
  /** Changes left to the consumer holding the subject's lease, which publishes the newest figure before letting go. */
  handedOver: number;
  /** channel + SKU whose publication failed; their records must be retried. */
  failed: { channel: SalesChannel; sku: string; reason: string }[];
  /**
   * SKUs the channel does not list: left wanted in the ledger, not retried by the queue (they would
   * only reach the DLQ); the drift check offers them again, so they go out once the SKU is listed.
   */
  unlisted: { channel: SalesChannel; sku: string }[];
}

export interface SyncPorts {
  ledger: PublicationLedger;
  inventoryApi: (channel: SalesChannel) => ChannelInventoryApi | undefined;
  /** Identifies this invocation as a lease holder. */
  owner: string;
  /** Longer than the consumer's timeout, so a lease only outlives its holder when the holder died. */
  leaseMs: number;
  now: () => Date;
  /** Stop starting rounds when this says time is short; what is left is released and retried. */
  timeLeftMs: () => number;
}

const ROUND_MARGIN_MS = 15_000;

/**
 * Publishes the latest figure of every (channel, SKU) in `changes` to its channel, once, in version
 * order. Each change is offered to the ledger (older than what is wanted: superseded); whoever claims
 * the subject's lease publishes, in batches of the API's size, and on settling picks up any newer
 * figure offered meanwhile, so a figure is never published after a newer one and none is left behind
 * while a lease is held. A failed call releases its leases and reports the SKUs as failed.
 */
export async function publishAvailability(
  changes: readonly AvailabilityChange[],
  ports: SyncPorts,
): Promise<SyncResult> {
  const result: SyncResult = { published: [], superseded: 0, handedOver: 0, failed: [], unlisted: [] };
  const latest = coalesceAvailability(changes);
  result.superseded += changes.length - latest.length;
  const byChannel = new Map<SalesChannel, AvailabilityChange[]>();
  for (const change of latest) byChannel.set(change.channel, [...(byChannel.get(change.channel) ?? []), change]);
  for (const [channel, channelChanges] of byChannel) {
    const api = ports.inventoryApi(channel);
    if (!api) {
      result.failed.push(
        ...channelChanges.map((c) => ({ channel, sku: c.sku, reason: `no inventory API for ${channel}` })),
      );
      continue;
    }
    const claimed = new Map<string, ClaimedListing>();
    for (const change of channelChanges) {
      const key = availabilityKey(channel, change.sku);
      const figure = { version: change.version, value: change.available, eventTime: change.changedAt };
      // The usual case, a newer figure and nobody publishing, is one write; otherwise offer, then claim.
      let held = await ports.ledger.offerAndClaim(key, change.sku, figure, ports.owner, ports.leaseMs);
      if (!held) {
        const { accepted, record } = await ports.ledger.offer(key, change.sku, figure);
        if (!accepted) result.superseded += 1;
        if (!pendingFigure(record)) continue;
        held = await ports.ledger.claim(key, ports.owner, ports.leaseMs);
      }
      if (!held) {
        result.handedOver += 1;
        continue;
      }
      const listing = claimedPending(held);
      if (listing) claimed.set(change.sku, listing);
      else await ports.ledger.release(key, ports.owner);
    }
    await publishClaimed(api, claimed, ports, result);
  }
  return result;
}

/** A claimed subject and the figure to send it; `previous` is what the channel is believed to hold. */
interface ClaimedListing {
  record: PublicationRecord;
  figure: PublicationFigure;
  previous?: number;
}

function claimedPending(record: PublicationRecord): ClaimedListing | undefined {
  const figure = pendingFigure(record);
  return figure ? { record, figure, ...(record.published ? { previous: record.published.value } : {}) } : undefined;
}

/**
 * Sends every claimed figure, in batches of the API's size, and settles each; a subject for which a
 * newer figure was offered meanwhile stays claimed for the next round. Failures release the lease.
 */
async function publishClaimed(
  api: ChannelInventoryApi,
  claimed: Map<string, ClaimedListing>,
  ports: Omit<SyncPorts, 'inventoryApi'>,
  result: SyncResult,
): Promise<void> {
  const channel = api.channel;
  const giveUp = async (skus: Iterable<string>, reason: string) => {
    for (const sku of [...skus]) {
      await ports.ledger.release(availabilityKey(channel, sku), ports.owner);
      claimed.delete(sku);
      result.failed.push({ channel, sku, reason });
    }
  };
  while (claimed.size > 0) {
    if (ports.timeLeftMs() < ROUND_MARGIN_MS) return giveUp(claimed.keys(), 'out of time in this invocation');
    const round = [...claimed.values()];
    for (let i = 0; i < round.length; i += api.maxBatch) {
      const chunk = round.slice(i, i + api.maxBatch);
      const publishedAt = ports.now().toISOString();
      let answers: ListingResult[];
      try {
        answers = await api.setAvailable(
          chunk.map(({ record, figure, previous }) => ({
            sku: record.sku,
            quantity: figure.value,
            ...(record.listingRef ? { listingRef: record.listingRef } : {}),
            ...(previous !== undefined ? { previous } : {}),
          })),
        );
      } catch (error) {
        return giveUp(claimed.keys(), `${(error as Error).name}: ${(error as Error).message}`);
      }
      const acknowledgedAt = ports.now().toISOString();
      const bySku = new Map(answers.map((answer) => [answer.sku, answer]));
      for (const { record, figure } of chunk) {
        const answer = bySku.get(record.sku) ?? {
          sku: record.sku,
          ok: false as const,
          reason: `${channel} did not answer for this SKU`,
        };
        if (!answer.ok && answer.unlisted) {
          await ports.ledger.release(availabilityKey(channel, record.sku), ports.owner);
          claimed.delete(record.sku);
          result.unlisted.push({ channel, sku: record.sku });
          continue;
        }
        if (!answer.ok) {
          await giveUp([record.sku], answer.reason);
          continue;
        }
        const published = { ...figure, publishedAt, acknowledgedAt };
        const settled = await ports.ledger.settle(
          availabilityKey(channel, record.sku),
          ports.owner,
          published,
          answer.listingRef ?? record.listingRef,
        );
        result.published.push({
          channel,
          sku: record.sku,
          version: figure.version,
          value: figure.value,
          lagMs: propagationLagMs(published),
        });
        const next = settled.released ? undefined : claimedPending(settled.record);
        if (next) claimed.set(record.sku, next);
        else {
          if (!settled.released) await ports.ledger.release(availabilityKey(channel, record.sku), ports.owner);
          claimed.delete(record.sku);
        }
      }
    }
  }
}

export function availabilityKey(channel: SalesChannel, sku: string): PublicationKey {
  return { channel, subject: publicationSubject('availability', sku) };
}

export type DriftReason = 'LISTED_QUANTITY_DIFFERS' | 'NOT_LISTED' | 'PUBLICATION_STALLED';

export interface DriftCorrection {
  channel: SalesChannel;
  sku: string;
  reason: DriftReason;
  /** What the channel listed when read back; null when it did not list the SKU. */
  listed: number | null;
  corrected: number;
  version: number;
}

/**
 * Reads back what a channel lists for every availability the ledger holds and corrects what differs:
 * a listed quantity other than the one published (edited by hand, lost by the channel), a SKU the
 * channel no longer lists, or a newer figure whose publisher died before sending it (its lease
 * expired). Corrections go out under the subject's lease exactly as the sync publishes (a newer figure
 * offered meanwhile follows in the next round); subjects whose lease is held are left to their holder.
 */
export async function correctDrift(
  api: ChannelInventoryApi,
  ports: Omit<SyncPorts, 'inventoryApi'>,
): Promise<{ checked: number; corrections: DriftCorrection[]; result: SyncResult }> {
  const records = (await ports.ledger.list(api.channel)).filter(
    (record) => record.subject.startsWith('availability#') && (record.published || record.wanted),
  );
  const corrections: DriftCorrection[] = [];
  const claimed = new Map<string, ClaimedListing>();
  for (let i = 0; i < records.length; i += api.maxBatch) {
    const chunk = records.slice(i, i + api.maxBatch);
    const listed = await api.readAvailable(
      chunk.map((record) => ({ sku: record.sku, ...(record.listingRef ? { listingRef: record.listingRef } : {}) })),
    );
    for (const record of chunk) {
      const onChannel = listed.get(record.sku) ?? null;
      const { published } = record;
      // Nothing published yet means the wanted figure is pending, so `published` is set past the first test.
      const reason: DriftReason | undefined =
        pendingFigure(record) || !published
          ? 'PUBLICATION_STALLED'
          : onChannel === null
            ? 'NOT_LISTED'
            : onChannel !== published.value
              ? 'LISTED_QUANTITY_DIFFERS'
              : undefined;
      if (!reason) continue;
      const held = await ports.ledger.claim(availabilityKey(api.channel, record.sku), ports.owner, ports.leaseMs);
      if (!held) continue;
      // A record exists only once a figure was offered, so a claimed one has a figure to correct to.
      const figure = pendingFigure(held) ?? held.published;
      if (!figure) continue;
      claimed.set(record.sku, { record: held, figure, ...(onChannel !== null ? { previous: onChannel } : {}) });
      corrections.push({
        channel: api.channel,
        sku: record.sku,
        reason,
        listed: onChannel,
        corrected: figure.value,
        version: figure.version,
      });
    }
  }
  const result: SyncResult = { published: [], superseded: 0, handedOver: 0, failed: [], unlisted: [] };
  await publishClaimed(api, claimed, ports, result);
  const failed = new Set([...result.failed, ...result.unlisted].map((failure) => failure.sku));
  return {
    checked: records.length,
    corrections: corrections.filter((correction) => !failed.has(correction.sku)),
    result,
  };
}
