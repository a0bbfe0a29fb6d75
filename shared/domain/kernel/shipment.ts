import * as z from 'zod';

export const Shipment = z.object({
  shipmentId: z.string().min(1),
  orderId: z.string().min(1),
  locationId: z.string().min(1),
  carrier: z.string().min(1),
  trackingNumber: z.string().min(1),
  shippedAt: z.iso.datetime({ offset: true }),
  lines: z
    .array(
      z.object({
        lineId: z.string().min(1),
        sku: z.string().min(1),
        quantity: z.number().int().positive(),
      }),
    )
    .min(1),
});
export type Shipment = z.infer<typeof Shipment>;
