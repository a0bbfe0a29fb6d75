import type { Context, S3Event, ScheduledEvent } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { loadAccountingPolicy } from '#domain/accounting/chart-of-accounts';
import { reconcileSettlementUpload } from '#domain/accounting/settlement-reconciliation';
import { settlementChannelOf } from '#domain/accounting/settlement-report';
import { reportNeverSettled } from '#domain/accounting/settlement-watch';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoSettlementLedger } from '#shared/adapters/reconciliation-store';
import { S3SettlementReports } from '#shared/adapters/settlement-bucket';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { IdempotentExecutor } from '#shared/adapters/idempotency';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({
  FABRIC_TABLE_ACCOUNTING: requiredName,
  FABRIC_TABLE_ORDERS: requiredName,
  FABRIC_TABLE_CROSS_REFERENCE: requiredName,
  FABRIC_TABLE_IDEMPOTENCY: requiredName,
});

const settlements = new DynamoSettlementLedger(config.FABRIC_TABLE_ACCOUNTING);
const ports = {
  orders: new DynamoOrderRepository(config.FABRIC_TABLE_ORDERS, config.FABRIC_TABLE_CROSS_REFERENCE),
  settlements,
  watch: settlements,
  publisher: eventPublisherFromEnv(),
  policy: loadAccountingPolicy(),
};
const reports = new S3SettlementReports();
const uploads = new IdempotentExecutor(config.FABRIC_TABLE_IDEMPOTENCY, 'settlement-ingest');

/**
 * Two triggers: an S3 object-created notification reconciles each report uploaded under
 * incoming/{amazon|shopify}/, once per object version (S3 delivering it again changes nothing; a
 * failure throws, so S3's retries and then the failed-invocation queue keep the report); the daily
 * schedule raises NEVER_SETTLED for booked sales no settlement has named in time.
 */
async function settle(event: S3Event | ScheduledEvent, context: Context): Promise<void> {
  uploads.registerLambdaContext(context);
  if (!('Records' in event)) {
    const { reported } = await reportNeverSettled(ports);
    metrics.addMetric('OrdersNeverSettled', MetricUnit.Count, reported);
    logger.info('settlement watch done', { reported });
    return;
  }
  for (const record of event.Records ?? []) {
    const { bucket, object } = record.s3;
    // S3 URL-encodes keys in notifications, spaces as '+'.
    const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
    const channel = settlementChannelOf(key);
    if (!channel) {
      logger.warn('not a settlement report path; expected incoming/amazon/... or incoming/shopify/...', { key });
      continue;
    }
    const source = `s3://${bucket.name}/${key}`;
    const version = object.versionId ?? object.eTag ?? object.sequencer;
    const { result, replayed } = await uploads.run(`${source}#${version}`, async () => ({
      ...(await reconcileSettlementUpload(
        {
          channel,
          source,
          open: () => reports.open({ bucket: bucket.name, key, versionId: object.versionId, eTag: object.eTag }),
        },
        ports,
      )),
    }));
    metrics.addMetric(
      replayed ? 'SettlementReportsReplayed' : `SettlementReports_${result.outcome}`,
      MetricUnit.Count,
      1,
    );
    logger.info('settlement report', { source, replayed, ...result });
  }
}

export const handler = withObservability(settle);
