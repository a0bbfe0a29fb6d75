import type { ExceptionsOverview, OrdersOverview } from '#shared/operations/overview-answer';
import {
  CHANNEL_COLOURS,
  LAG_COLOURS,
  SEVERITY_STYLES,
  SPARE_COLOURS,
  deadLetterTotals,
  hourLabel,
  hoursToRead,
  lagChart,
  lastHours,
  openExceptionsChart,
  openExceptionsNow,
  ordersByStatusChart,
  ordersPerHourChart,
  ordersSince,
  peakOf,
  startOfLocalDay,
  windowHours,
} from '../../../console/src/view/overview';
import { stateLabel } from '../../../console/src/view/orders';

const orders: OrdersOverview = {
  hours: 3,
  from: '2026-12-06T12:00:00.000Z',
  to: '2026-12-06T14:20:00.000Z',
  perHour: [
    {
      hour: '2026-12-06T12:00:00.000Z',
      counts: [
        { channel: 'amazon', status: 'needs_attention', orders: 1 },
        { channel: 'shopify', status: 'reserved', orders: 2 },
      ],
    },
    { hour: '2026-12-06T13:00:00.000Z', counts: [] },
    {
      hour: '2026-12-06T14:00:00.000Z',
      counts: [
        { channel: 'mercadolibre', status: 'on_hold', orders: 1 },
        { channel: 'shopify', status: 'shipped', orders: 4 },
      ],
    },
  ],
};

const exceptions: ExceptionsOverview = {
  hours: 2,
  from: '2026-12-06T13:00:00.000Z',
  to: '2026-12-06T14:20:00.000Z',
  points: [
    { at: '2026-12-06T14:00:00.000Z', open: [{ severity: 'warning', kind: 'OrderNeedsAttention', exceptions: 2 }] },
    {
      at: '2026-12-06T14:20:00.000Z',
      open: [
        { severity: 'critical', kind: 'ErpPostingRejected', exceptions: 1 },
        { severity: 'warning', kind: 'OrderNeedsAttention', exceptions: 1 },
        { severity: 'warning', kind: 'OrderStuck', exceptions: 3 },
      ],
    },
  ],
};

