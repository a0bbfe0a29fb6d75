import { DynamoBreakerStore } from '#shared/adapters/erp-circuit-breaker';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import type { BreakerState, BreakerStatus } from '#domain/erp';
import type { ExceptionRecord } from '#domain/exceptions';
import { loadOrderSlas, type OrderSlas } from '#domain/orders';

/**
 * The ERP connector as operators watch it, for the console's ERP page: the shared circuit breaker,
 * the sales orders reserved and not yet posted, and the documents the ERP refused.
 */

export interface BreakerView {
  /** The ERP it guards (business-central). */
  name: string;
  status: BreakerStatus;
  consecutiveFailures: number;
  /** When it opened, when the half-open probe went, or (closed) when it was last written. */
  since: string;
}

export interface WaitingSalesOrder {
  orderId: string;
  /** When the order was reserved, when the SLA watch still has it. */
  reservedAt?: string;
  /** Its SLA deadline for the posting; past it the order is reported stuck. */
  deadline?: string;
  /** Reported stuck (an open OrderStuck exception): past its deadline. */
  stuck: boolean;
}

export interface ErpRejection {
  exceptionId: string;
  documentType: string;
  documentKey: string;
  orderId?: string;
  erpCode: string;
  reason: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ErpStatus {
  /** One per ERP the connector ever had to count a failure for; none: every breaker is closed and clean. */
  breakers: BreakerView[];
  salesOrdersWaiting: WaitingSalesOrder[];
  /** Open ErpPostingRejected exceptions: sales orders and journal entries the ERP refused. */
  rejections: ErpRejection[];
}

export interface ErpReadPorts {
  breakers: Pick<DynamoBreakerStore, 'all'>;
  lifecycles: Pick<DynamoLifecycleStore, 'overdue'>;
  exceptions: Pick<DynamoExceptionStore, 'list'>;
  slas: OrderSlas;
}

/** The ports over the connectorState, orders and exceptions tables. */
export function erpReadPorts(tables: { connectorState: string; orders: string; exceptions: string }): ErpReadPorts {
  const slas = loadOrderSlas();
  return {
    breakers: new DynamoBreakerStore(tables.connectorState),
    lifecycles: new DynamoLifecycleStore(tables.orders, undefined, slas),
    exceptions: new DynamoExceptionStore(tables.exceptions),
    slas,
  };
}

export function breakerView(name: string, state: BreakerState, changedAt: string): BreakerView {
  const iso = (epochMs: number | undefined) => (epochMs === undefined ? changedAt : new Date(epochMs).toISOString());
  return {
    name,
    status: state.status,
    consecutiveFailures: state.consecutiveFailures,
    since:
      state.status === 'open'
        ? iso(state.openedAt)
        : state.status === 'half_open'
          ? iso(state.probeStartedAt)
          : changedAt,
  };
}

/**
 * Reserved orders not posted yet. The SLA watch's index holds every order in flight with its deadline;
 * a reserved order's deadline is at most the reserved SLA from now, so asking for those due by then
 * and keeping the reserved ones lists them all without reading the orders in other states' longer
 * SLAs. An order past its deadline leaves the index once reported, and is found as its OrderStuck exception.
 */
export async function salesOrdersWaiting(ports: ErpReadPorts, now = Date.now()): Promise<WaitingSalesOrder[]> {
  const waiting = new Map<string, WaitingSalesOrder>();
  const reservedMinutes = ports.slas.reserved;
  if (reservedMinutes !== undefined)
    for await (const order of ports.lifecycles.overdue(new Date(now + reservedMinutes * 60_000)))
      if (order.state === 'reserved')
        waiting.set(order.orderId, {
          orderId: order.orderId,
          reservedAt: order.since,
          deadline: order.deadline,
          stuck: Date.parse(order.deadline) <= now,
        });
  for (const stuck of await ports.exceptions.list({ kind: 'OrderStuck', status: 'open' }))
    if (stuck.orderId && stuck.context.state === 'reserved' && !waiting.has(stuck.orderId))
      waiting.set(stuck.orderId, { orderId: stuck.orderId, stuck: true });
  return [...waiting.values()].sort(
    (a, b) => Number(b.stuck) - Number(a.stuck) || (a.reservedAt ?? '').localeCompare(b.reservedAt ?? ''),
  );
}

export function erpRejection(record: ExceptionRecord): ErpRejection {
  const { documentType, documentKey } = record.context as { documentType?: string; documentKey?: string };
  return {
    exceptionId: record.id,
    documentType: documentType ?? 'unknown',
    documentKey: documentKey ?? record.subject.key,
    ...(record.orderId ? { orderId: record.orderId } : {}),
    erpCode: record.reasonCode,
    reason: record.reason,
    count: record.count,
    firstSeenAt: record.firstSeenAt,
    lastSeenAt: record.lastSeenAt,
  };
}

export async function erpStatus(ports: ErpReadPorts, now = Date.now()): Promise<ErpStatus> {
  const [breakers, salesOrders, rejected] = await Promise.all([
    ports.breakers.all(),
    salesOrdersWaiting(ports, now),
    ports.exceptions.list({ kind: 'ErpPostingRejected', status: 'open' }),
  ]);
  return {
    breakers: breakers.map(({ name, state, changedAt }) => breakerView(name, state, changedAt)),
    salesOrdersWaiting: salesOrders,
    rejections: rejected.map(erpRejection),
  };
}
