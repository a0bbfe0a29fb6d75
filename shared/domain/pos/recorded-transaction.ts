import { createEvent, type FabricEvent } from '#domain/kernel/event';
import { ReturnReceived } from '#domain/returns';
import { PosLineNeedsAttention, PosTransactionRecorded, type PosBatchRef } from './events';
import { orderReturnsOf } from './order-returns';
import type { PosTransaction } from './transaction';

/**
 * What recording one store transaction publishes, whichever way it reached the fabric (a store's
 * batch upload, or a Square till sale): PosTransactionRecorded, which moves the store's stock
 * (pos-stock-movements) and is journaled (accounting-journal, then the ERP); PosLineNeedsAttention
 * (UNKNOWN_SKU) for lines whose item code has no SKU, carrying the recorded transaction so a mapping
 * applies them later; and a ReturnReceived per online order its return lines name. Deterministic for
 * one transaction: every consumer keys on the transaction id, so publishing it again changes nothing.
 *
 * A transaction that moves nothing (control: sign-on, sign-off, no-sale; cancelled; training)
 * publishes nothing: its claim makes a re-upload a duplicate, its sequence number counts for gap
 * detection and the batch summary counts it, and no consumer has anything to do with it. (Such a
 * transaction often names no currency, which no event could carry.)
 */
export function recordedTransactionEvents(
  transaction: PosTransaction,
  batch: PosBatchRef,
  lineNumber: number,
  trace: { correlationId: string; causationId: string },
): FabricEvent[] {
  if (transaction.disposition !== 'completed') return [];
  const recorded = { transaction, batch: { ...batch, lineNumber } };
  const events: FabricEvent[] = [createEvent(PosTransactionRecorded, recorded, trace)];
  const unknown = transaction.lines.filter((line) => line.sku === null);
  if (unknown.length) {
    events.push(
      createEvent(
        PosLineNeedsAttention,
        {
          transactionId: transaction.transactionId,
          key: transaction.key,
          reason: 'UNKNOWN_SKU',
          lines: unknown.map((line) => ({
            lineNumber: line.lineNumber,
            itemCode: line.itemCode,
            type: line.type,
            quantity: line.quantity,
            ...(line.measure ? { measure: line.measure } : {}),
          })),
          batch,
          recorded,
        },
        trace,
      ),
    );
  }
  // Under the transaction's claim, like the transaction itself: each return is received once, and
  // its id (from the transaction and the order) dedupes a publish a crash repeats.
  for (const customerReturn of orderReturnsOf(transaction)) {
    events.push(createEvent(ReturnReceived, { customerReturn }, { ...trace, correlationId: customerReturn.orderId }));
  }
  return events;
}
