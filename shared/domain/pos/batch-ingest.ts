import { setTimeout as pause } from 'node:timers/promises';
import { createEvent } from '#domain/kernel/event';
import { PosBatchContinuationRequested, PosBatchProcessed, PosSequenceGapDetected } from './events';
import type { FabricEvent } from '#domain/kernel/event';
import type { EventPublisher } from '#domain/kernel/ports';
import type { SkuCrossReference } from '#domain/kernel/sku-cross-reference';
import {
  posTransactionFingerprint,
  type PosLine,
  type PosTransaction,
  type PosTransactionDraft,
  type PosTransactionKey,
} from './transaction';
import { SequenceCollector, missingCount, registerDayId, sequenceGaps, type SequenceRanges } from './sequence';
import {
  PosBatchManifest,
  emptyCounts,
  parsePosBatchKey,
  posQuarantinePrefix,
  posSummaryKey,
  posUnroutedQuarantinePrefix,
  posUploadRef,
  type PosBatchCounts,
  type PosBatchPath,
  type PosBatchStatus,
  type PosBatchSummary,
  type PosRegisterReport,
  type PosUpload,
  isPosManifestKey,
  posManifestKey,
  START,
  type ByteSource,
  type PosBatchReader,
  type ReadPosition,
} from './batch';
import type { PosBatchRef } from './events';
import { recordedTransactionEvents } from './recorded-transaction';
import type { PosParsedItem, QuarantinedLine } from './parsed-item';
import type { Readability } from '#shared/text/byte-stream';
import { TransientError } from '#domain/kernel/errors';

/**
 * Ingesting one POS batch upload, across as many invocations as it takes. No AWS here: the ports
 * below are DynamoDB and S3 in the function, memory in the benchmark and the unit tests.
 *
 * 1. First contact: the whole file is read once (checkPosBatch) and its manifest checked; a file that
 *    cannot be read to its end, or fails its manifest, is quarantined whole and nothing of it applies.
 * 2. Items stream from the stored position, in chunks. Each transaction is claimed by its key with a
 *    conditional write BEFORE anything is published; a key already claimed is a duplicate (an
 *    overlapping or re-uploaded batch, S3 delivering twice) and nothing is published for it. Accepted
 *    transactions are published as PosTransactionRecorded, with PosLineNeedsAttention for item codes
 *    the cross-reference does not know and a ReturnReceived per online order its return lines name.
 *    Lines that fail validation go to quarantine.
 * 3. Every few thousand items, and when the invocation's budget runs out, quarantined lines, sequence
 *    numbers and the position are checkpointed under a lease; a budget run out hands over to a
 *    PosBatchContinuationRequested event that brings the same function back.
 * 4. At the end: gaps per register and day, the summary object, PosBatchProcessed and
 *    PosSequenceGapDetected.
 *
 * A crash anywhere repeats at most the work since the last checkpoint: claims already held by this
 * upload (same line) are accepted again and republished, so every event is published at least once
 * and, but for that window, exactly once; consumers key on the transaction id.
 */

export interface RegisterTally {
  accepted: number;
  duplicates: number;
  rejected: number;
  duplicateSequences: number[];
}

export type PosUploadStatus = 'processing' | PosBatchStatus;

/** Everything known about an upload between invocations. */
export interface PosUploadProgress {
  uploadRef: string;
  upload: PosUpload;
  path: PosBatchPath;
  status: PosUploadStatus;
  reason?: string;
  gzip: boolean;
  sha256?: string;
  manifest: PosBatchSummary['manifest'];
  position: ReadPosition;
  counts: PosBatchCounts;
  /** Keyed by `{registerId}:{businessDay}` (the store is the upload's). */
  registers: Record<string, RegisterTally>;
  invocations: number;
  startedAt: string;
  /** Epoch ms until which an invocation holds the upload (read only: the store keeps it). */
  leaseUntil?: number;
}

