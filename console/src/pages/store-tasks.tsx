import { useState } from 'preact/hooks';
import { apiGet, apiPost, segment } from '../api';
import { ErrorNote, PageHeading, type PageProps, useAction, usePolled } from '../components';
import type { Session } from '../session';
import { formatAge, formatTime } from '../view/format';
import { routeHash } from '../view/route';
import type { StoresAnswer } from '../view/stores';
import {
  actionBody,
  actionLabel,
  actionOutcome,
  attemptLabel,
  type Deadline,
  type FulfilmentRequest,
  filterChoices,
  groupTasks,
  historyEntries,
  linesLabel,
  methodLabel,
  offeredActions,
  PAGE,
  type StoreTasksAnswer,
  statusLabel,
  storeFrom,
  type TaskAction,
  type TaskFilter,
  taskDeadline,
  taskFilter,
} from '../view/store-tasks';

/** The stores the picker offers: those the fabric knows from their POS uploads change rarely. */
const STORES_REFRESH_MS = 60_000;

export function StoreTasksPage({ session, path, query, navigate }: PageProps) {
  const [storeId, taskId] = path;
  if (!storeId) return <StorePicker session={session} navigate={navigate} />;
  if (taskId) return <TaskView session={session} storeId={storeId} taskId={taskId} />;
  const filter = taskFilter(query.get('status'));
  const show = (next: TaskFilter) =>
    navigate(routeHash(PAGE, [storeId], next === 'active' ? undefined : { status: next }));
  return <TaskList session={session} storeId={storeId} filter={filter} show={show} />;
}