/** WCAG relative luminance and contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5]
      .map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

describe('the window', () => {
  test('is one the page offers, 24 h otherwise', () => {
    expect(windowHours(new URLSearchParams('hours=6'))).toBe(6);
    expect(windowHours(new URLSearchParams('hours=168'))).toBe(168);
    expect(windowHours(new URLSearchParams('hours=5'))).toBe(24);
    expect(windowHours(new URLSearchParams(''))).toBe(24);
  });

  test('reads back to the hour of midnight when today began before the window', () => {
    const todayStart = new Date('2026-12-06T00:00:00.000Z');

    expect(hoursToRead(6, new Date('2026-12-06T14:20:00.000Z'), todayStart)).toBe(15);
    expect(hoursToRead(6, new Date('2026-12-06T03:20:00.000Z'), todayStart)).toBe(6);
    expect(hoursToRead(24, new Date('2026-12-06T14:20:00.000Z'), todayStart)).toBe(24);
  });

  test('today starts at local midnight of the day now falls in', () => {
    const now = new Date('2026-12-06T14:20:00.000Z');
    const start = startOfLocalDay(now);

    expect([start.getHours(), start.getMinutes(), start.getSeconds(), start.getMilliseconds()]).toEqual([0, 0, 0, 0]);
    expect(now.getTime() - start.getTime()).toBeGreaterThanOrEqual(0);
    expect(now.getTime() - start.getTime()).toBeLessThan(24 * 3_600_000);
  });

  test('the charts show the last hours of a longer read', () => {
    expect(lastHours(orders, 2).map((hour) => hour.hour)).toEqual([
      '2026-12-06T13:00:00.000Z',
      '2026-12-06T14:00:00.000Z',
    ]);
  });
});

describe('headline figures', () => {
  test('orders today count the hours from the one midnight falls in', () => {
    expect(ordersSince(orders, new Date('2026-12-06T13:00:00.000Z'))).toBe(5);
    // Half an hour off UTC: the hour midnight falls in counts whole.
    expect(ordersSince(orders, new Date('2026-12-06T12:30:00.000Z'))).toBe(8);
  });

  test('open exceptions are the last point, in all and per severity', () => {
    expect(openExceptionsNow(exceptions)).toEqual({ total: 5, bySeverity: { critical: 1, warning: 4, info: 0 } });
  });

  test('DLQ messages sum the queues that hold any, with the oldest age among them', () => {
    expect(
      deadLetterTotals([
        { rule: 'order-intake', depth: 3, oldestAgeSeconds: 120 },
        { rule: 'erp-sales-order-posting', depth: 1, oldestAgeSeconds: 4000 },
        { rule: 'exceptions', depth: 0 },
      ]),
    ).toEqual({ messages: 4, holding: 2, queues: 3, oldestAgeSeconds: 4000 });
    expect(deadLetterTotals([{ rule: 'exceptions', depth: 0 }])).toEqual({ messages: 0, holding: 0, queues: 1 });
  });
});

describe('chart series', () => {
  test('orders per hour: a segment per channel, known channels first in their fixed order, zero-filled hours', () => {
    const chart = ordersPerHourChart(orders.perHour, 'UTC');

    expect(chart.labels).toEqual(['12:00', '13:00', '14:00']);
    expect(chart.series.map(({ name, values }) => [name, values])).toEqual([
      ['Shopify', [2, 0, 4]],
      ['Amazon', [1, 0, 0]],
      ['mercadolibre', [0, 0, 1]],
    ]);
    expect(chart.series.map((series) => series.colour)).toEqual([
      CHANNEL_COLOURS.shopify,
      CHANNEL_COLOURS.amazon,
      SPARE_COLOURS[0],
    ]);
    expect(chart.total).toBe(8);
    expect(peakOf(chart)).toEqual({ label: '14:00', value: 5 });
  });

  test('a window of days labels each hour with its weekday', () => {
    expect(hourLabel('2026-12-06T14:00:00.000Z', true, 'UTC')).toBe('Sun 14:00');
  });

  test('orders by status: lifecycle order, needs attention last, unknown statuses after', () => {
    const chart = ordersByStatusChart(orders.perHour);

    expect(chart.labels).toEqual(['reserved', 'shipped', 'needs attention', 'on hold']);
    expect(chart.series.map(({ name, values }) => [name, values])).toEqual([
      ['Shopify', [2, 4, 0, 0]],
      ['Amazon', [0, 0, 1, 0]],
      ['mercadolibre', [0, 0, 0, 1]],
    ]);
  });

  test('open exceptions: a line per severity, every severity even at zero, the last point labelled now', () => {
    const chart = openExceptionsChart(exceptions, 'UTC');

    expect(chart.labels).toEqual(['14:00', 'now']);
    expect(chart.series.map(({ name, values, dash }) => [name, values, dash])).toEqual([
      ['critical', [0, 1], []],
      ['warning', [2, 4], [6, 3]],
      ['info', [0, 0], [2, 3]],
    ]);
  });

  test('lag: mean and max per channel, no bar where a channel has no figure yet', () => {
    const chart = lagChart([
      { channel: 'walmart', maxLagMs: 9000, meanLagMs: 4000 },
      { channel: 'amazon', maxLagMs: null, meanLagMs: null },
    ]);

    expect(chart).toEqual({
      labels: ['Amazon', 'Walmart'],
      series: [
        { name: 'mean lag', colour: LAG_COLOURS.mean, values: [null, 4000] },
        { name: 'max lag', colour: LAG_COLOURS.max, values: [null, 9000] },
      ],
    });
  });

  test('statuses read as words', () => {
    expect(stateLabel('posted_to_erp')).toBe('posted to ERP');
    expect(stateLabel('partially_shipped')).toBe('partially shipped');
  });
});

describe('colours', () => {
  const all = [
    ...new Set([
      ...Object.values(CHANNEL_COLOURS),
      ...SPARE_COLOURS,
      ...Object.values(SEVERITY_STYLES).map((style) => style.colour),
      ...Object.values(LAG_COLOURS),
    ]),
  ];

  test.each(all)('%s keeps 3:1 against the white page', (colour) => {
    expect(contrast(colour, '#ffffff')).toBeGreaterThanOrEqual(3);
  });

  test('no two channels share a colour', () => {
    const channelColours = [...Object.values(CHANNEL_COLOURS), ...SPARE_COLOURS];

    expect(new Set(channelColours).size).toBe(channelColours.length);
  });

  test('severities differ by dash as well as colour', () => {
    const dashes = Object.values(SEVERITY_STYLES).map((style) => style.dash.join(','));

    expect(new Set(dashes).size).toBe(dashes.length);
  });
});
