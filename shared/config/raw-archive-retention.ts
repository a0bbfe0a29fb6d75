/**
 * What the raw archive deletes, and when. A request refused before or at its signature check is kept
 * under `unverified/` (shared/domain/intake/webhook-delivery.ts) for a week: long enough to look into a burst
 * of forgeries or a secret set wrong, and no longer, since anyone can send one. Everything else is
 * order data (verified deliveries, their verdicts, fetched orders), kept for the region's
 * `rawArchiveRetentionDays` or, without that setting, for good. Read by CDK and the local runtime.
 */
export interface ArchiveExpiry {
  /** The key prefix the rule covers; empty for the whole bucket. */
  prefix: string;
  days: number;
}

export const UNVERIFIED_ARCHIVE_PREFIX = 'unverified/';
export const UNVERIFIED_ARCHIVE_DAYS = 7;

/** The raw archive's expiry rules for a retention in days (undefined: order data is kept for good). */
export function rawArchiveExpiries(retentionDays?: number): ArchiveExpiry[] {
  return [
    {
      prefix: UNVERIFIED_ARCHIVE_PREFIX,
      days: Math.min(UNVERIFIED_ARCHIVE_DAYS, retentionDays ?? UNVERIFIED_ARCHIVE_DAYS),
    },
    ...(retentionDays ? [{ prefix: '', days: retentionDays }] : []),
  ];
}
