import { EventSource } from '#events/catalog';
import type { RoutingRule } from './rule';

/** What an order holds, to the consumer that releases it to its locations as fulfilment requests. */
export const fulfilmentRules: readonly RoutingRule[] = [
  {
    name: 'fulfilment-release',
    description:
      'Reservations, filled backorders and moved reservations to fulfilment-release: one request per location holding units (store task, ShipBob, warehouse), once; released reservations cancel the requests still open.',
    pattern: {
      source: [EventSource.inventory],
      'detail-type': ['InventoryReserved', 'BackorderFilled', 'ReservationMoved', 'ReservationReleased'],
    },
    // A reservation can overtake its OrderReceived into the orders table: the release waits on its queue for the order.
    target: {
      name: 'fulfilment-release',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 10,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'fulfilment-release',
  },
];
