/**
 * What the Store tasks page and an order's fulfilment section show, as plain data: a store's tasks
 * grouped by status with their age, acceptance deadline and pickup expiry, the actions an operator
 * may take on each, and an order's sourcing decision with every fulfilment request it made. The
 * shapes are what GET /stores/{storeId}/tasks and GET /orders/{orderId}/fulfilment answer
 * (functions/store-tasks-api/handler.ts).
 */
import type { FulfilmentRequest, RequestStatus, SourcingDecision } from '#domain/fulfilment';
import { reasonFrom } from './exceptions';
import { formatDuration } from './format';
import { routeHash } from './route';

/** One part of an order sent to one location (a store task, a ShipBob order or a warehouse release), as the API lists it. */
export type { FulfilmentRequest, RequestStatus, SourcingDecision };

export const PAGE = 'store-tasks';

/** GET /stores/{storeId}/tasks. */
export interface StoreTasksAnswer {
  storeId: string;
  tasks: FulfilmentRequest[];
}

/** GET /orders/{orderId}/fulfilment. */
export interface OrderFulfilmentAnswer {
  orderId: string;
  sourcing?: SourcingDecision;
  requests: FulfilmentRequest[];
}

/**
 * A store task's statuses in the order the page lists them: the store's work now first, then what is
 * done with (`released` and `sent_to_3pl` are a warehouse's, never a store's).
 */
export const TASK_STATUSES: readonly RequestStatus[] = [
  'open',
  'accepted',
  'picked',
  'ready_for_pickup',
  'collected',
  'shipped',
  'rejected',
  'sla_missed',
  'expired',
  'cancelled',
];

/** Tasks the store still has to act on (or its customer still has to collect). */
export const ACTIVE_STATUSES: readonly RequestStatus[] = ['open', 'accepted', 'picked', 'ready_for_pickup'];

const STATUS_LABELS: Record<RequestStatus, string> = {
  open: 'Open: waiting to be accepted',
  accepted: 'Accepted: being picked',
  picked: 'Picked',
  ready_for_pickup: 'Ready for pickup',
  collected: 'Collected',
  shipped: 'Shipped',
  rejected: 'Rejected',
  sla_missed: 'Acceptance deadline missed',
  expired: 'Pickup expired',
  cancelled: 'Cancelled',
  released: 'Released to the warehouse',
  sent_to_3pl: 'Sent to the 3PL',
};

export function statusLabel(status: RequestStatus): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, ' ');
}

const METHOD_LABELS: Record<FulfilmentRequest['method'], string> = {
  ship: 'ship',
  pickup: 'pickup in store',
  ship_from_store: 'ship from store',
};

export function methodLabel(method: FulfilmentRequest['method']): string {
  return METHOD_LABELS[method] ?? method;
}

const ROUTE_LABELS: Record<FulfilmentRequest['route'], string> = {
  store_task: 'store task',
  shipbob: 'ShipBob order',
  warehouse: "warehouse's WMS",
};

export function routeLabel(route: FulfilmentRequest['route']): string {
  return ROUTE_LABELS[route] ?? route;
}

/** Which tasks the page shows: the store's work now (the default), all of them, or one status. */
export type TaskFilter = 'active' | 'all' | RequestStatus;

/** The filter as the address carries it (`?status=ready_for_pickup`); anything else shows the store's work now. */
export function taskFilter(text: string | null): TaskFilter {
  if (text === 'all') return 'all';
  return TASK_STATUSES.find((status) => status === text) ?? 'active';
}

/** The filter's choices with how many tasks each holds, for the select. */
export function filterChoices(tasks: readonly FulfilmentRequest[]): { value: TaskFilter; label: string }[] {
  const count = (wanted: (task: FulfilmentRequest) => boolean) => tasks.filter(wanted).length;
  return [
    { value: 'active', label: `To do (${count((task) => ACTIVE_STATUSES.includes(task.status))})` },
    { value: 'all', label: `Every task (${tasks.length})` },
    ...TASK_STATUSES.map((status) => ({
      value: status,
      label: `${statusLabel(status)} (${count((task) => task.status === status)})`,
    })),
  ];
}

