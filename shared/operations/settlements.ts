import { DynamoSettlementLedger } from '#shared/adapters/reconciliation-store';
import { subtractMoney, sumMoney, type Money } from '#domain/kernel/money';
import type { SettledOrder, SettlementReport } from '#domain/accounting';

/**
 * Marketplace settlements as reconciled, read for `ops reconcile` and the console's Settlements page
 * alike: per settlement the matched, variance and unmatched orders with their amounts, then each
 * order down to its report lines.
 */

/** How a settled order matched its canonical order. */
export type MatchStatus = SettledOrder['status'];

export interface SettlementAmounts {
  /** What the buyers paid, per how the orders matched. */
  matched: Money;
  variance: Money;
  unmatched: Money;
  /**
   * Over the variance orders, what the settlement paid beyond what the orders and the fee schedule
   * expected: charges above the order, less fees above the schedule. Negative: the marketplace paid short.
   */
  netVariance: Money;
}

export interface SettlementSummary extends SettlementReport {
  amounts: SettlementAmounts;
}

export interface ReconciledOrder extends SettledOrder {
  /** Charges less the order's expected charges, when the order was found. */
  chargeVariance?: Money;
  /** Fees less the fee schedule's expected fees, when there was one. */
  feeVariance?: Money;
}

export interface SettlementDetail {
  settlement: SettlementSummary;
  /** Unmatched first, then variances, then matched; by channel order id within each. */
  orders: ReconciledOrder[];
}

export type SettlementRecords = Pick<DynamoSettlementLedger, 'listReports' | 'readReport'>;

export function settlementRecords(accountingTable: string): SettlementRecords {
  return new DynamoSettlementLedger(accountingTable);
}

export function reconciledOrder(order: SettledOrder): ReconciledOrder {
  return {
    ...order,
    ...(order.expectedCharges ? { chargeVariance: subtractMoney(order.charges, order.expectedCharges) } : {}),
    ...(order.expectedFees ? { feeVariance: subtractMoney(order.fees, order.expectedFees) } : {}),
  };
}

export function settlementAmounts(currency: string, orders: readonly SettledOrder[]): SettlementAmounts {
  const charges = (status: SettledOrder['status']) =>
    sumMoney(
      currency,
      orders.filter((order) => order.status === status).map((order) => order.charges),
    );
  const variances = orders.filter((order) => order.status === 'variance').map(reconciledOrder);
  const netVariance = subtractMoney(
    sumMoney(
      currency,
      variances.flatMap((order) => (order.chargeVariance ? [order.chargeVariance] : [])),
    ),
    sumMoney(
      currency,
      variances.flatMap((order) => (order.feeVariance ? [order.feeVariance] : [])),
    ),
  );
  return {
    matched: charges('matched'),
    variance: charges('variance'),
    unmatched: charges('unmatched'),
    netVariance,
  };
}

const RANK = { unmatched: 0, variance: 1, matched: 2 } as const;

/** What needs a look first: unmatched, then variances, then matched, by channel order id within each. */
export function byAttention(orders: readonly SettledOrder[]): ReconciledOrder[] {
  return [...orders]
    .sort((a, b) => RANK[a.status] - RANK[b.status] || a.channelOrderId.localeCompare(b.channelOrderId))
    .map(reconciledOrder);
}

/** Every reconciled settlement with its counts and amounts, newest reconciliation first. */
export async function settlementSummaries(records: SettlementRecords): Promise<SettlementSummary[]> {
  return (await records.listReports()).map(({ report, orders }) => ({
    ...report,
    amounts: settlementAmounts(report.currency, orders),
  }));
}

/** One settlement down to its orders; undefined when no report is stored under the id. */
export async function settlementDetail(
  records: SettlementRecords,
  settlementId: string,
): Promise<SettlementDetail | undefined> {
  const found = await records.readReport(settlementId);
  if (!found) return undefined;
  return {
    settlement: { ...found.report, amounts: settlementAmounts(found.report.currency, found.orders) },
    orders: byAttention(found.orders),
  };
}
