import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseEvent } from '#domain/kernel/event';
import { PosTransactionRecorded } from '#domain/pos/events';
import { collectAtTill } from '#domain/fulfilment';
import { pickupHandOversOf } from '#domain/pos';
import { fulfilmentPortsFromEnv } from '#shared/wiring/fulfilment-ports';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const { ports, shipments } = fulfilmentPortsFromEnv();

/**
 * Pickups handed over at the till: for each online order a completed POS transaction's sale lines
 * name, the order's pickup task at that store is collected (its shipment confirmed once, which
 * consumes the reservation). A redelivery or a replay finds the task collected and ships nothing
 * twice; an order not stored yet is retried, and ends in the DLQ if it never appears.
 */
async function collectHandOvers(record: SQSRecord): Promise<void> {
  const { data } = parseEvent(record.body, PosTransactionRecorded);
  const handOvers = pickupHandOversOf(data.transaction);
  if (handOvers.length === 0) return;
  logger.appendKeys({ transactionId: data.transaction.transactionId });
  for (const handOver of handOvers) {
    const collection = await collectAtTill(handOver, ports);
    if (collection.outcome === 'collected') metrics.addMetric('PickupsCollectedAtTill', MetricUnit.Count, 1);
    logger.info(
      collection.outcome === 'not_a_pickup_here'
        ? 'order handed over at the till is not a pickup there: nothing to collect'
        : `pickup ${collection.outcome.replace('_', ' ')} at the till`,
      {
        orderId: handOver.orderId,
        ...(collection.outcome === 'not_a_pickup_here'
          ? { reason: collection.reason }
          : { requestId: collection.task.requestId }),
      },
    );
  }
}

export const handler = queueConsumer(collectHandOvers, {
  failureMetric: 'TillPickupCollectionsFailed',
  beforeBatch: (context) => shipments.registerLambdaContext(context),
});
