import type { DeployedFunctions } from './resources';

/** What the fabric tells the channels: availability, shipments, cancellations and returns, and the drift check. The channel-sync stack deploys them. */
export const channelSyncFunctions = {
  'channel-availability-sync': {
    capability: 'channel-sync',
    entry: 'functions/channel-availability-sync/handler.ts',
    description:
      "Publishes each channel's latest available-to-sell through its inventory API (coalesced, in version order, within its rate limit).",
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: { channelPublications: 'readWrite', eventTrail: 'readWrite' },
    channelApis: ['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart', 'square'],
  },
  'channel-order-sync': {
    capability: 'channel-sync',
    entry: 'functions/channel-order-sync/handler.ts',
    description:
      "Tells the order's channel, each once: confirmed shipments, pickups ready at a store, cancellations for want of stock or an expired pickup, and returns taken elsewhere.",
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: {
      orders: 'read',
      crossReference: 'read',
      idempotency: 'readWrite',
      channelPublications: 'readWrite',
      eventTrail: 'readWrite',
    },
    // A cancellation no channel API can make is raised as ChannelCancellationNeeded.
    publishesEvents: true,
    channelApis: ['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart', 'square'],
  },
  'channel-drift-check': {
    capability: 'channel-sync',
    entry: 'functions/channel-drift-check/handler.ts',
    description:
      'Reads back what each channel lists, compares it with the publication ledger and re-publishes what drifted.',
    timeoutSeconds: 300,
    memoryMb: 512,
    tables: { channelPublications: 'readWrite' },
    publishesEvents: true,
    channelApis: ['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart', 'square'],
    schedule: { everyMinutes: 15 },
  },
  'channel-status-api': {
    capability: 'channel-sync',
    entry: 'functions/channel-status-api/handler.ts',
    description:
      "Answers the console's Channels page: propagation lag per channel and subject, what is pending or stalled, each channel API's rate budget left, and the pull connectors' last catch-up.",
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [
      { method: 'GET', path: '/channels', console: 'viewer' },
      { method: 'GET', path: '/channels/{channel}/lag', console: 'viewer' },
    ],
    tables: { channelPublications: 'read', connectorState: 'read' },
    // Read for the seller account each token bucket is kept under (the shop, the store host, the
    // application, the seller), the key the channel clients spend their budget on; no API is called.
    channelApis: ['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart', 'square'],
  },
} satisfies DeployedFunctions;
