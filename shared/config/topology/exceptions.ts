import type { DeployedFunctions } from './resources';

/**
 * What needs a person, and the APIs a person uses on it: the exceptions work queue and its fixes, the
 * dead-letter queues with peek and redrive, and the console's overview. The exceptions stack deploys them.
 */
export const exceptionsFunctions = {
  'exception-queue': {
    capability: 'exceptions',
    entry: 'functions/exception-queue/handler.ts',
    description:
      'Takes every exception event into one work queue (counted once per cause, held orders kept), resolves exceptions whose cause went away, and reports open exceptions per kind.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { exceptions: 'readWrite', orders: 'readWrite', crossReference: 'readWrite', eventTrail: 'readWrite' },
    // The open-exception metrics and their alarms need a figure even when no event arrives.
    schedule: { everyMinutes: 5 },
  },
  'exception-api': {
    capability: 'exceptions',
    entry: 'functions/exception-api/handler.ts',
    description:
      'Lists and shows exceptions (with the failing fields, the order held back and the SKUs waited for) and applies their fixes (reprocess a held order from the archive, retry an ERP posting, dismiss with a reason), audited.',
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [
      { method: 'GET', path: '/exceptions', console: 'viewer' },
      { method: 'GET', path: '/exceptions/{exceptionId}', console: 'viewer' },
      { method: 'POST', path: '/exceptions/{exceptionId}/retry', console: 'operator' },
      { method: 'POST', path: '/exceptions/{exceptionId}/dismiss', console: 'operator' },
    ],
    tables: { exceptions: 'readWrite', crossReference: 'read', orders: 'read' },
    buckets: { rawArchive: 'read' },
    // A held order is mapped again from its archived delivery with the channel's adapter, as a replay
    // does, but only when the delivery's verdict says it was verified: no secret is needed.
    publishesEvents: true,
  },
  'sku-mapping': {
    capability: 'exceptions',
    entry: 'functions/sku-mapping/handler.ts',
    description:
      'Maps a channel SKU to an internal SKU for an operator (the console, as xref map-sku does), then reprocesses the held orders and POS transactions that waited for it, audited.',
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [{ method: 'POST', path: '/sku-mappings', console: 'operator' }],
    tables: { exceptions: 'readWrite', crossReference: 'readWrite', orders: 'read' },
    buckets: { rawArchive: 'read' },
    // Held orders are mapped again from their archived, verified deliveries and published, as exception-api's retry does.
    publishesEvents: true,
  },
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
    // Whether a held message's work was done (idempotency records, or the stored order version for
    // order-intake) and why its consumer failed (the trail).
    tables: { idempotency: 'read', orders: 'read', eventTrail: 'read' },
    // Also reads the claim checks held events point to, as their consumers do.
    redrivesDeadLetterQueues: true,
  },
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
