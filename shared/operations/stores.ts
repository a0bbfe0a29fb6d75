import type { S3Client } from '@aws-sdk/client-s3';
import * as z from '#domain/kernel/schema';
import { S3PosUploadRecords } from '#shared/adapters/pos-upload-records';
import { parsePosBatchKey, type PosBatchSummary, type QuarantinedLine } from '#domain/pos';

/**
 * What the stores uploaded, read for `ops pos summary` and the console's Stores page alike: each
 * store's last upload (when, which batch and business date, the counts), the register sequence gaps
 * still open, the lines quarantined with their reasons, and the stores that went quiet.
 */

/** Stores upload at least daily; a day and a couple of hours of slack before one counts as quiet. */
export const DEFAULT_QUIET_AFTER_HOURS = 26;
export const QUIET_STORE_HOURS_ENV = 'FABRIC_POS_QUIET_STORE_HOURS';
export const QuietAfterHours = z._default(z.coerce.number().check(z.positive()), DEFAULT_QUIET_AFTER_HOURS);

/** Uploads a store's page shows, newest first; older ones stay in the bucket. */
export const RECENT_UPLOADS = 20;
/** Quarantined lines shown per upload; the rest are under the upload's quarantine prefix. */
export const QUARANTINED_LINES_SHOWN = 50;
/** Stores whose listings are read at once: enough to hide S3's latency without a burst of hundreds of calls. */
const STORE_CONCURRENCY = 8;

/** A store id the upload contract accepts (letters, digits, `-`, `_`); nothing else can have uploaded. */
export function isStoreId(text: string): boolean {
  return parsePosBatchKey(`incoming/${text}/2000-01-01/batch.csv`)?.storeId === text;
}

export interface StoreUpload {
  batchId: string;
  businessDate: string;
  uploadId: string;
  status: PosBatchSummary['status'];
  reason?: string;
  manifest: PosBatchSummary['manifest'];
  format: PosBatchSummary['format'];
  finishedAt: string;
  counts: PosBatchSummary['counts'];
  /** Sequence numbers still missing over the upload's registers after it. */
  missing: number;
  registers: PosBatchSummary['registers'];
  quarantinePrefix?: string;
}

export interface StoreStatus {
  storeId: string;
  lastUpload: StoreUpload;
  /** No upload finished for longer than the quiet threshold. */
  quiet: boolean;
  sinceLastUploadMs: number;
}

export interface QuarantinedUpload {
  batchId: string;
  businessDate: string;
  uploadId: string;
  /** Why the whole file was quarantined, when it was. */
  fileReason?: string;
  lines: QuarantinedLine[];
  /** More lines are quarantined than are shown. */
  more: boolean;
  prefix: string;
}

export interface StoreDetail {
  storeId: string;
  quiet: boolean;
  sinceLastUploadMs: number;
  uploads: StoreUpload[];
  /** Per register and business day, the gaps the newest upload that covered it left open. */
  openGaps: { registerId: string; businessDay: string; gaps: { from: number; to: number }[]; missing: number }[];
  quarantined: QuarantinedUpload[];
}

/** GET /stores: every store's last upload, with the threshold that made the quiet ones quiet. */
export interface StoresAnswer {
  quietAfterHours: number;
  stores: StoreStatus[];
}

/** GET /stores/{storeId}. */
export interface StoreDetailAnswer extends StoreDetail {
  quietAfterHours: number;
}

export type StoreRecords = Pick<S3PosUploadRecords, 'stores' | 'summariesOf' | 'summary' | 'quarantinedLines'>;

export function storeRecords(posBatchesBucket: string, client?: S3Client): StoreRecords {
  return new S3PosUploadRecords(posBatchesBucket, client);
}

export function storeUpload(summary: PosBatchSummary): StoreUpload {
  return {
    batchId: summary.batchId,
    businessDate: summary.businessDate,
    uploadId: summary.uploadId,
    status: summary.status,
    ...(summary.reason ? { reason: summary.reason } : {}),
    manifest: summary.manifest,
    format: summary.format,
    finishedAt: summary.finishedAt,
    counts: summary.counts,
    missing: summary.gaps,
    registers: summary.registers,
    ...(summary.quarantinePrefix ? { quarantinePrefix: summary.quarantinePrefix } : {}),
  };
}

