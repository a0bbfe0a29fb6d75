import type { ExceptionRecord } from '#domain/exceptions';
import { useState } from 'preact/hooks';
import { apiGet, apiPost, segment } from '../api';
import { ErrorNote, Money, PageHeading, type PageProps, useAction, usePolled } from '../components';
import type { Session } from '../session';
import {
  AGE_CHOICES,
  STATUS_CHOICES,
  aboutLabel,
  actionLabel,
  channelOf,
  excerptSource,
  excerptText,
  type ExceptionDetail,
  type ExceptionRow,
  facetChoices,
  internalSkuFrom,
  mappingSummary,
  narrowQueue,
  offeredFixes,
  type QueueFilters,
  queueApiQuery,
  queueFilterQuery,
  queueFiltersFrom,
  reasonFrom,
  retryExplanation,
  severityCounts,
  type SkuMappingOutcome,
} from '../view/exceptions';
import { formatAge, formatTime } from '../view/format';
import { stateLabel } from '../view/orders';
import { routeHash } from '../view/route';

const PAGE = 'exceptions';
/** Ids of any length stay inside the page at tablet width. */

export function ExceptionsPage({ session, path, query, navigate }: PageProps) {
  const [id] = path;
  return id ? (
    <ExceptionView session={session} id={id} />
  ) : (
    <WorkQueue session={session} filters={queueFiltersFrom(query)} navigate={navigate} />
  );
}

function WorkQueue({
  session,
  filters,
  navigate,
}: {
  session: Session;
  filters: QueueFilters;
  navigate(to: string): void;
}) {
  const { status, olderThanMinutes } = filters;
  const polled = usePolled(
    () => apiGet<{ exceptions: ExceptionRow[] }>(session, '/exceptions', queueApiQuery(filters)),
    [status, olderThanMinutes],
  );
  const all = polled.data?.exceptions ?? [];
  const rows = narrowQueue(all, filters);
  const apply = (change: Partial<QueueFilters>) =>
    navigate(routeHash(PAGE, [], queueFilterQuery({ ...filters, ...change })));
  return (
    <>
      <PageHeading title="Exceptions" polled={polled} />
      <p>What the fabric could not finish on its own, oldest first. Open one to see its cause and how to fix it.</p>
      <form aria-label="Filter exceptions" class="grid" onSubmit={(event) => event.preventDefault()}>
        <label>
          Status
          <select
            value={filters.status}
            onChange={(event) => apply({ status: event.currentTarget.value as QueueFilters['status'] })}
          >
            {STATUS_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Age
          <select
            value={filters.olderThanMinutes}
            onChange={(event) => apply({ olderThanMinutes: event.currentTarget.value })}
          >
            {AGE_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={filters.kind} onChange={(event) => apply({ kind: event.currentTarget.value })}>
            <option value="">Every kind</option>
            {facetChoices(all, (row) => row.kind, filters.kind).map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.value} ({choice.count})
              </option>
            ))}
          </select>
        </label>
        <label>
          Channel
          <select value={filters.channel} onChange={(event) => apply({ channel: event.currentTarget.value })}>
            <option value="">Every channel</option>
            {facetChoices(all, channelOf, filters.channel).map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.value} ({choice.count})
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={polled.error} />
      {polled.data && (
        <>
          <p aria-live="polite">
            {rows.length === 0
              ? 'Nothing here: no exception matches these filters.'
              : `${rows.length} shown: ${severityCounts(rows)
                  .map((entry) => `${entry.count} ${entry.severity}`)
                  .join(', ')}.`}
          </p>
          {rows.length > 0 && <QueueTable rows={rows} />}
        </>
      )}
    </>
  );
}

