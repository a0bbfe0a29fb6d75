/**
 * What the Settlements page shows, as plain data: each reconciled settlement with its matched,
 * variance and unmatched orders and amounts, then one settlement down to its orders and report lines.
 * The shapes are what GET /settlements and GET /settlements/{settlementId} answer
 * (shared/operations/settlements.ts); money stays money, formatted by the page's <Money>.
 */
import type { MatchStatus, ReconciledOrder, SettlementSummary } from '../../../shared/operations/settlements';
import type { MoneyFigure } from './format';

export type {
  MatchStatus,
  ReconciledOrder,
  SettlementDetail,
  SettlementSummary,
} from '../../../shared/operations/settlements';

/** The order the page lists them in: what needs a look first. */
export const MATCH_STATUSES: readonly MatchStatus[] = ['unmatched', 'variance', 'matched'];

const STATUS_LABELS: Record<MatchStatus, string> = {
  matched: 'Matched',
  variance: 'Variance',
  unmatched: 'Unmatched',
};

export function statusLabel(status: MatchStatus): string {
  return STATUS_LABELS[status];
}

/** `FEE_VARIANCE` as "fee variance": the reconciliation's reason codes in words. */
export function reasonLabel(reason: string): string {
  return reason.toLowerCase().replace(/_/g, ' ');
}

/** A report's date as the report states it: its calendar day, without the midnight Amazon adds. */
export function reportDate(text: string | undefined): string {
  if (!text) return '?';
  return /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0] ?? text;
}

/** "2026-11-01 to 2026-11-15", or what is known of it. */
export function periodLabel(settlement: Pick<SettlementSummary, 'startDate' | 'endDate'>): string {
  if (!settlement.startDate && !settlement.endDate) return 'period not stated';
  return `${reportDate(settlement.startDate)} to ${reportDate(settlement.endDate)}`;
}

/** A settlement needs a look when any order did not match. */
export function needsAttention(settlement: Pick<SettlementSummary, 'counts'>): boolean {
  return settlement.counts.variance + settlement.counts.unmatched > 0;
}

/** The differences worth showing beside an order's figures: only those that are not zero. */
export function differences(order: ReconciledOrder): { charges?: MoneyFigure; fees?: MoneyFigure } {
  const nonZero = (money: MoneyFigure | undefined) => (money && money.amountMinor !== 0 ? money : undefined);
  const charges = nonZero(order.chargeVariance);
  const fees = nonZero(order.feeVariance);
  return { ...(charges ? { charges } : {}), ...(fees ? { fees } : {}) };
}

/** The orders of one status, or all; the API already lists them unmatched first. */
export function ordersWithStatus(orders: readonly ReconciledOrder[], status: MatchStatus | 'all'): ReconciledOrder[] {
  return status === 'all' ? [...orders] : orders.filter((order) => order.status === status);
}

/** The status filter as the address carries it (`?status=variance`); anything else shows every order. */
export function statusFilter(text: string | null): MatchStatus | 'all' {
  return MATCH_STATUSES.find((status) => status === text) ?? 'all';
}
