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
  'erp-status-api': {
    capability: 'order-to-cash',
    entry: 'functions/erp-status-api/handler.ts',
    description:
      "Answers the console's ERP page: the shared circuit breaker, reserved orders not posted yet, and the documents the ERP refused.",
    timeoutSeconds: 30,
    memoryMb: 256,
    routes: [{ method: 'GET', path: '/erp/status', console: 'viewer' }],
    tables: { connectorState: 'read', orders: 'read', exceptions: 'read' },
  },
} satisfies DeployedFunctions;
