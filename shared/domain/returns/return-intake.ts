import { createEvent } from '#domain/kernel/event';
import { ReturnNeedsAttention } from './events';
import { adjustStock, parseAdjustmentRequest } from '#domain/inventory';
import type { InventoryPorts } from '#domain/inventory';
import { StockKeptMovingError } from '#domain/inventory';
import type { Order, SalesChannel } from '#domain/kernel/order';
import { returnDestination } from './model';
import type { CustomerReturn, ReturnNeedsAttentionData } from './model';

export interface ReturnOrderLookup {
  getOrder(orderId: string): Promise<{ order: Order } | undefined>;
  findOrderId(channel: SalesChannel, channelOrderId: string): Promise<string | undefined>;
}

type ReturnLine = CustomerReturn['lines'][number];

/** The order a return names: by our order id, or by its channel and channel order id through the cross-reference. */
export async function findReturnedOrder(
  customerReturn: CustomerReturn,
  orders: ReturnOrderLookup,
): Promise<Order | undefined> {
  const orderId =
    customerReturn.orderId ??
    (customerReturn.soldThrough && customerReturn.channelOrderId
      ? await orders.findOrderId(customerReturn.soldThrough, customerReturn.channelOrderId)
      : undefined);
  return orderId ? (await orders.getOrder(orderId))?.order : undefined;
}

/** The order line a returned line came from: by its order line id, else by SKU. */
export function returnedOrderLine(order: Order, line: ReturnLine): Order['lines'][number] | undefined {
  return order.lines.find((candidate) => (line.lineId ? candidate.lineId === line.lineId : candidate.sku === line.sku));
}

/** A returned line's units go to damaged stock when its condition or its reason (DAMAGED, DEFECTIVE, ...) says so. */
export function goesToDamaged(line: ReturnLine): boolean {
  return line.condition === 'damaged' || returnDestination(line) === 'damaged';
}

export type ReturnLineResult = {
  position: number;
  lineId?: string;
  /** `restocked_on_receipt`: matched to its order line; the receiver had already moved its units. */
  outcome: 'restocked' | 'damaged' | 'restocked_on_receipt' | 'duplicate' | 'unmatched' | 'no_location' | 'refused';
};

/**
 * Takes a received return into stock, correlated to its order and order lines: the order by our id,
 * or by the channel and channel order id through the cross-reference; each line by its order line id,
 * else by SKU. Matched units go back on hand at the receiving location, and into damaged when the
 * line's condition or reason says so (DAMAGED, DEFECTIVE, ...), through the inventory service's
 * adjustments keyed `return:{returnId}:{position}`, so a redelivery moves nothing twice; a return the
 * receiver already took into stock (`restockedOnReceipt`, a store's till) moves nothing here. What it
 * cannot act on (no order, no order line, no location, a movement the books refuse) is published as
 * ReturnNeedsAttention. Books no money: the refund's reversal comes from the refund (RefundReported,
 * or the POS transaction's tenders), so that a return is never reversed twice.
 */
