import { createEvent } from '#domain/kernel/event';
import { FulfilmentUnsourceable, PickupCollected, TillHandOverUnmatched, type RequestStatus } from './events';
import { markReadyForPickup } from './pickup';
import {
  OrderNotYetStoredError,
  StoreTaskStateError,
  moveRequest,
  requestView,
  save,
  type FulfilmentPorts,
  type FulfilmentRequest,
  type StoredRequest,
} from './requests';

/**
 * What a store (its app, the POS or an operator in the console) does with a store task:
 * accept it, say it is picked (a pickup order then waits at the counter with a pickup code), reject it
 * with a reason (the part is re-sourced, once), hand a pickup over against its code, or ship it.
 */
export type StoreTaskAction =
  | { action: 'accept' }
  | { action: 'picked' }
  | { action: 'reject'; reason: string }
  | { action: 'collect'; code: string }
  | { action: 'shipped'; carrier: string; trackingNumber: string };

export class StoreTaskNotFoundError extends Error {
  override name = 'StoreTaskNotFoundError';
}

/** The input is wrong for this task (a pickup code that does not match): a 400 naming the field. */
export class StoreTaskInputError extends Error {
  override name = 'StoreTaskInputError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** From which statuses each action moves a task, and where to (a pickup's `picked` goes on to ready_for_pickup). */
const ACTIONS: Record<StoreTaskAction['action'], { from: readonly RequestStatus[]; to: RequestStatus }> = {
  accept: { from: ['open'], to: 'accepted' },
  picked: { from: ['accepted'], to: 'picked' },
  reject: { from: ['open', 'accepted', 'picked'], to: 'rejected' },
  collect: { from: ['ready_for_pickup'], to: 'collected' },
  shipped: { from: ['accepted', 'picked'], to: 'shipped' },
};

/**
 * Applies a store's action to its task, checked against the task's status and delivery method, and
 * publishes StoreTaskChanged. Repeating an action the task already went through answers the task as it
 * is (a store app retrying after a lost answer); a collection repeated never ships twice, since the
 * shipment is confirmed once per task. Throws StoreTaskNotFoundError, StoreTaskStateError (the status
 * does not allow it, or another write came first) or StoreTaskInputError (a wrong pickup code).
 */
export async function actOnStoreTask(
  taskId: string,
  input: StoreTaskAction,
  by: string,
  ports: FulfilmentPorts,
): Promise<FulfilmentRequest> {
  const task = await ports.store.getRequest(taskId);
  if (task?.route !== 'store_task') throw new StoreTaskNotFoundError(`no store task ${taskId}`);
  if (input.action === 'collect' && task.pickupCode && input.code.trim() !== task.pickupCode)
    throw new StoreTaskInputError('code', 'does not match the pickup code of this order');
  const { from, to } = ACTIONS[input.action];
  if (alreadyDone(task, input.action, to)) return requestView(task);
  if (!from.includes(task.status))
    throw new StoreTaskStateError(
      `store task ${taskId} is ${task.status}; ${input.action} applies to ${from.join(' or ')}`,
    );
  if (input.action === 'collect' && task.method !== 'pickup')
    throw new StoreTaskStateError(`store task ${taskId} is for ${task.method}, not a pickup`);
  if (input.action === 'shipped' && task.method === 'pickup')
    throw new StoreTaskStateError(`store task ${taskId} is a pickup: the customer collects it`);

  const now = ports.now?.() ?? new Date();
  switch (input.action) {
    case 'reject':
      return requestView(await resourcePart(task, 'rejected', by, input.reason, ports));
    case 'picked':
      return requestView(
        task.method === 'pickup'
          ? await markReadyForPickup(task, by, ports)
          : await save(task, moveRequest(task, 'picked', by, now), by, ports),
      );
    case 'collect':
      return requestView(await collectPickup(task, by, now, ports));
    case 'shipped':
      await confirm(
        task,
        { shipmentId: `${task.requestId}.shipped`, carrier: input.carrier, trackingNumber: input.trackingNumber },
        now,
        ports,
      );
      return requestView(await save(task, moveRequest(task, 'shipped', by, now), by, ports));
    default:
      return requestView(await save(task, moveRequest(task, to, by, now), by, ports));
  }
}

