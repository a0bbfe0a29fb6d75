import type { EventDataOf } from '#domain/kernel/event';
import type { PosTransactionRecorded } from '#domain/pos';
import type { ExceptionAction, ExceptionKind, ExceptionRecord, ExceptionStatus, RaisedException } from './model';
import type { HeldOrder } from '#domain/orders';
import type { SalesChannel } from '#domain/kernel/order';

export interface ExceptionFilter {
  kind?: ExceptionKind;
  status?: ExceptionStatus;
}

/** The work queue's rows. Writes are conditional on the version read, so racing writers cannot lose each other's change. */
export interface ExceptionStore {
  /**
   * Records one sighting: a new row, or the count and last-seen time of the existing one raised (a
   * resolved one reopens; a dismissed one stays dismissed). The same event id counted twice changes nothing.
   */
  raise(raised: RaisedException, sighting: { eventId: string; at: string }): Promise<ExceptionRecord>;
  get(id: string): Promise<ExceptionRecord | undefined>;
  list(filter: ExceptionFilter): Promise<ExceptionRecord[]>;
  /** The order's open exceptions of these kinds, in one read however many kinds its move may resolve. */
  openForOrder(orderId: string, kinds: readonly ExceptionKind[]): Promise<ExceptionRecord[]>;
  /** Open exceptions that wait for this channel SKU (`sku:CODE` or `variant:ID`) to be mapped. */
  openWaitingForSku(channel: SalesChannel | 'pos', channelSkuKey: string): Promise<ExceptionRecord[]>;
  /** Appends an action, setting the status when given; throws ExceptionChangedError when the row moved since `expectedVersion`. */
  act(id: string, expectedVersion: number, action: ExceptionAction, status?: ExceptionStatus): Promise<ExceptionRecord>;
}

/** Keeps verified orders the fabric could not map (the orders capability's store). */
export interface HeldOrders {
  holdOrder(held: HeldOrder): Promise<void>;
}

/** Maps an archived delivery again with today's cross-reference and mapping rules, and publishes the order it carries. */
export interface ArchivedOrderReprocessor {
  reprocess(archiveKey: string): Promise<{ outcome: 'republished' | 'skipped'; detail: string }>;
}

/** Records a held POS transaction again with today's cross-reference, so its newly mapped lines move stock (once: per line adjustment ids). */
export interface HeldPosTransactions {
  reapply(
    recorded: EventDataOf<typeof PosTransactionRecorded>,
  ): Promise<{ outcome: 'republished' | 'skipped'; detail: string; stillUnmapped: string[] }>;
}

/** Asks the ERP connector to post an order's sales order again (it looks the document up first, so a retry never posts twice). */
export interface ErpPostingRetry {
  retrySalesOrder(orderId: string): Promise<void>;
}
