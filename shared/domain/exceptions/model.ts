import type { EventDataOf } from '#domain/kernel/event';
import type { ChangeRefused, PricingException } from '#domain/pricing';
import type { ErpPostingRejected } from '#domain/erp';
import type { ChannelCatchUpFailing, OrderNeedsAttention } from '#domain/intake';
import type { OrderStateChanged, OrderStuck, OrderTransitionRefused } from '#domain/orders';
import type { ChannelCancellationNeeded, OversellIncident } from '#domain/channel-sync';
import { formatDecimalMoney } from '#domain/kernel/money';
import type { PosLineNeedsAttention, PosSequenceGapDetected } from '#domain/pos';
import type { ReconciliationException } from '#domain/accounting';
import type { ReturnNeedsAttention } from '#domain/returns';
import type { FulfilmentUnsourceable, TillHandOverUnmatched } from '#domain/fulfilment';
import type { FabricEvent } from '#domain/kernel/event';
import type { SalesChannel } from '#domain/kernel/order';

/**
 * The exceptions work queue: every event that says "a person must look" becomes one row, keyed on
 * its cause, so the same cause raised again counts up instead of adding a row.
 */

/**
 * The events that raise an exception; the capability's routing rule lists exactly these, and its
 * pattern's type holds them to the catalog's detail types. They are named here rather than read off
 * the event definitions: a value import of a definition builds its capability's schemas at load, and
 * the functions that only read exceptions (the ERP status API, the overview) built every
 * capability's, some 1,250, at each cold start for these names alone (issue 27).
 */