/**
 * A pickup handed over: its lines confirmed as shipped under the task's one shipment id (so a second
 * collection, at the counter or the till, ships nothing twice), the task `collected`, PickupCollected.
 */
async function collectPickup(
  task: StoredRequest,
  by: string,
  now: Date,
  ports: FulfilmentPorts,
): Promise<StoredRequest> {
  const shipmentId = `${task.requestId}.collected`;
  await confirm(task, { shipmentId, carrier: 'in-store pickup', trackingNumber: task.requestId }, now, ports);
  const collected = await save(task, moveRequest(task, 'collected', by, now), by, ports);
  await ports.publisher.publish([
    createEvent(
      PickupCollected,
      {
        orderId: task.orderId,
        requestId: task.requestId,
        locationId: task.locationId,
        shipmentId,
        collectedAt: now.toISOString(),
      },
      { correlationId: task.orderId },
    ),
  ]);
  return collected;
}

/** The till that handed a pickup over: its store and register, as a task's history names it. */
export interface TillHandOver {
  orderId: string;
  storeId: string;
  registerId: string;
}

export type TillCollection =
  | { outcome: 'collected'; task: FulfilmentRequest }
  | { outcome: 'already_collected'; task: FulfilmentRequest }
  | { outcome: 'not_a_pickup_here'; reason: string };

/**
 * Statuses from which a till hands a pickup over. An open task is included: the goods left the store
 * with the customer whatever the store app said, and a pickup left waiting would later expire, put its
 * units back on the shelf and refund an order the customer holds.
 */
const HANDED_OVER_FROM: readonly RequestStatus[] = ['open', 'accepted', 'picked', 'ready_for_pickup'];

/**
 * A pickup handed over at the till (a POS sale line naming the order): the order's pickup task at
 * that store is collected exactly as the collect action collects it (collectPickup: one shipment per
 * task, which consumes the reservation), by `pos:<store>:<register>`, without a code: the till is the
 * store's own. Idempotent: a redelivered or replayed transaction, or a collect action after it, finds
 * the task collected and ships nothing twice. Nothing for an order that is not a pickup at that store.
 * Throws OrderNotYetStoredError (retried) while the order, or its pickup task, is not stored yet.
 */
export async function collectAtTill(handOver: TillHandOver, ports: FulfilmentPorts): Promise<TillCollection> {
  const order = await ports.orders.getOrder(handOver.orderId);
  if (!order) throw new OrderNotYetStoredError(`order ${handOver.orderId} is not stored yet`);
  if (order.delivery?.method !== 'pickup')
    return unmatchedHandOver(handOver, `order ${order.orderId} is not a pickup order`, ports);
  const requests = await ports.store.listByOrder(order.orderId);
  const here = requests.filter((request) => request.locationId === handOver.storeId && request.route === 'store_task');
  const task = here.find((request) => HANDED_OVER_FROM.includes(request.status));
  if (task)
    return {
      outcome: 'collected',
      task: requestView(
        await collectPickup(task, `pos:${handOver.storeId}:${handOver.registerId}`, ports.now?.() ?? new Date(), ports),
      ),
    };
  const collected = here.find((request) => request.status === 'collected');
  if (collected) return { outcome: 'already_collected', task: requestView(collected) };
  // Released nowhere yet: the reservation's release to the store is on its way.
  if (requests.length === 0) throw new OrderNotYetStoredError(`order ${order.orderId} has no fulfilment request yet`);
  return unmatchedHandOver(
    handOver,
    `order ${order.orderId} has no pickup task at ${handOver.storeId} to hand over (${here.map((r) => `${r.requestId} ${r.status}`).join(', ') || 'its parts are elsewhere'})`,
    ports,
  );
}

