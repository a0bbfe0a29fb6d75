import * as z from '#domain/kernel/schema';

/**
 * Every change to stock is one of these, appended to the movement ledger. Quantities are positive;
 * the kind says which way they move which named quantity.
 */
export const MovementKind = z.enum([
  'sale',
  'return',
  'receipt',
  'transfer_out',
  'transfer_in',
  'adjustment',
  'reservation',
  'release',
  'fulfilment',
]);
export type MovementKind = z.infer<typeof MovementKind>;

/**
 * The named quantities of a stock position (see shared/domain/inventory/model.ts). Damaged and
 * quality-control units are counted in on hand but cannot be sold; incoming is not yet on hand.
 */
export const QuantityName = z.enum(['onHand', 'reserved', 'incoming', 'safetyStock', 'damaged', 'qualityControl']);
export type QuantityName = z.infer<typeof QuantityName>;

/** What a movement is about: the document a person would look up to explain it. */
export const MovementReference = z.object({
  kind: z.enum(['order_line', 'pos_transaction', 'erp_document', 'stock_count', 'transfer', 'manual']),
  id: z.string().check(z.minLength(1)),
});

export const InventoryMovement = z
  .object({
    movementId: z.string().check(z.minLength(1)),
    sku: z.string().check(z.minLength(1)),
    locationId: z.string().check(z.minLength(1)),
    kind: MovementKind,
    /** Units moved, always positive; adjustments carry their direction in `direction`. */
    quantity: z.number().check(z.int(), z.positive()),
    direction: z.optional(z.enum(['in', 'out'])),
    /** Which named quantity an adjustment moves; on hand when absent. Other kinds imply theirs. */
    quantityName: z.optional(QuantityName),
    /** Why: "DAMAGED", "CUSTOMER_RETURN", "CYCLE_COUNT", "ORDER_CANCELLED", ... */
    reasonCode: z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'must be an upper-case reason code such as CYCLE_COUNT')),
    reference: MovementReference,
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .check(
    z.refine((m) => m.kind !== 'adjustment' || m.direction !== undefined, {
      path: ['direction'],
      message: 'is required for an adjustment',
    }),
    z.refine((m) => m.quantityName === undefined || (m.kind === 'adjustment' && m.quantityName !== 'reserved'), {
      path: ['quantityName'],
      message: 'is only for adjustments, and reserved moves only through reservations, releases and fulfilments',
    }),
  );
export type InventoryMovement = z.infer<typeof InventoryMovement>;
