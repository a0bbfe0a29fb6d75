import { formatDecimalMoney } from '#domain/kernel/money';
import type { HeldOrder, OrderView } from '#domain/orders/order-record';
import { orderDetail, orderReadStores, orderTrace } from '#shared/operations/orders';
import type { LocalResources } from '../local-fabric/provision';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

/** `order show <orderId>`: the order, its lines, state history, lifecycle, reserved stock and ERP documents. */
export async function showOrder(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [orderId],
  } = parseCommand(opsCommands.orderShow, argv);
  const found = await orderDetail(orderReadStores(resources.tables), orderId);
  if (!found) throw new Error(`no order ${orderId}`);
  const { order, held, history, lifecycle, reservation, erpDocuments } = found;
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
  if (lifecycle) {
    console.log(`lifecycle: ${lifecycle.state} (version ${lifecycle.version})`);
    for (const move of lifecycle.moves)
      console.log(`  ${move.recordedAt}  ${move.from.padEnd(18)} -> ${move.to.padEnd(18)} on ${move.on}`);
    for (const refusal of lifecycle.refusals)
      console.log(
        `  ${refusal.recordedAt}  REFUSED ${refusal.from} -> ${refusal.to} on ${refusal.on}: ${refusal.reason}`,
      );
  }
  if (reservation) {
    console.log(`reservation: ${reservation.status}${reservation.expiresAt ? `, until ${reservation.expiresAt}` : ''}`);
    if (reservation.sourcing)
      console.log(
        `  sourced by ${reservation.sourcing.ruleId} (rules version ${reservation.sourcing.ruleVersion}), candidates ${reservation.sourcing.candidates.join(', ') || 'none'}: ${reservation.sourcing.reason}`,
      );
    for (const units of reservation.units)
      console.log(
        `  ${String(units.quantity).padStart(3)} x ${units.sku.padEnd(28)} at ${units.locationId.padEnd(14)} ${units.state}${units.consumed ? ` (${units.consumed} consumed)` : ''}`,
      );
  }
  for (const document of erpDocuments)
    console.log(
      `erp: ${document.erp} ${document.documentType} ${document.erpDocumentNumber ?? 'not posted'}${document.postingUntil ? ` (being posted until ${document.postingUntil})` : ''}`,
    );
}

/** An order's whole path through the fabric, from its recorded versions and the event trail, with timings. */
export async function traceOrder(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [orderId],
  } = parseCommand(opsCommands.orderTrace, argv);
  const trace = await orderTrace(orderReadStores(resources.tables), orderId);
  if (!trace) throw new Error(`nothing known about order ${orderId}`);
  if (trace.view) console.log(headline(trace.view));
  if (trace.view?.held) printHeld(trace.view.held);
  for (const step of trace.steps) {
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