function StorePicker({ session, navigate }: { session: Session; navigate(to: string): void }) {
  const stores = usePolled(() => apiGet<StoresAnswer>(session, '/stores'), [], STORES_REFRESH_MS);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState('');
  const known = stores.data?.stores.map((store) => store.storeId).sort() ?? [];
  return (
    <>
      <PageHeading title="Store tasks" />
      <p>
        What each store is asked to pick: orders to pick up in store and parts to ship from it, with their acceptance
        deadline and pickup hold. Choose a store.
      </p>
      <form
        aria-label="Choose a store"
        onSubmit={(event) => {
          event.preventDefault();
          const wanted = storeFrom(typed);
          if ('problem' in wanted) return setProblem(wanted.problem);
          setProblem('');
          navigate(wanted.hash);
        }}
      >
        <label for="store-id">Store id</label>
        <fieldset>
          <input
            id="store-id"
            list="known-stores"
            value={typed}
            onInput={(event) => setTyped(event.currentTarget.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'store-id-problem' : undefined}
            placeholder="e.g. store-042"
          />
          <button type="submit">Show tasks</button>
        </fieldset>
        <datalist id="known-stores">
          {known.map((storeId) => (
            <option key={storeId} value={storeId} />
          ))}
        </datalist>
        {problem && <small id="store-id-problem">{problem}</small>}
      </form>
      <ErrorNote error={stores.error} />
      {known.length > 0 && (
        <nav aria-label="Stores the fabric knows from their POS uploads">
          <ul>
            {known.map((storeId) => (
              <li key={storeId}>
                <a href={routeHash(PAGE, [storeId])}>{storeId}</a>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </>
  );
}

function TaskList({
  session,
  storeId,
  filter,
  show,
}: {
  session: Session;
  storeId: string;
  filter: TaskFilter;
  show(filter: TaskFilter): void;
}) {
  const polled = usePolled(() => apiGet<StoreTasksAnswer>(session, `/stores/${segment(storeId)}/tasks`), [storeId]);
  const tasks = polled.data?.tasks;
  const groups = tasks && groupTasks(tasks, filter);
  return (
    <>
      <PageHeading title={`Tasks at store ${storeId}`} polled={polled} />
      <p>
        <a href={routeHash(PAGE)}>Choose another store</a> · <a href={routeHash('stores', [storeId])}>POS uploads</a>
      </p>
      <label for="task-filter">Show tasks</label>
      <select id="task-filter" value={filter} onChange={(event) => show(taskFilter(event.currentTarget.value))}>
        {filterChoices(tasks ?? []).map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <ErrorNote error={polled.error} />
      {groups && groups.length === 0 && (
        <p>{filter === 'active' ? 'Nothing to do: the store has no open task.' : 'No task matches.'}</p>
      )}
      {groups?.map((group) => (
        <section key={group.status} aria-labelledby={`tasks-${group.status}`}>
          <h2 id={`tasks-${group.status}`}>
            {group.label} ({group.tasks.length})
          </h2>
          <TaskTable
            storeId={storeId}
            caption={`${group.label}: tasks at ${storeId}, oldest first`}
            tasks={group.tasks}
          />
        </section>
      ))}
    </>
  );
}

function TaskTable({ storeId, caption, tasks }: { storeId: string; caption: string; tasks: FulfilmentRequest[] }) {
  return (
    <div class="table-scroll">
      <table class="striped">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Order</th>
            <th scope="col">Method</th>
            <th scope="col">Lines</th>
            <th scope="col">Age</th>
            <th scope="col">Deadline</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.requestId}>
              <th scope="row" class="wrap-anywhere">
                <a href={routeHash(PAGE, [storeId, task.requestId])}>{task.requestId}</a>
                {task.attempt > 1 && (
                  <>
                    <br />
                    <small>{attemptLabel(task.attempt)}</small>
                  </>
                )}
              </th>
              <td class="wrap-anywhere">
                <a href={routeHash('orders', [task.orderId])}>
                  {task.channel} {task.channelOrderId}
                </a>
              </td>
              <td>{methodLabel(task.method)}</td>
              <td class="wrap-anywhere">{linesLabel(task.lines)}</td>
              <td>
                <time dateTime={task.createdAt} title={formatTime(task.createdAt)}>
                  {formatAge(task.createdAt)}
                </time>
              </td>
              <td>
                <DeadlineNote deadline={taskDeadline(task)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A deadline passed is marked, one close is bold: both are what the store must act on first. */
function DeadlineNote({ deadline }: { deadline: Deadline | undefined }) {
  if (!deadline) return <>-</>;
  const at = (
    <time dateTime={deadline.at} title={formatTime(deadline.at)}>
      {deadline.label}
    </time>
  );
  if (deadline.urgency === 'passed')
    return (
      <mark>
        <strong>{at}</strong>
      </mark>
    );
  return deadline.urgency === 'soon' ? <strong>{at}</strong> : at;
}

function TaskView({ session, storeId, taskId }: { session: Session; storeId: string; taskId: string }) {
  const polled = usePolled(() => apiGet<StoreTasksAnswer>(session, `/stores/${segment(storeId)}/tasks`), [storeId]);
  const task = polled.data?.tasks.find((candidate) => candidate.requestId === taskId);
  // Kept here: the form that made it leaves the page once the task no longer offers the action.
  const [outcome, setOutcome] = useState('');
  const done = (after: FulfilmentRequest) => {
    setOutcome(actionOutcome(after));
    polled.reload();
  };
  return (
    <>
      <PageHeading title={`Task ${taskId}`} polled={polled} />
      <p>
        <a href={routeHash(PAGE, [storeId])}>All tasks at store {storeId}</a>
      </p>
      <ErrorNote error={polled.error} />
      {polled.data && !task && (
        <p>
          Store {storeId} lists no task {taskId}.
        </p>
      )}
      {task && (
        <>
          <TaskSummary task={task} />
          {outcome && (
            <p role="status" class="wrap-anywhere">
              <strong>Done.</strong> {outcome}
            </p>
          )}
          <TaskActions session={session} task={task} done={done} />
          <TaskHistory task={task} />
        </>
      )}
    </>
  );
}

function TaskSummary({ task }: { task: FulfilmentRequest }) {
  return (
    <>
      <dl class="grid wrap-anywhere">
        <div>
          <dt>Status</dt>
          <dd>
            <strong>{statusLabel(task.status)}</strong>
            {task.rejectReason && <>: {task.rejectReason}</>}
          </dd>
        </div>
        <div>
          <dt>Order</dt>
          <dd>
            <a href={routeHash('orders', [task.orderId])}>
              {task.channel} {task.channelOrderId}
            </a>
            , {methodLabel(task.method)}
          </dd>
        </div>
        <div>
          <dt>Age</dt>
          <dd>
            <time dateTime={task.createdAt} title={formatTime(task.createdAt)}>
              {formatAge(task.createdAt)}
            </time>{' '}
            ({attemptLabel(task.attempt)})
          </dd>
        </div>
        <div>
          <dt>Deadline</dt>
          <dd>
            <DeadlineNote deadline={taskDeadline(task)} />
          </dd>
        </div>
      </dl>
      <div class="table-scroll">
        <table class="striped">
          <caption>Lines to pick</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col" class="number">
                Qty
              </th>
              <th scope="col">Line</th>
            </tr>
          </thead>
          <tbody>
            {task.lines.map((line) => (
              <tr key={line.lineId}>
                <th scope="row" class="wrap-anywhere">
                  {line.sku}
                </th>
                <td class="number">{line.quantity}</td>
                <td class="wrap-anywhere">{line.lineId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function TaskActions({
  session,
  task,
  done,
}: {
  session: Session;
  task: FulfilmentRequest;
  done(after: FulfilmentRequest): void;
}) {
  if (!session.canOperate) return <p>Operators act on store tasks; a viewer sees them.</p>;
  const actions = offeredActions(task, session.canOperate);
  if (actions.length === 0) return null;
  return (
    <section aria-labelledby="task-actions">
      <h2 id="task-actions">Act on it</h2>
      <div class="grid">
        {actions.map((action) => (
          <ActionForm key={`${task.requestId} ${action}`} session={session} task={task} action={action} done={done} />
        ))}
      </div>
    </section>
  );
}

/** The fields an action asks for, with their labels: the API refuses the action without them. */
const ACTION_FIELDS: Record<TaskAction, { name: 'reason' | 'code' | 'carrier' | 'trackingNumber'; label: string }[]> = {
  accept: [],
  picked: [],
  reject: [{ name: 'reason', label: 'Why the store cannot fulfil it' }],
  collect: [{ name: 'code', label: 'Pickup code the customer shows' }],
  shipped: [
    { name: 'carrier', label: 'Carrier' },
    { name: 'trackingNumber', label: 'Tracking number' },
  ],
};

function ActionForm({
  session,
  task,
  action,
  done,
}: {
  session: Session;
  task: FulfilmentRequest;
  action: TaskAction;
  done(after: FulfilmentRequest): void;
}) {
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<{ field: string; problem: string } | undefined>(undefined);
  const post = useAction((body: Record<string, string>) =>
    apiPost<{ task: FulfilmentRequest }>(session, `/store-tasks/${segment(task.requestId)}/${action}`, body),
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    const wanted = actionBody(action, typed);
    if ('problem' in wanted) return setProblem(wanted);
    setProblem(undefined);
    const answer = await post.run(wanted.body);
    if (answer) done(answer.task);
  };
  const label = actionLabel(action);
  return (
    <form onSubmit={submit} aria-label={`${label} task ${task.requestId}`}>
      {ACTION_FIELDS[action].map((field) => {
        const id = `${action}-${field.name}`;
        const wrong = problem?.field === field.name;
        return (
          <div key={field.name}>
            <label for={id}>{field.label}</label>
            <input
              id={id}
              name={field.name}
              value={typed[field.name] ?? ''}
              onInput={(event) => setTyped({ ...typed, [field.name]: event.currentTarget.value })}
              aria-invalid={wrong ? true : undefined}
              aria-describedby={wrong ? `${id}-problem` : undefined}
            />
            {wrong && <small id={`${id}-problem`}>{problem?.problem}</small>}
          </div>
        );
      })}
      <button
        type="submit"
        class={action === 'reject' ? 'secondary' : undefined}
        aria-busy={post.busy}
        disabled={post.busy}
      >
        {label}
      </button>
      <ErrorNote error={post.error} />
    </form>
  );
}

function TaskHistory({ task }: { task: FulfilmentRequest }) {
  const entries = historyEntries(task);
  return (
    <section aria-labelledby="task-history">
      <h2 id="task-history">History</h2>
      {entries.length === 0 ? (
        <p>Nobody has acted on it yet.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>Every move of the task, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Move</th>
                <th scope="col">Who</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={`${entry.at} ${entry.move}`}>
                  <td>
                    <time dateTime={entry.at}>{formatTime(entry.at)}</time>
                  </td>
                  <th scope="row">{entry.move}</th>
                  <td class="wrap-anywhere">{entry.by}</td>
                  <td class="wrap-anywhere">{entry.reason ?? '-'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
