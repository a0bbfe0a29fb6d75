import { createEvent } from '#domain/kernel/event';
import { ErpPostingRejected, ErpSalesOrderCancelled, ErpSalesOrderPosted } from './events';
import { JournalEntryPosted } from '#domain/accounting';
import type { JournalEntry } from '#domain/accounting';
import type { Order } from '#domain/kernel/order';
import type { EventPublisher } from '#domain/kernel/ports';
import {
  ErpBusinessRejectionError,
  ErpOutcomeUnknownError,
  salesOrderFor,
  type ErpDocument,
  type ErpPort,
  type SalesOrderPostingPolicy,
} from './model';
import { withBackoff, type BackoffPolicy, type BreakerState, type SharedCircuitBreaker } from './resilience';
import { TransientError } from '#domain/kernel/errors';

export type { ErpDocument } from './model';
export type ErpDocumentType = 'sales_order' | 'journal_entry';

/** Which ERP document the fabric holds for a key (order id, journal entry id): the cross-reference. */
export interface ErpDocumentReferences {
  /**
   * Runs `work` while holding a lease on the document, so two deliveries of one document never post
   * it side by side (both would look it up, find nothing, and post). Throws PostingInProgressError
   * while another consumer holds it; a lease outlives a crashed holder by at most `leaseMs`.
   */
  withLease<T>(
    erp: string,
    documentType: ErpDocumentType,
    key: string,
    leaseMs: number,
    work: (lease: DocumentLease) => Promise<T>,
  ): Promise<T>;
}

/** A held lease: what was recorded for the document when it was taken, and how to record a post. */
export interface DocumentLease {
  readonly recorded: ErpDocument | undefined;
  /** Records the ERP document the holder posted (or found in the ERP) for the key. */
  record(document: ErpDocument): Promise<void>;
  /** Keeps the lease `ms` from now instead of letting it go when the work ends: nobody posts the document meanwhile. */
  keepFor(ms: number): Promise<void>;
}

/** Another consumer is posting the same document right now: the message is retried after it finishes. */
export class PostingInProgressError extends TransientError {
  override name = 'PostingInProgressError';
}

/** The order is lifecycle-reserved but order intake has not stored it yet: retried by the queue. */
export class OrderNotStoredYetError extends TransientError {
  override name = 'OrderNotStoredYetError';
}

