import type { DeployedFunctions } from './resources';

/** How orders arrive (webhooks, SP-API notifications, fetches, pulls) and the consumer that stores each order version once. The intake stack deploys them. */
export const intakeFunctions = {
  'marketplace-webhook': {
    capability: 'intake',
    entry: 'functions/marketplace-webhook/handler.ts',
    description: 'Verifies, archives and maps channel webhooks, then publishes the canonical order.',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: [
      { method: 'POST', path: '/webhooks/shopify', throttle: { rateLimit: 50, burstLimit: 100 } },
      { method: 'POST', path: '/webhooks/woocommerce', throttle: { rateLimit: 20, burstLimit: 40 } },
      { method: 'POST', path: '/webhooks/square', throttle: { rateLimit: 20, burstLimit: 40 } },
      { method: 'POST', path: '/webhooks/ebay', throttle: { rateLimit: 20, burstLimit: 40 } },
      { method: 'POST', path: '/webhooks/walmart', throttle: { rateLimit: 20, burstLimit: 40 } },
      // eBay's endpoint-ownership challenge, sent when the notification destination is registered.
      { method: 'GET', path: '/webhooks/ebay', throttle: { rateLimit: 1, burstLimit: 5 } },
    ],
    tables: { idempotency: 'readWrite', crossReference: 'read' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    channelSecrets: ['shopify', 'woocommerce', 'square', 'ebay', 'walmart'],
    // eBay signatures are checked with public keys served by eBay's Notification API.
    channelApis: ['ebay'],
  },
  'channel-order-fetch': {
    capability: 'intake',
    entry: 'functions/channel-order-fetch/handler.ts',
    description:
      'Fetches the orders that thin channel notifications name (Square, Amazon, eBay, Walmart) from the channel API, maps and publishes them.',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: { idempotency: 'readWrite', crossReference: 'read', eventTrail: 'readWrite' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    channelApis: ['square', 'amazon', 'ebay', 'walmart'],
  },
  'amazon-notifications': {
    capability: 'intake',
    entry: 'functions/amazon-notifications/handler.ts',
    channel: 'amazon',
    description: 'Archives and deduplicates Amazon SP-API ORDER_CHANGE notifications from their SQS destination.',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: { idempotency: 'readWrite', eventTrail: 'readWrite' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    inboundQueue: {
      name: 'amazon-notifications',
      description: 'The SQS destination registered with SP-API createDestination for ORDER_CHANGE notifications.',
      batchSize: 10,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 60,
      senderAccounts: ['437568002678'],
    },
  },
  'ebay-order-poller': {
    capability: 'intake',
    entry: 'functions/ebay-order-poller/handler.ts',
    channel: 'ebay',
    description:
      'Pulls eBay orders modified since the persisted cursor (getOrders by lastmodifieddate) and publishes each version once.',
    timeoutSeconds: 120,
    memoryMb: 512,
    tables: { idempotency: 'readWrite', crossReference: 'read', connectorState: 'readWrite' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    channelApis: ['ebay'],
    schedule: { everyMinutes: 5 },
  },
  'order-intake': {
    capability: 'intake',
    entry: 'functions/order-intake/handler.ts',
    description: 'Stores canonical orders and their channel cross-reference, once per order version.',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: { orders: 'readWrite', crossReference: 'readWrite', idempotency: 'readWrite', eventTrail: 'readWrite' },
  },
} satisfies DeployedFunctions;
