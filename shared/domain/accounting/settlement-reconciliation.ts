import * as z from '#domain/kernel/schema';
import type { AccountingPolicy } from './chart-of-accounts';
import { settlementAccountFor } from './chart-of-accounts';
import { createEvent } from '#domain/kernel/event';
import { JournalEntryPrepared, ReconciliationException } from './events';
import type { FabricEvent } from '#domain/kernel/event';
import { Money } from '#domain/kernel/money';
import { SalesChannel, orderIdFor, type Order } from '#domain/kernel/order';
import type { SettlementHeader, SettlementLine } from './settlement';
import { SettlementFormatError, readSettlementReport, type SettlementRecord } from './settlement-report';
import type { ByteChunks } from '#shared/text/byte-stream';
import type { EventPublisher } from '#domain/kernel/ports';
import type { JournalEntry } from './journal-entry';
import type { OrderLookup } from './journal';
import { JournalEntryDraft } from './model';
import { ReconciliationReason, type ReconciliationExceptionData } from './settlement-exception';
import {
  CHARGE_KINDS,
  type ComponentKind,
  type ComponentSums,
  componentKey,
  expectedFeeRows,
  feeRows,
  settlementComponent,
} from './settlement-components';

/**
 * Settlement reconciliation: every line of a marketplace settlement is matched to the canonical order
 * it names; what the buyer paid is compared with the order, what the marketplace kept with the
 * channel's fee schedule; fees are booked; and whatever does not match is a ReconciliationException,
 * raised when the report arrives, not found at month end.
 */

/** One fee type on one settled item: what the channel kept (negative) or gave back, and what its schedule says. */
export const SettledFee = z.object({
  feeType: z.string().check(z.minLength(1)),
  actual: Money,
  /** Absent for a fee type the schedule does not predict (FBA fees, a shipping chargeback): counted, not checked. */
  expected: z.optional(Money),
});
export type SettledFee = z.infer<typeof SettledFee>;

/** One item of one transaction of a settled order, by component, signed as the channel reports it. */
export const SettledItem = z.object({
  transactionType: z.string(),
  /** The channel's order item (Amazon order-item-code), matched to an order line by its channel line id. */
  channelLineId: z.optional(z.string().check(z.minLength(1))),
  /** The money movement (a Shopify balance transaction) when the channel reports per transaction, not per item. */
  transactionId: z.optional(z.string().check(z.minLength(1))),
  orderLineId: z.optional(z.string().check(z.minLength(1))),
  sku: z.optional(z.string()),
  lineNumbers: z.array(z.number().check(z.int(), z.positive())),
  components: z.array(z.object({ kind: z.string(), name: z.string(), amount: Money })),
  fees: z.array(SettledFee),
});
export type SettledItem = z.infer<typeof SettledItem>;

export const SettledOrder = z.object({
  channelOrderId: z.string().check(z.minLength(1)),
  orderId: z.optional(z.string().check(z.minLength(1))),
  status: z.enum(['matched', 'variance', 'unmatched']),
  lineNumbers: z.array(z.number().check(z.int(), z.positive())),
  /** What the buyer paid for the order: principal, shipping, gift wrap, taxes and promotions (Amazon), charges (Shopify). */
  charges: Money,
  refunds: Money,
  /** What the marketplace kept, net of fees a refund gave back, positive. */
  fees: Money,
  /** Disputes, reserves and adjustments: money moved for the order that is neither a charge nor a fee. */
  other: z.optional(Money),
  expectedCharges: z.optional(Money),
  /** The order's fees had every fee type the schedule predicts been as it predicts. */
  expectedFees: z.optional(Money),
  /** The canonical order lines the settlement's items matched. */
  orderLineIds: z.array(z.string()),
  items: z.optional(z.array(SettledItem)),
  reasons: z.array(ReconciliationReason),
});
export type SettledOrder = z.infer<typeof SettledOrder>;

