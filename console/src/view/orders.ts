/**
 * What the Orders page shows, as plain data: the search, an order's header, lines, history, lifecycle,
 * reserved stock and ERP documents, and its trace as a timeline. The shapes are what the order routes
 * answer (shared/operations/orders.ts).
 */
import type { OrderDetail, OrdersWithSku, OrderTraceAnswer as OrderTrace } from '../../../shared/operations/orders';
// The channels the fabric's API takes (its SalesChannel), listed once for every page that offers them.
import { CHANNELS } from './channels';
import { formatDuration, type MoneyFigure } from './format';
import { routeHash } from './route';

export type { OrderDetail, OrdersWithSku, OrderTrace };

/** A line of the canonical order. */
export type OrderLine = NonNullable<OrderDetail['order']>['lines'][number];

export const PAGE = 'orders';

export type SearchBy = 'order' | 'channel' | 'sku';

export interface SearchForm {
  by: SearchBy;
  orderId: string;
  channel: string;
  channelOrderId: string;
  sku: string;
}

/**
 * Where a search leads: the order's own page, the order a channel knows by its id, or the list of
 * orders carrying a SKU; or which field is missing. Typed ids are trimmed, never otherwise changed.
 */
export function searchDestination(form: SearchForm): { hash: string } | { field: keyof SearchForm; problem: string } {
  if (form.by === 'order') {
    const orderId = form.orderId.trim();
    return orderId ? { hash: routeHash(PAGE, [orderId]) } : { field: 'orderId', problem: 'Enter the order id.' };
  }
  if (form.by === 'channel') {
    const channelOrderId = form.channelOrderId.trim();
    if (!CHANNELS.includes(form.channel as (typeof CHANNELS)[number]))
      return { field: 'channel', problem: 'Choose the channel.' };
    return channelOrderId
      ? { hash: routeHash(PAGE, ['by-channel', form.channel, channelOrderId]) }
      : { field: 'channelOrderId', problem: "Enter the channel's order id." };
  }
  const sku = form.sku.trim();
  return sku ? { hash: routeHash(PAGE, [], { sku }) } : { field: 'sku', problem: 'Enter the internal SKU.' };
}

/** What the page's path asks for: an order by id or by the channel's id, or nothing (the search). */
export function orderWanted(
  path: readonly string[],
): { orderId: string } | { channel: string; channelOrderId: string } | undefined {
  const [first, channel, channelOrderId] = path;
  if (!first) return undefined;
  if (first === 'by-channel' && channel && channelOrderId) return { channel, channelOrderId };
  return { orderId: first };
}

/** A state as people say it: `posted_to_erp` reads "posted to ERP". */
export function stateLabel(state: string): string {
  return state.replace(/_/g, ' ').replace(/\berp\b/, 'ERP');
}

/** The order's header: which channel order it is, where it stands, and its total. */
export function orderHeader(detail: OrderDetail): {
  channel: string;
  channelOrder: string;
  status: string;
  channelStatus?: string;
  total?: MoneyFigure;
  placedAt?: string;
} {
  const { order, held } = detail;
  return {
    channel: order?.channel ?? held?.channel ?? '-',
    channelOrder: order?.channelOrderNumber ?? order?.channelOrderId ?? held?.channelOrderId ?? '-',
    status: stateLabel(detail.status),
    ...(detail.channelStatus ? { channelStatus: stateLabel(detail.channelStatus) } : {}),
    ...(order ? { total: order.totals.total, placedAt: order.placedAt } : {}),
  };
}

/** A line as the table shows it: the internal SKU, or the channel SKU marked unmapped while it waits. */
export function lineSku(line: Pick<OrderLine, 'sku' | 'channelSku'>): { text: string; unmapped: boolean } {
  return line.sku ? { text: line.sku, unmapped: false } : { text: `UNMAPPED ${line.channelSku}`, unmapped: true };
}

/** Lifecycle moves and refusals in one list, oldest first. */
export function lifecycleEntries(lifecycle: NonNullable<OrderDetail['lifecycle']>): {
  at: string;
  from: string;
  to: string;
  on: string;
  refused?: string;
}[] {
  return [
    ...lifecycle.moves.map(({ recordedAt, from, to, on }) => ({ at: recordedAt, from, to, on })),
    ...lifecycle.refusals.map(({ recordedAt, from, to, on, reason }) => ({
      at: recordedAt,
      from,
      to,
      on,
      refused: reason,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
}

/** One step of the trace as the timeline shows it. */
export interface TimelineStep {
  at: string;
  /** Time since the first thing known about the order: "+0 ms", "+1 s". */
  offset: string;
  /** Time since the step before: how long the order waited for this one. */
  gap: string;
  what: string;
  failed: boolean;
}

/**
 * The trace's steps with their offsets and the wait before each. A consumer's failed attempt reads
 * `<DetailType> failed at <queue>...` (orderTimeline in the kernel's event trail): it is marked, so a
 * retried failure stands out in the timeline.
 */
export function timeline(trace: OrderTrace): TimelineStep[] {
  return trace.steps.map((step, i) => {
    const before = trace.steps[i - 1];
    return {
      at: step.at,
      offset: `+${formatDuration(step.sinceStartMs)}`,
      gap: before ? `+${formatDuration(step.sinceStartMs - before.sinceStartMs)}` : '',
      what: step.what,
      failed: /^\S+ failed at /.test(step.what),
    };
  });
}

/** The state an ERP document is in, in words. */
export function erpDocumentState(document: OrderDetail['erpDocuments'][number]): string {
  if (document.erpDocumentNumber) return `posted as ${document.erpDocumentNumber}`;
  if (document.postingUntil) return 'being posted';
  return 'not posted';
}
