/**
 * What the Exceptions page shows, as plain data: the work queue's filters and columns, an exception's
 * cause, what it holds back and the fixes a person may apply. The shapes are what GET /exceptions and
 * GET /exceptions/{id} answer (shared/operations/exceptions.ts).
 */
import type { ExceptionAction, ExceptionFix, ExceptionStatus } from '#domain/exceptions';
import type {
  ExceptionDetail,
  ExceptionSummary as ExceptionRow,
  SkuMappingOutcome,
} from '../../../shared/operations/exceptions';

export type { ExceptionFix, ExceptionStatus };
export type { ExceptionDetail, ExceptionRow, SkuMappingOutcome };

/** The queue's filters as the page's URL holds them, so a filtered queue can be linked to. */
export interface QueueFilters {
  /** Open unless the URL says otherwise; `all` asks for every status. */
  status: ExceptionStatus | 'all';
  /** Minutes since first seen, as the API takes it; empty for any age. */
  olderThanMinutes: string;
  kind: string;
  channel: string;
}

export const STATUS_CHOICES: readonly { value: QueueFilters['status']; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'dismissed', label: 'Dismissed' },
  { value: 'all', label: 'Any status' },
];

export const AGE_CHOICES: readonly { value: string; label: string }[] = [
  { value: '', label: 'Any age' },
  { value: '60', label: 'Older than 1 h' },
  { value: '1440', label: 'Older than 1 d' },
  { value: '10080', label: 'Older than 7 d' },
];

export function queueFiltersFrom(query: URLSearchParams): QueueFilters {
  const status = query.get('status');
  const age = query.get('olderThanMinutes') ?? '';
  return {
    status: STATUS_CHOICES.some((choice) => choice.value === status) ? (status as QueueFilters['status']) : 'open',
    olderThanMinutes: AGE_CHOICES.some((choice) => choice.value === age) ? age : '',
    kind: query.get('kind') ?? '',
    channel: query.get('channel') ?? '',
  };
}

/** The page URL's query for these filters: only what differs from the default (open, any age, everything). */
export function queueFilterQuery(filters: QueueFilters): Record<string, string> {
  return Object.fromEntries(
    Object.entries({
      status: filters.status === 'open' ? '' : filters.status,
      olderThanMinutes: filters.olderThanMinutes,
      kind: filters.kind,
      channel: filters.channel,
    }).filter(([, value]) => value !== ''),
  );
}

/**
 * What the page asks the API for: status and age there; kind and channel are narrowed on the page, so
 * their choices can list what the queue holds, with counts.
 */
export function queueApiQuery(filters: QueueFilters): Record<string, string | undefined> {
  return {
    status: filters.status === 'all' ? undefined : filters.status,
    olderThanMinutes: filters.olderThanMinutes || undefined,
  };
}

/** A filter's choices: each value the rows hold, how many rows hold it, most first; the chosen one stays listed. */
export function facetChoices(
  rows: readonly ExceptionRow[],
  facetOf: (row: ExceptionRow) => string,
  chosen: string,
): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(facetOf(row), (counts.get(facetOf(row)) ?? 0) + 1);
  if (chosen && !counts.has(chosen)) counts.set(chosen, 0);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** A row's channel as a filter reads it: exceptions about no channel (an ERP document, a catalog change) read `none`. */
export const channelOf = (row: ExceptionRow): string => row.channel ?? 'none';

