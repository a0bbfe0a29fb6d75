import { z } from 'zod';
import { Money } from './money';
import { SalesChannel } from './order';

/** A return received anywhere: in store, at a warehouse, or reported by a marketplace refund. */
export const CustomerReturn = z.object({
  returnId: z.string().min(1),
  /** Absent until correlated: a return that matches no order becomes an exception, not a guess. */
  orderId: z.string().min(1).optional(),
  receivedThrough: SalesChannel,
  locationId: z.string().min(1).optional(),
  receivedAt: z.iso.datetime({ offset: true }),
  lines: z.array(z.object({
    lineId: z.string().min(1).optional(),
    sku: z.string().min(1),
    quantity: z.number().int().positive(),
    reasonCode: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    condition: z.enum(['sellable', 'damaged']),
    refund: Money,
  })).min(1),
});
export type CustomerReturn = z.infer<typeof CustomerReturn>;
