import './overview.css';
import { useMemo } from 'preact/hooks';
import type { ExceptionsOverview, OrdersInHour, OrdersOverview } from '../../../shared/operations/overview-answer';
import { apiGet } from '../api';
import { ChartFigure } from '../charts';
import { ErrorNote, PageHeading, type PageProps, type Polled, usePolled } from '../components';
import type { ChannelsAnswer } from '../view/channels';
import type { DeadLetterQueuesAnswer } from '../view/dead-letter-queues';
import { formatDuration } from '../view/format';
import {
  WINDOWS,
  channelName,
  deadLetterTotals,
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
  windowLabel,
} from '../view/overview';
import { routeHash } from '../view/route';

/** Hourly figures move slowly and a week's read is the heaviest the console makes: half a minute apart is enough. */
const OVERVIEW_REFRESH_MS = 30_000;

/**
 * The console's landing page: orders today, open exceptions and messages held in DLQs, then orders per
 * hour by channel, where those orders stand, open exceptions over time and each channel's propagation lag.
 */
export function OverviewPage({ session, query, navigate }: PageProps) {
  const hours = windowHours(query);
  const now = new Date();
  const todayStart = startOfLocalDay(now);
  const readHours = hoursToRead(hours, now, todayStart);
  const orders = usePolled(
    () => apiGet<OrdersOverview>(session, '/overview/orders', { hours: readHours }),
    [session, readHours],
    OVERVIEW_REFRESH_MS,
  );
  const exceptions = usePolled(
    () => apiGet<ExceptionsOverview>(session, '/overview/exceptions', { hours }),
    [session, hours],
    OVERVIEW_REFRESH_MS,
  );
  const channels = usePolled(() => apiGet<ChannelsAnswer>(session, '/channels'), [session]);
  const queues = usePolled(() => apiGet<DeadLetterQueuesAnswer>(session, '/dead-letter-queues'), [session]);
  // The read may reach back to midnight; the charts show the window.
  const shown = useMemo(() => orders.data && lastHours(orders.data, hours), [orders.data, hours]);
  const all = [orders, exceptions, channels, queues];
  const refresh = {
    loading: all.some((polled) => polled.loading),
    reload: () => {
      for (const polled of all) polled.reload();
    },
  };

  return (
    <>
      <PageHeading title="Overview" polled={refresh}>
        <label class="window-choice">
          Window{' '}
          <select
            value={hours}
            onChange={(event) =>
              navigate(routeHash('overview', [], { hours: (event.currentTarget as HTMLSelectElement).value }))
            }
          >
            {WINDOWS.map((window) => (
              <option key={window.hours} value={window.hours}>
                last {window.label}
              </option>
            ))}
          </select>
        </label>
      </PageHeading>
      <Headline orders={orders} todayStart={todayStart} exceptions={exceptions} queues={queues} />
      <OrdersPerHour orders={orders} shown={shown} hours={hours} />
      <div class="grid">
        <OrdersByStatus orders={orders} shown={shown} hours={hours} />
        <ExceptionsChart exceptions={exceptions} hours={hours} />
      </div>
      <LagChart channels={channels} />
    </>
  );
}

function Headline({
  orders,
  todayStart,
  exceptions,
  queues,
}: {
  orders: Polled<OrdersOverview>;
  todayStart: Date;
  exceptions: Polled<ExceptionsOverview>;
  queues: Polled<DeadLetterQueuesAnswer>;
}) {
  const open = exceptions.data && openExceptionsNow(exceptions.data);
  const held = queues.data && deadLetterTotals(queues.data.queues);
  return (
    <section class="grid headline-figures" aria-label="Headline figures">
      <article>
        <h2>Orders today</h2>
        <Figure polled={orders} value={orders.data && ordersSince(orders.data, todayStart)} />
        <small>received since local midnight</small>
      </article>
      <article>
        <h2>Open exceptions</h2>
        <Figure polled={exceptions} value={open?.total} />
        {open && (
          <small>
            {open.bySeverity.critical} critical, {open.bySeverity.warning} warning, {open.bySeverity.info} info ·{' '}
            <a href={routeHash('exceptions', [], { status: 'open' })}>work queue</a>
          </small>
        )}
      </article>
      <article>
        <h2>Messages in DLQs</h2>
        <Figure polled={queues} value={held?.messages} />
        {held && (
          <small>
            in {held.holding} of {held.queues} queues
            {held.oldestAgeSeconds === undefined ? '' : `, oldest ${formatDuration(held.oldestAgeSeconds * 1000)}`} ·{' '}
            <a href={routeHash('dead-letter-queues')}>dead-letter queues</a>
          </small>
        )}
      </article>
    </section>
  );
}