/**
 * Every row of the report counted once: matched (an item of an order the fabric has), unmatched (an
 * order or item it does not have) or other (rows that name no order: account fees, subscriptions,
 * reserves). Their sum is what the rows add up to, and `balanced` says it is the deposit.
 */
export const SettlementBalance = z.object({
  rows: z.object({
    matched: z.number().check(z.int(), z.nonnegative()),
    unmatched: z.number().check(z.int(), z.nonnegative()),
    other: z.number().check(z.int(), z.nonnegative()),
  }),
  matched: Money,
  unmatched: Money,
  other: Money,
  counted: Money,
  deposit: z.optional(Money),
  balanced: z.boolean(),
});
export type SettlementBalance = z.infer<typeof SettlementBalance>;

export const SettlementReport = z.object({
  settlementId: z.string().check(z.minLength(1)),
  channel: SalesChannel,
  currency: z.string(),
  startDate: z.optional(z.string()),
  endDate: z.optional(z.string()),
  depositDate: z.optional(z.string()),
  totalAmount: z.optional(Money),
  /** Where the report was read from (the raw file stays there: the bucket is append-only). */
  source: z.string().check(z.minLength(1)),
  reconciledAt: z.iso.datetime({ offset: true }),
  counts: z.object({
    lines: z.number().check(z.int(), z.nonnegative()),
    orders: z.number().check(z.int(), z.nonnegative()),
    matched: z.number().check(z.int(), z.nonnegative()),
    variance: z.number().check(z.int(), z.nonnegative()),
    unmatched: z.number().check(z.int(), z.nonnegative()),
    /** Lines that name no order: account-level fees, reserves, subscriptions. */
    accountLines: z.number().check(z.int(), z.nonnegative()),
  }),
  /** Absent on reports reconciled before rows were counted per bucket. */
  balance: z.optional(SettlementBalance),
  feeEntryIds: z.array(z.string()),
});
export type SettlementReport = z.infer<typeof SettlementReport>;

/** Where reconciliation reports live and which orders a settlement named. */
export interface SettlementLedger {
  /** Marks the order as named by this settlement: it leaves the never-settled watch. Idempotent. */
  markSettled(orderId: string, settlementId: string): Promise<void>;
  /** Stores (or replaces, on a re-run) the report and its orders. */
  saveReport(report: SettlementReport, orders: readonly SettledOrder[]): Promise<void>;
}

export interface SettlementPorts {
  orders: OrderLookup;
  settlements: SettlementLedger;
  publisher: EventPublisher;
  policy: AccountingPolicy;
}

/** Refund transactions: Amazon's "Refund", Shopify's "refund". Their fees are what the schedule says a refund gives back. */
function isRefund(transactionType: string): boolean {
  return /^refund$/i.test(transactionType);
}

/** One journal entry carries at most this many lines, so that its event stays far below 256 KB. */
export const MAX_FEE_LINES_PER_ENTRY = 400;

interface ItemTally {
  transactionType: string;
  channelLineId?: string;
  transactionId?: string;
  sku?: string;
  lineNumbers: number[];
  rows: number;
  sums: ComponentSums;
}

interface OrderTally {
  lineNumbers: number[];
  items: Map<string, ItemTally>;
}

/** The money rows add up to, per bucket, in minor units. */
interface Buckets {
  matched: { rows: number; amount: number };
  unmatched: { rows: number; amount: number };
  other: { rows: number; amount: number };
}

const itemTotal = (item: ItemTally) => [...item.sums.values()].reduce((sum, amount) => sum + amount, 0);

/**
 * Reconciles one settlement report: reads it to its end, sums every row by order, item (or balance
 * transaction) and component, matches each order it names (channel order id -> the fabric's order id,
 * then the order store) and each item to the order line with its channel line id, stores the report,
 * marks matched orders settled, and publishes a ReconciliationException per unknown order, unknown
 * order item, amount variance, fee variance (per item and fee type) and a report whose rows do not
 * add up to its deposit, and the settlement's fees (and tax the marketplace withheld) as
 * JournalEntryPrepared, split into entries of at most MAX_FEE_LINES_PER_ENTRY lines. Deterministic
 * for a given report and order store, so a re-run stores the same report and publishes the same entry ids.
 */
