import type { DeployedFunctions } from './resources';

/** The ERP connector: sales orders and journal entries posted exactly once. The order-to-cash stack deploys it. */
export const erpFunctions = {
  'erp-posting': {
    capability: 'order-to-cash',
    entry: 'functions/erp-posting/handler.ts',
    description:
      'Posts reserved orders as ERP sales orders and prepared journal entries, exactly once, behind a shared circuit breaker.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { orders: 'read', crossReference: 'readWrite', connectorState: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
    erpApi: true,
  },
} satisfies DeployedFunctions;