/** The tasks the filter keeps, one group per status in TASK_STATUSES order, oldest task first in each. */
export function groupTasks(
  tasks: readonly FulfilmentRequest[],
  filter: TaskFilter,
): { status: RequestStatus; label: string; tasks: FulfilmentRequest[] }[] {
  const kept = (status: RequestStatus) =>
    filter === 'all' || (filter === 'active' ? ACTIVE_STATUSES.includes(status) : filter === status);
  return TASK_STATUSES.filter(kept)
    .map((status) => ({
      status,
      label: statusLabel(status),
      tasks: tasks
        .filter((task) => task.status === status)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.requestId.localeCompare(b.requestId)),
    }))
    .filter((group) => group.tasks.length > 0);
}

/** Under this much time left to accept, the deadline is flagged: the task is re-sourced when it passes. */
export const ACCEPT_SOON_MS = 5 * 60_000;
/** Under this much time left in the pickup hold, the expiry is flagged: the order is cancelled when it passes. */
export const PICKUP_SOON_MS = 12 * 3_600_000;

/** A deadline as the page shows it: in words, and whether it has passed or is close. */
export interface Deadline {
  at: string;
  label: string;
  urgency: 'passed' | 'soon' | 'later';
}

function deadline(at: string, now: Date, soonMs: number, words: { before: string; after: string }): Deadline {
  const left = Date.parse(at) - now.getTime();
  if (left <= 0) return { at, label: `${words.after} ${formatDuration(-left)} ago`, urgency: 'passed' };
  return { at, label: `${words.before} ${formatDuration(left)}`, urgency: left < soonMs ? 'soon' : 'later' };
}

/**
 * The deadline that matters for a task now: while open, the acceptance SLA (re-sourced when it
 * passes); while ready for pickup, the end of the pickup hold (cancelled and refunded when it passes).
 * Other statuses have none.
 */
export function taskDeadline(task: FulfilmentRequest, now: Date = new Date()): Deadline | undefined {
  if (task.status === 'open' && task.acceptBy)
    return deadline(task.acceptBy, now, ACCEPT_SOON_MS, {
      before: 'accept within',
      after: 'acceptance deadline passed',
    });
  if (task.status === 'ready_for_pickup' && task.pickupExpiresAt)
    return deadline(task.pickupExpiresAt, now, PICKUP_SOON_MS, {
      before: 'collect within',
      after: 'pickup hold ended',
    });
  return undefined;
}

/** The task's lines in a few words: "2 × TEE-RED-M, 1 × MUG-01". */
export function linesLabel(lines: FulfilmentRequest['lines']): string {
  return lines.map((line) => `${line.quantity} × ${line.sku}`).join(', ');
}

/** "Attempt 2: re-sourced" for a part that moved here from another location. */
export function attemptLabel(attempt: number): string {
  return attempt > 1 ? `Attempt ${attempt}: re-sourced` : 'Attempt 1';
}

export type TaskAction = 'accept' | 'picked' | 'reject' | 'collect' | 'shipped';

/**
 * The actions a task offers an operator in its status (as actOnStoreTask allows them); none to a
 * viewer, none once it is done. A pickup's `picked` puts it at the counter with its code, to be
 * collected; a part shipped from the store is shipped once accepted or picked. Rejecting re-sources
 * the part to the next location, until it leaves the store.
 */
export function offeredActions(task: FulfilmentRequest, canOperate: boolean): TaskAction[] {
  if (!canOperate || task.route !== 'store_task') return [];
  const ships = task.method !== 'pickup';
  switch (task.status) {
    case 'open':
      return ['accept', 'reject'];
    case 'accepted':
      return ships ? ['picked', 'shipped', 'reject'] : ['picked', 'reject'];
    case 'picked':
      return ships ? ['shipped', 'reject'] : ['reject'];
    case 'ready_for_pickup':
      return ['collect'];
    default:
      return [];
  }
}