/** A headline number, or what stands in for it while it is read or when the read failed. */
function Figure({ polled, value }: { polled: Polled<unknown>; value: number | undefined }) {
  if (value !== undefined) return <p class="headline-figure">{value.toLocaleString('en-US')}</p>;
  if (polled.error) return <ErrorNote error={polled.error} />;
  return <p class="headline-figure" aria-busy="true" />;
}

function OrdersPerHour({
  orders,
  shown,
  hours,
}: {
  orders: Polled<OrdersOverview>;
  shown?: OrdersInHour[];
  hours: number;
}) {
  const figures = useMemo(() => shown && ordersPerHourChart(shown), [shown]);
  const span = windowLabel(hours);
  const peak = figures && peakOf(figures);
  return (
    <section aria-labelledby="orders-per-hour">
      <h2 id="orders-per-hour">Orders per hour</h2>
      <ErrorNote error={orders.error} />
      {figures && (
        <ChartFigure
          kind="stacked-bars"
          figures={figures}
          title={`Orders received per hour by channel, last ${span}`}
          labelHeading="Hour from"
          summary={`Orders received per hour by channel over the last ${span}: ${figures.total} in all${peak ? `, most in the hour from ${peak.label} (${peak.value})` : ''}.`}
        />
      )}
    </section>
  );
}

function OrdersByStatus({
  orders,
  shown,
  hours,
}: {
  orders: Polled<OrdersOverview>;
  shown?: OrdersInHour[];
  hours: number;
}) {
  const figures = useMemo(() => shown && ordersByStatusChart(shown), [shown]);
  const span = windowLabel(hours);
  return (
    <section aria-labelledby="orders-by-status">
      <h2 id="orders-by-status">Where those orders stand</h2>
      <ErrorNote error={orders.error} />
      {figures && (
        <ChartFigure
          kind="horizontal-stacked-bars"
          figures={figures}
          title={`Orders of the last ${span} by current status and channel`}
          labelHeading="Status"
          summary={`Orders of the last ${span} by current status: ${
            figures.labels
              .map((label, i) => `${label} ${figures.series.reduce((sum, series) => sum + (series.values[i] ?? 0), 0)}`)
              .join(', ') || 'none'
          }.`}
        />
      )}
    </section>
  );
}

function ExceptionsChart({ exceptions, hours }: { exceptions: Polled<ExceptionsOverview>; hours: number }) {
  const figures = useMemo(() => exceptions.data && openExceptionsChart(exceptions.data), [exceptions.data]);
  const open = exceptions.data && openExceptionsNow(exceptions.data);
  const peak = figures && peakOf(figures);
  return (
    <section aria-labelledby="open-exceptions">
      <h2 id="open-exceptions">Open exceptions</h2>
      <ErrorNote error={exceptions.error} />
      {figures && open && (
        <ChartFigure
          kind="lines"
          figures={figures}
          title={`Exceptions open at the end of each hour by severity, last ${windowLabel(hours)}`}
          labelHeading="At"
          summary={`Exceptions open at the end of each hour by severity over the last ${windowLabel(hours)}: ${open.total} open now${peak ? `, most at ${peak.label} (${peak.value})` : ''}.`}
        />
      )}
    </section>
  );
}

function LagChart({ channels }: { channels: Polled<ChannelsAnswer> }) {
  const figures = useMemo(() => channels.data && lagChart(channels.data.channels), [channels.data]);
  const published = channels.data?.channels.filter((channel) => channel.maxLagMs !== null) ?? [];
  return (
    <section aria-labelledby="propagation-lag">
      <h2 id="propagation-lag">Propagation lag by channel</h2>
      <p>
        From the fabric deciding a figure (availability, price) to the channel acknowledging it.{' '}
        <a href={routeHash('channels')}>Channels</a>
      </p>
      <ErrorNote error={channels.error} />
      {figures && (
        <ChartFigure
          kind="bars"
          figures={figures}
          title="Mean and maximum propagation lag per channel"
          labelHeading="Channel"
          formatValue={formatDuration}
          summary={`Mean and maximum propagation lag per channel: ${
            published
              .map(
                (channel) =>
                  `${channelName(channel.channel)} mean ${formatDuration(channel.meanLagMs ?? 0)}, max ${formatDuration(channel.maxLagMs ?? 0)}`,
              )
              .join('; ') || 'no channel has acknowledged a figure yet'
          }.`}
        />
      )}
    </section>
  );
}
