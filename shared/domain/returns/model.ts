import * as z from '#domain/kernel/schema';
import { Money } from '#domain/kernel/money';
import { SalesChannel } from '#domain/kernel/order';

/** The idempotency scope of the return-intake consumer; its business key is the return id. */
export const RETURN_INTAKE_SCOPE = 'return-intake';

/** A channel refund's business key in the return intake, as in accounting and the lifecycle: a channel repeating it changes nothing. */
export const refundKey = (refund: { channel: SalesChannel; channelRefundId: string }) =>
  `refund:${refund.channel}:${refund.channelRefundId}`;

/** A return received anywhere: in store, at a warehouse, or reported by a marketplace refund. */
export const CustomerReturn = z.object({
  returnId: z.string().check(z.minLength(1)),
  /** Absent until correlated: a return that matches no order becomes an exception, not a guess. */
  orderId: z.optional(z.string().check(z.minLength(1))),
  receivedThrough: SalesChannel,
  /** The channel the goods were sold through and its order id, when the receiver knows them rather than our order id (a store taking back a marketplace order). */
  soldThrough: z.optional(SalesChannel),
  channelOrderId: z.optional(z.string().check(z.minLength(1))),
  locationId: z.optional(z.string().check(z.minLength(1))),
  /**
   * The receiver already took the units into its own stock (a store's till, through the POS
   * transaction's stock movements): the return is only correlated to its order, and no stock moves
   * again, so goods that came back stay on hand even when the order they name is unknown.
   */
  restockedOnReceipt: z.optional(z.boolean()),
  receivedAt: z.iso.datetime({ offset: true }),
  lines: z
    .array(
      z.object({
        lineId: z.optional(z.string().check(z.minLength(1))),
        sku: z.string().check(z.minLength(1)),
        quantity: z.number().check(z.int(), z.positive()),
        reasonCode: z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/)),
        condition: z.enum(['sellable', 'damaged']),
        refund: Money,
      }),
    )
    .check(z.minLength(1)),
});
export type CustomerReturn = z.infer<typeof CustomerReturn>;

/**
 * Payload of ReturnNeedsAttention: a received return (or some of its lines) the fabric could not act on.
 * UNMATCHED_ORDER: it names no order the fabric knows (by order id, or channel and channel order id
 * through the cross-reference). UNMATCHED_LINE: the order has no line for it. NO_LOCATION: nobody said
 * where it was received, so no stock moved. STOCK_REFUSED: the stock books refused the movement.
 */
export const ReturnNeedsAttentionData = z.object({
  returnId: z.string().check(z.minLength(1)),
  reason: z.enum(['UNMATCHED_ORDER', 'UNMATCHED_LINE', 'NO_LOCATION', 'STOCK_REFUSED']),
  orderId: z.optional(z.string().check(z.minLength(1))),
  receivedThrough: SalesChannel,
  /** The return's lines concerned, by position (from 1), with what they asked. */
  lines: z.array(
    z.object({
      position: z.number().check(z.int(), z.positive()),
      sku: z.string().check(z.minLength(1)),
      quantity: z.number().check(z.int(), z.positive()),
      detail: z.optional(z.string()),
    }),
  ),
  detail: z.string().check(z.minLength(1)),
});
export type ReturnNeedsAttentionData = z.infer<typeof ReturnNeedsAttentionData>;

/**
 * Return reason codes whose units cannot be sold again: they go to damaged stock, still on hand.
 * Any other reason, or none, restocks the units as sellable.
 */
export const DAMAGED_RETURN_REASONS: ReadonlySet<string> = new Set([
  'DAMAGED',
  'DEFECTIVE',
  'BROKEN',
  'FAULTY',
  'EXPIRED',
  'NOT_RESALEABLE',
]);

/** The reason a returned line carries into stock movements when the till recorded none. */
export const DEFAULT_RETURN_REASON = 'CUSTOMER_RETURN';

/** Where a returned line's units go: back to sellable stock, or to damaged stock. */
export function returnDestination(line: { reasonCode?: string }): 'sellable' | 'damaged' {
  return line.reasonCode && DAMAGED_RETURN_REASONS.has(line.reasonCode) ? 'damaged' : 'sellable';
}
