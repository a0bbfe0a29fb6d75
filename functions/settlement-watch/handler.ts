import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '../../shared/config/env';
import { loadAccountingPolicy } from '../../shared/config/chart-of-accounts';
import { reportNeverSettled } from '../../shared/domain/settlement-watch';
import { DynamoOrderRepository } from '../../shared/adapters/order-store';
import { DynamoSettlementLedger } from '../../shared/adapters/reconciliation-store';
import { eventPublisherFromEnv } from '../../shared/adapters/event-publisher';
import { withObservability } from '../../shared/adapters/lambda-middleware';
import { logger, metrics } from '../../shared/adapters/observability';

const config = readConfig({
  FABRIC_TABLE_ACCOUNTING: requiredName,
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
});

const ports = {
  watch: new DynamoSettlementLedger(config.FABRIC_TABLE_ACCOUNTING),
  orders: new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE),
  publisher: eventPublisherFromEnv(),
  policy: loadAccountingPolicy(),
};

/** Daily: a ReconciliationException (NEVER_SETTLED) for each booked marketplace sale no settlement has named in time. */
async function watchSettlements(): Promise<void> {
  const { reported } = await reportNeverSettled(ports);
  metrics.addMetric('OrdersNeverSettled', MetricUnit.Count, reported);
  logger.info('settlement watch done', { reported });
}

export const handler = withObservability(watchSettlements);
