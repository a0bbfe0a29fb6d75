import type { DeployedFunctions } from './resources';

/**
 * Omnichannel fulfilment: each order's parts released to the locations holding them (store tasks,
 * ShipBob, warehouse releases), the store tasks API, and the watch over SLAs, pickups and ShipBob.
 * They deploy with order-to-cash, beside the shipment flow they feed.
 */
export const fulfilmentFunctions = {
  'sourcing-rules-api': {
    // Its rules live in the inventory table, beside the reservations that read them; it needs no other store.
    capability: 'order-to-cash',
    entry: 'functions/sourcing-rules-api/handler.ts',
    description:
      "The merchant's sourcing rules, versioned: the rules in force, any stored version, and a new version validated against the locations.",
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [
      { method: 'GET', path: '/sourcing-rules', console: 'viewer' },
      { method: 'GET', path: '/sourcing-rules/versions/{version}', console: 'viewer' },
      { method: 'POST', path: '/sourcing-rules', console: 'operator' },
    ],
    tables: { inventory: 'readWrite' },
  },
  'fulfilment-release': {
    capability: 'order-to-cash',
    entry: 'functions/fulfilment-release/handler.ts',
    description:
      'Releases what each order holds to its locations, once: a store task, a ShipBob order, or a warehouse release; again for units a re-sourcing moved.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: {
      fulfilment: 'readWrite',
      orders: 'read',
      crossReference: 'read',
      inventory: 'read',
      idempotency: 'readWrite',
      eventTrail: 'readWrite',
    },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    threePlApi: 'shipbob',
  },
  'store-tasks-api': {
    capability: 'order-to-cash',
    entry: 'functions/store-tasks-api/handler.ts',
    description:
      "A store's tasks and each order's fulfilment parts; the store's actions on a task (accept, picked, reject, collect with the pickup code, shipped).",
    timeoutSeconds: 15,
    memoryMb: 256,
    routes: [
      { method: 'GET', path: '/stores/{storeId}/tasks', console: 'viewer' },
      { method: 'GET', path: '/orders/{orderId}/fulfilment', console: 'viewer' },
      { method: 'POST', path: '/store-tasks/{taskId}/{action}', console: 'operator' },
    ],
    tables: {
      fulfilment: 'readWrite',
      orders: 'read',
      crossReference: 'read',
      inventory: 'readWrite',
      idempotency: 'readWrite',
    },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
  },
  'fulfilment-watch': {
    capability: 'order-to-cash',
    entry: 'functions/fulfilment-watch/handler.ts',
    description:
      'Every minute: re-sources store tasks past their acceptance SLA, expires pickups past their hold, and takes ShipBob shipments into the shipment flow.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: {
      fulfilment: 'readWrite',
      orders: 'read',
      crossReference: 'read',
      inventory: 'readWrite',
      idempotency: 'readWrite',
    },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    threePlApi: 'shipbob',
    schedule: { everyMinutes: 1 },
  },
  'pos-pickup-collection': {
    capability: 'order-to-cash',
    entry: 'functions/pos-pickup-collection/handler.ts',
    description:
      "Pickups handed over at the till: a POS sale line naming an online order collects that order's pickup task at the store, once, through the shipment flow.",
    timeoutSeconds: 30,
    memoryMb: 256,
    // As store-tasks-api's collect action: the shipment flow consumes the reservation in the inventory table.
    tables: {
      fulfilment: 'readWrite',
      orders: 'read',
      crossReference: 'read',
      inventory: 'readWrite',
      idempotency: 'readWrite',
      eventTrail: 'readWrite',
    },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
  },
} satisfies DeployedFunctions;