export const EXCEPTION_KINDS = [
  'OrderNeedsAttention',
  'ReturnNeedsAttention',
  'ReconciliationException',
  'ErpPostingRejected',
  'PosLineNeedsAttention',
  'PosSequenceGapDetected',
  'PricingException',
  'OversellIncident',
  'OrderStuck',
  'OrderTransitionRefused',
  'ChangeRefused',
  'ChannelCatchUpFailing',
  'FulfilmentUnsourceable',
  'ChannelCancellationNeeded',
  'TillHandOverUnmatched',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** The events that say a cause went away: an order that moves on resolves what held it. */
export const RESOLVING_EVENTS = ['OrderStateChanged'] as const;

/** The order moves that resolve no exception (kindsResolvedBy answers none), by the state they leave. */
export const ORDER_MOVES_RESOLVING_NOTHING = { from: ['none'] } as const;

export type ExceptionStatus = 'open' | 'resolved' | 'dismissed';
/** critical: money or stock is wrong until someone acts; warning: work waits; info: a record to review. */
export type ExceptionSeverity = 'critical' | 'warning' | 'info';
/** What a person can do about it from the CLI or the API. */
export type ExceptionFix = 'map-sku' | 'reprocess' | 'retry' | 'cancel-order' | 'dismiss';

/** What the exception is about, in retail terms. */
export interface ExceptionSubject {
  type:
    | 'order'
    | 'channel-sku'
    | 'return'
    | 'settlement'
    | 'erp-document'
    | 'pos-transaction'
    | 'register-day'
    | 'catalog-change'
    | 'channel';
  key: string;
}

/** One thing done to an exception, by a person or by the fabric: the audit trail. */
export interface ExceptionAction {
  action: 'resolved' | 'dismissed' | 'reprocessed' | 'retried' | 'reopened';
  by: string;
  at: string;
  why: string;
  /** What the fix did (published again, skipped and why). */
  outcome?: string;
}

/** One row of the work queue. */
export interface ExceptionRecord {
  id: string;
  kind: ExceptionKind;
  severity: ExceptionSeverity;
  subject: ExceptionSubject;
  channel?: SalesChannel | 'pos';
  orderId?: string;
  /** The event's reason code (UNKNOWN_SKU, AMOUNT_VARIANCE...). */
  reasonCode: string;
  /** Human-readable, with the failing fields' paths. */
  reason: string;
  fieldPaths: string[];
  fixes: ExceptionFix[];
  status: ExceptionStatus;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** What a fix needs: the archive key of a held order, the channel SKUs it waits for, the ERP document key. */
  context: Record<string, unknown>;
  /** Every action after the first sighting, oldest first: who changed the status or applied a fix, when and why. */
  actions: ExceptionAction[];
  /** Events already counted: a redelivery changes nothing. */
  eventIds: string[];
  version: number;
}

/** What one exception event says, before it meets the queue. */
export type RaisedException = Pick<
  ExceptionRecord,
  | 'id'
  | 'kind'
  | 'severity'
  | 'subject'
  | 'channel'
  | 'orderId'
  | 'reasonCode'
  | 'reason'
  | 'fieldPaths'
  | 'fixes'
  | 'context'
>;

const issuesText = (issues: readonly { path: string; message: string }[]) =>
  issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');

/**
 * The exception an event raises, with an id from its cause: the same order held for the same reason,
 * the same ERP document rejected, the same register-day with a gap are one row however often raised.
 * Pure; throws only for a detail-type that is not an exception kind.
 */
export function exceptionFrom(event: FabricEvent<unknown>): RaisedException {
  const kind = event.detailType as ExceptionKind;
  const make = (raised: Omit<RaisedException, 'kind' | 'id'> & { cause: string }): RaisedException => {
    const { cause, ...rest } = raised;
    return { id: `${kind}#${cause}`, kind, ...rest };
  };
  switch (kind) {
    case 'OrderNeedsAttention': {
      const data = event.data as EventDataOf<typeof OrderNeedsAttention>;
      const unknownSku = data.reason === 'UNKNOWN_SKU';
      return make({
        cause: `${data.orderId}#${data.reason}`,
        severity: 'warning',
        subject: { type: 'order', key: data.orderId },
        channel: data.channel,
        orderId: data.orderId,
        reasonCode: data.reason,
        reason: issuesText(data.details) || data.reason,
        fieldPaths: data.details.map((issue) => issue.path),
        // Reprocessing maps the archived delivery again: without its key there is nothing to map.
        fixes: [
          ...(unknownSku ? ['map-sku' as const] : []),
          ...(data.archiveKey ? ['reprocess' as const] : []),
          'dismiss',
        ],
        context: {
          channelOrderId: data.channelOrderId,
          ...(data.archiveKey ? { archiveKey: data.archiveKey } : {}),
          ...(data.channelSkus ? { channelSkus: data.channelSkus } : {}),
        },
      });
    }
    case 'ReturnNeedsAttention': {
      const data = event.data as EventDataOf<typeof ReturnNeedsAttention>;
      return make({
        cause: `${data.returnId}#${data.reason}`,
        severity: 'warning',
        subject: { type: 'return', key: data.returnId },
        channel: data.receivedThrough,
        ...(data.orderId ? { orderId: data.orderId } : {}),
        reasonCode: data.reason,
        reason: data.detail,
        fieldPaths: data.lines.map((line) => `lines.${line.position - 1}`),
        fixes: ['dismiss'],
        context: { lines: data.lines },
      });
    }
    case 'ReconciliationException': {
      const data = event.data as EventDataOf<typeof ReconciliationException>;
      const about = data.orderId ?? data.channelOrderId ?? data.lineNumbers.join(',');
      return make({
        cause: `${data.channel}#${data.settlementId ?? '-'}#${data.reason}#${about}`,
        severity: data.reason === 'NEVER_SETTLED' ? 'warning' : 'critical',
        subject: { type: 'settlement', key: data.settlementId ?? `${data.channel}:${about}` },
        channel: data.channel,
        ...(data.orderId ? { orderId: data.orderId } : {}),
        reasonCode: data.reason,
        reason: `${data.reason} on settlement ${data.settlementId ?? '(none)'}${data.lineNumbers.length ? ` lines ${data.lineNumbers.join(', ')}` : ''}`,
        fieldPaths: data.lineNumbers.map((line) => `lines.${line}`),
        fixes: ['dismiss'],
        context: { ...data },
      });
    }
    case 'ErpPostingRejected': {
      const data = event.data as EventDataOf<typeof ErpPostingRejected>;
      return make({
        cause: `${data.documentType}#${data.documentKey}`,
        severity: 'critical',
        subject: { type: 'erp-document', key: `${data.documentType}:${data.documentKey}` },
        ...(data.orderId ? { orderId: data.orderId } : {}),
        reasonCode: data.erpCode,
        reason: `${data.erp} answered ${data.status} ${data.erpCode}: ${data.erpMessage}`,
        fieldPaths: [],
        fixes: ['retry', 'dismiss'],
        context: { ...data },
      });
    }
    case 'PosLineNeedsAttention': {
      const data = event.data as EventDataOf<typeof PosLineNeedsAttention>;
      const { storeId, registerId, businessDay, sequence } = data.key;
      return make({
        cause: `${storeId}#${registerId}#${businessDay}#${sequence}#${data.reason}`,
        severity: 'warning',
        subject: { type: 'pos-transaction', key: `${storeId}/${registerId}/${businessDay}/${sequence}` },
        channel: 'pos',
        reasonCode: data.reason,
        reason: data.lines
          .map((line) => `line ${line.lineNumber} item ${line.itemCode}${line.detail ? `: ${line.detail}` : ''}`)
          .join('; '),
        fieldPaths: data.lines.map((line) => `lines.${line.lineNumber}.itemCode`),
        fixes:
          data.reason !== 'UNKNOWN_SKU'
            ? ['dismiss']
            : data.recorded
              ? ['map-sku', 'reprocess', 'dismiss']
              : ['map-sku', 'dismiss'],
        context: {
          transactionId: data.transactionId,
          key: data.key,
          lines: data.lines,
          ...(data.reason === 'UNKNOWN_SKU' ? { channelSkus: data.lines.map((line) => `sku:${line.itemCode}`) } : {}),
          ...(data.recorded ? { recorded: data.recorded } : {}),
        },
      });
    }
    case 'PosSequenceGapDetected': {
      const data = event.data as EventDataOf<typeof PosSequenceGapDetected>;
      return make({
        cause: `${data.storeId}#${data.registerId}#${data.businessDay}`,
        severity: 'warning',
        subject: { type: 'register-day', key: `${data.storeId}/${data.registerId}/${data.businessDay}` },
        channel: 'pos',
        reasonCode: 'SEQUENCE_GAP',
        reason: `${data.missing} transaction(s) missing: ${data.gaps.map((gap) => JSON.stringify(gap)).join(', ')}`,
        fieldPaths: [],
        fixes: ['dismiss'],
        context: { gaps: data.gaps, batch: data.batch },
      });
    }
    case 'PricingException': {
      const data = event.data as EventDataOf<typeof PricingException>;
      return make({
        cause: data.orderId,
        severity: 'warning',
        subject: { type: 'order', key: data.orderId },
        channel: data.channel,
        orderId: data.orderId,
        reasonCode: 'BELOW_EFFECTIVE_PRICE',
        reason: data.lines
          .map(
            (line) =>
              `${line.sku} charged ${line.unitPrice.amountMinor} < effective ${line.effectivePrice.amountMinor} (minor units)`,
          )
          .join('; '),
        fieldPaths: data.lines.map((line) => `lines.${line.lineId}.unitPrice`),
        fixes: ['dismiss'],
        context: { lines: data.lines },
      });
    }
    case 'OversellIncident': {
      const data = event.data as EventDataOf<typeof OversellIncident>;
      return make({
        cause: `${data.orderId}#${data.sku}`,
        severity: 'critical',
        subject: { type: 'order', key: data.orderId },
        channel: data.channel,
        orderId: data.orderId,
        reasonCode: 'SOLD_AFTER_ZERO',
        reason: `${data.quantity} x ${data.sku} ordered after the channel acknowledged zero available`,
        fieldPaths: [`sku:${data.sku}`],
        fixes: ['cancel-order', 'dismiss'],
        context: { channelOrderId: data.channelOrderId, sku: data.sku, timeline: data.timeline },
      });
    }
    case 'ChannelCancellationNeeded': {
      const data = event.data as EventDataOf<typeof ChannelCancellationNeeded>;
      const why = data.reason === 'PICKUP_EXPIRED' ? 'its pickup was never collected' : 'stock could not cover it';
      return make({
        cause: `${data.orderId}#channel-cancellation`,
        severity: 'critical',
        subject: { type: 'order', key: data.orderId },
        channel: data.channel,
        orderId: data.orderId,
        reasonCode: 'CANCEL_ON_CHANNEL',
        reason: `the fabric cancelled ${data.channel} order ${data.channelOrderId} (${why}) and has no ${data.channel} cancellation API: cancel it there and refund ${formatDecimalMoney(data.total)} ${data.total.currency}`,
        fieldPaths: [],
        fixes: ['dismiss'],
        context: { channelOrderId: data.channelOrderId, reason: data.reason, total: data.total },
      });
    }
    case 'OrderStuck': {
      const data = event.data as EventDataOf<typeof OrderStuck>;
      return make({
        cause: `${data.orderId}#${data.state}#${data.version}`,
        severity: 'warning',
        subject: { type: 'order', key: data.orderId },
        orderId: data.orderId,
        reasonCode: 'SLA_MISSED',
        reason: `in ${data.state} since ${data.since}, past its deadline ${data.deadline}`,
        fieldPaths: [],
        fixes: ['dismiss'],
        context: { state: data.state, version: data.version },
      });
    }
    case 'FulfilmentUnsourceable': {
      const data = event.data as EventDataOf<typeof FulfilmentUnsourceable>;
      return make({
        cause: `${data.orderId}#${data.requestId}`,
        severity: 'warning',
        subject: { type: 'order', key: data.orderId },
        channel: data.channel,
        orderId: data.orderId,
        reasonCode: data.reason,
        reason: `no location takes the part held at ${data.locationId} (${data.reason}): ${data.detail}; its units stay held`,
        fieldPaths: data.lines.map((line) => `sku:${line.sku}`),
        fixes: ['dismiss'],
        context: { requestId: data.requestId, locationId: data.locationId, lines: data.lines },
      });
    }
    case 'TillHandOverUnmatched': {
      const data = event.data as EventDataOf<typeof TillHandOverUnmatched>;
      return make({
        cause: `${data.orderId}#${data.storeId}#till`,
        severity: 'warning',
        subject: { type: 'order', key: data.orderId },
        orderId: data.orderId,
        reasonCode: 'TILL_HAND_OVER_UNMATCHED',
        reason: `${data.storeId} register ${data.registerId} handed over order ${data.orderId} and nothing was collected: ${data.reason}; count the shelf and settle the order`,
        fieldPaths: [],
        fixes: ['dismiss'],
        context: { storeId: data.storeId, registerId: data.registerId },
      });
    }
    case 'OrderTransitionRefused': {
      const data = event.data as EventDataOf<typeof OrderTransitionRefused>;
      return make({
        cause: `${data.orderId}#${data.refusedEventId}`,
        severity: 'warning',
        subject: { type: 'order', key: data.orderId },
        orderId: data.orderId,
        reasonCode: 'TRANSITION_REFUSED',
        reason: `${data.on} would move ${data.from} -> ${data.to}: ${data.reason}`,
        fieldPaths: [],
        fixes: ['dismiss'],
        context: { refusedEventType: data.refusedEventType, refusedEventId: data.refusedEventId },
      });
    }
    case 'ChangeRefused': {
      const data = event.data as EventDataOf<typeof ChangeRefused>;
      return make({
        cause: `${data.domain}#${data.subject}#${data.sourceSystem}`,
        severity: 'info',
        subject: { type: 'catalog-change', key: data.subject },
        reasonCode: 'NOT_THE_OWNER',
        reason: `${data.sourceSystem} changed ${data.subject} through ${data.via}; ${data.owner} owns ${data.domain}`,
        fieldPaths: [],
        fixes: ['dismiss'],
        context: { ...data },
      });
    }
    case 'ChannelCatchUpFailing': {
      const data = event.data as EventDataOf<typeof ChannelCatchUpFailing>;
      return make({
        // One row per failing spell: each further failed run counts up on it.
        cause: `${data.channel}#${data.failingSince}`,
        severity: 'warning',
        subject: { type: 'channel', key: data.channel },
        channel: data.channel,
        reasonCode: 'CATCH_UP_FAILING',
        reason: `${data.failures} catch-up runs in a row failed since ${data.failingSince}: ${data.reason}`,
        fieldPaths: [],
        fixes: ['dismiss'],
        context: { connector: data.connector, failures: data.failures, failingSince: data.failingSince },
      });
    }
    default:
      throw new Error(`${event.detailType} is not an exception kind`);
  }
}

/**
 * The exception kinds an order's move resolves: any move ends a stay reported stuck in another state;
 * leaving `received` for a later state ends a hold (the order proceeds); reaching posted_to_erp ends
 * an ERP rejection of its sales order. An order's first move (from `none`, only ever to `received`)
 * resolves nothing: it had no state to be stuck in and has not left `received`. The exceptions
 * routing rule leaves those moves out (ORDER_MOVES_RESOLVING_NOTHING), so they cost no delivery.
 */
export function kindsResolvedBy(
  change: EventDataOf<typeof OrderStateChanged>,
): { kind: ExceptionKind; unless?: (record: ExceptionRecord) => boolean }[] {
  if ((ORDER_MOVES_RESOLVING_NOTHING.from as readonly string[]).includes(change.from)) return [];
  const resolved: { kind: ExceptionKind; unless?: (record: ExceptionRecord) => boolean }[] = [
    { kind: 'OrderStuck', unless: (record) => record.context.state === change.to },
  ];
  if (change.to !== 'received') resolved.push({ kind: 'OrderNeedsAttention' });
  if (change.to === 'posted_to_erp') resolved.push({ kind: 'ErpPostingRejected' });
  return resolved;
}

/** Who resolves an exception whose cause went away. */
export const FABRIC_ACTOR = 'fabric';