/** The rows the chosen kind and channel keep, in the API's order (oldest first). */
export function narrowQueue(rows: readonly ExceptionRow[], filters: QueueFilters): ExceptionRow[] {
  return rows.filter(
    (row) => (!filters.kind || row.kind === filters.kind) && (!filters.channel || channelOf(row) === filters.channel),
  );
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/** How many rows of each severity, most severe first, leaving out severities with none. */
export function severityCounts(rows: readonly ExceptionRow[]): { severity: ExceptionRow['severity']; count: number }[] {
  return (Object.keys(SEVERITY_ORDER) as ExceptionRow['severity'][])
    .map((severity) => ({ severity, count: rows.filter((row) => row.severity === severity).length }))
    .filter((entry) => entry.count > 0);
}

/** What the exception is about, in words: `order ord_...`, `pos-transaction store-042/R1/...`. */
export function aboutLabel(row: Pick<ExceptionRow, 'subject'>): string {
  return `${row.subject.type.replace(/-/g, ' ')} ${row.subject.key}`;
}

const ACTION_WORDS: Record<ExceptionAction['action'], string> = {
  resolved: 'Resolved',
  dismissed: 'Dismissed',
  reprocessed: 'Reprocessed',
  retried: 'Retried',
  reopened: 'Reopened',
};

export function actionLabel(action: ExceptionAction['action']): string {
  return ACTION_WORDS[action];
}

/** The buttons an exception offers an operator now; none once it is no longer open, none to a viewer. */
export interface OfferedFixes {
  /** Channel SKUs still to map, each its own small form. */
  mapSkus: { channel: string; channelSku: string }[];
  /** Map the held work again from the archive, or post the ERP document again. */
  retry: boolean;
  dismiss: boolean;
  /** Done on the channel, not here: the page says how. */
  cancelOnChannel: boolean;
}

export function offeredFixes(detail: ExceptionDetail, canOperate: boolean): OfferedFixes {
  const open = canOperate && detail.status === 'open';
  const offers = (fix: ExceptionFix) => open && detail.fixes.includes(fix);
  return {
    mapSkus: offers('map-sku')
      ? detail.skusToMap
          .filter((waiting) => !waiting.mappedTo)
          .map(({ channel, channelSku }) => ({ channel, channelSku }))
      : [],
    retry: offers('reprocess') || offers('retry'),
    dismiss: offers('dismiss'),
    cancelOnChannel: offers('cancel-order'),
  };
}

/** What the retry button does for this exception, in the operator's words. */
export function retryExplanation(detail: Pick<ExceptionDetail, 'fixes'>): string {
  return detail.fixes.includes('reprocess')
    ? 'Maps the held work again from what the channel sent, with today’s SKU mappings and rules; nothing is asked of the channel again.'
    : 'Sends the document to the ERP again, once its cause is fixed there; the connector looks it up first, so it is never posted twice.';
}

/** The internal SKU an operator typed, or why it cannot be sent. */
export function internalSkuFrom(typed: string): { sku: string } | { problem: string } {
  const sku = typed.trim();
  if (!sku) return { problem: 'Enter the internal SKU this channel SKU stands for.' };
  return { sku };
}

/** A reason an operator typed, or why it cannot be sent: every fix is audited with one. */
export function reasonFrom(typed: string): { reason: string } | { problem: string } {
  const reason = typed.trim();
  if (!reason) return { problem: 'Say why: the reason is kept in the audit trail.' };
  if (reason.length > 1000) return { problem: 'Keep the reason under 1,000 characters.' };
  return { reason };
}

/** What a SKU mapping did, in one sentence. */
export function mappingSummary(outcome: SkuMappingOutcome): string {
  const mapped = `${outcome.channel} ${outcome.channelSku} now maps to ${outcome.sku}.`;
  const again = outcome.reprocessed.length
    ? ` ${outcome.reprocessed.length === 1 ? '1 held item was' : `${outcome.reprocessed.length} held items were`} sent through again.`
    : ' Nothing was waiting for it.';
  const left = outcome.left.length
    ? ` ${outcome.left.length} ${outcome.left.length === 1 ? 'exception needs' : 'exceptions need'} a person still.`
    : '';
  return `${mapped}${again}${left}`;
}

/** Where the excerpt's values were read, in the operator's words. */
export function excerptSource(payload: NonNullable<ExceptionDetail['payload']>): string {
  return payload.source === 'order'
    ? 'From the order as the fabric stored it'
    : `From the delivery as the channel sent it (archived as ${payload.archiveKey ?? 'unknown'})`;
}

/** A value of the payload as JSON, so a price sent as the string "24.001" reads as what it is. */
export function excerptText(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}