/** The upload's record and lease (DynamoDB). */
export interface PosUploadProgressStore {
  get(uploadRef: string): Promise<PosUploadProgress | undefined>;
  /** Stores a new upload's progress unless one exists; returns whichever is stored. */
  create(progress: PosUploadProgress): Promise<PosUploadProgress>;
  /**
   * Takes the lease of an upload still processing, when free, expired or already this owner's.
   * 'held' when a live lease is someone else's (with its expiry), 'finished' when it is not processing.
   */
  acquire(
    uploadRef: string,
    owner: string,
    leaseUntil: number,
    now: number,
  ): Promise<{ acquired: PosUploadProgress } | { held: number } | 'finished'>;
  /** Saves progress and extends the lease (or clears it when `leaseUntil` is undefined). Throws PosLeaseLostError when another owner took it. */
  save(progress: PosUploadProgress, owner: string, leaseUntil: number | undefined): Promise<void>;
}

export class PosLeaseLostError extends TransientError {
  override name = 'PosLeaseLostError';
}

/** The upload's object changed (a newer upload of the same key) while it was being read. */
export class PosUploadSupersededError extends Error {
  override name = 'PosUploadSupersededError';
}

export interface PosClaimRequest {
  transactionId: string;
  /** The claiming upload, and the line where the transaction starts in it. */
  owner: string;
  line: number;
  fingerprint: string;
}

export interface PosClaim {
  owner: string;
  line: number;
  fingerprint: string;
}

/** One conditional record per transaction key (DynamoDB). */
export interface PosTransactionClaims {
  /**
   * Claims each key for (owner, line) unless someone else holds it; per request, null when the
   * claim is now (or already was) this owner's at this line, else the holder's claim.
   */
  claim(requests: readonly PosClaimRequest[]): Promise<(PosClaim | null)[]>;
  /** Moves a claim from an upload that stopped before publishing it; false when it had moved on. */
  takeOver(request: PosClaimRequest, from: PosClaim): Promise<boolean>;
}

/** Sequence numbers seen per register and day, across every upload (DynamoDB). */
export interface PosRegisterSequences {
  /** Adds ranges to a register-day (union; idempotent) and returns everything known for it. */
  merge(registerDay: string, ranges: SequenceRanges): Promise<SequenceRanges>;
}

/** The POS bucket (S3). */
export interface PosBatchObjects {
  /** The upload's bytes; reads throw PosUploadSupersededError once the object is replaced. */
  source(upload: PosUpload): ByteSource;
  /** The manifest beside a batch: its JSON, why it is not JSON, or undefined when there is none. */
  readManifest(bucket: string, key: string): Promise<{ json: unknown } | { invalid: string } | undefined>;
  writeQuarantinedLines(bucket: string, key: string, lines: readonly QuarantinedLine[]): Promise<void>;
  /** Copies an unreadable upload into quarantine and writes the reason beside it. */
  quarantineFile(upload: PosUpload, prefix: string, reason: Record<string, unknown>): Promise<void>;
  writeSummary(bucket: string, key: string, summary: PosBatchSummary): Promise<void>;
}

export interface PosIngestPorts {
  progress: PosUploadProgressStore;
  claims: PosTransactionClaims;
  sequences: PosRegisterSequences;
  skus: SkuCrossReference;
  /** Store id to its IANA time zone (the inventory policy's), for POS local times without an offset. */
  storeTimeZones?: Readonly<Record<string, string>>;
  publisher: EventPublisher;
  objects: PosBatchObjects;
  reader: PosBatchReader;
}

export interface PosIngestLimits {
  /** Lines one invocation reads before it hands over to a continuation. */
  maxLinesPerInvocation: number;
  /** Wall-clock budget of one invocation, well under Lambda's 15 minutes. */
  maxMillisPerInvocation: number;
  /** Hand over when the invocation has less than this left, whatever the budget says. */
  reserveMillis: number;
  /** Transactions claimed and published per round trip. */
  chunkSize: number;
  /** Items between checkpoints (each one extends the lease). */
  checkpointEveryItems: number;
  leaseMillis: number;
}

export const DEFAULT_POS_INGEST_LIMITS: PosIngestLimits = {
  maxLinesPerInvocation: 5_000_000,
  maxMillisPerInvocation: 5 * 60_000,
  reserveMillis: 60_000,
  chunkSize: 100,
  checkpointEveryItems: 5_000,
  leaseMillis: 2 * 60_000,
};

