import * as z from '#domain/kernel/schema';
import { SequenceGap } from './sequence';
import type { ByteChunks, Readability } from '#shared/text/byte-stream';
import type { PosParsedItem } from './parsed-item';

/**
 * The POS batch upload contract and what the fabric records about each upload. Stores upload to
 *
 *   incoming/{storeId}/{businessDate}/{batchId}.{csv|jsonl|xml}[.gz]
 *   incoming/{storeId}/{businessDate}/{batchId}.manifest.json      optional, uploaded first
 *
 * and the fabric writes, per upload (one S3 object version: a re-upload is a new upload),
 *
 *   quarantine/{storeId}/{businessDate}/{batchId}/{uploadId}/lines-{firstLine}.jsonl   bad lines
 *   quarantine/{storeId}/{businessDate}/{batchId}/{uploadId}/{file} + reason.json      an unreadable file
 *   summaries/{storeId}/{businessDate}/{batchId}/{uploadId}.json                        the batch summary
 */

const PathPart = /[A-Za-z0-9_-]+/.source;
const BATCH_KEY = new RegExp(`^incoming/(${PathPart})/(\\d{4}-\\d{2}-\\d{2})/(${PathPart})\\.(csv|jsonl|xml)(\\.gz)?$`);
const MANIFEST_KEY = new RegExp(`^incoming/(${PathPart})/(\\d{4}-\\d{2}-\\d{2})/(${PathPart})\\.manifest\\.json$`);

export interface PosBatchPath {
  storeId: string;
  businessDate: string;
  batchId: string;
  format: PosBatchFormat;
  /** The name ends in .gz: the content must then be gzip (detected by its magic bytes either way). */
  namedGzip: boolean;
}

/** Reads an object key against the upload contract; undefined when it does not follow it. */
export function parsePosBatchKey(key: string): PosBatchPath | undefined {
  const match = BATCH_KEY.exec(key);
  if (!match || Number.isNaN(Date.parse(match[2]))) return undefined;
  return {
    storeId: match[1],
    businessDate: match[2],
    batchId: match[3],
    format: match[4] as PosBatchFormat,
    namedGzip: match[5] !== undefined,
  };
}

export function isPosManifestKey(key: string): boolean {
  return MANIFEST_KEY.test(key);
}

export function posManifestKey(path: Pick<PosBatchPath, 'storeId' | 'businessDate' | 'batchId'>): string {
  return `incoming/${path.storeId}/${path.businessDate}/${path.batchId}.manifest.json`;
}

/** What a store may put beside a batch: the line count of the (uncompressed) text and the SHA-256 of the object as uploaded. */
export const PosBatchManifest = z.object({
  lineCount: z.number().check(z.int(), z.nonnegative()),
  sha256: z.pipe(
    z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, 'must be a hex SHA-256 digest')),
    z.transform((digest) => digest.toLowerCase()),
  ),
});
export type PosBatchManifest = z.infer<typeof PosBatchManifest>;

/** One upload: one version of one object. Carried by the continuation event. */
export const PosUpload = z.object({
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  /** Identifies this upload among re-uploads of the same key: the S3 version id, else the notification's sequencer. */
  uploadId: z.string().check(z.regex(/^[A-Za-z0-9._-]+$/)),
  versionId: z.optional(z.string().check(z.minLength(1))),
  eTag: z.optional(z.string().check(z.minLength(1))),
});
export type PosUpload = z.infer<typeof PosUpload>;

/**
 * The upload id of an S3 object-created notification: its version id in a versioned bucket (AWS),
 * else its sequencer, which S3 repeats when it delivers one notification twice and changes for every
 * new PUT of the key, else the ETag.
 */
