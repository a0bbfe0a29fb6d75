import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from './observability';
import type { ErpDocument, ErpPort, ErpSalesOrder } from '#domain/erp/model';
import type { JournalEntry } from '#domain/accounting/journal-entry';
import type { BreakerState } from '#domain/erp/resilience';

/**
 * The ERP port with every call timed (`ErpRequestLatency`, milliseconds, failures included: a slow
 * failure is what a dashboard must show) and counted when it fails (`ErpRequestsFailed`).
 */
export class MeteredErp implements ErpPort {
  readonly name: string;

  constructor(private readonly erp: ErpPort) {
    this.name = erp.name;
  }

  findSalesOrderByExternalNumber(externalDocumentNumber: string): Promise<ErpDocument | undefined> {
    return this.timed(() => this.erp.findSalesOrderByExternalNumber(externalDocumentNumber));
  }

  postSalesOrder(order: ErpSalesOrder): Promise<ErpDocument> {
    return this.timed(() => this.erp.postSalesOrder(order));
  }

  deleteSalesOrder(document: ErpDocument): Promise<void> {
    return this.timed(() => this.erp.deleteSalesOrder(document));
  }

  findJournalEntry(entryId: string): Promise<ErpDocument | undefined> {
    return this.timed(() => this.erp.findJournalEntry(entryId));
  }

  postJournalEntry(entry: JournalEntry): Promise<ErpDocument> {
    return this.timed(() => this.erp.postJournalEntry(entry));
  }

  private async timed<T>(call: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await call();
    } catch (error) {
      metrics.addMetric('ErpRequestsFailed', MetricUnit.Count, 1);
      throw error;
    } finally {
      metrics.addMetric('ErpRequestLatency', MetricUnit.Milliseconds, Date.now() - started);
    }
  }
}

/** Breaker moves as metrics (`ErpBreakerOpen`: 1 open or half-open, 0 closed) and log lines, for alarms and for people. */
export function reportBreakerState(state: BreakerState): void {
  metrics.addMetric('ErpBreakerOpen', MetricUnit.Count, state.status === 'closed' ? 0 : 1);
  if (state.status !== 'closed' || state.consecutiveFailures === 0)
    logger.warn('ERP circuit breaker changed', {
      status: state.status,
      consecutiveFailures: state.consecutiveFailures,
    });
}
