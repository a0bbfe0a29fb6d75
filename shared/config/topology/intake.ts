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
  'channel-order-catch-up': {
    capability: 'intake',
    entry: 'functions/channel-order-catch-up/handler.ts',
    description:
      "Finds the orders no webhook delivered: each channel's orders modified since its persisted cursor, listed through the channel's API and published once per version the fabric does not hold.",
    timeoutSeconds: 300,
    memoryMb: 512,
    tables: {
      idempotency: 'readWrite',
      crossReference: 'read',
      connectorState: 'readWrite',
      orders: 'read',
      // Shopify's and WooCommerce's rate budgets, shared with the outbound calls.
      channelPublications: 'readWrite',
      eventTrail: 'readWrite',
    },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    channelApis: ['shopify', 'woocommerce', 'square', 'walmart', 'amazon', 'ebay'],
    // The region's `catchUpEveryMinutes` setting overrides it.
    schedule: { everyMinutes: 15 },
  },
  'order-intake': {
    capability: 'intake',
    entry: 'functions/order-intake/handler.ts',
    description: 'Stores canonical orders and their channel cross-reference, once per order version.',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: { orders: 'readWrite', crossReference: 'readWrite', eventTrail: 'readWrite' },
  },
} satisfies DeployedFunctions;