export interface InvocationContext {
  /** Identifies this invocation as a lease owner. */
  owner: string;
  remainingMillis(): number;
  now(): number;
}

export type PosIngestOutcome =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'finished'; uploadRef: string; summary: PosBatchSummary }
  | { outcome: 'continued'; uploadRef: string; position: ReadPosition }
  | { outcome: 'already_finished'; uploadRef: string }
  | { outcome: 'busy'; uploadRef: string };

const MAX_DUPLICATE_SAMPLES = 20;
/** Quarantined lines are written out in parts of at most this many lines or characters of raw text. */
const QUARANTINE_PART_LINES = 1_000;
const QUARANTINE_PART_CHARS = 4 * 1024 * 1024;
const SKU_CACHE_LIMIT = 100_000;
/** Claimed chunks publishing at once. */
const PUBLISHING_CHUNKS = 3;

/**
 * Takes an upload as far as one invocation may: from the S3 notification for a new object, and from
 * every continuation after it. Idempotent: a repeat for a finished upload does nothing, a concurrent
 * one waits for the lease once and then leaves the work to its holder. Throws for infrastructure
 * failures (the caller's retry resumes from the last checkpoint) and never for bad content.
 */
export async function ingestPosUpload(
  upload: PosUpload,
  ports: PosIngestPorts,
  invocation: InvocationContext,
  limits: PosIngestLimits = DEFAULT_POS_INGEST_LIMITS,
): Promise<PosIngestOutcome> {
  if (isPosManifestKey(upload.key)) return { outcome: 'ignored', reason: 'a manifest is read with its batch' };
  const path = parsePosBatchKey(upload.key);
  if (!path) {
    const reason = 'the key does not follow incoming/{storeId}/{businessDate}/{batchId}.{csv|jsonl|xml}[.gz]';
    await ports.objects.quarantineFile(upload, posUnroutedQuarantinePrefix(upload.uploadId), {
      reason,
      bucket: upload.bucket,
      key: upload.key,
    });
    return { outcome: 'ignored', reason };
  }
  const uploadRef = posUploadRef(path, upload.uploadId);
  let progress = await ports.progress.get(uploadRef);
  if (!progress) {
    const prepared = await prepareUpload(upload, path, uploadRef, ports, invocation);
    if (prepared.status !== 'processing')
      return { outcome: 'finished', uploadRef, summary: await finish(prepared, ports, invocation) };
    progress = await ports.progress.create(prepared);
  }
  if (progress.status !== 'processing') return { outcome: 'already_finished', uploadRef };

  let lease = await ports.progress.acquire(
    uploadRef,
    invocation.owner,
    invocation.now() + limits.leaseMillis,
    invocation.now(),
  );
  if (typeof lease === 'object' && 'held' in lease) {
    // Another invocation holds it: a duplicate notification, or the retry of a run that died. Wait
    // for the lease to lapse once; a holder that is alive will have extended it by then.
    const wait = lease.held - invocation.now() + 1_000;
    if (wait > invocation.remainingMillis() - limits.reserveMillis) return { outcome: 'busy', uploadRef };
    await pause(Math.max(0, wait));
    lease = await ports.progress.acquire(
      uploadRef,
      invocation.owner,
      invocation.now() + limits.leaseMillis,
      invocation.now(),
    );
  }
  if (lease === 'finished') return { outcome: 'already_finished', uploadRef };
  if ('held' in lease) return { outcome: 'busy', uploadRef };

  const run = new UploadRun(lease.acquired, ports, invocation, limits);
  const state = await run.process();
  if (state === 'more') {
    const { position } = run.progress;
    await ports.publisher.publish([
      createEvent(
        PosBatchContinuationRequested,
        { upload, uploadRef, position: { items: position.items, line: position.line } },
        { correlationId: uploadRef, causationId: `pos:${uploadRef}` },
      ),
    ]);
    return { outcome: 'continued', uploadRef, position };
  }
  if (state === 'superseded') {
    run.progress.status = 'superseded';
    run.progress.reason =
      'the object was replaced by a newer upload before this one was read to its end; the newer upload is processed on its own';
  } else {
    run.progress.status = 'completed';
  }
  return { outcome: 'finished', uploadRef, summary: await finish(run.progress, ports, invocation) };
}