/**
 * A hand-over that collects nothing still took the goods off the shelf (the till's line moves no
 * stock, the collection would have): raised as TillHandOverUnmatched for a person to count the shelf
 * and settle the order. Raised again on a redelivery; the exceptions queue keeps one row per order and store.
 */
async function unmatchedHandOver(
  handOver: TillHandOver,
  reason: string,
  ports: FulfilmentPorts,
): Promise<TillCollection> {
  await ports.publisher.publish([
    createEvent(TillHandOverUnmatched, { ...handOver, reason }, { correlationId: handOver.orderId }),
  ]);
  return { outcome: 'not_a_pickup_here', reason };
}

/** A repeat of an action the task has been through: accept once accepted or beyond, collect once collected. */
function alreadyDone(task: StoredRequest, action: StoreTaskAction['action'], to: RequestStatus): boolean {
  if (task.status === to) return true;
  if (action === 'picked' && task.status === 'ready_for_pickup') return true;
  return action === 'accept' && task.history.some((move) => move.to === 'accepted') && task.status !== 'rejected';
}

/**
 * Takes a part away from a location that rejected it or missed its SLA: moves its reservation to the
 * next location the rules allow (inventory's moveReservation, idempotent on the request id as move id),
 * which releases the new request there; once only, so a re-sourced part that fails again, or one no
 * other location can take, raises FulfilmentUnsourceable and its units stay held. The task ends
 * `rejected` or `sla_missed`. Safe to repeat: the move happens once, the task is written once.
 */
export async function resourcePart(
  task: StoredRequest,
  to: 'rejected' | 'sla_missed',
  by: string,
  reason: string,
  ports: FulfilmentPorts,
): Promise<StoredRequest> {
  const failedBefore = (await ports.store.listByOrder(task.orderId))
    .filter((other) => other.status === 'rejected' || other.status === 'sla_missed')
    .map((other) => other.locationId);
  let unsourceable: 'NO_LOCATION' | 'REJECTED_TWICE' | 'SLA_MISSED_TWICE' | undefined;
  if (task.attempt > 1) {
    unsourceable = to === 'rejected' ? 'REJECTED_TWICE' : 'SLA_MISSED_TWICE';
  } else {
    const moved = await ports.stock.moveReservation({
      orderId: task.orderId,
      fromLocationId: task.locationId,
      moveId: task.requestId,
      reason: to === 'rejected' ? 'STORE_REJECTED' : 'STORE_SLA_MISSED',
      exclude: [...new Set(failedBefore.filter((locationId) => locationId !== task.locationId))],
    });
    if (moved.outcome === 'no_location') unsourceable = 'NO_LOCATION';
  }
  if (unsourceable)
    await ports.publisher.publish([
      createEvent(
        FulfilmentUnsourceable,
        {
          orderId: task.orderId,
          channel: task.channel,
          requestId: task.requestId,
          locationId: task.locationId,
          reason: unsourceable,
          detail: reason,
          lines: task.lines,
        },
        { correlationId: task.orderId },
      ),
    ]);
  const now = ports.now?.() ?? new Date();
  return save(task, moveRequest(task, to, by, now, { rejectReason: reason }, reason), by, ports);
}

/** Confirms the task's lines as shipped through the order's shipment flow; a refusal there is a 409 here. */
async function confirm(
  task: StoredRequest,
  shipment: { shipmentId: string; carrier: string; trackingNumber: string },
  now: Date,
  ports: FulfilmentPorts,
): Promise<void> {
  const answer = await ports.confirmShipment({
    ...shipment,
    orderId: task.orderId,
    locationId: task.locationId,
    shippedAt: now.toISOString(),
    lines: task.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
  });
  if (answer.status >= 300)
    throw new StoreTaskStateError(
      `the shipment of store task ${task.requestId} was refused: ${String(answer.body.message ?? answer.status)}`,
    );
}
