/**
 * What the Channels page shows, as plain data: each channel's lag, pending and stalled figures, its
 * rate budget and its last catch-up, then one channel's subjects. The shapes are what GET /channels
 * and GET /channels/{channel}/lag answer (shared/operations/channels.ts).
 */
import type { ChannelStatus, RateBudget, SubjectLag } from '../../../shared/operations/channels';
import { formatAge, formatDuration, formatTime } from './format';

/**
 * The sales channels, as the API accepts them in a filter or a lookup: the kernel's SalesChannel,
 * written out because the page does not ship zod (a unit test keeps the two the same).
 */
export const CHANNELS = ['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart', 'square', 'pos'] as const;

export type {
  ChannelLagAnswer as ChannelLag,
  ChannelsAnswer,
  ChannelStatus,
  RateBudget,
  SubjectLag,
} from '../../../shared/operations/channels';

/** Subjects one channel's page asks for: the worst first, enough to act on. */
export const SUBJECTS_SHOWN = 200;

/** Below this share of its capacity a budget is running low: the channel's calls will soon wait. */
export const LOW_BUDGET_SHARE = 0.2;

/** Channels with stalled figures first, then those with figures pending, then by name. */
export function byAttention(channels: readonly ChannelStatus[]): ChannelStatus[] {
  return [...channels].sort(
    (a, b) => b.failures - a.failures || b.pending - a.pending || a.channel.localeCompare(b.channel),
  );
}

export function lagLabel(ms: number | null): string {
  return ms === null ? 'nothing published yet' : formatDuration(ms);
}

/** "87 of 100 left" and whether it is running low; the operation is named where a channel meters each apart. */
export function budgetLabel(budget: RateBudget): { text: string; low: boolean; share: number } {
  const share = budget.capacity > 0 ? budget.tokens / budget.capacity : 0;
  const what = budget.operation ? `${budget.operation}: ` : '';
  return {
    text: `${what}${budget.tokens} of ${budget.capacity} left (${budget.ratePerSecond}/s)`,
    low: share < LOW_BUDGET_SHARE,
    share,
  };
}

/**
 * When the catch-up pull last saved, and up to when orders are in; a window under way is named too,
 * and a spell of failing runs first of all.
 */
export function catchUpLabel(catchUp: ChannelStatus['lastCatchUp'], now: Date = new Date()): string {
  if (!catchUp) return 'not pulled yet';
  const upTo = catchUp.upTo ? `orders in up to ${formatTime(catchUp.upTo)}` : 'no window finished yet';
  const running = catchUp.runningWindow ? `; pulling ${formatTime(catchUp.runningWindow.from)} onwards` : '';
  const failing = catchUp.failing
    ? `failing: ${catchUp.failing.failures} run(s) since ${formatTime(catchUp.failing.since)} (${catchUp.failing.lastReason}); `
    : '';
  return `${failing}${formatAge(catchUp.at, now)} ago: ${upTo}${running}`;
}

export type SubjectState = 'stalled' | 'pending' | 'current' | 'never published';

export function subjectState(row: SubjectLag): SubjectState {
  if (row.stalled) return 'stalled';
  if (row.pending) return 'pending';
  return row.published ? 'current' : 'never published';
}

/** `availability#SKU-1` as "availability", the SKU shown in its own column. */
export function subjectKind(row: SubjectLag): string {
  return row.subject.split('#')[0] ?? row.subject;
}

/** "7 (v3), waiting 1 h 02 min" for a figure that has not reached the channel. */
export function pendingLabel(row: SubjectLag): string {
  if (!row.pending) return '';
  return `${row.pending.value} (v${row.pending.version}), waiting ${formatDuration(row.pending.waitingMs)}`;
}
