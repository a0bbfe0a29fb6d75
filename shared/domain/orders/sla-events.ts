import { z } from 'zod';

/** An order overdue in its lifecycle state; kept apart from order-sla.ts, which publishes it through the catalog. */
export const OrderStuckData = z.object({
  orderId: z.string().min(1),
  state: z.string().min(1),
  since: z.iso.datetime({ offset: true }),
  deadline: z.iso.datetime({ offset: true }),
  /** The lifecycle version of the stay: the same stay is reported under the same version. */
  version: z.number().int().positive(),
});
export type OrderStuck = z.infer<typeof OrderStuckData>;