/** The integrity pass and the manifest check: a processing record, or a quarantined one. */
async function prepareUpload(
  upload: PosUpload,
  path: PosBatchPath,
  uploadRef: string,
  ports: PosIngestPorts,
  invocation: InvocationContext,
): Promise<PosUploadProgress> {
  const base: PosUploadProgress = {
    uploadRef,
    upload,
    path,
    status: 'processing',
    gzip: false,
    manifest: 'absent',
    position: START,
    counts: emptyCounts(),
    registers: {},
    invocations: 0,
    startedAt: new Date(invocation.now()).toISOString(),
  };
  const quarantined = async (reason: string, details: Partial<PosUploadProgress> = {}): Promise<PosUploadProgress> => {
    await ports.objects.quarantineFile(upload, posQuarantinePrefix(uploadRef), {
      reason,
      bucket: upload.bucket,
      key: upload.key,
      uploadId: upload.uploadId,
    });
    return { ...base, ...details, status: 'quarantined', reason };
  };
  let readability: Readability;
  try {
    readability = await ports.reader.check(ports.objects.source(upload), path.format, path.namedGzip);
  } catch (error) {
    if (error instanceof PosUploadSupersededError)
      return { ...base, status: 'superseded', reason: 'the object was replaced before it could be read' };
    throw error;
  }
  if (!readability.readable) return quarantined(readability.reason);
  const read = { gzip: readability.gzip, sha256: readability.sha256, counts: emptyCounts(readability.lineCount) };
  const manifestObject = await ports.objects.readManifest(upload.bucket, posManifestKey(path));
  if (manifestObject === undefined) return { ...base, ...read };
  if ('invalid' in manifestObject)
    return quarantined(`the manifest is not valid: ${manifestObject.invalid}`, { ...read, manifest: 'mismatched' });
  const manifest = PosBatchManifest.safeParse(manifestObject.json);
  if (!manifest.success) {
    return quarantined(
      `the manifest is not valid: ${manifest.error.issues.map((issue) => `${issue.path.join('.') || '(manifest)'}: ${issue.message}`).join('; ')}`,
      { ...read, manifest: 'mismatched' },
    );
  }
  const problems = [
    manifest.data.lineCount !== readability.lineCount
      ? `the manifest says ${manifest.data.lineCount} lines, the file has ${readability.lineCount}`
      : undefined,
    manifest.data.sha256 !== readability.sha256
      ? `the manifest's SHA-256 is ${manifest.data.sha256}, the file's is ${readability.sha256}`
      : undefined,
  ].filter(Boolean);
  if (problems.length) return quarantined(problems.join('; '), { ...read, manifest: 'mismatched' });
  return { ...base, ...read, manifest: 'matched' };
}

type RunState = 'done' | 'more' | 'superseded';

/** A chunk whose transactions are claimed, with the events of those it accepted, waiting to be published. */
interface ClaimedChunk {
  items: readonly PosParsedItem[];
  verdicts: readonly ('accepted' | 'duplicate' | 'conflict')[];
  accepted: readonly Extract<PosParsedItem, { kind: 'transaction' }>[];
  resolved: readonly PosTransaction[];
  events: readonly FabricEvent[];
}

/** One invocation's share of an upload. */
class UploadRun {
  private readonly sequences = new SequenceCollector();
  private readonly skuCache = new Map<string, string | null>();
  private quarantine: QuarantinedLine[] = [];
  private quarantineChars = 0;
  private itemsSinceCheckpoint = 0;
  private savedAt: number;
  private readonly startedAt: number;
  private readonly startLine: number;
  private readonly batch: PosBatchRef;

  constructor(
    readonly progress: PosUploadProgress,
    private readonly ports: PosIngestPorts,
    private readonly invocation: InvocationContext,
    private readonly limits: PosIngestLimits,
  ) {
    this.startedAt = invocation.now();
    this.savedAt = this.startedAt;
    this.startLine = progress.position.line;
    progress.invocations += 1;
    const { storeId, businessDate, batchId } = progress.path;
    this.batch = { storeId, businessDate, batchId, uploadId: progress.upload.uploadId };
  }

