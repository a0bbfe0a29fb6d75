import { createEvent } from '#domain/kernel/event';
import { PosLineNeedsAttention } from './events';
import { locationIds, stockUnitOf } from '#domain/inventory';
import { formatMeasure } from '#domain/kernel/unit-of-measure';
import { adjustStock, parseAdjustmentRequest, type AdjustmentOutcome } from '#domain/inventory';
import type { InventoryPorts } from '#domain/inventory';
import { UnknownLocationError } from '#domain/inventory';
import { StockKeptMovingError } from '#domain/inventory';
import { isPickupHandOver, type PosLine, type PosTransaction } from './transaction';
import { DEFAULT_RETURN_REASON, returnDestination } from '#domain/returns';
import type { PosBatchRef } from './events';

/** What became of one POS line's stock movement; `adjustmentId` finds it in the inventory ledger. */
export interface PosStockLineResult {
  lineNumber: number;
  adjustmentId: string;
  /** held: the line's unit is not its SKU's stock unit, so nothing moved (PosLineNeedsAttention UNIT_MISMATCH). */
  outcome: AdjustmentOutcome['kind'] | 'held';
  detail?: string;
}

/**
 * What a recorded POS transaction does to stock at its store, through the inventory service's own
 * idempotent adjustments (one per line, keyed on the transaction id and line number, so a redelivered
 * or replayed PosTransactionRecorded changes nothing twice):
 *
 *   sale                          -> sale: off on hand (reason POS_SALE)
 *   return, sellable reason/none  -> return: back on hand (its reason, or CUSTOMER_RETURN)
 *   return, damaged reason        -> return, then damaged +quantity (on hand, not sellable)
 *   (a return naming an online order moves the same way; pos-order-returns.ts reports it against
 *   the order too, without moving it again)
 *   sale naming an online order   -> nothing: it is the order's pickup handed over at the till. The
 *   units left the shelf when the order reserved them; the fulfilment capability collects the
 *   pickup's store task (collectAtTill), whose shipment consumes that reservation and takes them
 *   off hand once. A POS_SALE as well would take them off hand a second time.
 *
 * A weighed or measured line moves its measure's thousandths, which is what the stock of a SKU sold
 * by weight counts (the policy's stockUnits). A line whose unit is not its SKU's stock unit moves
 * nothing and is raised as UNIT_MISMATCH: converting one count into the other would be a guess.
 *
 * Returns apply before sales, so an exchange for the same SKU never needs stock it is bringing back.
 * Only completed transactions move stock; lines without an internal SKU were already raised as
 * PosLineNeedsAttention by the ingest and wait for their mapping.
 */
