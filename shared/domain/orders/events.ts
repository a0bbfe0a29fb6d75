import * as z from '#domain/kernel/schema';
import { Shipment } from '#domain/kernel/shipment';
import { OrderStateChangedData, OrderTransitionRefusedData } from './lifecycle';
import { EventSource, defineEvent } from '#domain/kernel/event';

/** An order overdue in its lifecycle state. */
export const OrderStuckData = z.object({
  orderId: z.string().check(z.minLength(1)),
  state: z.string().check(z.minLength(1)),
  since: z.iso.datetime({ offset: true }),
  deadline: z.iso.datetime({ offset: true }),
  /** The lifecycle version of the stay: the same stay is reported under the same version. */
  version: z.number().check(z.int(), z.positive()),
});
export type OrderStuckData = z.infer<typeof OrderStuckData>;

export const ShipmentConfirmed = defineEvent('ShipmentConfirmed', {
  source: EventSource.fulfilment,
  description: 'A warehouse or store shipped order lines.',
  versions: { 1: z.object({ shipment: Shipment }) },
  current: 1,
});

export const OrderStateChanged = defineEvent('OrderStateChanged', {
  source: EventSource.orders,
  description:
    'The order lifecycle moved an order (received, reserved, posted to the ERP, shipped, returned, refunded...), with the version the move produced.',
  versions: { 1: OrderStateChangedData },
  current: 1,
});

export const OrderStuck = defineEvent('OrderStuck', {
  source: EventSource.orders,
  description:
    'An order stayed in one lifecycle state past its SLA (FABRIC_ORDER_SLAS): nothing failed, but nothing moved it either.',
  versions: { 1: OrderStuckData },
  current: 1,
});

export const OrderTransitionRefused = defineEvent('OrderTransitionRefused', {
  source: EventSource.orders,
  description:
    'An event would have moved an order backwards or past a step (cancelling a shipped order, say); recorded on the order and published, never dropped.',
  versions: { 1: OrderTransitionRefusedData },
  current: 1,
});