  async process(): Promise<RunState> {
    const { progress } = this;
    const items = this.ports.reader.read(this.ports.objects.source(progress.upload), progress.path.format, {
      gzip: progress.gzip,
      position: progress.position,
      storeId: progress.path.storeId,
      timeZone: this.ports.storeTimeZones?.[progress.path.storeId],
    });
    let pending: PosParsedItem[] = [];
    let state: RunState = 'done';
    // Claims go one chunk at a time in file order, so the first of two lines with one key still wins. A
    // claimed chunk starts publishing at once, while the chunks before it may still be publishing (the
    // bus's round trips are most of an ingest's time), but is counted, and the position moved past it,
    // only after all of them: a checkpoint never passes a chunk whose events are not out.
    let counted: Promise<void> = Promise.resolve();
    const publishing: Promise<void>[] = [];
    try {
      outer: for await (const batch of items) {
        for (const item of batch) {
          pending.push(item);
          const lineBudgetReached = item.resume.line - this.startLine >= this.limits.maxLinesPerInvocation;
          if (pending.length < this.limits.chunkSize && !lineBudgetReached) continue;
          counted = this.publish(await this.claim(pending), counted);
          publishing.push(counted);
          if (publishing.length >= PUBLISHING_CHUNKS) await publishing.shift();
          pending = [];
          if (
            this.itemsSinceCheckpoint >= this.limits.checkpointEveryItems ||
            this.invocation.now() - this.savedAt > this.limits.leaseMillis / 3
          ) {
            await counted;
            publishing.length = 0;
            await this.checkpoint(true);
          }
          // The position lags the chunks still publishing: the line budget is the chunk's own last line.
          if (lineBudgetReached || this.outOfBudget()) {
            state = 'more';
            break outer;
          }
        }
      }
      await counted;
      if (pending.length) await this.publish(await this.claim(pending), counted);
    } catch (error) {
      if (!(error instanceof PosUploadSupersededError)) throw error;
      // What was claimed before the object changed is published and counted first, as ever.
      await counted;
      state = 'superseded';
    }
    // The lease goes with the last checkpoint: the continuation is another invocation.
    await this.checkpoint(false);
    return state;
  }

  private outOfBudget(): boolean {
    return (
      this.progress.position.line - this.startLine >= this.limits.maxLinesPerInvocation ||
      this.invocation.now() - this.startedAt >= this.limits.maxMillisPerInvocation ||
      this.invocation.remainingMillis() < this.limits.reserveMillis
    );
  }

  /**
   * Claims a chunk's transactions, each before anything of it is published, and builds the events of
   * those it accepted; publish() then publishes and counts them.
   */
  private async claim(items: readonly PosParsedItem[]): Promise<ClaimedChunk> {
    const { progress } = this;
    const transactions = items.filter(
      (item): item is Extract<PosParsedItem, { kind: 'transaction' }> => item.kind === 'transaction',
    );
    const fingerprints = transactions.map((item) => posTransactionFingerprint(item.transaction));
    const requests = transactions.map((item, i) => ({
      transactionId: item.transaction.transactionId,
      owner: progress.uploadRef,
      line: item.firstLine,
      fingerprint: fingerprints[i],
    }));
    const holders = requests.length ? await this.ports.claims.claim(requests) : [];
    const verdicts = await Promise.all(holders.map((holder, i) => this.verdict(requests[i], holder)));
    const accepted = transactions.filter((_, i) => verdicts[i] === 'accepted');
    const resolved = await this.resolveSkus(accepted.map((item) => item.transaction));
    const events: FabricEvent[] = accepted.flatMap((item, i) => this.eventsFor(resolved[i], item.firstLine));
    return { items, verdicts, accepted, resolved, events };
  }

  /**
   * Publishes a claimed chunk's events now, then, once they are out and the chunks before it counted
   * (`before`), counts it and moves the position past it. Awaited later: marked handled meanwhile, so
   * that a failure surfaces there rather than as an unhandled rejection.
   */
  private publish(chunk: ClaimedChunk, before: Promise<void>): Promise<void> {
    const counted = Promise.all([before, this.ports.publisher.publish(chunk.events)]).then(() => this.count(chunk));
    counted.catch(() => undefined);
    return counted;
  }

