import type { DeployedFunctions } from './resources';

/** The console's overview: orders per hour, open exceptions over time, channel lag. */
export const overviewFunctions = {
  'operations-overview': {
    // Beside the exception and dead-letter APIs: the stack that answers what needs a person.
    capability: 'exceptions',
    entry: 'functions/operations-overview/handler.ts',
    description:
      "The console's overview: orders received per hour by channel and where each stands now, and the exceptions open at the end of each hour.",
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [
      { method: 'GET', path: '/overview/orders', console: 'viewer' },
      { method: 'GET', path: '/overview/exceptions', console: 'viewer' },
    ],
    tables: { orders: 'read', exceptions: 'read' },
  },
} satisfies DeployedFunctions;
