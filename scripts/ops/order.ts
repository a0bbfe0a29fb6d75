import { DynamoOrderRepository } from '../../shared/adapters/order-store';
import { formatDecimalMoney } from '../../shared/domain/money';
import type { LocalResources } from '../local-fabric/provision';

export async function showOrder(resources: LocalResources, [orderId]: string[]): Promise<void> {
  if (!orderId) throw new Error('usage: order show <orderId>');
  const found = await new DynamoOrderRepository(resources.tables.orders, resources.tables.crossReference).getOrder(orderId);
  if (!found) throw new Error(`no order ${orderId}`);
  const { order, history } = found;
  console.log(`${order.orderId}  ${order.channel} ${order.channelOrderNumber ?? order.channelOrderId}  ${order.status}  total ${formatDecimalMoney(order.totals.total)} ${order.currency}`);
  for (const line of order.lines) {
    console.log(`  ${String(line.quantity).padStart(3)} x ${(line.sku ?? `UNMAPPED(${line.channelSku})`).padEnd(28)} @ ${formatDecimalMoney(line.unitPrice)}`);
  }
  console.log('history:');
  for (const entry of history) {
    console.log(`  ${entry.recordedAt}  ${entry.change.padEnd(22)} ${entry.status.padEnd(16)} channel version ${entry.channelUpdatedAt}  delivery ${entry.deliveryId}`);
  }
}
