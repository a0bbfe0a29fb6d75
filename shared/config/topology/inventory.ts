import type { DeployedFunctions } from './resources';

/** Stock reservations and their release, shipped units, adjustments, available-to-sell and the reservation sweeper. The inventory stack deploys them. */
export const inventoryFunctions = {
  'inventory-reservation': {
    capability: 'inventory',
    entry: 'functions/inventory-reservation/handler.ts',
    description:
      'Flags an order its channel took after a published zero, and reserves stock for each order once (releases it when the order is cancelled), per channel policy.',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: { inventory: 'readWrite', channelPublications: 'read', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'inventory-fulfilment': {
    capability: 'inventory',
    entry: 'functions/inventory-fulfilment/handler.ts',
    description: 'Consumes reservations for confirmed shipments: shipped units leave on hand and reserved together.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { inventory: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'availability-query': {
    capability: 'inventory',
    entry: 'functions/availability-query/handler.ts',
    description: 'Answers available-to-sell for a SKU from its positions: in total, per location and per channel.',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [{ method: 'GET', path: '/availability/{sku}' }],
    tables: { inventory: 'read' },
  },
  'inventory-api': {
    capability: 'inventory',
    entry: 'functions/inventory-api/handler.ts',
    description:
      'For the ops console: a SKU at every location with what each channel was last told and its latest movements, and the verification of positions against ledger and reservations.',
    // The verification reads the whole inventory table in one consistent scan, within API Gateway's 29 s.
    timeoutSeconds: 30,
    memoryMb: 1024,
    routes: [
      { method: 'GET', path: '/inventory/skus/{sku}', console: 'viewer' },
      { method: 'GET', path: '/inventory/verification', console: 'viewer' },
    ],
    tables: { inventory: 'read', channelPublications: 'read' },
  },
  'inventory-adjustment': {
    capability: 'inventory',
    entry: 'functions/inventory-adjustment/handler.ts',
    description: 'Applies receipts, returns, counts, transfers and adjustments once per client key.',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [{ method: 'POST', path: '/inventory/adjustments' }],
    tables: { inventory: 'readWrite' },
    publishesEvents: true,
  },
  'backorder-fill': {
    capability: 'inventory',
    entry: 'functions/backorder-fill/handler.ts',
    description:
      'Fills backordered orders first come, first served when stock arrives (receipts, returns, transfers in), and lists each new backorder.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { inventory: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'reservation-sweeper': {
    capability: 'inventory',
    entry: 'functions/reservation-sweeper/handler.ts',
    description: 'Releases expired reservations and publishes events a crash left pending.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { inventory: 'readWrite' },
    publishesEvents: true,
    schedule: { everyMinutes: 1 },
  },
} satisfies DeployedFunctions;