export async function applyPosTransactionToStock(
  transaction: PosTransaction,
  batch: PosBatchRef,
  ports: InventoryPorts,
): Promise<PosStockLineResult[]> {
  if (transaction.disposition !== 'completed') return [];
  const locationId = transaction.key.storeId;
  if (!locationIds(ports.policy).includes(locationId)) {
    // Configuration, not content: the message waits in the DLQ until the store is a location in the policy.
    throw new UnknownLocationError(`store ${locationId} is not a location of the inventory policy`);
  }
  const lines = [
    ...transaction.lines.filter((line) => line.type === 'return'),
    ...transaction.lines.filter((line) => line.type === 'sale' && !isPickupHandOver(line)),
  ].filter((line): line is PosLine & { sku: string } => line.sku !== null);
  const results: PosStockLineResult[] = [];
  const refused: { line: PosLine; result: PosStockLineResult }[] = [];
  const mismatched: { line: PosLine; result: PosStockLineResult }[] = [];
  for (const line of lines) {
    const stockUnit = stockUnitOf(ports.policy, line.sku);
    if ((line.measure?.unit ?? 'each') !== stockUnit) {
      const result: PosStockLineResult = {
        lineNumber: line.lineNumber,
        adjustmentId: `pos:${transaction.transactionId}:${line.lineNumber}`,
        outcome: 'held',
        detail: `${line.measure ? `sold as ${formatMeasure(line.measure)}` : `sold in whole units (${line.quantity})`} but ${line.sku} keeps its stock in ${stockUnit === 'each' ? 'whole units' : `thousandths of a ${stockUnit}`}`,
      };
      results.push(result);
      mismatched.push({ line, result });
      continue;
    }
    for (const [suffix, body] of adjustmentsFor(transaction, line, locationId)) {
      const adjustmentId = `pos:${transaction.transactionId}:${line.lineNumber}${suffix}`;
      const parsed = parseAdjustmentRequest(body, adjustmentId, ports.policy);
      if (!parsed.ok)
        throw new Error(
          `POS line ${line.lineNumber} of ${transaction.transactionId} makes an invalid adjustment: ${JSON.stringify(parsed.issues)}`,
        );
      const outcome = await adjustStock(parsed.request, adjustmentId, ports);
      // Contention on a count: the inventory service asks for a retry, which the queue does.
      if (outcome.kind === 'busy')
        throw new StockKeptMovingError(`stock of ${line.sku} at ${locationId} kept moving; retrying ${adjustmentId}`);
      const result: PosStockLineResult = {
        lineNumber: line.lineNumber,
        adjustmentId,
        outcome: outcome.kind,
        ...(outcome.kind === 'insufficient' ? { detail: outcome.message } : {}),
        ...(outcome.kind === 'key_reused' ? { detail: `${adjustmentId} was used for a different movement` } : {}),
      };
      results.push(result);
      if (outcome.kind === 'insufficient' || outcome.kind === 'key_reused') {
        refused.push({ line, result });
        break; // no damage marking for a refused return
      }
    }
  }
  // The books refuse a movement below zero (inventory's rule: someone counts the shelf), and a line
  // in the wrong unit waits for its mapping or the SKU's unit; the sale itself stands for accounting.
  // Raised once per delivery of the event.
  const attention = [
    ...(refused.length ? [needsAttention(transaction, batch, 'STOCK_REFUSED', refused)] : []),
    ...(mismatched.length ? [needsAttention(transaction, batch, 'UNIT_MISMATCH', mismatched)] : []),
  ];
  if (attention.length) await ports.publisher.publish(attention);
  return results;
}

function needsAttention(
  transaction: PosTransaction,
  batch: PosBatchRef,
  reason: 'STOCK_REFUSED' | 'UNIT_MISMATCH',
  lines: { line: PosLine; result: PosStockLineResult }[],
) {
  return createEvent(
    PosLineNeedsAttention,
    {
      transactionId: transaction.transactionId,
      key: transaction.key,
      reason,
      lines: lines.map(({ line, result }) => ({
        lineNumber: line.lineNumber,
        itemCode: line.itemCode,
        type: line.type,
        quantity: line.quantity,
        ...(line.measure ? { measure: line.measure } : {}),
        ...(result.detail ? { detail: result.detail } : {}),
      })),
      batch,
    },
    { correlationId: transaction.transactionId, causationId: `pos-stock:${transaction.transactionId}` },
  );
}

function adjustmentsFor(
  transaction: PosTransaction,
  line: PosLine & { sku: string },
  locationId: string,
): [string, Record<string, unknown>][] {
  const common = { sku: line.sku, locationId, reference: { kind: 'pos_transaction', id: transaction.transactionId } };
  // In the SKU's stock unit, which the caller checked: units, or a measure's thousandths.
  const quantity = line.measure?.thousandths ?? line.quantity;
  if (line.type === 'sale') return [['', { ...common, type: 'sale', quantity, reasonCode: 'POS_SALE' }]];
  const reasonCode = line.reasonCode ?? DEFAULT_RETURN_REASON;
  const restock: [string, Record<string, unknown>] = ['', { ...common, type: 'return', quantity, reasonCode }];
  if (returnDestination(line) === 'sellable') return [restock];
  return [
    restock,
    [':damaged', { ...common, type: 'adjustment', quantityName: 'damaged', delta: quantity, reasonCode }],
  ];
}