/** Whether a store went quiet: its last upload finished longer ago than the threshold. */
export function isQuiet(lastFinishedAt: string, now: number, quietAfterHours: number): boolean {
  return now - Date.parse(lastFinishedAt) > quietAfterHours * 3_600_000;
}

/** The newest summary's register-days win: a later upload that brought the missing numbers closes the gap. */
export function openGaps(newestFirst: readonly PosBatchSummary[]): StoreDetail['openGaps'] {
  const seen = new Map<string, StoreDetail['openGaps'][number]>();
  for (const summary of newestFirst)
    for (const register of summary.registers) {
      const key = `${register.registerId}\u0000${register.businessDay}`;
      if (!seen.has(key))
        seen.set(key, {
          registerId: register.registerId,
          businessDay: register.businessDay,
          gaps: register.gaps,
          missing: register.missing,
        });
    }
  return [...seen.values()]
    .filter((register) => register.missing > 0)
    .sort((a, b) => b.businessDay.localeCompare(a.businessDay) || a.registerId.localeCompare(b.registerId));
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

/** Every store that ever uploaded, by store id, with its last upload and whether it went quiet. */
export async function storeStatuses(
  records: StoreRecords,
  quietAfterHours: number,
  now = Date.now(),
): Promise<StoreStatus[]> {
  const stores = await records.stores();
  const statuses = await inBatches(stores, STORE_CONCURRENCY, async (storeId) => {
    const [newest] = await records.summariesOf(storeId);
    if (!newest) return undefined;
    const lastUpload = storeUpload(await records.summary(newest.key));
    return {
      storeId,
      lastUpload,
      quiet: isQuiet(lastUpload.finishedAt, now, quietAfterHours),
      sinceLastUploadMs: Math.max(0, now - Date.parse(lastUpload.finishedAt)),
    };
  });
  return statuses.filter((status) => status !== undefined);
}

/** One store's recent uploads, open gaps and quarantined lines; undefined for a store without any upload. */
export async function storeDetail(
  records: StoreRecords,
  storeId: string,
  quietAfterHours: number,
  now = Date.now(),
): Promise<StoreDetail | undefined> {
  const stored = (await records.summariesOf(storeId)).slice(0, RECENT_UPLOADS);
  if (stored.length === 0) return undefined;
  const summaries = await Promise.all(stored.map((object) => records.summary(object.key)));
  const quarantined = await Promise.all(
    summaries
      .flatMap((summary) => (summary.quarantinePrefix ? [{ summary, prefix: summary.quarantinePrefix }] : []))
      .map(async ({ summary, prefix }): Promise<QuarantinedUpload> => {
        const { lines, more } = await records.quarantinedLines(prefix, QUARANTINED_LINES_SHOWN);
        return {
          batchId: summary.batchId,
          businessDate: summary.businessDate,
          uploadId: summary.uploadId,
          ...(summary.status === 'quarantined' && summary.reason ? { fileReason: summary.reason } : {}),
          lines,
          more,
          prefix,
        };
      }),
  );
  const lastFinishedAt = summaries[0].finishedAt;
  return {
    storeId,
    quiet: isQuiet(lastFinishedAt, now, quietAfterHours),
    sinceLastUploadMs: Math.max(0, now - Date.parse(lastFinishedAt)),
    uploads: summaries.map(storeUpload),
    openGaps: openGaps(summaries),
    quarantined,
  };
}

/** The summaries of one store's business date (and batch), newest first: what `ops pos summary` prints. */
export async function uploadSummaries(
  records: StoreRecords,
  storeId: string,
  businessDate: string,
  batchId?: string,
): Promise<PosBatchSummary[]> {
  const stored = await records.summariesOf(storeId, { businessDate, ...(batchId ? { batchId } : {}) });
  return Promise.all(stored.map((object) => records.summary(object.key)));
}
