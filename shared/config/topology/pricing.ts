import type { DeployedFunctions } from './resources';

/** Price lists and promotions, their timetable, their distribution to channels and stores, and the order price check. The pricing-catalog stack deploys them. */
export const pricingFunctions = {
  'price-api': {
    capability: 'pricing-catalog',
    entry: 'functions/price-api/handler.ts',
    description:
      'Records price list entries and promotions from their owners on a timetable, and answers the effective price of a SKU on a channel at a time.',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [
      { method: 'POST', path: '/prices' },
      { method: 'POST', path: '/promotions' },
      { method: 'GET', path: '/prices/{sku}' },
    ],
    tables: { pricing: 'readWrite' },
    publishesEvents: true,
  },
  'price-scheduler': {
    capability: 'pricing-catalog',
    entry: 'functions/price-scheduler/handler.ts',
    description:
      'Publishes PriceChanged, PromotionActivated and PromotionEnded for every price and promotion window that has come due, once per window.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { pricing: 'readWrite' },
    publishesEvents: true,
    schedule: { everyMinutes: 1 },
  },
  'price-distribution': {
    capability: 'pricing-catalog',
    entry: 'functions/price-distribution/handler.ts',
    description:
      "Pushes the effective price of changed SKUs to each channel listing them and writes each store's POS price file; records acknowledgement lag.",
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: { pricing: 'readWrite', crossReference: 'read', eventTrail: 'readWrite', channelPublications: 'readWrite' },
    buckets: { posBatches: 'readWrite' },
    channelApis: ['shopify', 'ebay', 'woocommerce', 'walmart', 'square', 'amazon'],
  },
  'price-order-check': {
    capability: 'pricing-catalog',
    entry: 'functions/price-order-check/handler.ts',
    description:
      "Checks each order's line prices against the effective price at the time it was placed and raises PricingException beyond the tolerance.",
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { pricing: 'read', idempotency: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
} satisfies DeployedFunctions;
