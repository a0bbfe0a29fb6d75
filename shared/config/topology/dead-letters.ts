import type { DeployedFunctions } from './resources';

/** The API over every rule's dead-letter queue: depth, peek and redrive. The exceptions stack deploys it. */
export const deadLetterFunctions = {
  'dead-letter-api': {
    capability: 'exceptions',
    entry: 'functions/dead-letter-api/handler.ts',
    description:
      "Every DLQ's depth and oldest message, what a DLQ holds and whether its work was already done, and redrives (dry run first), audited.",
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [
      { method: 'GET', path: '/dead-letter-queues', console: 'viewer' },
      { method: 'GET', path: '/dead-letter-queues/{rule}/messages', console: 'viewer' },
      { method: 'POST', path: '/dead-letter-queues/{rule}/redrive', console: 'operator' },
    ],
    // Whether a held message's work was done (idempotency records) and why its consumer failed (the trail).
    tables: { idempotency: 'read', eventTrail: 'read' },
    // Also reads the claim checks held events point to, as their consumers do.
    redrivesDeadLetterQueues: true,
  },
} satisfies DeployedFunctions;
