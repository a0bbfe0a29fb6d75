import { EventSource } from '#events/catalog';
import type { RoutingRule } from './rule';

/** Orders to the stock they reserve (and release), confirmed shipments to the units they take off hand, and arrivals to the backorders waiting for them. */
export const inventoryRules: readonly RoutingRule[] = [
  {
    name: 'inventory-reservation',
    description:
      'Canonical orders to the stock reservation consumer: checked against the zeros their channel had acknowledged (OversellIncident), then reserved once per order, released on cancellation.',
    pattern: { source: [EventSource.intake], 'detail-type': ['OrderReceived'] },
    // Bounded concurrency: a flash sale's orders queue here rather than pile transactions onto one SKU.
    target: {
      name: 'inventory-reservation',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 180,
      maxConcurrency: 10,
    },
    consumer: 'inventory-reservation',
  },
  {
    name: 'inventory-fulfilment',
    description: 'Confirmed shipments to the reservation consumer that takes shipped units off hand.',
    pattern: { source: [EventSource.fulfilment], 'detail-type': ['ShipmentConfirmed'] },
    target: {
      name: 'inventory-fulfilment',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'inventory-fulfilment',
  },
  {
    name: 'backorder-fill-arrivals',
    description:
      'Stock that arrived (receipts, returns, transfers in) to the consumer that fills backorders waiting for it.',
    pattern: {
      source: [EventSource.inventory],
      'detail-type': ['InventoryAdjusted'],
      detail: { data: { type: ['receipt', 'return', 'transfer', 'transfer_received'] } },
    },
    // Fills of one SKU's waiting list queue here rather than race each other for the same units.
    target: {
      name: 'backorder-fill-arrivals',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 2,
    },
    consumer: 'backorder-fill',
  },
  {
    name: 'backorder-fill-waiting',
    description:
      "Backordered orders to the consumer that lists them on their SKUs' waiting lists and offers what is there.",
    pattern: {
      source: [EventSource.inventory],
      'detail-type': ['ReservationRejected'],
      detail: { data: { outcome: ['backordered'] } },
    },
    target: {
      name: 'backorder-fill-waiting',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 2,
    },
    consumer: 'backorder-fill',
  },
];
