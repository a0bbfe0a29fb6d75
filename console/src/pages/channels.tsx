import { apiGet, segment } from '../api';
import { ErrorNote, PageHeading, type PageProps, usePolled } from '../components';
import type { Session } from '../session';
import {
  budgetLabel,
  byAttention,
  type ChannelLag,
  type ChannelsAnswer,
  catchUpLabel,
  LOW_BUDGET_SHARE,
  lagLabel,
  pendingLabel,
  type RateBudget,
  SUBJECTS_SHOWN,
  subjectKind,
  subjectState,
} from '../view/channels';
import { formatDuration, formatTime } from '../view/format';
import { routeHash } from '../view/route';

const PAGE = 'channels';

export function ChannelsPage({ session, path }: PageProps) {
  const [channel] = path;
  return channel ? <ChannelView session={session} channel={channel} /> : <ChannelList session={session} />;
}

function ChannelList({ session }: { session: Session }) {
  const polled = usePolled(() => apiGet<ChannelsAnswer>(session, '/channels'), []);
  const channels = polled.data && byAttention(polled.data.channels);
  return (
    <>
      <PageHeading title="Channels" polled={polled} />
      <p>
        What each channel was told and how fast: the lag from the fabric's decision to the channel's acknowledgement,
        figures still on their way, figures stalled
        {polled.data ? ` for more than ${formatDuration(polled.data.stalledAfterMs)}` : ''}, the channel API's rate
        budget left, and when pulled orders were last caught up.
      </p>
      <ErrorNote error={polled.error} />
      {channels && channels.length === 0 && <p>No channel has been told anything yet.</p>}
      {channels && channels.length > 0 && (
        <div class="table-scroll">
          <table class="striped">
            <caption>Channels, those with stalled or pending figures first</caption>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col" class="number">
                  Subjects
                </th>
                <th scope="col" class="number">
                  Pending
                </th>
                <th scope="col" class="number">
                  Stalled
                </th>
                <th scope="col" class="number">
                  Mean lag
                </th>
                <th scope="col" class="number">
                  Max lag
                </th>
                <th scope="col">Rate budget</th>
                <th scope="col">Last catch-up</th>
              </tr>
            </thead>
            <tbody>
              {channels.map((status) => (
                <tr key={status.channel}>
                  <th scope="row">
                    <a href={routeHash(PAGE, [status.channel])}>{status.channel}</a>
                  </th>
                  <td class="number">{status.subjects}</td>
                  <td class="number">{status.pending}</td>
                  <td class="number">{status.failures > 0 ? <strong>{status.failures}</strong> : 0}</td>
                  <td class="number">{lagLabel(status.meanLagMs)}</td>
                  <td class="number">{lagLabel(status.maxLagMs)}</td>
                  <td>{status.rateBudget ? <Budget budget={status.rateBudget} /> : 'none spent here'}</td>
                  <td>{catchUpLabel(status.lastCatchUp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Budget({ budget }: { budget: RateBudget }) {
  const { text, low, share } = budgetLabel(budget);
  return (
    <>
      <meter min={0} max={1} low={LOW_BUDGET_SHARE} optimum={1} value={share} aria-label="Share of the budget left">
        {Math.round(share * 100)}%
      </meter>{' '}
      {low ? <strong>{text} (low)</strong> : text}
    </>
  );
}

function ChannelView({ session, channel }: { session: Session; channel: string }) {
  const polled = usePolled(
    () => apiGet<ChannelLag>(session, `/channels/${segment(channel)}/lag`, { limit: SUBJECTS_SHOWN }),
    [channel],
  );
  const lag = polled.data;
  return (
    <>
      <PageHeading title={`Channel ${channel}`} polled={polled} />
      <p>
        <a href={routeHash(PAGE)}>All channels</a>
      </p>
      <ErrorNote error={polled.error} />
      {lag && (
        <>
          <dl class="grid">
            <div>
              <dt>Subjects</dt>
              <dd>{lag.status.subjects}</dd>
            </div>
            <div>
              <dt>Pending</dt>
              <dd>{lag.status.pending}</dd>
            </div>
            <div>
              <dt>Stalled</dt>
              <dd>{lag.status.failures}</dd>
            </div>
            <div>
              <dt>Mean / max lag</dt>
              <dd>
                {lagLabel(lag.status.meanLagMs)} / {lagLabel(lag.status.maxLagMs)}
              </dd>
            </div>
          </dl>
          <section aria-labelledby="budgets">
            <h2 id="budgets">Rate budget and catch-up</h2>
            {lag.status.rateBudgets.length === 0 && <p>The fabric spends no API budget of this channel here.</p>}
            <ul>
              {lag.status.rateBudgets.map((budget) => (
                <li key={budget.operation ?? 'budget'}>
                  <Budget budget={budget} />
                </li>
              ))}
              <li>Last catch-up: {catchUpLabel(lag.status.lastCatchUp)}</li>
            </ul>
          </section>
          <Subjects lag={lag} channel={channel} />
        </>
      )}
    </>
  );
}

function Subjects({ lag, channel }: { lag: ChannelLag; channel: string }) {
  return (
    <section aria-labelledby="subjects">
      <h2 id="subjects">Subjects</h2>
      {lag.subjects.length === 0 && <p>Nothing was published to {channel} yet.</p>}
      {lag.more && (
        <p>
          {channel} has {lag.status.subjects} subjects: the {lag.subjects.length} that most need a look are listed.
        </p>
      )}
      {lag.subjects.length > 0 && (
        <div class="table-scroll">
          <table class="striped">
            <caption>What {channel} was told per SKU, stalled and pending first, then the slowest</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col" class="number">
                  Published
                </th>
                <th scope="col" class="number">
                  Version
                </th>
                <th scope="col">Decided at</th>
                <th scope="col">Acknowledged at</th>
                <th scope="col" class="number">
                  Lag
                </th>
                <th scope="col">Pending</th>
              </tr>
            </thead>
            <tbody>
              {lag.subjects.map((row) => (
                <tr key={row.subject}>
                  <th scope="row" class="wrap-anywhere">
                    {row.sku}
                  </th>
                  <td>{subjectKind(row)}</td>
                  <td>{row.stalled ? <strong>stalled</strong> : subjectState(row)}</td>
                  <td class="number">{row.published?.value ?? '-'}</td>
                  <td class="number">{row.published?.version ?? '-'}</td>
                  <td>{row.published ? formatTime(row.published.decidedAt) : '-'}</td>
                  <td>{row.published ? formatTime(row.published.acknowledgedAt) : '-'}</td>
                  <td class="number">{row.published ? formatDuration(row.published.lagMs) : '-'}</td>
                  <td>{pendingLabel(row)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