export async function reconcileSettlement(
  records: AsyncIterable<SettlementRecord> | Iterable<SettlementRecord>,
  source: string,
  ports: SettlementPorts,
  now = new Date(),
): Promise<{ report: SettlementReport; orders: SettledOrder[]; exceptions: ReconciliationExceptionData[] }> {
  let header: SettlementHeader | undefined;
  const tallies = new Map<string, OrderTally>();
  const feeLines: SettlementLine[] = [];
  const buckets: Buckets = {
    matched: { rows: 0, amount: 0 },
    unmatched: { rows: 0, amount: 0 },
    other: { rows: 0, amount: 0 },
  };
  let lines = 0;
  for await (const record of records) {
    if (record.kind === 'header') {
      header = record.header;
      continue;
    }
    const { line } = record;
    lines += 1;
    const component = settlementComponent(line);
    if (component.kind === 'fee' || component.kind === 'withheld_tax') feeLines.push(line);
    if (!line.channelOrderId) {
      buckets.other.rows += 1;
      buckets.other.amount += line.amount.amountMinor;
      continue;
    }
    const tally = tallies.get(line.channelOrderId) ?? { lineNumbers: [], items: new Map<string, ItemTally>() };
    tallies.set(line.channelOrderId, tally);
    if (!tally.lineNumbers.includes(line.lineNumber)) tally.lineNumbers.push(line.lineNumber);
    const transactionType = line.transactionType ?? '';
    const itemKey = `${transactionType}|${line.transactionId ?? ''}|${line.channelLineId ?? ''}`;
    const item = tally.items.get(itemKey) ?? {
      transactionType,
      ...(line.channelLineId ? { channelLineId: line.channelLineId } : {}),
      ...(line.transactionId ? { transactionId: line.transactionId } : {}),
      lineNumbers: [],
      rows: 0,
      sums: new Map<string, number>(),
    };
    tally.items.set(itemKey, item);
    if (!item.sku && line.sku) item.sku = line.sku;
    if (!item.lineNumbers.includes(line.lineNumber)) item.lineNumbers.push(line.lineNumber);
    item.rows += 1;
    const key = componentKey(component);
    item.sums.set(key, (item.sums.get(key) ?? 0) + line.amount.amountMinor);
  }
  if (!header) throw new Error(`${source} has no settlement header`);
  const { channel, currency, settlementId } = header;
  const money = (amountMinor: number) => ({ amountMinor, currency });

  const orders: SettledOrder[] = [];
  const exceptions: ReconciliationExceptionData[] = [];
  for (const [channelOrderId, tally] of tallies) {
    const orderId = orderIdFor(channel, channelOrderId);
    const found = await ports.orders.getOrder(orderId);
    const checked = checkOrder(channelOrderId, found?.order, tally, header, ports.policy);
    for (const item of tally.items.values()) {
      const bucket = !found || checked.unknownItems.has(item) ? buckets.unmatched : buckets.matched;
      bucket.rows += item.rows;
      bucket.amount += itemTotal(item);
    }
    orders.push(checked.settled);
    exceptions.push(...checked.exceptions);
    if (found) await ports.settlements.markSettled(orderId, settlementId);
  }

  const counted = buckets.matched.amount + buckets.unmatched.amount + buckets.other.amount;
  const deposit = header.totalAmount;
  const balanced = !deposit || deposit.amountMinor === counted;
  if (!balanced) {
    exceptions.push({
      reason: 'AMOUNT_VARIANCE',
      channel,
      settlementId,
      lineNumbers: [],
      expected: deposit,
      actual: money(counted),
      detail: `the rows of settlement ${settlementId} add up to ${counted} minor units; its deposit (total-amount) is ${deposit?.amountMinor}`,
    });
  }
  const entries = feeEntries(header, feeLines, ports.policy, now);
  const report = SettlementReport.parse({
    settlementId,
    channel,
    currency,
    source,
    reconciledAt: now.toISOString(),
    ...(header.startDate ? { startDate: header.startDate } : {}),
    ...(header.endDate ? { endDate: header.endDate } : {}),
    ...(header.depositDate ? { depositDate: header.depositDate } : {}),
    ...(header.totalAmount ? { totalAmount: header.totalAmount } : {}),
    counts: {
      lines,
      orders: orders.length,
      accountLines: buckets.other.rows,
      matched: orders.filter((o) => o.status === 'matched').length,
      variance: orders.filter((o) => o.status === 'variance').length,
      unmatched: orders.filter((o) => o.status === 'unmatched').length,
    },
    balance: {
      rows: { matched: buckets.matched.rows, unmatched: buckets.unmatched.rows, other: buckets.other.rows },
      matched: money(buckets.matched.amount),
      unmatched: money(buckets.unmatched.amount),
      other: money(buckets.other.amount),
      counted: money(counted),
      ...(deposit ? { deposit } : {}),
      balanced,
    },
    feeEntryIds: entries.map((entry) => entry.entryId),
  });
  await ports.settlements.saveReport(report, orders);
  const trace = { correlationId: `settlement:${channel}:${settlementId}`, causationId: source };
  await ports.publisher.publish([
    ...exceptions.map((exception) => reconciliationException(exception, trace)),
    ...entries.map((entry) => createEvent(JournalEntryPrepared, { entry, kind: 'marketplace_fees' }, trace)),
  ]);
  return { report, orders, exceptions };
}

