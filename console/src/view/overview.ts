/**
 * The overview page's view logic: the window an operator picks, the headline figures, and the series
 * each chart draws and each chart's table lists, with colours that keep 3:1 against the page. Pure, for
 * the unit tests; the figures themselves come from GET /overview/orders and /overview/exceptions.
 */
import type { ChannelStatus } from '../../../shared/operations/channels';
import { stateLabel } from './orders';
import type { DeadLetterQueueDepth } from '../../../shared/operations/dead-letters';
import type { ExceptionsOverview, OrdersOverview } from '../../../shared/operations/overview-answer';

const HOUR_MS = 3_600_000;

/** The windows the page offers; the API takes up to a week. */
export const WINDOWS = [
  { hours: 6, label: '6 h' },
  { hours: 24, label: '24 h' },
  { hours: 168, label: '7 d' },
] as const;
export const DEFAULT_WINDOW_HOURS = 24;
const LONGEST_WINDOW_HOURS = 168;

/** The window the page's address asks for (`#/overview?hours=6`), or the default for anything else. */
export function windowHours(query: URLSearchParams): number {
  const asked = Number(query.get('hours'));
  return WINDOWS.some((window) => window.hours === asked) ? asked : DEFAULT_WINDOW_HOURS;
}

export function windowLabel(hours: number): string {
  return WINDOWS.find((window) => window.hours === hours)?.label ?? `${hours} h`;
}

/** Local midnight of the day `now` falls in, in the browser's time zone: where "today" starts. */
export function startOfLocalDay(now: Date): Date {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start;
}

const hourOf = (time: number) => Math.floor(time / HOUR_MS) * HOUR_MS;

/**
 * How many hours of orders to read: the window shown, or more when today began earlier than it, so
 * one read gives both the charts and the orders since midnight.
 */
export function hoursToRead(shown: number, now: Date, todayStart: Date): number {
  const sinceMidnight = (hourOf(now.getTime()) - hourOf(todayStart.getTime())) / HOUR_MS + 1;
  return Math.min(LONGEST_WINDOW_HOURS, Math.max(shown, sinceMidnight));
}

/** The last `hours` of a read that may reach further back (see hoursToRead). */
export function lastHours(overview: OrdersOverview, hours: number): OrdersOverview['perHour'] {
  return overview.perHour.slice(-hours);
}

/**
 * Orders received since local midnight, counted from the hour it falls in (in a time zone half an hour
 * off UTC, that hour's first half too).
 */
export function ordersSince(overview: OrdersOverview, todayStart: Date): number {
  const firstHour = hourOf(todayStart.getTime());
  return overview.perHour
    .filter(({ hour }) => Date.parse(hour) >= firstHour)
    .reduce((sum, { counts }) => sum + counts.reduce((hourSum, cell) => hourSum + cell.orders, 0), 0);
}

export type Severity = ExceptionsOverview['points'][number]['open'][number]['severity'];
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** The exceptions open now (the last point of the read), in all and per severity. */
export function openExceptionsNow(overview: ExceptionsOverview): {
  total: number;
  bySeverity: Record<Severity, number>;
} {
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const cell of overview.points.at(-1)?.open ?? []) bySeverity[cell.severity] += cell.exceptions;
  return { total: bySeverity.critical + bySeverity.warning + bySeverity.info, bySeverity };
}

/** Messages held over all DLQs, how many queues hold any, and the oldest message's age. */
export function deadLetterTotals(queues: readonly DeadLetterQueueDepth[]): {
  messages: number;
  holding: number;
  queues: number;
  oldestAgeSeconds?: number;
} {
  const holding = queues.filter((queue) => queue.depth > 0);
  const ages = holding.flatMap((queue) => (queue.oldestAgeSeconds === undefined ? [] : [queue.oldestAgeSeconds]));
  return {
    messages: holding.reduce((sum, queue) => sum + queue.depth, 0),
    holding: holding.length,
    queues: queues.length,
    ...(ages.length ? { oldestAgeSeconds: Math.max(...ages) } : {}),
  };
}

/** What the overview reads of GET /channels, the channels page's route: each channel's propagation lag. */
export type ChannelLag = Pick<ChannelStatus, 'channel' | 'maxLagMs' | 'meanLagMs'>;

/** One line or one stack of bars: a value per label, null where there is no figure. */
export interface ChartSeries {
  name: string;
  colour: string;
  /** Line dash pattern, so lines differ by more than colour. */
  dash?: number[];
  values: (number | null)[];
}

/** What a chart draws and its table lists: labels along one axis, a series per legend entry. */
export interface ChartFigures {
  labels: string[];
  series: ChartSeries[];
}

/**
 * Channel colours, each at least 3:1 against the white page (WCAG 1.4.11) and set apart by hue; stacked
 * segments are parted by white borders, so neighbours need not contrast with each other.
 */
export const CHANNEL_COLOURS: Readonly<Record<string, string>> = {
  shopify: '#2e7d32',
  amazon: '#b45309',
  ebay: '#1d4ed8',
  walmart: '#0e7490',
  woocommerce: '#7e22ce',
  square: '#374151',
  pos: '#be185d',
};
/** For a channel the page does not know yet, in turn. */
export const SPARE_COLOURS = ['#4d7c0f', '#9a3412', '#6d28d9', '#0f766e'] as const;

export const SEVERITY_STYLES: Readonly<Record<Severity, { colour: string; dash: number[] }>> = {
  critical: { colour: '#b91c1c', dash: [] },
  warning: { colour: '#b45309', dash: [6, 3] },
  info: { colour: '#1d4ed8', dash: [2, 3] },
};