  private async count({ items, verdicts, accepted, resolved }: ClaimedChunk): Promise<void> {
    const { progress } = this;

    let t = 0;
    for (const item of items) {
      if (item.kind === 'transaction') {
        const verdict = verdicts[t];
        const { key } = item.transaction;
        const tally = this.tally(key);
        if (verdict === 'accepted') {
          progress.counts.accepted += 1;
          tally.accepted += 1;
          progress.counts.unknownSkuLines += resolved[accepted.indexOf(item)].lines.filter(
            (line) => line.sku === null,
          ).length;
        } else {
          progress.counts.duplicates += 1;
          tally.duplicates += 1;
          if (verdict === 'conflict') progress.counts.conflicts += 1;
          if (tally.duplicateSequences.length < MAX_DUPLICATE_SAMPLES) tally.duplicateSequences.push(key.sequence);
        }
        this.sequences.add(registerDayId(key), key.sequence);
        t += 1;
      } else {
        progress.counts.rejected += 1;
        progress.counts.quarantinedLines += item.lines.length;
        this.quarantine.push(...item.lines);
        for (const line of item.lines) this.quarantineChars += line.raw.length;
        if (item.key && item.key.storeId === progress.path.storeId) {
          this.tally(item.key).rejected += 1;
          this.sequences.add(registerDayId(item.key), item.key.sequence);
        }
      }
      progress.position = { items: progress.position.items + 1, line: item.resume.line, offset: item.resume.offset };
    }
    this.itemsSinceCheckpoint += items.length;
    if (this.quarantine.length >= QUARANTINE_PART_LINES || this.quarantineChars >= QUARANTINE_PART_CHARS)
      await this.flushQuarantine();
  }

  /** accepted: this upload publishes it; duplicate / conflict: someone recorded it already. */
  private async verdict(
    request: PosClaimRequest,
    holder: PosClaim | null,
  ): Promise<'accepted' | 'duplicate' | 'conflict'> {
    if (holder === null) return 'accepted';
    const repeat = holder.fingerprint === request.fingerprint ? 'duplicate' : 'conflict';
    if (holder.owner === request.owner) return repeat; // the same key twice in this upload
    // Another upload holds the key. It published the transaction once its position passed the line;
    // while it holds a live lease it still will. Otherwise it stopped before publishing (it died and
    // was not retried yet, or was superseded): this upload takes the claim over and publishes instead.
    // Should the other one resume later, it finds the claim moved and counts a duplicate.
    const owner = await this.ports.progress.get(holder.owner);
    const passed =
      !owner || owner.status === 'completed' || owner.status === 'quarantined' || owner.position.line > holder.line;
    const alive = owner?.status === 'processing' && (owner.leaseUntil ?? 0) > this.invocation.now();
    if (passed || alive) return repeat;
    return (await this.ports.claims.takeOver(request, holder)) ? 'accepted' : repeat;
  }

  private tally(key: PosTransactionKey): RegisterTally {
    const id = `${key.registerId}:${key.businessDay}`;
    this.progress.registers[id] ??= { accepted: 0, duplicates: 0, rejected: 0, duplicateSequences: [] };
    return this.progress.registers[id];
  }

  /** Internal SKUs for the item codes (channel "pos"); null for codes the cross-reference does not know. */
  private async resolveSkus(drafts: readonly PosTransactionDraft[]): Promise<PosTransaction[]> {
    const unknown = [...new Set(drafts.flatMap((draft) => draft.lines.map((line) => line.itemCode)))].filter(
      (code) => !this.skuCache.has(code),
    );
    if (unknown.length) {
      if (this.skuCache.size + unknown.length > SKU_CACHE_LIMIT) this.skuCache.clear();
      const found = await this.ports.skus.resolveSkus(
        'pos',
        unknown.map((code) => ({ channelSku: code })),
      );
      for (const code of unknown) this.skuCache.set(code, found.get(`sku:${code}`) ?? null);
    }
    return drafts.map((draft) => ({
      ...draft,
      lines: draft.lines.map((line): PosLine => ({ ...line, sku: this.skuCache.get(line.itemCode) ?? null })),
    }));
  }

