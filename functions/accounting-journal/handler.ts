import type { SQSRecord } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { loadAccountingPolicy } from '#domain/accounting/chart-of-accounts';
import { journalPosTransaction, journalRefund, journalShipment, type JournalOutcome } from '#domain/accounting/journal';
import { ACCOUNTING_JOURNAL_SCOPE, journalEntryIdFor } from '#domain/accounting/model';
import { PermanentError } from '#domain/kernel/errors';
import { parseEvent, type FabricEvent } from '#domain/kernel/event';
import { ShipmentConfirmed } from '#domain/orders/events';
import { RefundReported } from '#domain/intake/events';
import { PosTransactionRecorded } from '#domain/pos/events';
import type { Shipment } from '#domain/kernel/shipment';
import type { ChannelRefund } from '#domain/returns/refund-report';
import type { PosTransaction } from '#domain/pos/transaction';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoAccountingLedger } from '#shared/adapters/reconciliation-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { IdempotentExecutor } from '#shared/adapters/idempotency';
import { queueConsumer } from '#shared/adapters/queue-consumer';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_TABLE_ACCOUNTING: requiredName,
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
});

const ports = {
  ledger: new DynamoAccountingLedger(config.FABRIC_TABLE_ACCOUNTING),
  orders: new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE),
  publisher: eventPublisherFromEnv(),
  policy: loadAccountingPolicy(),
};
const entries = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, ACCOUNTING_JOURNAL_SCOPE);

/** The catalog's schemas require each detail-type's document, so an event without one broke its contract. */
class NothingToJournalError extends PermanentError {
  override name = 'NothingToJournalError';
  constructor(event: FabricEvent) {
    super(`${event.detailType} ${event.id} carries no shipment, refund or POS transaction to journal`);
  }
}

/**
 * Prepares the journal entry of one shipment (sale), POS transaction (sale by tender) or channel
 * refund (reversal), once per entry id: a redelivery returns the first run's outcome and publishes
 * nothing again.
 */
async function journalRecord(record: SQSRecord): Promise<void> {
  const detailType = (JSON.parse(record.body) as { 'detail-type'?: string })['detail-type'];
  const event =
    detailType === 'ShipmentConfirmed'
      ? parseEvent(record.body, ShipmentConfirmed)
      : detailType === 'RefundReported'
        ? parseEvent(record.body, RefundReported)
        : parseEvent(record.body, PosTransactionRecorded);
  const entryId = journalEntryIdFor(event);
  if (entryId === undefined) throw new NothingToJournalError(event);
  logger.appendKeys({ correlationId: event.correlationId, entryId });
  const trace = { causationId: event.id };
  const work = (): Promise<JournalOutcome> => {
    const data = event.data as { shipment?: Shipment; refund?: ChannelRefund; transaction?: PosTransaction };
    if (data.shipment) return journalShipment(data.shipment, ports, trace);
    if (data.refund) return journalRefund(data.refund, ports, trace);
    if (data.transaction) return journalPosTransaction(data.transaction, ports, trace);
    throw new NothingToJournalError(event);
  };
  const { result, replayed } = await entries.run(entryId, async () => ({ ...(await work()) }));
  metrics.addMetric(replayed ? 'JournalEventsReplayed' : `JournalEntries_${result.outcome}`, MetricUnit.Count, 1);
  logger.info('journal entry', { ...result, replayed });
}

export const handler = queueConsumer(journalRecord, {
  failureMetric: 'JournalEventsFailed',
  beforeBatch: (context) => entries.registerLambdaContext(context),
});
