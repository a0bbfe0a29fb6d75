import { createEvent } from '#domain/kernel/event';
import { OrderStuck, type OrderStuckData } from './events';
import type { EventPublisher } from '#domain/kernel/ports';
import type { LifecycleState } from './lifecycle';

/** Minutes an order may stay in a state; a state without one is where orders rest. */
export type OrderSlas = Partial<Record<LifecycleState, number>>;

/** When an order that entered `state` at `enteredAt` is overdue, or undefined where orders rest. */
export function slaDeadline(state: LifecycleState, enteredAt: string, slas: OrderSlas): string | undefined {
  const minutes = slas[state];
  return minutes === undefined ? undefined : new Date(Date.parse(enteredAt) + minutes * 60_000).toISOString();
}

/** Orders whose deadline has passed, and the mark that one was reported. */
export interface StuckOrderWatch {
  overdue(now: Date): AsyncIterable<OrderStuckData>;
  /** False when the order moved on meanwhile: its new state has its own deadline. */
  markReported(order: OrderStuckData): Promise<boolean>;
}

/**
 * Reports every order that stayed in one state past its SLA as an OrderStuck event, once per stay: a
 * stuck order is otherwise invisible, since nothing failed and nothing waits in a DLQ. The event is
 * published before the stay is marked reported, so a crash between the two reports it again rather
 * than never.
 */
export async function reportStuckOrders(ports: {
  watch: StuckOrderWatch;
  publisher: EventPublisher;
  now?: () => Date;
}): Promise<OrderStuckData[]> {
  const reported: OrderStuckData[] = [];
  for await (const stuck of ports.watch.overdue(ports.now?.() ?? new Date())) {
    await ports.publisher.publish([createEvent(OrderStuck, stuck, { correlationId: stuck.orderId })]);
    if (await ports.watch.markReported(stuck)) reported.push(stuck);
  }
  return reported;
}
