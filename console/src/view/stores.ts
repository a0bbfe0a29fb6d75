/**
 * What the Stores page shows, as plain data: each store's last POS upload and whether it went quiet,
 * then one store's uploads, open register sequence gaps and quarantined lines. The shapes are what
 * GET /stores and GET /stores/{storeId} answer (shared/operations/stores.ts).
 */
import type { SequenceGap } from '#domain/pos';
import type {
  StoreDetailAnswer as StoreDetail,
  StoresAnswer,
  StoreStatus,
  StoreUpload,
} from '../../../shared/operations/stores';
import { formatDuration } from './format';

export type { StoreDetail, StoresAnswer, StoreStatus, StoreUpload };

/** "2, 5–7": the missing sequence numbers as ranges. */
export function gapsLabel(gaps: readonly SequenceGap[]): string {
  return gaps.map((gap) => (gap.from === gap.to ? `${gap.from}` : `${gap.from}–${gap.to}`)).join(', ');
}

/** How the store reads at a glance: quiet for how long, or when it last uploaded. */
export function storeHealth(store: Pick<StoreStatus, 'quiet' | 'sinceLastUploadMs'>): {
  label: string;
  quiet: boolean;
} {
  const since = formatDuration(store.sinceLastUploadMs);
  return store.quiet
    ? { label: `Quiet: no upload for ${since}`, quiet: true }
    : { label: `Uploaded ${since} ago`, quiet: false };
}

/** What became of an upload, in a few words an operator acts on. */
export function uploadOutcome(upload: StoreUpload): string {
  if (upload.status === 'quarantined') return `quarantined whole${upload.reason ? `: ${upload.reason}` : ''}`;
  if (upload.status === 'superseded') return 'superseded by a newer upload of the same batch';
  const problems = [
    upload.counts.rejected > 0 ? `rejected: ${upload.counts.rejected}` : '',
    upload.counts.unknownSkuLines > 0 ? `lines with an unknown SKU: ${upload.counts.unknownSkuLines}` : '',
    upload.missing > 0 ? `sequence numbers missing: ${upload.missing}` : '',
    upload.manifest === 'mismatched' ? 'manifest mismatched' : '',
  ].filter(Boolean);
  return problems.length ? `completed; ${problems.join(', ')}` : 'completed';
}

/** Quiet stores, then stores whose last upload has something wrong, then the rest; by store id within each. */
export function byAttention(stores: readonly StoreStatus[]): StoreStatus[] {
  const rank = (store: StoreStatus) => (store.quiet ? 0 : uploadOutcome(store.lastUpload) === 'completed' ? 2 : 1);
  return [...stores].sort((a, b) => rank(a) - rank(b) || a.storeId.localeCompare(b.storeId));
}

export function quietCount(stores: readonly StoreStatus[]): number {
  return stores.filter((store) => store.quiet).length;
}
