import { createHash } from 'node:crypto';
import type { OriginalOrder, PosLine, PosTransaction } from './transaction';
import { DEFAULT_RETURN_REASON, returnDestination } from '#domain/returns';
import type { CustomerReturn } from '#domain/returns';

/**
 * A store taking back goods bought online. Its units go back into the store's stock with the POS
 * transaction, like any return (pos-stock-movements), so they are on hand whatever the order
 * reference turns out to be. A return line that names its original order (`originalOrder`) is also
 * reported against that order: the ingest publishes a ReturnReceived marked `restockedOnReceipt`, and
 * return-intake correlates it (the order becomes partially or wholly returned, its channel hears of
 * it) without moving stock again, or raises UNMATCHED_ORDER for an order it does not know. Money does
 * not move here: the POS transaction's journal entry already reverses the returned line and books the
 * refund tender.
 */

/** Whether a POS line is a return that names the online order it was bought on. */
function isReturnAgainstOrder(line: PosLine): line is PosLine & { originalOrder: OriginalOrder } {
  return line.type === 'return' && line.originalOrder !== undefined;
}

/**
 * The returns a recorded POS transaction makes against online orders: one per order its return lines
 * name, with those lines in transaction order, received at the store when the transaction ended. A
 * line whose item code has no SKU is left out (the ingest raised it as UNKNOWN_SKU, as for any POS
 * line), and so is an order none of whose lines has one. Deterministic: the same transaction gives
 * the same returns, ids included, so a redelivery or a crash-repeated publish dedupes downstream.
 */
export function orderReturnsOf(transaction: PosTransaction): (CustomerReturn & { orderId: string })[] {
  if (transaction.disposition !== 'completed') return [];
  const byOrder = new Map<string, { originalOrder: OriginalOrder; lines: CustomerReturn['lines'] }>();
  for (const line of transaction.lines) {
    if (!isReturnAgainstOrder(line) || line.sku === null) continue;
    const { originalOrder } = line;
    const order = byOrder.get(originalOrder.orderId) ?? { originalOrder, lines: [] };
    // One order may be named both ways in a transaction; the channel's own id is kept when any line gave it.
    if (!order.originalOrder.channel && originalOrder.channel) order.originalOrder = originalOrder;
    order.lines.push({
      sku: line.sku,
      quantity: line.quantity,
      reasonCode: line.reasonCode ?? DEFAULT_RETURN_REASON,
      condition: returnDestination(line),
      refund: line.amount,
    });
    byOrder.set(originalOrder.orderId, order);
  }
  return [...byOrder.values()].map(({ originalOrder, lines }) => ({
    returnId: posReturnId(transaction.transactionId, originalOrder.orderId),
    orderId: originalOrder.orderId,
    receivedThrough: 'pos' as const,
    // pos-stock-movements took the units in with the transaction.
    restockedOnReceipt: true,
    ...(originalOrder.channel
      ? { soldThrough: originalOrder.channel, channelOrderId: originalOrder.channelOrderId }
      : {}),
    locationId: transaction.key.storeId,
    receivedAt: transaction.endedAt,
    lines,
  }));
}

/**
 * Inventory adjustment ids are at most 200 characters, and return-intake's are
 * `return:{returnId}:{position}:damaged`: a return id up to this long always fits.
 */
const MAX_RETURN_ID_LENGTH = 160;

/**
 * `pos:{transactionId}:{orderId}`, readable in the stock ledger; for store and register ids so long
 * that it would not fit an adjustment id, the same with a digest in place of the transaction id.
 */
export function posReturnId(transactionId: string, orderId: string): string {
  const readable = `pos:${transactionId}:${orderId}`;
  if (readable.length <= MAX_RETURN_ID_LENGTH) return readable;
  return `pos:${createHash('sha256').update(transactionId).digest('base64url').slice(0, 32)}:${orderId}`;
}