export const LAG_COLOURS = { mean: '#1d4ed8', max: '#b45309' } as const;

const CHANNEL_NAMES: Readonly<Record<string, string>> = {
  shopify: 'Shopify',
  amazon: 'Amazon',
  ebay: 'eBay',
  walmart: 'Walmart',
  woocommerce: 'WooCommerce',
  square: 'Square',
  pos: 'POS',
};

export function channelName(channel: string): string {
  return CHANNEL_NAMES[channel] ?? channel;
}

/** The order's lifecycle first to last, then what needs a person. */
const STATUS_ORDER = [
  'received',
  'reserved',
  'backordered',
  'posted_to_erp',
  'partially_shipped',
  'shipped',
  'partially_returned',
  'returned',
  'refunded',
  'cancelled',
  'needs_attention',
];

/** Known channels in a fixed order (so a channel keeps its place and colour), then any other by name. */
function channelsIn(cells: readonly { channel: string }[]): string[] {
  const known = Object.keys(CHANNEL_COLOURS);
  const present = [...new Set(cells.map((cell) => cell.channel))];
  return [
    ...known.filter((channel) => present.includes(channel)),
    ...present.filter((channel) => !known.includes(channel)).sort(),
  ];
}

function channelColour(channel: string, others: readonly string[]): string {
  return CHANNEL_COLOURS[channel] ?? SPARE_COLOURS[others.indexOf(channel) % SPARE_COLOURS.length];
}

function channelSeries(channels: readonly string[], value: (channel: string) => number[]): ChartSeries[] {
  const others = channels.filter((channel) => !(channel in CHANNEL_COLOURS));
  return channels.map((channel) => ({
    name: channelName(channel),
    colour: channelColour(channel, others),
    values: value(channel),
  }));
}

/** An hour's label: its start in the operator's time, with the weekday when the window spans days. */
export function hourLabel(iso: string, withWeekday: boolean, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    ...(withWeekday ? { weekday: 'short' } : {}),
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

/** Orders received per hour, a stack per hour and a segment per channel. */
export function ordersPerHourChart(
  perHour: OrdersOverview['perHour'],
  timeZone?: string,
): ChartFigures & { total: number } {
  const cells = perHour.flatMap((hour) => hour.counts);
  const withWeekday = perHour.length > 24;
  return {
    labels: perHour.map(({ hour }) => hourLabel(hour, withWeekday, timeZone)),
    series: channelSeries(channelsIn(cells), (channel) =>
      perHour.map(({ counts }) =>
        counts.filter((cell) => cell.channel === channel).reduce((sum, cell) => sum + cell.orders, 0),
      ),
    ),
    total: cells.reduce((sum, cell) => sum + cell.orders, 0),
  };
}

/** Where the window's orders stand now: a bar per status, in lifecycle order, a segment per channel. */
export function ordersByStatusChart(perHour: OrdersOverview['perHour']): ChartFigures {
  const cells = perHour.flatMap((hour) => hour.counts);
  const present = new Set(cells.map((cell) => cell.status));
  const statuses = [
    ...STATUS_ORDER.filter((status) => present.has(status)),
    ...[...present].filter((status) => !STATUS_ORDER.includes(status)).sort(),
  ];
  return {
    labels: statuses.map(stateLabel),
    series: channelSeries(channelsIn(cells), (channel) =>
      statuses.map((status) =>
        cells
          .filter((cell) => cell.channel === channel && cell.status === status)
          .reduce((sum, cell) => sum + cell.orders, 0),
      ),
    ),
  };
}

/** Exceptions open at the end of each hour and now, a line per severity (every severity, zero included). */
export function openExceptionsChart(overview: ExceptionsOverview, timeZone?: string): ChartFigures {
  const withWeekday = overview.points.length > 24;
  return {
    labels: overview.points.map(({ at }, i) =>
      i === overview.points.length - 1 ? 'now' : hourLabel(at, withWeekday, timeZone),
    ),
    series: SEVERITIES.map((severity) => ({
      name: severity,
      colour: SEVERITY_STYLES[severity].colour,
      dash: SEVERITY_STYLES[severity].dash,
      values: overview.points.map(({ open }) =>
        open.filter((cell) => cell.severity === severity).reduce((sum, cell) => sum + cell.exceptions, 0),
      ),
    })),
  };
}

/** Mean and maximum propagation lag per channel, in milliseconds; no bar where the channel has no figure yet. */
export function lagChart(channels: readonly ChannelLag[]): ChartFigures {
  const sorted = [...channels].sort((a, b) => a.channel.localeCompare(b.channel));
  return {
    labels: sorted.map((channel) => channelName(channel.channel)),
    series: [
      { name: 'mean lag', colour: LAG_COLOURS.mean, values: sorted.map((channel) => channel.meanLagMs) },
      { name: 'max lag', colour: LAG_COLOURS.max, values: sorted.map((channel) => channel.maxLagMs) },
    ],
  };
}

/** The label and value of the largest figure of a series set summed per label, for a chart's spoken summary. */
export function peakOf(figures: ChartFigures): { label: string; value: number } | undefined {
  let peak: { label: string; value: number } | undefined;
  figures.labels.forEach((label, i) => {
    const value = figures.series.reduce((sum, series) => sum + (series.values[i] ?? 0), 0);
    if (value > 0 && (!peak || value > peak.value)) peak = { label, value };
  });
  return peak;
}
