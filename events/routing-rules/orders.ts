import { EventSource } from '#events/catalog';
import { LIFECYCLE_DETAIL_TYPES } from '#domain/orders/model';
import type { RoutingRule } from './rule';

/** Every event that moves an order, to the order lifecycle. */
export const ordersRules: readonly RoutingRule[] = [
  {
    name: 'order-lifecycle',
    description:
      'Every event that moves an order (received, reserved, posted to the ERP, shipped, returned, refunded, cancelled) to the order lifecycle.',
    pattern: {
      source: [EventSource.intake, EventSource.inventory, EventSource.erp, EventSource.fulfilment, EventSource.returns],
      'detail-type': [...LIFECYCLE_DETAIL_TYPES],
    },
    // An event that arrives before the step it needs (a shipment before the ERP posting) is retried, not
    // refused: twenty receives three minutes apart let it wait out an hour of ERP outage before the DLQ holds it.
    target: {
      name: 'order-lifecycle',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 20,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'order-lifecycle',
  },
];
