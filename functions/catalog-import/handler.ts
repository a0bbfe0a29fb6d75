import type { S3Event } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readConfig, requiredName } from '#shared/config/env';
import { loadDataOwnership } from '#domain/kernel/data-ownership';
import { importCatalogExport } from '#domain/catalog/catalog-import';
import { S3CatalogExport } from '#shared/adapters/catalog-import-bucket';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger, metrics } from '#shared/adapters/observability';

const config = readConfig({ FABRIC_TABLE_CROSS_REFERENCE: requiredName, FABRIC_BUCKET_CATALOG_IMPORTS: requiredName });
const ports = {
  catalog: new DynamoSkuCrossReference(config.FABRIC_TABLE_CROSS_REFERENCE),
  publisher: eventPublisherFromEnv(),
  ownership: loadDataOwnership(),
};

/**
 * S3 ObjectCreated under incoming/: imports each export named by the notification. Bad content ends in
 * the export's summary; infrastructure failures throw, and S3's retry imports the export again (safe).
 */
async function importExports(event: S3Event): Promise<void> {
  for (const record of event.Records ?? []) {
    const { bucket, object } = record.s3;
    // S3 URL-encodes keys in notifications, spaces as '+'.
    const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
    const objects = new S3CatalogExport(bucket.name, key, {
      ...(object.versionId ? { versionId: object.versionId } : {}),
      ...(object.eTag ? { eTag: object.eTag } : {}),
    });
    const summary = await importCatalogExport(key, objects, ports, () => new Date());
    metrics.addMetric(`CatalogImports_${summary.status}`, MetricUnit.Count, 1);
    metrics.addMetric('CatalogProductsImported', MetricUnit.Count, summary.products);
    metrics.addMetric('CatalogLinesQuarantined', MetricUnit.Count, summary.quarantinedLines);
    logger.info('catalog export imported', { ...summary });
  }
}

export const handler = withObservability(importExports);
