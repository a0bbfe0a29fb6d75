import { useState } from 'preact/hooks';
import { apiGet, apiPost, segment } from '../api';
import { ErrorNote, PageHeading, type PageProps, useAction, usePolled } from '../components';
import type { Session } from '../session';
import {
  confirmLabel,
  type DeadLetterQueuesAnswer,
  describeFilters,
  filterQuery,
  filtersFrom,
  type HeldFilters,
  type HeldMessage,
  messageKind,
  orderIdOf,
  outcomeSummary,
  type Peek,
  plural,
  previewSummary,
  processedLabel,
  type Redrive,
  sortQueues,
  totalHeld,
} from '../view/dead-letter-queues';
import { formatAge, formatDuration } from '../view/format';
import { CHANNELS } from '../view/channels';
import { routeHash } from '../view/route';

const PAGE = 'dead-letter-queues';

export function DeadLetterQueuesPage({ session, path, query, navigate }: PageProps) {
  const [rule] = path;
  return rule ? (
    <HeldMessages session={session} rule={rule} filters={filtersFrom(query)} navigate={navigate} />
  ) : (
    <QueueList session={session} />
  );
}

function QueueList({ session }: { session: Session }) {
  const polled = usePolled(() => apiGet<DeadLetterQueuesAnswer>(session, '/dead-letter-queues'), []);
  const queues = polled.data ? sortQueues(polled.data.queues) : [];
  return (
    <>
      <PageHeading title="Dead-letter queues" polled={polled} />
      <p>
        What each routing rule's consumer kept failing on. Open a queue to see why each message is held and, as an
        operator, move the messages back once the cause is fixed.
      </p>
      <ErrorNote error={polled.error} />
      {polled.data && (
        <>
          <p>
            <strong>{plural(totalHeld(queues), 'message')}</strong> held in {queues.filter((q) => q.depth > 0).length}{' '}
            of {queues.length} queues.
          </p>
          <div class="table-scroll">
            <table class="striped">
              <caption>Dead-letter queues by routing rule, fullest first</caption>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col" class="number">
                    Held
                  </th>
                  <th scope="col" class="number">
                    Oldest message
                  </th>
                </tr>
              </thead>
              <tbody>
                {queues.map((queue) => (
                  <tr key={queue.rule}>
                    <th scope="row">
                      <a href={routeHash(PAGE, [queue.rule])}>{queue.rule}</a>
                    </th>
                    <td class="number">{queue.depth}</td>
                    <td class="number">
                      {queue.oldestAgeSeconds === undefined ? '-' : formatDuration(queue.oldestAgeSeconds * 1000)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

function HeldMessages({
  session,
  rule,
  filters,
  navigate,
}: {
  session: Session;
  rule: string;
  filters: HeldFilters;
  navigate(to: string): void;
}) {
  const filterKey = JSON.stringify(filters);
  // Peeking hides the held messages for a moment, from other operators too: it reads when asked, not on a timer.
  const peek = usePolled(
    () => apiGet<Peek>(session, `/dead-letter-queues/${segment(rule)}/messages`, filterQuery(filters)),
    [rule, filterKey],
    0,
  );
  return (
    <>
      <PageHeading title={`${rule} dead-letter queue`} polled={peek} />
      <p>
        <a href={routeHash(PAGE)}>All dead-letter queues</a>
      </p>
      <FilterForm
        filters={filters}
        apply={(next) => navigate(routeHash(PAGE, [rule], filterQuery(next)))}
        key={`${rule}${filterKey}`}
      />
      <ErrorNote error={peek.error} />
      {peek.data && (
        <>
          <p>
            {plural(peek.data.messages.length, 'message')} shown ({describeFilters(filters)}) of {peek.data.examined}{' '}
            examined.
            {peek.data.more && ' The queue holds more than one request examines.'}
          </p>
          <MessageTable messages={peek.data.messages} caption={`Messages held for ${rule}`} />
        </>
      )}
      {session.canOperate && (
        <RedriveSection
          session={session}
          rule={rule}
          filters={filters}
          done={peek.reload}
          key={`${rule}${filterKey}`}
        />
      )}
    </>
  );
}

function FilterForm({ filters, apply }: { filters: HeldFilters; apply(filters: HeldFilters): void }) {
  const [channel, setChannel] = useState(filters.channel ?? '');
  const [orderId, setOrderId] = useState(filters.orderId ?? '');
  const [sku, setSku] = useState(filters.sku ?? '');
  return (
    <form
      aria-label="Filter held messages"
      onSubmit={(event) => {
        event.preventDefault();
        apply({ channel: channel || undefined, orderId: orderId.trim() || undefined, sku: sku.trim() || undefined });
      }}
    >
      <fieldset class="grid">
        <label>
          Channel
          <select value={channel} onChange={(event) => setChannel(event.currentTarget.value)}>
            <option value="">Any channel</option>
            {CHANNELS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order id
          <input value={orderId} onInput={(event) => setOrderId(event.currentTarget.value)} placeholder="ord_..." />
        </label>
        <label>
          SKU
          <input value={sku} onInput={(event) => setSku(event.currentTarget.value)} />
        </label>
      </fieldset>
      <button type="submit" class="secondary">
        Apply filters
      </button>
    </form>
  );
}

function MessageTable({ messages, caption }: { messages: readonly HeldMessage[]; caption: string }) {
  if (messages.length === 0) return <p>No held message matches.</p>;
  return (
    <div class="table-scroll">
      <table class="striped">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Message</th>
            <th scope="col">Correlation / order</th>
            <th scope="col">Business key</th>
            <th scope="col">Why held</th>
            <th scope="col" class="number">
              Received
            </th>
            <th scope="col" class="number">
              Age
            </th>
            <th scope="col">Processed</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((message) => {
            const orderId = orderIdOf(message);
            return (
              <tr key={message.messageId}>
                <th scope="row">
                  {messageKind(message)}
                  <br />
                  <small>
                    <code>{message.messageId}</code>
                  </small>
                </th>
                <td>
                  {orderId ? <a href={routeHash('orders', [orderId])}>{orderId}</a> : (message.correlationId ?? '-')}
                </td>
                <td>{message.businessKey ? <code>{message.businessKey}</code> : '-'}</td>
                <td>
                  {message.whyHeld}
                  {message.body !== undefined && (
                    <details>
                      <summary>Body</summary>
                      <pre>{message.body}</pre>
                    </details>
                  )}
                </td>
                <td class="number">{message.receiveCount}×</td>
                <td class="number">{formatAge(message.sentAt)}</td>
                <td>{processedLabel(message.processed)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The operator's redrive: a dry run first, which says what would move, then the confirmed redrive. */
function RedriveSection({
  session,
  rule,
  filters,
  done,
}: {
  session: Session;
  rule: string;
  filters: HeldFilters;
  done(): void;
}) {
  const redrive = (dryRun: boolean) =>
    apiPost<Redrive>(session, `/dead-letter-queues/${segment(rule)}/redrive`, { dryRun, ...filterQuery(filters) });
  const preview = useAction(() => redrive(true));
  const confirm = useAction(() => redrive(false));
  const [previewed, setPreviewed] = useState<Redrive | undefined>(undefined);
  const [outcome, setOutcome] = useState<Redrive | undefined>(undefined);
  return (
    <section aria-labelledby="redrive-heading">
      <h2 id="redrive-heading">Redrive</h2>
      <p>
        Moves the held messages that match ({describeFilters(filters)}) back to the {rule} queue. Preview first: it
        moves nothing and says which messages were already processed.
      </p>
      <button
        type="button"
        class="secondary"
        aria-busy={preview.busy}
        disabled={preview.busy || confirm.busy}
        onClick={async () => {
          setOutcome(undefined);
          setPreviewed(await preview.run());
        }}
      >
        Preview redrive
      </button>
      <ErrorNote error={preview.error} />
      {previewed && (
        <div class="redrive-preview" role="status">
          <p>{previewSummary(previewed)}</p>
          <MessageTable messages={previewed.messages} caption={`Messages a redrive would move back to ${rule}`} />
          <div class="grid">
            <button
              type="button"
              aria-busy={confirm.busy}
              disabled={confirm.busy || previewed.messages.length === 0}
              onClick={async () => {
                const result = await confirm.run();
                if (!result) return;
                setOutcome(result);
                setPreviewed(undefined);
                done();
              }}
            >
              {confirmLabel(previewed)}
            </button>
            <button type="button" class="secondary outline" onClick={() => setPreviewed(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <ErrorNote error={confirm.error} />
      {outcome && <p role="status">{outcomeSummary(outcome)}</p>}
    </section>
  );
}
