import * as z from '#domain/kernel/schema';

export const Shipment = z.object({
  shipmentId: z.string().check(z.minLength(1)),
  orderId: z.string().check(z.minLength(1)),
  locationId: z.string().check(z.minLength(1)),
  carrier: z.string().check(z.minLength(1)),
  trackingNumber: z.string().check(z.minLength(1)),
  shippedAt: z.iso.datetime({ offset: true }),
  lines: z
    .array(
      z.object({
        lineId: z.string().check(z.minLength(1)),
        sku: z.string().check(z.minLength(1)),
        quantity: z.number().check(z.int(), z.positive()),
      }),
    )
    .check(z.minLength(1)),
});
export type Shipment = z.infer<typeof Shipment>;
