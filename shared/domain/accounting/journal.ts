import type { AccountingPolicy } from './chart-of-accounts';
import { createEvent } from '#domain/kernel/event';
import { JournalEntryPrepared } from './events';
import type { FabricEvent } from '#domain/kernel/event';
import type { EventPublisher } from '#domain/kernel/ports';
import type { Order } from '#domain/kernel/order';
import type { Shipment } from '#domain/kernel/shipment';
import type { ChannelRefund } from '#domain/returns';
import type { PosTransaction } from '#domain/pos';
import {
  posSaleEntryId,
  refundEntryId,
  saleEntryId,
  type JournalEntryKind,
  type JournalEntryPreparedData,
} from './model';
import { buildRefundEntry, buildSaleEntry, type BookedEntry, type OrderBookings } from './sale-entries';
import { buildPosSaleEntry } from './pos-entries';
import { PermanentError, TransientError } from '#domain/kernel/errors';

export class OrderNotStoredError extends TransientError {
  override name = 'OrderNotStoredError';
}

/** The ledger refused an entry as already stored, yet does not return it: the ledger broke its contract. */
class StoredEntryMissingError extends PermanentError {
  override name = 'StoredEntryMissingError';
}

/** Another booking for the same order committed between our read and our write: read again and retry. */
export class BookingConflictError extends TransientError {
  override name = 'BookingConflictError';
}

/** What the books hold per order: its bookings (with a revision for optimistic writes) and the entries prepared from it. */
export interface AccountingLedger {
  readBookings(orderId: string): Promise<{ bookings: OrderBookings; revision: number }>;
  findEntry(orderId: string, entryId: string): Promise<JournalEntryPreparedData | undefined>;
  /**
   * Stores the entry and the order's new bookings atomically, on the condition that the bookings are
   * still at `expectedRevision` (else BookingConflictError) and the entry is new (else it returns
   * false: a concurrent run stored it first). `awaitsSettlementSince` enters the order in the
   * never-settled watch from that date.
   */
  recordEntry(
    orderId: string,
    prepared: JournalEntryPreparedData,
    bookings: OrderBookings,
    expectedRevision: number,
    awaitsSettlementSince?: string,
  ): Promise<boolean>;
}

export interface OrderLookup {
  getOrder(orderId: string): Promise<{ order: Order } | undefined>;
}

export interface JournalPorts {
  ledger: AccountingLedger;
  orders: OrderLookup;
  publisher: EventPublisher;
  policy: AccountingPolicy;
}

export type JournalOutcome =
  | { outcome: 'prepared' | 'republished'; entryId: string; lines: number }
  | { outcome: 'nothing_to_book'; entryId: string };

const BOOKING_ATTEMPTS = 5;

/**
 * Books the sale of a shipment once: the entry id is derived from the shipment, stored with the
 * order's bookings before it is published, and a re-run (a crash after the write, a redelivery whose
 * idempotency record expired) publishes the stored entry again rather than booking anew.
 */
export function journalShipment(
  shipment: Shipment,
  ports: JournalPorts,
  trace: { causationId: string },
): Promise<JournalOutcome> {
  return bookOrderEntry(
    shipment.orderId,
    saleEntryId(shipment),
    'sale',
    (order, bookings) => buildSaleEntry(order, shipment, bookings, ports.policy),
    ports,
    trace,
    (order) => (ports.policy.channels[order.channel]?.settles ? shipment.shippedAt.slice(0, 10) : undefined),
  );
}

/** Books the reversal of a channel refund once, against what the order's sales booked. */
export function journalRefund(
  refund: ChannelRefund,
  ports: JournalPorts,
  trace: { causationId: string },
): Promise<JournalOutcome> {
  return bookOrderEntry(
    refund.orderId,
    refundEntryId(refund),
    'refund',
    (order, bookings) => buildRefundEntry(order, refund, bookings, ports.policy),
    ports,
    trace,
  );
}

/**
 * Books a POS transaction by tender. Stateless: the entry depends on the transaction alone, so a
 * re-run yields the same entry with the same id.
 */
export async function journalPosTransaction(
  transaction: PosTransaction,
  ports: Pick<JournalPorts, 'publisher' | 'policy'>,
  trace: { causationId: string },
): Promise<JournalOutcome> {
  const entry = buildPosSaleEntry(transaction, ports.policy);
  if (!entry) return { outcome: 'nothing_to_book', entryId: posSaleEntryId(transaction) };
  await ports.publisher.publish([prepared({ entry, kind: 'pos_sale' }, transaction.transactionId, trace)]);
  return { outcome: 'prepared', entryId: entry.entryId, lines: entry.lines.length };
}

async function bookOrderEntry(
  orderId: string,
  entryId: string,
  kind: JournalEntryKind,
  build: (order: Order, bookings: OrderBookings) => BookedEntry | undefined,
  ports: JournalPorts,
  trace: { causationId: string },
  awaitsSettlementSince: (order: Order) => string | undefined = () => undefined,
): Promise<JournalOutcome> {
  const stored = await ports.ledger.findEntry(orderId, entryId);
  if (stored) return publishStored(stored, orderId, trace, ports);
  const found = await ports.orders.getOrder(orderId);
  // The order may still be on its way to the order store: failing returns the event to its queue.
  if (!found) throw new OrderNotStoredError(`order ${orderId} is not in the order store (yet)`);
  for (let attempt = 1; ; attempt += 1) {
    const { bookings, revision } = await ports.ledger.readBookings(orderId);
    const booked = build(found.order, bookings);
    if (!booked) return { outcome: 'nothing_to_book', entryId };
    const data: JournalEntryPreparedData = { entry: booked.entry, kind, orderId };
    try {
      const created = await ports.ledger.recordEntry(
        orderId,
        data,
        booked.bookings,
        revision,
        awaitsSettlementSince(found.order),
      );
      if (!created) {
        // A concurrent run stored this entry first: publish its copy.
        const theirs = await ports.ledger.findEntry(orderId, entryId);
        if (!theirs) throw new StoredEntryMissingError(`entry ${entryId} of order ${orderId} is stored but not found`);
        return publishStored(theirs, orderId, trace, ports);
      }
    } catch (error) {
      if (error instanceof BookingConflictError && attempt < BOOKING_ATTEMPTS) continue;
      throw error;
    }
    await ports.publisher.publish([prepared(data, orderId, trace)]);
    return { outcome: 'prepared', entryId, lines: data.entry.lines.length };
  }
}

async function publishStored(
  stored: JournalEntryPreparedData,
  correlationId: string,
  trace: { causationId: string },
  ports: JournalPorts,
): Promise<JournalOutcome> {
  await ports.publisher.publish([prepared(stored, correlationId, trace)]);
  return { outcome: 'republished', entryId: stored.entry.entryId, lines: stored.entry.lines.length };
}

function prepared(data: JournalEntryPreparedData, correlationId: string, trace: { causationId: string }): FabricEvent {
  return createEvent(JournalEntryPrepared, data, { correlationId, causationId: trace.causationId });
}
