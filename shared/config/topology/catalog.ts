import type { DeployedFunctions } from './resources';

/** Item master changes from their owners, one at a time or as catalog exports. The pricing-catalog stack deploys them. */
export const catalogFunctions = {
  'product-api': {
    capability: 'pricing-catalog',
    entry: 'functions/product-api/handler.ts',
    description:
      "Takes item master changes from their owner (POST /products) into the cross-reference and publishes ProductChanged; refuses and records a non-owner's change.",
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [{ method: 'POST', path: '/products' }],
    tables: { crossReference: 'readWrite' },
    publishesEvents: true,
  },
  'catalog-import': {
    capability: 'pricing-catalog',
    entry: 'functions/catalog-import/handler.ts',
    description:
      'Streams ERP/PIM catalog exports (JSON Lines or CSV) into the cross-reference in batches, publishing ProductChanged; bad lines to quarantine.',
    timeoutSeconds: 900,
    memoryMb: 512,
    tables: { crossReference: 'readWrite' },
    buckets: { catalogImports: 'readWrite' },
    publishesEvents: true,
    objectTriggers: [{ bucket: 'catalogImports', prefix: 'incoming/' }],
  },
} satisfies DeployedFunctions;
