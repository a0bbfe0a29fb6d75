import * as z from '#domain/kernel/schema';
import type { Order } from '#domain/kernel/order';
import type { Money } from '#domain/kernel/money';
import { sumMoney } from '#domain/kernel/money';
import type { JournalEntry } from '#domain/accounting';
import { PermanentError, TransientError } from '#domain/kernel/errors';

/** A document the ERP holds for us: its own id (stable) and the number people see. */
export interface ErpDocument {
  erpDocumentId: string;
  erpDocumentNumber: string;
}

/** A sales order as the fabric hands it to any ERP: our order id is the ERP's external document number. */
export interface ErpSalesOrder {
  /** The idempotency key: the fabric's orderId, unique per order across every retry and replay. */
  externalDocumentNumber: string;
  orderDate: string;
  customerNumber: string;
  currency: string;
  lines: { itemNumber: string; description?: string; quantity: number; unitPrice: Money; discount: Money }[];
  shipping?: { accountNumber: string; amount: Money };
}

/**
 * The ERP, in retail terms. Implementations translate their API's failures into the two errors
 * below, because the connector's only decisions are "try again later" and "a person must look".
 */
export interface ErpPort {
  readonly name: string;
  findSalesOrderByExternalNumber(externalDocumentNumber: string): Promise<ErpDocument | undefined>;
  /** Creates the sales order with its lines in one request. Not idempotent on its own: look it up first. */
  postSalesOrder(order: ErpSalesOrder): Promise<ErpDocument>;
  /** Removes a sales order nothing has been shipped or invoiced against; one already gone is not an error. */
  deleteSalesOrder(document: ErpDocument): Promise<void>;
  findJournalEntry(entryId: string): Promise<ErpDocument | undefined>;
  postJournalEntry(entry: JournalEntry): Promise<ErpDocument>;
}

/**
 * The ERP could not answer now (throttled, down, timed out): retry with backoff. Down or timed out
 * counts against the breaker; throttled does not: an ERP that answers 429 is up and asking us to slow
 * down, which its Retry-After does, while opening the breaker on it would refuse every caller for a
 * whole cool-down per 429 and turn a minute of rate limiting into a stalled backlog.
 */
export class ErpTransientError extends TransientError {
  override name = 'ErpTransientError';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get throttled(): boolean {
    return this.status === 429;
  }
}

/**
 * A write the ERP may have committed although it never answered: the client timed out, or the
 * connection dropped after the request went out. Transient, but not to be sent again at once: a
 * look-up now may run before the ERP commits it (it may still be working on it), so the document is
 * looked up only once the ERP could no longer commit the request (see ErpPostingPorts.commitHorizonMs).
 */
export class ErpOutcomeUnknownError extends ErpTransientError {
  override name = 'ErpOutcomeUnknownError';
}

/** The ERP answered and said no (closed posting period, unknown item): retrying changes nothing. */
export class ErpBusinessRejectionError extends PermanentError {
  override name = 'ErpBusinessRejectionError';
  constructor(
    readonly erpCode: string,
    readonly erpMessage: string,
    readonly status: number,
  ) {
    super(`ERP rejected the document (${erpCode}): ${erpMessage}`);
  }
}

/** The ERP is not called while the shared circuit breaker is open; the message waits in its queue. */
export class ErpCircuitOpenError extends TransientError {
  override name = 'ErpCircuitOpenError';
  constructor(readonly retryInMs: number) {
    super(`ERP circuit is open; next probe in ${retryInMs} ms`);
  }
}

/** An order the ERP must not receive as it stands (a line without an internal SKU). */
export class OrderNotPostableError extends PermanentError {
  override name = 'OrderNotPostableError';
}

export interface SalesOrderPostingPolicy {
  /** The ERP customer each channel's orders are sold to (one customer per marketplace, the usual retail setup). */
  customerFor: (order: Order) => string;
  shippingAccount: string;
}

/** Maps the canonical order to the ERP's sales order; throws OrderNotPostableError for a line without an internal SKU. */
export function salesOrderFor(order: Order, policy: SalesOrderPostingPolicy): ErpSalesOrder {
  const lines = order.lines.map((line, i) => {
    if (!line.sku)
      throw new OrderNotPostableError(`order ${order.orderId} line ${i} (${line.channelSku}) has no internal SKU`);
    return {
      itemNumber: line.sku,
      ...(line.title ? { description: line.title } : {}),
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discount,
    };
  });
  const shipping = sumMoney(
    order.currency,
    order.shipping.map((charge) => ({
      amountMinor: charge.price.amountMinor - charge.discount.amountMinor,
      currency: charge.price.currency,
    })),
  );
  return {
    externalDocumentNumber: order.orderId,
    orderDate: order.placedAt.slice(0, 10),
    customerNumber: policy.customerFor(order),
    currency: order.currency,
    lines,
    ...(shipping.amountMinor > 0 ? { shipping: { accountNumber: policy.shippingAccount, amount: shipping } } : {}),
  };
}

/** Payload of `ErpSalesOrderPosted`: the order is in the ERP, under this document (posted now or found there). */
export const ErpSalesOrderPostedData = z.object({
  orderId: z.string().check(z.minLength(1)),
  erp: z.string().check(z.minLength(1)),
  erpDocumentId: z.string().check(z.minLength(1)),
  erpDocumentNumber: z.string().check(z.minLength(1)),
  /** False only when this very delivery's post created the document; true when it was found (in the ERP after an unanswered post, or in the cross-reference on a redelivery). */
  foundExisting: z.boolean(),
});
export type ErpSalesOrderPostedData = z.infer<typeof ErpSalesOrderPostedData>;

/** Payload of `ErpSalesOrderCancelled`: the channel cancelled an order the ERP held, and its sales order is gone. */
export const ErpSalesOrderCancelledData = z.object({
  orderId: z.string().check(z.minLength(1)),
  erp: z.string().check(z.minLength(1)),
  erpDocumentId: z.string().check(z.minLength(1)),
  erpDocumentNumber: z.string().check(z.minLength(1)),
});
export type ErpSalesOrderCancelledData = z.infer<typeof ErpSalesOrderCancelledData>;

/** Payload of `ErpPostingRejected`: the ERP refused a document for a business reason; a person must act. */
export const ErpPostingRejectedData = z.object({
  documentType: z.enum(['sales_order', 'journal_entry']),
  /** The order id or journal entry id: the idempotency key the document was posted under. */
  documentKey: z.string().check(z.minLength(1)),
  orderId: z.optional(z.string().check(z.minLength(1))),
  erp: z.string().check(z.minLength(1)),
  erpCode: z.string().check(z.minLength(1)),
  erpMessage: z.string().check(z.minLength(1)),
  status: z.number().check(z.int()),
});
export type ErpPostingRejectedData = z.infer<typeof ErpPostingRejectedData>;