export function reconciliationException(
  data: ReconciliationExceptionData,
  trace: { correlationId: string; causationId?: string },
): FabricEvent {
  return createEvent(ReconciliationException, data, trace);
}

/**
 * One settled order against the canonical order (absent: never received): each item matched to its
 * order line, its fees by type against the schedule, and what the buyer paid against the order total.
 */
function checkOrder(
  channelOrderId: string,
  order: Order | undefined,
  tally: OrderTally,
  header: SettlementHeader,
  policy: AccountingPolicy,
): { settled: SettledOrder; exceptions: ReconciliationExceptionData[]; unknownItems: Set<ItemTally> } {
  const { channel, currency, settlementId } = header;
  const money = (amountMinor: number) => ({ amountMinor, currency });
  const schedule = policy.channels[channel]?.expectedFees;
  const exceptions: ReconciliationExceptionData[] = [];
  const common = {
    channel,
    settlementId,
    channelOrderId,
    ...(order ? { orderId: order.orderId } : {}),
  };
  const unknownItems = new Set<ItemTally>();
  let charges = 0;
  let refunds = 0;
  let fees = 0;
  let other = 0;
  let feeVariance = 0;
  let checkedFees = false;
  const items: SettledItem[] = [];
  for (const item of tally.items.values()) {
    const refund = isRefund(item.transactionType);
    for (const [key, amount] of item.sums) {
      const kind = key.slice(0, key.indexOf(':')) as ComponentKind;
      if (CHARGE_KINDS.has(kind)) {
        if (refund) refunds += amount;
        else charges += amount;
      } else if (kind === 'refund') refunds += amount;
      else if (kind === 'fee') fees -= amount;
      else if (kind !== 'withheld_tax') other += amount;
    }
    const orderLine = item.channelLineId ? order?.lines.find((l) => l.channelLineId === item.channelLineId) : undefined;
    if (order && item.channelLineId && !orderLine) {
      unknownItems.add(item);
      exceptions.push({
        ...common,
        reason: 'UNKNOWN_ORDER_LINE',
        channelLineId: item.channelLineId,
        lineNumbers: item.lineNumbers,
        detail: `order ${order.orderId} has no line for item ${item.channelLineId}`,
      });
    }
    const actualFees = feeRows(item.sums);
    const expectedFees =
      order && schedule && !unknownItems.has(item)
        ? expectedFeeRows(schedule, item.sums, refund, item.sku)
        : new Map<string, number>();
    const feeTypes = [...new Set([...actualFees.keys(), ...expectedFees.keys()])];
    const settledFees = feeTypes.map((feeType) => {
      const actual = actualFees.get(feeType) ?? 0;
      const expected = expectedFees.get(feeType);
      if (expected === undefined) return { feeType, actual: money(actual) };
      checkedFees = true;
      feeVariance += actual - expected;
      if (schedule && Math.abs(actual - expected) > schedule.toleranceMinor) {
        exceptions.push({
          ...common,
          reason: 'FEE_VARIANCE',
          ...(item.channelLineId ? { channelLineId: item.channelLineId } : {}),
          ...(!item.channelLineId && item.transactionId ? { channelLineId: item.transactionId } : {}),
          feeType,
          lineNumbers: item.lineNumbers,
          expected: money(-expected),
          actual: money(-actual),
          detail: `${channel} kept ${-actual} minor units of ${feeType} on ${item.transactionType} item ${item.channelLineId ?? item.transactionId ?? '(order)'}; its schedule says ${-expected}`,
        });
      }
      return { feeType, actual: money(actual), expected: money(expected) };
    });
    items.push({
      transactionType: item.transactionType,
      ...(item.channelLineId ? { channelLineId: item.channelLineId } : {}),
      ...(item.transactionId ? { transactionId: item.transactionId } : {}),
      ...(orderLine ? { orderLineId: orderLine.lineId } : {}),
      ...(item.sku ? { sku: item.sku } : {}),
      lineNumbers: item.lineNumbers,
      components: [...item.sums].map(([key, amount]) => {
        const at = key.indexOf(':');
        return { kind: key.slice(0, at), name: key.slice(at + 1), amount: money(amount) };
      }),
      fees: settledFees,
    });
  }
  const base = {
    channelOrderId,
    lineNumbers: tally.lineNumbers,
    charges: money(charges),
    refunds: money(refunds),
    fees: money(fees),
    ...(other ? { other: money(other) } : {}),
    items,
  };
  if (!order) {
    exceptions.push({
      ...common,
      reason: 'UNKNOWN_ORDER',
      lineNumbers: tally.lineNumbers,
      detail: `settlement ${settlementId} names ${channel} order ${channelOrderId}, which the fabric never received`,
    });
    return {
      settled: { ...base, status: 'unmatched', orderLineIds: [], reasons: ['UNKNOWN_ORDER'] },
      exceptions,
      unknownItems,
    };
  }
  const expected: { expectedCharges?: Money; expectedFees?: Money } = {};
  if (checkedFees) expected.expectedFees = money(fees + feeVariance);
  if (charges !== 0) {
    const tolerance = policy.settlement.amountToleranceMinor;
    if (currency === order.currency) expected.expectedCharges = order.totals.total;
    if (currency !== order.currency) {
      exceptions.push({
        ...common,
        reason: 'AMOUNT_VARIANCE',
        lineNumbers: tally.lineNumbers,
        actual: money(charges),
        detail: `the settlement is in ${currency}, the order in ${order.currency}`,
      });
    } else if (Math.abs(charges - order.totals.total.amountMinor) > tolerance) {
      exceptions.push({
        ...common,
        reason: 'AMOUNT_VARIANCE',
        lineNumbers: tally.lineNumbers,
        expected: order.totals.total,
        actual: money(charges),
        detail: `settled charges differ from the order total by ${charges - order.totals.total.amountMinor} minor units`,
      });
    }
  }
  const orderLineIds = order.lines
    .filter((line) => items.some((item) => item.orderLineId === line.lineId))
    .map((line) => line.lineId);
  return {
    settled: {
      ...base,
      orderId: order.orderId,
      status: exceptions.length ? 'variance' : 'matched',
      orderLineIds,
      reasons: [...new Set(exceptions.map((e) => e.reason))],
      ...expected,
    },
    exceptions,
    unknownItems,
  };
}