export function posUploadId(object: { versionId?: string | null; sequencer?: string; eTag?: string }): string {
  const id = object.versionId || object.sequencer || object.eTag || 'unversioned';
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The upload's identity in stores and object keys: `{storeId}/{businessDate}/{batchId}/{uploadId}`. */
export function posUploadRef(path: PosBatchPath, uploadId: string): string {
  return `${path.storeId}/${path.businessDate}/${path.batchId}/${uploadId}`;
}

export function posQuarantinePrefix(uploadRef: string): string {
  return `quarantine/${uploadRef}/`;
}

export function posSummaryKey(uploadRef: string): string {
  return `summaries/${uploadRef}.json`;
}

/** Files that do not follow the contract cannot be filed by store: they are quarantined here. */
export function posUnroutedQuarantinePrefix(uploadId: string): string {
  return `quarantine/_unrouted/${uploadId}/`;
}

const Count = z.number().check(z.int(), z.nonnegative());

export const PosBatchCounts = z.object({
  /** Lines of the uploaded text (the integrity pass counts them); a CSV's header included. */
  lines: Count,
  /** Transactions this upload recorded: published once, for accounting and stock. */
  accepted: Count,
  /** Transactions already recorded by an earlier upload, or earlier in this one: nothing applied. */
  duplicates: Count,
  /** Of the duplicates, those whose content differs from what was recorded (a register reset, an edited export). */
  conflicts: Count,
  /** Transactions (or unreadable lines) that failed validation. */
  rejected: Count,
  /** Lines written to quarantine: the failing lines and, in CSV, the other rows of their transactions. */
  quarantinedLines: Count,
  /** Lines of accepted transactions whose item code the cross-reference does not know (PosLineNeedsAttention). */
  unknownSkuLines: Count,
});
export type PosBatchCounts = z.infer<typeof PosBatchCounts>;

export function emptyCounts(lines = 0): PosBatchCounts {
  return { lines, accepted: 0, duplicates: 0, conflicts: 0, rejected: 0, quarantinedLines: 0, unknownSkuLines: 0 };
}

/** Per register and business day: what this upload brought and what is still missing. */
export const PosRegisterReport = z.object({
  registerId: z.string().check(z.minLength(1)),
  businessDay: z.string().check(z.minLength(1)),
  accepted: Count,
  duplicates: Count,
  rejected: Count,
  /** The first duplicate sequence numbers (at most 20), to look up. */
  duplicateSequences: z.array(Count),
  /** Sequence numbers missing between the lowest and highest known for the register's day, after this upload. */
  gaps: z.array(SequenceGap),
  missing: Count,
});
export type PosRegisterReport = z.infer<typeof PosRegisterReport>;

export const PosBatchStatus = z.enum(['completed', 'quarantined', 'superseded']);
export type PosBatchStatus = z.infer<typeof PosBatchStatus>;

export const PosBatchSummary = z.object({
  storeId: z.string().check(z.minLength(1)),
  businessDate: z.string().check(z.minLength(1)),
  batchId: z.string().check(z.minLength(1)),
  uploadId: z.string().check(z.minLength(1)),
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  format: z.enum(['csv', 'jsonl', 'xml']),
  /**
   * completed: read to its end (bad lines quarantined, the rest applied); quarantined: unreadable or
   * failing its manifest, nothing applied; superseded: overwritten by a newer upload before it was
   * finished, which was then processed instead.
   */
  status: PosBatchStatus,
  reason: z.optional(z.string()),
  gzip: z.boolean(),
  sha256: z.optional(z.string()),
  manifest: z.enum(['matched', 'absent', 'mismatched']),
  counts: PosBatchCounts,
  /** Missing sequence numbers over the registers of this upload. */
  gaps: Count,
  registers: z.array(PosRegisterReport),
  /** Where the quarantined lines (or the unreadable file) are, when there are any. */
  quarantinePrefix: z.optional(z.string()),
  summaryKey: z.string().check(z.minLength(1)),
  invocations: z.number().check(z.int(), z.positive()),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
});
export type PosBatchSummary = z.infer<typeof PosBatchSummary>;

export type PosBatchFormat = 'csv' | 'jsonl' | 'xml';

/** Where an upload's bytes come from: S3 in the function, a file in the benchmark, a buffer in tests. */
export interface ByteSource {
  /** The object's bytes as uploaded, from `fromByte` (a ranged read) or from the start. */
  open(fromByte?: number): Promise<ByteChunks>;
}

/** How far a previous invocation got: items handled, and where the next one starts. */
export interface ReadPosition {
  items: number;
  line: number;
  /** Byte offset in the decompressed content, when the format allows resuming by a ranged read. */
  offset: number | null;
}

export const START: ReadPosition = { items: 0, line: 1, offset: 0 };

/** Reads an upload in one of the contract's formats (shared/pos holds the parsers). */
export interface PosBatchReader {
  /** The integrity pass over a whole upload, with the format's own check of its first bytes. */
  check(source: ByteSource, format: PosBatchFormat, namedGzip: boolean): Promise<Readability>;
  /** The upload's parsed items in file order, from a position, in batches. */
  read(
    source: ByteSource,
    format: PosBatchFormat,
    options: { gzip: boolean; position: ReadPosition; storeId?: string; timeZone?: string },
  ): AsyncIterable<PosParsedItem[]>;
}