function QueueTable({ rows }: { rows: readonly ExceptionRow[] }) {
  return (
    <div class="table-scroll">
      <table class="striped">
        <caption>Exceptions, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Severity</th>
            <th scope="col">Channel</th>
            <th scope="col">About</th>
            <th scope="col">Reason</th>
            <th scope="col" class="number">
              Count
            </th>
            <th scope="col">First seen</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <a href={routeHash(PAGE, [row.id])}>
                  {row.kind} <small>{row.reasonCode}</small>
                </a>
              </th>
              <td>{row.severity}</td>
              <td>{row.channel ?? '-'}</td>
              <td class="wrap-anywhere">
                {row.orderId ? <a href={routeHash('orders', [row.orderId])}>order {row.orderId}</a> : aboutLabel(row)}
              </td>
              <td class="wrap-anywhere">{row.reason}</td>
              <td class="number">{row.count}</td>
              <td>
                <time dateTime={row.firstSeenAt} title={formatTime(row.firstSeenAt)}>
                  {formatAge(row.firstSeenAt)} ago
                </time>
              </td>
              <td>
                <time dateTime={row.lastSeenAt} title={formatTime(row.lastSeenAt)}>
                  {formatAge(row.lastSeenAt)} ago
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ExceptionView({ session, id }: { session: Session; id: string }) {
  const polled = usePolled(() => apiGet<ExceptionDetail>(session, `/exceptions/${segment(id)}`), [id]);
  const detail = polled.data;
  // Kept here: the form that made it leaves the page when the exception no longer offers its fix.
  const [outcome, setOutcome] = useState('');
  const done = (said: string) => {
    setOutcome(said);
    polled.reload();
  };
  return (
    <>
      <PageHeading title={detail ? `${detail.kind} ${detail.reasonCode}` : 'Exception'} polled={polled} />
      <p>
        <a href={routeHash(PAGE)}>All open exceptions</a>
      </p>
      <ErrorNote error={polled.error} />
      {detail && (
        <>
          <Summary detail={detail} />
          <Cause detail={detail} />
          {detail.blocks && <HeldBack blocks={detail.blocks} />}
          {outcome && (
            <p role="status" class="wrap-anywhere">
              <strong>Done.</strong> {outcome}
            </p>
          )}
          <Fixes session={session} detail={detail} done={done} />
          <AuditTrail detail={detail} />
        </>
      )}
    </>
  );
}

function Summary({ detail }: { detail: ExceptionDetail }) {
  return (
    <dl class="grid wrap-anywhere">
      <div>
        <dt>Status</dt>
        <dd>
          <strong>{detail.status}</strong> ({detail.severity})
        </dd>
      </div>
      <div>
        <dt>About</dt>
        <dd>
          {detail.orderId ? (
            <a href={routeHash('orders', [detail.orderId])}>order {detail.orderId}</a>
          ) : (
            aboutLabel(detail)
          )}
          {detail.channel ? ` on ${detail.channel}` : ''}
        </dd>
      </div>
      <div>
        <dt>Seen</dt>
        <dd>
          {detail.count} {detail.count === 1 ? 'time' : 'times'}, first{' '}
          <time dateTime={detail.firstSeenAt} title={formatTime(detail.firstSeenAt)}>
            {formatAge(detail.firstSeenAt)} ago
          </time>
          , last{' '}
          <time dateTime={detail.lastSeenAt} title={formatTime(detail.lastSeenAt)}>
            {formatAge(detail.lastSeenAt)} ago
          </time>
        </dd>
      </div>
    </dl>
  );
}

function Cause({ detail }: { detail: ExceptionDetail }) {
  return (
    <section aria-labelledby="cause">
      <h2 id="cause">Cause</h2>
      <p class="wrap-anywhere">
        <code>{detail.reasonCode}</code> {detail.reason}
      </p>
      {detail.fieldPaths.length > 0 && (
        <p>
          Failing fields:{' '}
          {detail.fieldPaths.map((path, i) => (
            <span key={path}>
              {i > 0 && ', '}
              <code>{path}</code>
            </span>
          ))}
        </p>
      )}
      {detail.payload && (
        <div class="table-scroll">
          <table>
            <caption>{excerptSource(detail.payload)}</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Value</th>
                <th scope="col">On the line</th>
              </tr>
            </thead>
            <tbody>
              {detail.payload.fields.map((field) => (
                <tr key={field.path}>
                  <th scope="row">
                    <code>{field.path}</code>
                  </th>
                  <td>
                    <code class="wrap-anywhere">{excerptText(field.value)}</code>
                  </td>
                  <td>{field.line === undefined ? '-' : <pre>{excerptText(field.line)}</pre>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {Object.keys(detail.context).length > 0 && (
        <details>
          <summary>Everything the exception recorded</summary>
          <pre>{excerptText(detail.context)}</pre>
        </details>
      )}
    </section>
  );
}

function HeldBack({ blocks }: { blocks: NonNullable<ExceptionDetail['blocks']> }) {
  return (
    <section aria-labelledby="held-back">
      <h2 id="held-back">What it holds back</h2>
      <p class="wrap-anywhere">
        <a href={routeHash('orders', [blocks.orderId])}>Order {blocks.orderId}</a> ({blocks.channel}{' '}
        {blocks.channelOrderNumber ?? blocks.channelOrderId}) is <strong>{stateLabel(blocks.status)}</strong>
        {blocks.total && (
          <>
            , total <Money value={blocks.total} />
          </>
        )}
        {blocks.heldSince && <>, held since {formatTime(blocks.heldSince)}</>}.
      </p>
      {blocks.waitingLines.length > 0 && (
        <div class="table-scroll">
          <table>
            <caption>Lines waiting for a SKU mapping</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Channel SKU</th>
                <th scope="col">Title</th>
                <th scope="col" class="number">
                  Quantity
                </th>
              </tr>
            </thead>
            <tbody>
              {blocks.waitingLines.map((line) => (
                <tr key={line.lineId}>
                  <th scope="row">{line.lineId}</th>
                  <td>
                    <code>{line.channelSku}</code>
                  </td>
                  <td>{line.title ?? '-'}</td>
                  <td class="number">{line.quantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Fixes({ session, detail, done }: { session: Session; detail: ExceptionDetail; done(said: string): void }) {
  const offered = offeredFixes(detail, session.canOperate);
  const mapped = detail.skusToMap.filter((waiting) => waiting.mappedTo);
  const anything = offered.mapSkus.length > 0 || offered.retry || offered.dismiss || offered.cancelOnChannel;
  if (!anything && mapped.length === 0) return null;
  return (
    <section aria-labelledby="fixes">
      <h2 id="fixes">Fix it</h2>
      {mapped.map((waiting) => (
        <p key={waiting.channelSku}>
          {waiting.channel} <code>{waiting.channelSku}</code> maps to <code>{waiting.mappedTo}</code> now.
        </p>
      ))}
      {offered.mapSkus.map((waiting) => (
        <MapSkuForm
          key={`${waiting.channel} ${waiting.channelSku}`}
          session={session}
          channel={waiting.channel}
          channelSku={waiting.channelSku}
          done={done}
        />
      ))}
      {offered.cancelOnChannel && (
        <p>
          Cancel the order on {detail.channel ?? 'its channel'}: the channel's cancellation releases the stock and
          reverses the ERP sales order. Then dismiss this exception with what was done.
        </p>
      )}
      {offered.retry && (
        <FixWithReason
          session={session}
          detail={detail}
          fix="retry"
          explanation={retryExplanation(detail)}
          done={done}
        />
      )}
      {offered.dismiss && (
        <FixWithReason
          session={session}
          detail={detail}
          fix="dismiss"
          explanation="Closes the exception: nothing more will be done about it. Say what was decided."
          done={done}
        />
      )}
    </section>
  );
}

function MapSkuForm({
  session,
  channel,
  channelSku,
  done,
}: {
  session: Session;
  channel: string;
  channelSku: string;
  done(said: string): void;
}) {
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState('');
  const action = useAction((sku: string) =>
    apiPost<SkuMappingOutcome>(session, '/sku-mappings', { channel, channelSku, sku }),
  );
  const inputId = `map-${channel}-${channelSku}`.replace(/[^\w-]/g, '_');
  const submit = async (event: Event) => {
    event.preventDefault();
    const wanted = internalSkuFrom(typed);
    if ('problem' in wanted) return setProblem(wanted.problem);
    setProblem('');
    const outcome = await action.run(wanted.sku);
    if (outcome) done(mappingSummary(outcome));
  };
  return (
    <form onSubmit={submit} aria-label={`Map ${channel} SKU ${channelSku}`}>
      <p class="wrap-anywhere">
        {channel} SKU <code>{channelSku}</code> is not in the cross-reference. Map it to an internal SKU and the held
        work that waits for it goes through again.
      </p>
      <label for={inputId}>Internal SKU</label>
      <input
        id={inputId}
        name="sku"
        value={typed}
        onInput={(event) => setTyped(event.currentTarget.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${inputId}-problem` : undefined}
      />
      <button type="submit" aria-busy={action.busy} disabled={action.busy}>
        Map SKU
      </button>
      {problem && <small id={`${inputId}-problem`}>{problem}</small>}
      <ErrorNote error={action.error} />
    </form>
  );
}

function FixWithReason({
  session,
  detail,
  fix,
  explanation,
  done,
}: {
  session: Session;
  detail: ExceptionDetail;
  fix: 'retry' | 'dismiss';
  explanation: string;
  done(said: string): void;
}) {
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState('');
  const action = useAction((reason: string) =>
    apiPost<ExceptionRecord>(session, `/exceptions/${segment(detail.id)}/${fix}`, { reason }),
  );
  const label = fix === 'retry' ? 'Retry' : 'Dismiss';
  const inputId = `${fix}-reason`;
  const submit = async (event: Event) => {
    event.preventDefault();
    const wanted = reasonFrom(typed);
    if ('problem' in wanted) return setProblem(wanted.problem);
    setProblem('');
    const after = await action.run(wanted.reason);
    const last = after?.actions.at(-1);
    if (after && last)
      done(
        `${actionLabel(last.action)}${last.outcome ? `: ${last.outcome}` : ''}. The exception is ${after.status} now.`,
      );
  };
  return (
    <form onSubmit={submit} aria-label={`${label} this exception`}>
      <p>{explanation}</p>
      <label for={inputId}>Why ({label.toLowerCase()})</label>
      <input
        id={inputId}
        name="reason"
        value={typed}
        onInput={(event) => setTyped(event.currentTarget.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${inputId}-problem` : undefined}
      />
      <button
        type="submit"
        class={fix === 'dismiss' ? 'secondary' : undefined}
        aria-busy={action.busy}
        disabled={action.busy}
      >
        {label}
      </button>
      {problem && <small id={`${inputId}-problem`}>{problem}</small>}
      <ErrorNote error={action.error} />
    </form>
  );
}

function AuditTrail({ detail }: { detail: ExceptionDetail }) {
  return (
    <section aria-labelledby="audit">
      <h2 id="audit">Audit trail</h2>
      {detail.actions.length === 0 ? (
        <p>Nobody has acted on it yet.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>Every action taken, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Who</th>
                <th scope="col">Why</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {detail.actions.map((action) => (
                <tr key={`${action.at} ${action.action} ${action.by}`}>
                  <td>
                    <time dateTime={action.at}>{formatTime(action.at)}</time>
                  </td>
                  <th scope="row">{actionLabel(action.action)}</th>
                  <td class="wrap-anywhere">{action.by}</td>
                  <td class="wrap-anywhere">{action.why}</td>
                  <td class="wrap-anywhere">{action.outcome ?? '-'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