  private eventsFor(transaction: PosTransaction, lineNumber: number): FabricEvent[] {
    return recordedTransactionEvents(transaction, this.batch, lineNumber, {
      correlationId: transaction.transactionId,
      causationId: `pos:${this.progress.uploadRef}`,
    });
  }

  private async flushQuarantine(): Promise<void> {
    if (!this.quarantine.length) return;
    const first = this.quarantine[0].lineNumber;
    const key = `${posQuarantinePrefix(this.progress.uploadRef)}lines-${String(first).padStart(9, '0')}.jsonl`;
    await this.ports.objects.writeQuarantinedLines(this.progress.upload.bucket, key, this.quarantine);
    this.quarantine = [];
    this.quarantineChars = 0;
  }

  /**
   * Makes everything since the last checkpoint durable, in an order a crash cannot break: quarantined
   * lines and sequence numbers first (both idempotent to write again), the position last.
   */
  private async checkpoint(keepLease: boolean): Promise<void> {
    await this.flushQuarantine();
    await Promise.all(
      [...this.sequences.drain()].map(([registerDay, ranges]) => this.ports.sequences.merge(registerDay, ranges)),
    );
    await this.ports.progress.save(
      this.progress,
      this.invocation.owner,
      keepLease ? this.invocation.now() + this.limits.leaseMillis : undefined,
    );
    this.itemsSinceCheckpoint = 0;
    this.savedAt = this.invocation.now();
  }
}

/**
 * Writes the summary and publishes PosBatchProcessed (and PosSequenceGapDetected per register-day
 * with gaps), then marks the upload finished. A crash before the mark repeats all of it.
 */
async function finish(
  progress: PosUploadProgress,
  ports: PosIngestPorts,
  invocation: InvocationContext,
): Promise<PosBatchSummary> {
  const { path, upload, uploadRef } = progress;
  const batch: PosBatchRef = {
    storeId: path.storeId,
    businessDate: path.businessDate,
    batchId: path.batchId,
    uploadId: upload.uploadId,
  };
  const registers: PosRegisterReport[] = await Promise.all(
    Object.entries(progress.registers).map(async ([id, tally]) => {
      const [registerId, businessDay] = id.split(':');
      const known = await ports.sequences.merge(registerDayId({ storeId: path.storeId, registerId, businessDay }), []);
      const gaps = sequenceGaps(known);
      return { registerId, businessDay, ...tally, gaps, missing: missingCount(gaps) };
    }),
  );
  registers.sort((a, b) => a.registerId.localeCompare(b.registerId) || a.businessDay.localeCompare(b.businessDay));
  const summary: PosBatchSummary = {
    ...batch,
    bucket: upload.bucket,
    key: upload.key,
    format: path.format,
    status: progress.status === 'processing' ? 'completed' : progress.status,
    ...(progress.reason ? { reason: progress.reason } : {}),
    gzip: progress.gzip,
    ...(progress.sha256 ? { sha256: progress.sha256 } : {}),
    manifest: progress.manifest,
    counts: progress.counts,
    gaps: registers.reduce((sum, register) => sum + register.missing, 0),
    registers,
    ...(progress.counts.quarantinedLines > 0 || progress.status === 'quarantined'
      ? { quarantinePrefix: posQuarantinePrefix(uploadRef) }
      : {}),
    summaryKey: posSummaryKey(uploadRef),
    invocations: Math.max(1, progress.invocations),
    startedAt: progress.startedAt,
    finishedAt: new Date(invocation.now()).toISOString(),
  };
  await ports.objects.writeSummary(upload.bucket, summary.summaryKey, summary);
  const trace = { correlationId: uploadRef, causationId: `pos:${uploadRef}` };
  await ports.publisher.publish([
    createEvent(PosBatchProcessed, { summary }, trace),
    ...registers
      .filter((register) => register.missing > 0)
      .map((register) =>
        createEvent(
          PosSequenceGapDetected,
          {
            storeId: path.storeId,
            registerId: register.registerId,
            businessDay: register.businessDay,
            gaps: register.gaps,
            missing: register.missing,
            batch,
          },
          trace,
        ),
      ),
  ]);
  if (progress.invocations === 0) await ports.progress.create(progress);
  else await ports.progress.save(progress, invocation.owner, undefined);
  return summary;
}