/**
 * The settlement's fees as journal entries: each fee line to marketplace fees (a rebate as a credit),
 * tax the marketplace withheld off tax payable, and their sum off the channel's clearing account.
 */
export function feeEntries(
  header: SettlementHeader,
  feeLines: readonly SettlementLine[],
  policy: AccountingPolicy,
  now = new Date(),
): JournalEntry[] {
  const entries: JournalEntry[] = [];
  const clearing = settlementAccountFor(policy, header.channel);
  for (let start = 0, part = 1; start < feeLines.length; start += MAX_FEE_LINES_PER_ENTRY, part += 1) {
    const draft = new JournalEntryDraft({
      entryId: `fees:${header.channel}:${header.settlementId}:${part}`,
      postingDate: postingDate(header, now),
      currency: header.currency,
      memo: `${header.channel} settlement ${header.settlementId} fees${feeLines.length > MAX_FEE_LINES_PER_ENTRY ? `, part ${part}` : ''}`,
    });
    for (const line of feeLines.slice(start, start + MAX_FEE_LINES_PER_ENTRY)) {
      const account =
        settlementComponent(line).kind === 'withheld_tax'
          ? policy.accounts.salesTaxPayable
          : policy.accounts.marketplaceFees;
      draft.debit(
        account,
        -line.amount.amountMinor,
        `settlement:${header.settlementId}:line:${line.lineNumber}`,
        `${line.amountType} ${line.amountDescription}`.trim(),
      );
    }
    draft.credit(clearing, draft.imbalanceMinor(), `settlement:${header.settlementId}`);
    const entry = draft.build();
    if (entry) entries.push(entry);
  }
  return entries;
}

