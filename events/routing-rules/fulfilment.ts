import { EventSource } from '#events/catalog';
import type { RoutingRule } from './rule';

/** What an order holds, to the consumer that releases it to its locations as fulfilment requests; pickups handed over at the till. */
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
  {
    name: 'pos-pickup-collection',
    description:
      "Completed POS transactions to pos-pickup-collection: a sale line naming an online order is that order's pickup handed over at the till, collected once.",
    pattern: {
      source: [EventSource.pos],
      'detail-type': ['PosTransactionRecorded'],
      detail: { data: { transaction: { disposition: ['completed'] } } },
    },
    // A till can hand over an order whose OrderReceived or release is still on its way: retried, then the DLQ.
    target: {
      name: 'pos-pickup-collection',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 10,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'pos-pickup-collection',
  },
];
