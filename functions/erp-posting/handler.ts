import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { JournalEntryPrepared } from '#domain/accounting/events';
import { OrderStateChanged } from '#domain/orders/events';
import { readConfig, requiredName } from '#shared/config/env';
import { functions } from '#shared/config/topology';
import { detailTypeOf, parseEvent } from '#domain/kernel/event';
import { cancelSalesOrderOnce, postJournalEntryOnce, postSalesOrderOnce } from '#domain/erp/posting';
import { SharedCircuitBreaker } from '#domain/erp/resilience';
import { erpConnectorConfig } from '#shared/erp/erp-config';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { DynamoErpDocumentReferences } from '#shared/adapters/erp-document-references';
import { DynamoBreakerStore } from '#shared/adapters/erp-circuit-breaker';
import { MeteredErp, reportBreakerState } from '#shared/adapters/erp-metered';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const tables = readConfig({
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_TABLE_CONNECTOR_STATE: requiredName,
});
const settings = erpConnectorConfig();
const orders = new DynamoOrderRepository(tables.FABRIC_TABLE_ORDERS, tables.FABRIC_TABLE_CROSS_REFERENCE);
const lifecycles = new DynamoLifecycleStore(tables.FABRIC_TABLE_ORDERS);
const isCancelled = async (orderId: string) => (await lifecycles.load(orderId))?.state === 'cancelled';
const erp = new MeteredErp(settings.erp);
const ports = {
  erp,
  documents: new DynamoErpDocumentReferences(tables.FABRIC_TABLE_CROSS_REFERENCE),
  // One breaker per ERP, shared by every container through the connectorState table.
  breaker: new SharedCircuitBreaker(
    new DynamoBreakerStore(tables.FABRIC_TABLE_CONNECTOR_STATE),
    erp.name,
    settings.breaker,
    Date.now,
    reportBreakerState,
  ),
  publisher: eventPublisherFromEnv(),
  backoff: settings.backoff,
  // A crashed posting's lease frees itself once the function's timeout, and then the commit horizon, have passed.
  leaseMs: functions['erp-posting'].timeoutSeconds * 1000,
  commitHorizonMs: settings.commitHorizonMs,
};

/**
 * Keeps the ERP in step with the orders: posts a sales order when the lifecycle reserved an order and
 * deletes it when the order is cancelled, and posts a journal entry when accounting prepared one.
 * Throws (the message returns to its queue) while the ERP breaker is open, after the bounded retries
 * of a transient failure, and while the order is not stored yet.
 */
async function postToErp(record: SQSRecord): Promise<void> {
  if (detailTypeOf(record.body) === 'JournalEntryPrepared') {
    const event = parseEvent(record.body, JournalEntryPrepared);
    const { entry, orderId } = event.data;
    logger.appendKeys({ correlationId: event.correlationId, entryId: entry.entryId });
    const outcome = await postJournalEntryOnce(entry, ports, {
      correlationId: event.correlationId,
      causationId: event.id,
      ...(orderId ? { orderId } : {}),
    });
    metrics.addMetric(`ErpJournalEntries_${outcome.result}`, MetricUnit.Count, 1);
    logger.info('journal entry posting settled', { ...outcome });
    return;
  }
  const event = parseEvent(record.body, OrderStateChanged);
  const { orderId } = event.data;
  logger.appendKeys({ correlationId: event.correlationId, orderId });
  if (event.data.to === 'cancelled') {
    const cancellation = await cancelSalesOrderOnce(orderId, ports, { causationId: event.id });
    metrics.addMetric(`ErpSalesOrderCancellations_${cancellation.result}`, MetricUnit.Count, 1);
    logger.info('sales order cancellation settled', { ...cancellation });
    return;
  }
  const outcome = await postSalesOrderOnce(
    orderId,
    async (id) => (await orders.getOrder(id))?.order,
    isCancelled,
    settings.posting,
    ports,
    { causationId: event.id },
  );
  metrics.addMetric(`ErpSalesOrders_${outcome.result}`, MetricUnit.Count, 1);
  logger.info('sales order posting settled', { ...outcome });
}

export const handler = queueConsumer(postToErp, { failureMetric: 'ErpPostingEventsFailed' });