function postingDate(header: SettlementHeader, now: Date): string {
  const date = (header.depositDate ?? header.endDate ?? '').slice(0, 10);
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  // Amazon writes dates in the marketplace's locale ("17.03.2026"); the posting date is then the day reconciled.
  return now.toISOString().slice(0, 10);
}

/** A settlement report as it arrived: its channel (from its path), where it is, and a way to read its bytes. */
export interface SettlementUpload {
  channel: 'amazon' | 'shopify';
  source: string;
  open(): Promise<ByteChunks>;
}

export type SettlementUploadOutcome =
  | {
      outcome: 'reconciled';
      settlementId: string;
      counts: SettlementReport['counts'];
      /** The report's rows add up to its deposit. */
      balanced: boolean;
      exceptions: number;
    }
  | { outcome: 'rejected'; reason: string };

/**
 * Reads and reconciles one uploaded report. A report that cannot be read (a missing column, an amount
 * that is not one, JSON that is not a payout) reconciles nothing and raises REPORT_REJECTED naming the
 * line and field; the file stays where it was uploaded. Infrastructure failures throw, for a retry.
 */
export async function reconcileSettlementUpload(
  upload: SettlementUpload,
  ports: SettlementPorts,
): Promise<SettlementUploadOutcome> {
  try {
    const records = readSettlementReport(upload.channel, await upload.open());
    const { report, exceptions } = await reconcileSettlement(records, upload.source, ports);
    return {
      outcome: 'reconciled',
      settlementId: report.settlementId,
      counts: report.counts,
      balanced: report.balance?.balanced ?? true,
      exceptions: exceptions.length,
    };
  } catch (error) {
    if (!(error instanceof SettlementFormatError)) throw error;
    await ports.publisher.publish([
      reconciliationException(
        {
          reason: 'REPORT_REJECTED',
          channel: upload.channel,
          lineNumbers: error.lineNumber ? [error.lineNumber] : [],
          detail: `${upload.source}: ${error.message}`,
        },
        { correlationId: upload.source },
      ),
    ]);
    return { outcome: 'rejected', reason: error.message };
  }
}