export interface ErpPostingPorts {
  erp: ErpPort;
  documents: ErpDocumentReferences;
  breaker: SharedCircuitBreaker;
  publisher: EventPublisher;
  backoff: BackoffPolicy;
  /** At least the consumer's timeout, so a lease never expires under a live posting. */
  leaseMs: number;
  /**
   * How long after a write the ERP may still commit it: its own limit on a request's run (Business
   * Central online answers 504 and stops a request after 10 minutes). A post left unanswered keeps
   * its lease that long, so the look-up before the next post sees whatever the ERP made of it.
   */
  commitHorizonMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export type ErpPostingOutcome =
  | { result: 'posted' | 'found_in_erp' | 'already_recorded'; document: ErpDocument }
  | { result: 'rejected'; erpCode: string; erpMessage: string }
  | { result: 'order_cancelled' };

export type ErpCancellationOutcome =
  | { result: 'deleted'; document: ErpDocument }
  | { result: 'nothing_posted' }
  | { result: 'rejected'; erpCode: string; erpMessage: string };

/** Whether the order's lifecycle has it cancelled: a cancelled order is never posted, whatever arrives late. */
export type OrderCancelledCheck = (orderId: string) => Promise<boolean>;

/**
 * Calls the ERP through the shared breaker with bounded backoff: refuses at once while the breaker is
 * open (ErpCircuitOpenError), counts each outage failure against it, and closes it on any answer (a
 * business rejection or a 429 is an answer: the ERP is up). Throws the last ErpTransientError when the
 * attempts are spent, so the message returns to its queue and, after maxReceiveCount, to its DLQ.
 */
async function throughBreaker<T>(ports: ErpPostingPorts, call: () => Promise<T>): Promise<T> {
  let admittedAs: BreakerState | undefined;
  try {
    const result = await withBackoff(call, ports.backoff, {
      ...(ports.sleep ? { sleep: ports.sleep } : {}),
      beforeAttempt: async () => {
        admittedAs = await ports.breaker.ensureAdmitted();
      },
      onTransientFailure: (error) => (error.throttled ? ports.breaker.recordSuccess() : ports.breaker.recordFailure()),
    });
    await ports.breaker.recordSuccess(admittedAs);
    return result;
  } catch (error) {
    if (error instanceof ErpBusinessRejectionError) await ports.breaker.recordSuccess(admittedAs);
    throw error;
  }
}

/**
 * The lease a posting is done under: long enough that a holder that dies mid-post (its function timed
 * out while the ERP worked) keeps others off the document until the ERP could no longer commit it.
 */
const postingLeaseMs = (ports: ErpPostingPorts) => ports.leaseMs + ports.commitHorizonMs;

/**
 * A write the ERP never answered may commit later still: a look-up now could miss it and a second post
 * duplicate it, so the lease is kept until the ERP could no longer commit it, and the message retried.
 */
async function keepLeaseWhileInDoubt(error: unknown, lease: DocumentLease, ports: ErpPostingPorts): Promise<void> {
  if (error instanceof ErpOutcomeUnknownError) await lease.keepFor(ports.commitHorizonMs);
}

/**
 * Posts one order to the ERP as a sales order, exactly once however often it is asked: the order id is
 * the ERP's external document number, and every attempt looks the document up by it before posting,
 * so a post the ERP committed but never answered is found, not repeated; a post left unanswered keeps
 * the lease until the ERP could no longer commit it, so that look-up comes late enough. The ERP document is recorded
 * in the cross-reference and `ErpSalesOrderPosted` published (again, on a redelivery: consumers key on
 * the order id). A business rejection publishes `ErpPostingRejected` with the ERP's own message and is
 * not retried.
 */
export async function postSalesOrderOnce(
  orderId: string,
  loadOrder: (orderId: string) => Promise<Order | undefined>,
  isCancelled: OrderCancelledCheck,
  policy: SalesOrderPostingPolicy,
  ports: ErpPostingPorts,
  trace: { causationId: string },
): Promise<ErpPostingOutcome> {
  const erp = ports.erp.name;
  const published = (document: ErpDocument, foundExisting: boolean) =>
    ports.publisher.publish([
      createEvent(
        ErpSalesOrderPosted,
        { orderId, erp, ...document, foundExisting },
        { correlationId: orderId, causationId: trace.causationId },
      ),
    ]);

  const order = await loadOrder(orderId);
  if (!order) throw new OrderNotStoredYetError(`order ${orderId} is not in the order store yet`);
  const salesOrder = salesOrderFor(order, policy);
  return ports.documents.withLease(erp, 'sales_order', orderId, postingLeaseMs(ports), async (lease) => {
    // Checked under the lease the cancellation takes too: either it sees this post, or this sees it.
    if (await isCancelled(orderId)) return { result: 'order_cancelled' };
    const { recorded } = lease;
    if (recorded) {
      await published(recorded, true);
      return { result: 'already_recorded', document: recorded };
    }
    try {
      const { document, foundExisting } = await throughBreaker(ports, async () => {
        const existing = await ports.erp.findSalesOrderByExternalNumber(orderId);
        if (existing) return { document: existing, foundExisting: true };
        return { document: await ports.erp.postSalesOrder(salesOrder), foundExisting: false };
      });
      await lease.record(document);
      await published(document, foundExisting);
      return { result: foundExisting ? 'found_in_erp' : 'posted', document };
    } catch (error) {
      await keepLeaseWhileInDoubt(error, lease, ports);
      if (!(error instanceof ErpBusinessRejectionError)) throw error;
      return salesOrderRejected(orderId, error, ports, trace);
    }
  });
}

/** An ERP refusing a sales order's post or delete refuses it every time: published for a person, not retried. */
async function salesOrderRejected(
  orderId: string,
  error: ErpBusinessRejectionError,
  ports: ErpPostingPorts,
  trace: { causationId: string },
): Promise<{ result: 'rejected'; erpCode: string; erpMessage: string }> {
  await ports.publisher.publish([
    createEvent(
      ErpPostingRejected,
      {
        documentType: 'sales_order',
        documentKey: orderId,
        orderId,
        erp: ports.erp.name,
        erpCode: error.erpCode,
        erpMessage: error.erpMessage,
        status: error.status,
      },
      { correlationId: orderId, causationId: trace.causationId },
    ),
  ]);
  return { result: 'rejected', erpCode: error.erpCode, erpMessage: error.erpMessage };
}

/**
 * Takes a cancelled order back out of the ERP: under the same lease as its posting, so a post in
 * flight finishes first and is then deleted, or sees the cancellation and posts nothing. The sales
 * order is found in the cross-reference, or in the ERP under our order id (a post that committed
 * unanswered), and deleted; the ERP saying it is already gone counts as deleted, so a redelivery
 * publishes `ErpSalesOrderCancelled` again and changes nothing. An ERP that refuses the delete is
 * published as `ErpPostingRejected` with its message and not retried.
 */
export async function cancelSalesOrderOnce(
  orderId: string,
  ports: ErpPostingPorts,
  trace: { causationId: string },
): Promise<ErpCancellationOutcome> {
  const erp = ports.erp.name;
  return ports.documents.withLease(erp, 'sales_order', orderId, postingLeaseMs(ports), async (lease) => {
    const document =
      lease.recorded ?? (await throughBreaker(ports, () => ports.erp.findSalesOrderByExternalNumber(orderId)));
    if (!document) return { result: 'nothing_posted' };
    try {
      await throughBreaker(ports, () => ports.erp.deleteSalesOrder(document));
    } catch (error) {
      // The ERP refusing the delete (the warehouse shipped against it there) will refuse it every time: a person decides.
      if (!(error instanceof ErpBusinessRejectionError)) throw error;
      return salesOrderRejected(orderId, error, ports, trace);
    }
    await ports.publisher.publish([
      createEvent(
        ErpSalesOrderCancelled,
        { orderId, erp, ...document },
        { correlationId: orderId, causationId: trace.causationId },
      ),
    ]);
    return { result: 'deleted', document };
  });
}

/**
 * Posts one prepared journal entry to the ERP exactly once, keyed on its deterministic entry id, and
 * publishes `JournalEntryPosted`; the same breaker, backoff, rejection path and hold on a $batch left
 * unanswered as sales orders.
 */
export async function postJournalEntryOnce(
  entry: JournalEntry,
  ports: ErpPostingPorts,
  trace: { correlationId: string; causationId: string; orderId?: string },
): Promise<ErpPostingOutcome> {
  const erp = ports.erp.name;
  const posted = () => ports.publisher.publish([createEvent(JournalEntryPosted, { entry }, trace)]);
  return ports.documents.withLease(erp, 'journal_entry', entry.entryId, postingLeaseMs(ports), async (lease) => {
    const { recorded } = lease;
    if (recorded) {
      await posted();
      return { result: 'already_recorded', document: recorded };
    }
    try {
      // The adapter's post looks up what the ERP already holds under the entry and adds only what is missing.
      const document = await throughBreaker(ports, () => ports.erp.postJournalEntry(entry));
      await lease.record(document);
      await posted();
      return { result: 'posted', document };
    } catch (error) {
      await keepLeaseWhileInDoubt(error, lease, ports);
      if (!(error instanceof ErpBusinessRejectionError)) throw error;
      await ports.publisher.publish([
        createEvent(
          ErpPostingRejected,
          {
            documentType: 'journal_entry',
            documentKey: entry.entryId,
            ...(trace.orderId ? { orderId: trace.orderId } : {}),
            erp,
            erpCode: error.erpCode,
            erpMessage: error.erpMessage,
            status: error.status,
          },
          trace,
        ),
      ]);
      return { result: 'rejected', erpCode: error.erpCode, erpMessage: error.erpMessage };
    }
  });
}