const ACTION_LABELS: Record<TaskAction, string> = {
  accept: 'Accept',
  picked: 'Mark picked',
  reject: 'Reject',
  collect: 'Collected',
  shipped: 'Mark shipped',
};

export function actionLabel(action: TaskAction): string {
  return ACTION_LABELS[action];
}

/** The body an action sends, or the field to fix first: a rejection needs its reason, a collection the customer's code. */
export function actionBody(
  action: TaskAction,
  typed: { reason?: string; code?: string; carrier?: string; trackingNumber?: string },
): { body: Record<string, string> } | { field: 'reason' | 'code' | 'carrier' | 'trackingNumber'; problem: string } {
  const text = (value: string | undefined) => (value ?? '').trim();
  if (action === 'reject') {
    const wanted = reasonFrom(typed.reason ?? '');
    return 'problem' in wanted ? { field: 'reason', problem: wanted.problem } : { body: { reason: wanted.reason } };
  }
  if (action === 'collect') {
    const code = text(typed.code);
    return code ? { body: { code } } : { field: 'code', problem: 'Enter the pickup code the customer shows.' };
  }
  if (action === 'shipped') {
    const carrier = text(typed.carrier);
    const trackingNumber = text(typed.trackingNumber);
    if (!carrier) return { field: 'carrier', problem: 'Enter the carrier.' };
    if (!trackingNumber) return { field: 'trackingNumber', problem: 'Enter the tracking number.' };
    return { body: { carrier, trackingNumber } };
  }
  return { body: {} };
}

/** What an action did, in one sentence beside the task. */
export function actionOutcome(task: FulfilmentRequest): string {
  return `Task ${task.requestId} is ${statusLabel(task.status).toLowerCase()} now.`;
}

/** A store id typed into the picker, or why it cannot be opened. */
export function storeFrom(typed: string): { hash: string } | { problem: string } {
  const storeId = typed.trim();
  if (!storeId) return { problem: 'Choose or type a store id.' };
  if (/[\s#?]/.test(storeId)) return { problem: 'A store id has no spaces, # or ?.' };
  return { hash: routeHash(PAGE, [storeId]) };
}

/** Where a request's location leads: a store's task list, or nowhere for a warehouse. */
export function locationHash(request: Pick<FulfilmentRequest, 'locationId' | 'locationKind'>): string | undefined {
  return request.locationKind === 'store' ? routeHash(PAGE, [request.locationId]) : undefined;
}

/** The sourcing decision in one sentence: which rule chose, for which delivery method, and how it may split. */
export function sourcingSummary(decision: SourcingDecision): string {
  const rule =
    decision.ruleId === 'channel-default'
      ? "No rule matched: the channel's default ranking chose"
      : `Rule ${decision.ruleId} (version ${decision.ruleVersion}) chose`;
  const split = decision.shipComplete
    ? 'ship complete from one location'
    : `split over at most ${decision.maxParts} ${decision.maxParts === 1 ? 'location' : 'locations'}`;
  return `${rule}, for ${methodLabel(decision.deliveryMethod)}: ${split}.`;
}

/** A request's history as the page lists it, oldest first: "open → accepted by store-042 (reason)". */
export function historyEntries(
  request: Pick<FulfilmentRequest, 'history'>,
): { at: string; move: string; by: string; reason?: string }[] {
  return [...request.history]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((entry) => ({
      at: entry.at,
      move: `${entry.from.replace(/_/g, ' ')} → ${entry.to.replace(/_/g, ' ')}`,
      by: entry.by,
      ...(entry.reason ? { reason: entry.reason } : {}),
    }));
}

/** An order's requests, first attempt first, then by location. */
export function requestsInOrder(requests: readonly FulfilmentRequest[]): FulfilmentRequest[] {
  return [...requests].sort(
    (a, b) =>
      a.attempt - b.attempt || a.createdAt.localeCompare(b.createdAt) || a.locationId.localeCompare(b.locationId),
  );
}
