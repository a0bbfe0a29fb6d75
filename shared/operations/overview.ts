import type { ExceptionRecord, ExceptionStore } from '#domain/exceptions';
import type { ReceivedOrder } from '#shared/adapters/order-store';
import type { ExceptionsOverview, OpenExceptionsAt, OrdersInHour, OrdersOverview } from './overview-answer';

/**
 * The console's overview, read for GET /overview/orders and GET /overview/exceptions: orders received
 * per hour by channel and where each stands now, and how many exceptions were open at the end of each
 * hour. Windows are whole UTC hours ending with the current, partial, one.
 */

/** A week of hourly buckets at most: the console's widest window. */
export const MAX_OVERVIEW_HOURS = 168;
export const DEFAULT_OVERVIEW_HOURS = 24;

const HOUR_MS = 3_600_000;

/** Where the orders received in a window come from (DynamoReceivedOrders). */
export interface ReceivedOrders {
  receivedBetween(from: Date, to: Date): Promise<ReceivedOrder[]>;
}

/** The starts of the window's hours, oldest first: `hours` of them, the last the hour `now` is in. */
export function hourStarts(hours: number, now: Date): number[] {
  const current = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return Array.from({ length: hours }, (_, i) => current - (hours - 1 - i) * HOUR_MS);
}

/** Orders received per hour of the last `hours`, counted per channel and per where each order stands now. */
export async function ordersOverview(orders: ReceivedOrders, hours: number, now = new Date()): Promise<OrdersOverview> {
  const starts = hourStarts(hours, now);
  const from = new Date(starts[0]);
  const cells = new Map<number, Map<string, OrdersInHour['counts'][number]>>();
  for (const { channel, status, receivedAt } of await orders.receivedBetween(from, now)) {
    const hour = Math.floor(Date.parse(receivedAt) / HOUR_MS) * HOUR_MS;
    const inHour = cells.get(hour) ?? new Map<string, OrdersInHour['counts'][number]>();
    cells.set(hour, inHour);
    const cell = inHour.get(`${channel}|${status}`) ?? { channel, status, orders: 0 };
    cell.orders += 1;
    inHour.set(`${channel}|${status}`, cell);
  }
  return {
    hours,
    from: from.toISOString(),
    to: now.toISOString(),
    perHour: starts.map((start) => ({
      hour: new Date(start).toISOString(),
      counts: [...(cells.get(start)?.values() ?? [])].sort(
        (a, b) => a.channel.localeCompare(b.channel) || a.status.localeCompare(b.status),
      ),
    })),
  };
}

/**
 * The spans during which an exception was open, in epoch milliseconds, `until` Infinity while it still
 * is: from its first sighting to the action that resolved or dismissed it, again from each reopening.
 * A fix that closed it without a closing action (the retry that mapped a POS transaction's last held
 * line) is the last action written, so that is when it closed.
 */
export function openSpans(
  record: Pick<ExceptionRecord, 'status' | 'firstSeenAt' | 'actions'>,
): { from: number; until: number }[] {
  const spans: { from: number; until: number }[] = [];
  const actions = [...record.actions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let openSince: number | undefined = Date.parse(record.firstSeenAt);
  for (const { action, at } of actions) {
    if ((action === 'resolved' || action === 'dismissed') && openSince !== undefined) {
      spans.push({ from: openSince, until: Date.parse(at) });
      openSince = undefined;
    } else if (action === 'reopened' && openSince === undefined) openSince = Date.parse(at);
  }
  if (openSince === undefined) return spans;
  const lastAction = actions.at(-1);
  spans.push({
    from: openSince,
    until: record.status !== 'open' && lastAction ? Date.parse(lastAction.at) : Number.POSITIVE_INFINITY,
  });
  return spans;
}

/**
 * How many exceptions were open at the end of each hour of the last `hours` (for the current hour, now),
 * per severity and kind. Reads every exception, closed ones included, since one closed today may have
 * been open all week.
 */
export async function exceptionsOverview(
  exceptions: Pick<ExceptionStore, 'list'>,
  hours: number,
  now = new Date(),
): Promise<ExceptionsOverview> {
  const starts = hourStarts(hours, now);
  const from = starts[0];
  const spans = (await exceptions.list({}))
    .map((record) => ({ record, spans: openSpans(record).filter((span) => span.until > from) }))
    .filter(({ spans }) => spans.length > 0);
  const points = starts.map((start): OpenExceptionsAt => {
    const at = Math.min(start + HOUR_MS, now.getTime());
    const open = new Map<string, OpenExceptionsAt['open'][number]>();
    for (const { record, spans: recordSpans } of spans) {
      if (!recordSpans.some((span) => span.from <= at && at < span.until)) continue;
      const cell = open.get(`${record.severity}|${record.kind}`) ?? {
        severity: record.severity,
        kind: record.kind,
        exceptions: 0,
      };
      cell.exceptions += 1;
      open.set(`${record.severity}|${record.kind}`, cell);
    }
    return {
      at: new Date(at).toISOString(),
      open: [...open.values()].sort((a, b) => a.severity.localeCompare(b.severity) || a.kind.localeCompare(b.kind)),
    };
  });
  return { hours, from: new Date(from).toISOString(), to: now.toISOString(), points };
}
