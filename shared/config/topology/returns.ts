import type { DeployedFunctions } from './resources';

/** Returns received anywhere, taken back into stock against their order. The inventory stack deploys them, beside the stock they move. */
export const returnsFunctions = {
  'return-intake': {
    capability: 'inventory',
    entry: 'functions/return-intake/handler.ts',
    description:
      'Takes received returns back into stock (restocked or damaged by reason), correlated to their order through the cross-reference, and moves the stock channel refunds restock or cancel; unmatched ones raise ReturnNeedsAttention.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: {
      orders: 'read',
      crossReference: 'read',
      inventory: 'readWrite',
      idempotency: 'readWrite',
      eventTrail: 'readWrite',
    },
    publishesEvents: true,
  },
} satisfies DeployedFunctions;
