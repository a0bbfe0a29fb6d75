import { z } from 'zod';
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

/**
 * Settlement reconciliation: every line of a marketplace settlement is matched to the canonical order
 * it names; what the buyer paid is compared with the order, what the marketplace kept with the
 * channel's fee schedule; fees are booked; and whatever does not match is a ReconciliationException,
 * raised when the report arrives, not found at month end.
 */

export const SettledOrder = z.object({
  channelOrderId: z.string().min(1),
  orderId: z.string().min(1).optional(),
  status: z.enum(['matched', 'variance', 'unmatched']),
  lineNumbers: z.array(z.number().int().positive()),
  /** What the buyer paid for the order (Amazon ItemPrice and Promotion lines, Shopify charges). */
  charges: Money,
  refunds: Money,
  /** What the marketplace kept, positive. */
  fees: Money,
  expectedCharges: Money.optional(),
  expectedFees: Money.optional(),
  /** The canonical order lines the settlement's items matched. */
  orderLineIds: z.array(z.string()),
  reasons: z.array(ReconciliationReason),
});
export type SettledOrder = z.infer<typeof SettledOrder>;

export const SettlementReport = z.object({
  settlementId: z.string().min(1),
  channel: SalesChannel,
  currency: z.string(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  depositDate: z.string().optional(),
  totalAmount: Money.optional(),
  /** Where the report was read from (the raw file stays there: the bucket is append-only). */
  source: z.string().min(1),
  reconciledAt: z.iso.datetime({ offset: true }),
  counts: z.object({
    lines: z.number().int().nonnegative(),
    orders: z.number().int().nonnegative(),
    matched: z.number().int().nonnegative(),
    variance: z.number().int().nonnegative(),
    unmatched: z.number().int().nonnegative(),
    /** Lines that name no order: account-level fees, reserves, subscriptions. */
    accountLines: z.number().int().nonnegative(),
  }),
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

/** How a line counts: what the buyer paid, what the channel kept, or tax the marketplace remitted for us. */
export function settlementCategory(line: SettlementLine): 'charge' | 'fee' | 'withheld_tax' {
  if (line.channel === 'amazon') {
    if (line.amountType === 'ItemPrice' || line.amountType === 'Promotion') return 'charge';
    if (line.amountType === 'ItemWithheldTax') return 'withheld_tax';
    return 'fee';
  }
  return line.amountType === 'charge' || line.amountType === 'refund' ? 'charge' : 'fee';
}

/** Refund transactions carry negative charges: they are reported, not compared with the order total. */
function isRefund(line: SettlementLine): boolean {
  return /^refund$/i.test(line.transactionType ?? '');
}

/** One journal entry carries at most this many lines, so that its event stays far below 256 KB. */
export const MAX_FEE_LINES_PER_ENTRY = 400;

interface OrderTally {
  lineNumbers: number[];
  charges: number;
  refunds: number;
  fees: number;
  items: Set<string>;
}

/**
 * Reconciles one settlement report: reads it to its end, matches each order it names (channel order
 * id -> the fabric's order id, then the order store), stores the report, marks matched orders settled,
 * and publishes a ReconciliationException per unknown order, unknown order line, amount variance and
 * fee variance, and the settlement's fees (and tax the marketplace withheld) as JournalEntryPrepared,
 * split into entries of at most MAX_FEE_LINES_PER_ENTRY lines. Deterministic for a given report and
 * order store, so a re-run stores the same report and publishes the same entry ids.
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
  let lines = 0;
  let accountLines = 0;
  for await (const record of records) {
    if (record.kind === 'header') {
      header = record.header;
      continue;
    }
    const { line } = record;
    lines += 1;
    const category = settlementCategory(line);
    if (category !== 'charge') feeLines.push(line);
    if (!line.channelOrderId) {
      accountLines += 1;
      continue;
    }
    const tally = tallies.get(line.channelOrderId) ?? {
      lineNumbers: [],
      charges: 0,
      refunds: 0,
      fees: 0,
      items: new Set<string>(),
    };
    tallies.set(line.channelOrderId, tally);
    if (!tally.lineNumbers.includes(line.lineNumber)) tally.lineNumbers.push(line.lineNumber);
    if (category === 'charge' && isRefund(line)) tally.refunds += line.amount.amountMinor;
    else if (category === 'charge') tally.charges += line.amount.amountMinor;
    else if (category === 'fee' && !isRefund(line)) tally.fees -= line.amount.amountMinor;
    if (line.channelLineId) tally.items.add(line.channelLineId);
  }
  if (!header) throw new Error(`${source} has no settlement header`);
  const { channel, currency, settlementId } = header;
  const money = (amountMinor: number) => ({ amountMinor, currency });

  const orders: SettledOrder[] = [];
  const exceptions: ReconciliationExceptionData[] = [];
  for (const [channelOrderId, tally] of tallies) {
    const orderId = orderIdFor(channel, channelOrderId);
    const found = await ports.orders.getOrder(orderId);
    const base = {
      channelOrderId,
      lineNumbers: tally.lineNumbers,
      charges: money(tally.charges),
      refunds: money(tally.refunds),
      fees: money(tally.fees),
    };
    if (!found) {
      orders.push({ ...base, status: 'unmatched', orderLineIds: [], reasons: ['UNKNOWN_ORDER'] });
      exceptions.push({
        reason: 'UNKNOWN_ORDER',
        channel,
        settlementId,
        channelOrderId,
        lineNumbers: tally.lineNumbers,
        detail: `settlement ${settlementId} names ${channel} order ${channelOrderId}, which the fabric never received`,
      });
      continue;
    }
    const checked = checkOrder(found.order, tally, header, ports.policy);
    orders.push({
      ...base,
      orderId,
      status: checked.exceptions.length ? 'variance' : 'matched',
      orderLineIds: checked.orderLineIds,
      reasons: checked.exceptions.map((e) => e.reason),
      ...checked.expected,
    });
    exceptions.push(...checked.exceptions);
    await ports.settlements.markSettled(orderId, settlementId);
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
      accountLines,
      matched: orders.filter((o) => o.status === 'matched').length,
      variance: orders.filter((o) => o.status === 'variance').length,
      unmatched: orders.filter((o) => o.status === 'unmatched').length,
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

function checkOrder(order: Order, tally: OrderTally, header: SettlementHeader, policy: AccountingPolicy) {
  const { channel, currency, settlementId } = header;
  const money = (amountMinor: number) => ({ amountMinor, currency });
  const exceptions: ReconciliationExceptionData[] = [];
  const common = {
    channel,
    settlementId,
    channelOrderId: order.channelOrderId,
    orderId: order.orderId,
    lineNumbers: tally.lineNumbers,
  };
  const orderLineIds = order.lines.filter((line) => tally.items.has(line.channelLineId)).map((line) => line.lineId);
  const unknownItems = [...tally.items].filter((item) => !order.lines.some((line) => line.channelLineId === item));
  if (unknownItems.length) {
    exceptions.push({
      ...common,
      reason: 'UNKNOWN_ORDER_LINE',
      detail: `order ${order.orderId} has no line for item(s) ${unknownItems.join(', ')}`,
    });
  }
  const expected: { expectedCharges?: Money; expectedFees?: Money } = {};
  if (tally.charges !== 0) {
    const tolerance = policy.settlement.amountToleranceMinor;
    if (currency === order.currency) expected.expectedCharges = order.totals.total;
    if (currency !== order.currency) {
      exceptions.push({
        ...common,
        reason: 'AMOUNT_VARIANCE',
        actual: money(tally.charges),
        detail: `the settlement is in ${currency}, the order in ${order.currency}`,
      });
    } else if (Math.abs(tally.charges - order.totals.total.amountMinor) > tolerance) {
      exceptions.push({
        ...common,
        reason: 'AMOUNT_VARIANCE',
        expected: order.totals.total,
        actual: money(tally.charges),
        detail: `settled charges differ from the order total by ${tally.charges - order.totals.total.amountMinor} minor units`,
      });
    }
    const schedule = policy.channels[channel]?.expectedFees;
    if (schedule) {
      // Round half up: the schedule's fee in integer arithmetic, never a float.
      const expectedFee =
        Math.floor((tally.charges * schedule.percentBasisPoints + 5_000) / 10_000) + schedule.fixedMinor;
      expected.expectedFees = money(expectedFee);
      if (Math.abs(tally.fees - expectedFee) > schedule.toleranceMinor) {
        exceptions.push({
          ...common,
          reason: 'FEE_VARIANCE',
          expected: money(expectedFee),
          actual: money(tally.fees),
          detail: `${channel} kept ${tally.fees} minor units in fees; its schedule says ${expectedFee}`,
        });
      }
    }
  }
  return { exceptions, orderLineIds, expected };
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
        settlementCategory(line) === 'withheld_tax' ? policy.accounts.salesTaxPayable : policy.accounts.marketplaceFees;
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
  | { outcome: 'reconciled'; settlementId: string; counts: SettlementReport['counts']; exceptions: number }
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
