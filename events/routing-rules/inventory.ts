import { EventSource } from '#events/catalog';
import type { RoutingRule } from './rule';

/** Orders to the stock they reserve (and release), and confirmed shipments to the units they take off hand. */
export const inventoryRules: readonly RoutingRule[] = [
  {
    name: 'inventory-reservation',
    description: 'Canonical orders to the stock reservation consumer: reserve once per order, release on cancellation.',
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
];
