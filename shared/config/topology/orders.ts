import type { DeployedFunctions } from './resources';

/** Order look-ups, shipment confirmations, the order lifecycle and its SLA watch. The order-to-cash stack deploys them. */
export const ordersFunctions = {
  'order-query': {
    capability: 'order-to-cash',
    entry: 'functions/order-query/handler.ts',
    description:
      'Answers order lookups by fabric id, by channel id or by SKU: state history, lifecycle, reserved stock, ERP documents, and the trace of every event about the order.',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [
      { method: 'GET', path: '/orders', console: 'viewer' },
      { method: 'GET', path: '/orders/{orderId}', console: 'viewer' },
      { method: 'GET', path: '/orders/{orderId}/trace', console: 'viewer' },
      { method: 'GET', path: '/orders/by-channel/{channel}/{channelOrderId}', console: 'viewer' },
    ],
    tables: { orders: 'read', crossReference: 'read', inventory: 'read', eventTrail: 'read' },
  },
  'shipment-confirmation': {
    capability: 'order-to-cash',
    entry: 'functions/shipment-confirmation/handler.ts',
    description:
      "Takes a warehouse's shipment confirmations (POST /shipments): archived raw, checked against the order and what it shipped before, published as ShipmentConfirmed once per shipment id.",
    timeoutSeconds: 10,
    memoryMb: 256,
    // A WMS flushing a backlog after an outage must not starve the stage budget the channels share.
    routes: [{ method: 'POST', path: '/shipments', throttle: { rateLimit: 20, burstLimit: 40 } }],
    tables: { orders: 'read', crossReference: 'read', idempotency: 'readWrite' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
  },
  'order-sla-watch': {
    capability: 'order-to-cash',
    entry: 'functions/order-sla-watch/handler.ts',
    description: 'Reports orders that stayed in one lifecycle state past its SLA as OrderStuck, once per stay.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { orders: 'readWrite' },
    publishesEvents: true,
    schedule: { everyMinutes: 15 },
  },
  'order-lifecycle': {
    capability: 'order-to-cash',
    entry: 'functions/order-lifecycle/handler.ts',
    description:
      'Moves each order through its lifecycle (guarded, versioned, with history); records and publishes refused transitions.',
    // Room for a batch of ten early events each waiting its second and a half.
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { orders: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
} satisfies DeployedFunctions;
