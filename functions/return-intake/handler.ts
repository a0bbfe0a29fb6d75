import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { RefundReported } from '#domain/intake/events';
import { ReturnReceived } from '#domain/returns/events';
import { readConfig, requiredName } from '#shared/config/env';
import { receiveReturn } from '#domain/returns/return-intake';
import { applyRefundToStock } from '#domain/returns/refund-stock';
import { detailTypeOf, parseEvent } from '#domain/kernel/event';
import { RETURN_INTAKE_SCOPE, refundKey } from '#domain/returns/model';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { IdempotentExecutor } from '#shared/adapters/idempotency';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
});

const ports = {
  orders: new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE),
  inventory: { ...inventoryStoreFromEnv(), publisher: eventPublisherFromEnv() },
};
const returns = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, RETURN_INTAKE_SCOPE);

/** Takes one ReturnReceived into stock, correlated to its order, once per return id; a RefundReported restocks or releases what it says, once per refund. */
async function receiveReturnedGoods(record: SQSRecord): Promise<void> {
  if (detailTypeOf(record.body) === 'RefundReported') return applyRefund(record);
  const event = parseEvent(record.body, ReturnReceived);
  const { customerReturn } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, returnId: customerReturn.returnId });
  const { result, replayed } = await returns.run(customerReturn.returnId, async () => ({
    lines: await receiveReturn(customerReturn, ports),
  }));
  for (const outcome of new Set(result.lines.map((line) => line.outcome))) {
    metrics.addMetric(
      `ReturnLines_${outcome}`,
      MetricUnit.Count,
      result.lines.filter((line) => line.outcome === outcome).length,
    );
  }
  logger.info('return received', { replayed, lines: result.lines });
}

async function applyRefund(record: SQSRecord): Promise<void> {
  const { refund } = parseEvent(record.body, RefundReported).data;
  logger.appendKeys({ correlationId: refund.orderId, refundId: refundKey(refund) });
  const { result, replayed } = await returns.run(refundKey(refund), () => applyRefundToStock(refund, ports));
  logger.info('refund applied to stock', { replayed, ...result });
}

export const handler = queueConsumer(receiveReturnedGoods, {
  failureMetric: 'ReturnEventsFailed',
  beforeBatch: (context) => returns.registerLambdaContext(context),
});
