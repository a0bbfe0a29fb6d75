import { DynamoEventTrail } from '#shared/adapters/event-trail';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { orderTimeline } from '#domain/kernel/event-trail';
import { formatDecimalMoney } from '#domain/kernel/money';
import type { HeldOrder, OrderView } from '#domain/orders/order-record';
import type { LocalResources } from '../local-fabric/provision';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

export async function showOrder(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [orderId],
  } = parseCommand(opsCommands.orderShow, argv);
  const found = await new DynamoOrderRepository(resources.tables.orders, resources.tables.crossReference).viewOrder(
    orderId,
  );
  if (!found) throw new Error(`no order ${orderId}`);
  const { order, held, history } = found;
  console.log(headline(found));
  if (held) printHeld(held);
  for (const line of order?.lines ?? []) {
    console.log(
      `  ${String(line.quantity).padStart(3)} x ${(line.sku ?? `UNMAPPED(${line.channelSku})`).padEnd(28)} @ ${formatDecimalMoney(line.unitPrice)}`,
    );
  }
  console.log('history:');
  for (const entry of history) {
    console.log(
      `  ${entry.recordedAt}  ${entry.change.padEnd(22)} ${entry.status.padEnd(16)} channel version ${entry.channelUpdatedAt}  delivery ${entry.deliveryId}`,
    );
  }
  const lifecycles = new DynamoLifecycleStore(resources.tables.orders);
  const lifecycle = await lifecycles.load(orderId);
  if (!lifecycle) return;
  const { moves, refusals } = await lifecycles.history(orderId);
  console.log(`lifecycle: ${lifecycle.state} (version ${lifecycle.version})`);
  for (const move of moves)
    console.log(`  ${move.recordedAt}  ${move.from.padEnd(18)} -> ${move.to.padEnd(18)} on ${move.on}`);
  for (const refusal of refusals)
    console.log(
      `  ${refusal.recordedAt}  REFUSED ${refusal.from} -> ${refusal.to} on ${refusal.on}: ${refusal.reason}`,
    );
}

/** An order's whole path through the fabric, from its recorded versions and the event trail, with timings. */
export async function traceOrder(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [orderId],
  } = parseCommand(opsCommands.orderTrace, argv);
  const found = await new DynamoOrderRepository(resources.tables.orders, resources.tables.crossReference).viewOrder(
    orderId,
  );
  const trail = await new DynamoEventTrail(resources.tables.eventTrail).forCorrelation(orderId);
  if (!found && trail.length === 0) throw new Error(`nothing known about order ${orderId}`);
  if (found) console.log(headline(found));
  if (found?.held) printHeld(found.held);
  const { moves, refusals } = await new DynamoLifecycleStore(resources.tables.orders).history(orderId);
  const recorded = [
    ...(found?.held ? [{ at: found.held.heldAt, what: `order held: ${found.held.reason}` }] : []),
    ...(found?.history ?? []).map((entry) => ({
      at: entry.recordedAt,
      what: `order ${entry.change} (${entry.status})`,
    })),
    ...moves.map((move) => ({ at: move.recordedAt, what: `lifecycle ${move.from} -> ${move.to} on ${move.on}` })),
    ...refusals.map((refusal) => ({
      at: refusal.recordedAt,
      what: `lifecycle refused ${refusal.on}: ${refusal.from} -> ${refusal.to}`,
    })),
  ];
  for (const step of orderTimeline(recorded, trail)) {
    console.log(`  ${`+${step.sinceStartMs} ms`.padStart(12)}  ${step.at}  ${step.what}`);
  }
}

/** One status, the fabric's; the channel's own beside it. */
function headline({ orderId, status, channelStatus, order, held }: OrderView): string {
  const channel = order
    ? `${order.channel} ${order.channelOrderNumber ?? order.channelOrderId}`
    : `${held?.channel} ${held?.channelOrderId}`;
  const total = order ? `  total ${formatDecimalMoney(order.totals.total)} ${order.currency}` : '';
  return `${orderId}  ${channel}  ${status}${channelStatus ? ` (channel: ${channelStatus})` : ''}${total}`;
}

function printHeld(held: HeldOrder): void {
  console.log(
    `held since ${held.heldAt}: ${held.reason}${held.archiveKey ? `  (archived as ${held.archiveKey})` : ''}`,
  );
  for (const issue of held.details) console.log(`  ${issue.path}: ${issue.message}`);
}