export async function receiveReturn(
  customerReturn: CustomerReturn,
  ports: { orders: ReturnOrderLookup; inventory: InventoryPorts },
): Promise<ReturnLineResult[]> {
  const { returnId, receivedThrough } = customerReturn;
  const trace = { correlationId: customerReturn.orderId ?? `return:${returnId}`, causationId: `return:${returnId}` };
  const attention = (data: Omit<ReturnNeedsAttentionData, 'returnId' | 'receivedThrough'>) =>
    ports.inventory.publisher.publish([
      createEvent(
        ReturnNeedsAttention,
        { returnId, receivedThrough, ...data },
        { ...trace, correlationId: data.orderId ?? trace.correlationId },
      ),
    ]);
  const asked = customerReturn.lines.map((line, i) => ({ position: i + 1, sku: line.sku, quantity: line.quantity }));

  const order = await findReturnedOrder(customerReturn, ports.orders);
  if (!order) {
    const byChannel = customerReturn.channelOrderId
      ? `${customerReturn.soldThrough ?? '?'} order ${customerReturn.channelOrderId}`
      : undefined;
    const named =
      [customerReturn.orderId, byChannel && customerReturn.orderId ? `(${byChannel})` : byChannel]
        .filter(Boolean)
        .join(' ') || 'no order';
    const stock = customerReturn.restockedOnReceipt
      ? `; its units are back in stock at ${customerReturn.locationId ?? 'the receiver'}, taken in when it was received`
      : '';
    await attention({
      reason: 'UNMATCHED_ORDER',
      lines: asked,
      detail: `return ${returnId} names ${named}, which the fabric does not know${stock}`,
    });
    return asked.map(({ position }) => ({ position, outcome: 'unmatched' }));
  }
  const results: ReturnLineResult[] = [];
  const unmatched: ReturnNeedsAttentionData['lines'] = [];
  const refused: ReturnNeedsAttentionData['lines'] = [];
  for (const [i, line] of customerReturn.lines.entries()) {
    const position = i + 1;
    const orderLine = returnedOrderLine(order, line);
    if (!orderLine) {
      unmatched.push({ position, sku: line.sku, quantity: line.quantity });
      results.push({ position, outcome: 'unmatched' });
      continue;
    }
    if (customerReturn.restockedOnReceipt) {
      results.push({ position, lineId: orderLine.lineId, outcome: 'restocked_on_receipt' });
      continue;
    }
    if (!customerReturn.locationId) {
      results.push({ position, lineId: orderLine.lineId, outcome: 'no_location' });
      continue;
    }
    const damaged = goesToDamaged(line);
    const common = {
      sku: line.sku,
      locationId: customerReturn.locationId,
      reasonCode: line.reasonCode,
      reference: { kind: 'order_line', id: `${order.orderId}#${orderLine.lineId}` },
    };
    const movements: [string, Record<string, unknown>][] = [
      ['', { ...common, type: 'return', quantity: line.quantity }],
    ];
    if (damaged)
      movements.push([':damaged', { ...common, type: 'adjustment', quantityName: 'damaged', delta: line.quantity }]);
    let outcome: ReturnLineResult['outcome'] = damaged ? 'damaged' : 'restocked';
    for (const [suffix, body] of movements) {
      const adjustmentId = `return:${returnId}:${position}${suffix}`;
      const parsed = parseAdjustmentRequest(body, adjustmentId, ports.inventory.policy);
      if (!parsed.ok) {
        refused.push({
          position,
          sku: line.sku,
          quantity: line.quantity,
          detail: parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
        });
        outcome = 'refused';
        break;
      }
      const applied = await adjustStock(parsed.request, adjustmentId, ports.inventory);
      if (applied.kind === 'busy')
        throw new StockKeptMovingError(`stock of ${line.sku} kept moving; retrying ${adjustmentId}`);
      if (applied.kind === 'insufficient' || applied.kind === 'key_reused') {
        refused.push({
          position,
          sku: line.sku,
          quantity: line.quantity,
          detail: applied.kind === 'insufficient' ? applied.message : `${adjustmentId} was used for another movement`,
        });
        outcome = 'refused';
        break;
      }
      if (applied.kind === 'duplicate' && suffix === '') outcome = 'duplicate';
    }
    results.push({ position, lineId: orderLine.lineId, outcome });
  }
  const noLocation = results
    .filter((result) => result.outcome === 'no_location')
    .map(({ position }) => asked[position - 1]);
  if (unmatched.length)
    await attention({
      reason: 'UNMATCHED_LINE',
      orderId: order.orderId,
      lines: unmatched,
      detail: `order ${order.orderId} has no line for these returned items`,
    });
  if (noLocation.length)
    await attention({
      reason: 'NO_LOCATION',
      orderId: order.orderId,
      lines: noLocation,
      detail: `return ${returnId} does not say where it was received; no stock moved`,
    });
  if (refused.length)
    await attention({
      reason: 'STOCK_REFUSED',
      orderId: order.orderId,
      lines: refused,
      detail: 'the stock books refused these returned units',
    });
  return results;
}
