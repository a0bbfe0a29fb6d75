import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEvent } from '#domain/kernel/event';
import { PosTransactionRecorded } from '#domain/pos/events';
import { applyPosTransactionToStock } from '#domain/pos/stock-movements';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const ports = { ...inventoryStoreFromEnv(), publisher: eventPublisherFromEnv() };

/**
 * Moves stock for one PosTransactionRecorded: one inventory adjustment per line, each idempotent on
 * the transaction id and line number, so a redelivery or a replay of the event moves nothing twice.
 */
async function moveStockForTransaction(record: SQSRecord): Promise<void> {
  const event = parseEvent(record.body, PosTransactionRecorded);
  const { transaction, batch } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, transactionId: transaction.transactionId });
  const results = await applyPosTransactionToStock(transaction, batch, ports);
  for (const outcome of ['applied', 'duplicate', 'insufficient', 'key_reused'] as const) {
    const count = results.filter((result) => result.outcome === outcome).length;
    if (count) metrics.addMetric(`PosStockLines_${outcome}`, MetricUnit.Count, count);
  }
  logger.info('POS transaction applied to stock', { lines: results });
}

export const handler = queueConsumer(moveStockForTransaction, { failureMetric: 'PosStockEventsFailed' });
