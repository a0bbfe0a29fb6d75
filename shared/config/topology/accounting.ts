import type { DeployedFunctions } from './resources';

/** Journal entries for sales, POS sales and refunds, and marketplace settlement reconciliation. The order-to-cash stack deploys them. */
export const accountingFunctions = {
  'settlement-ingest': {
    capability: 'order-to-cash',
    entry: 'functions/settlement-ingest/handler.ts',
    description:
      'Reconciles marketplace settlement reports line by line against canonical orders (fees booked, exceptions raised, a report stored); daily, raises NEVER_SETTLED for booked sales no settlement named in time.',
    timeoutSeconds: 300,
    memoryMb: 512,
    tables: { accounting: 'readWrite', orders: 'read', crossReference: 'read', idempotency: 'readWrite' },
    buckets: { settlementReports: 'read' },
    publishesEvents: true,
    objectTriggers: [{ bucket: 'settlementReports', prefix: 'incoming/' }],
    // The daily NEVER_SETTLED sweep runs in the same function: it reads the reconciliation records the reports write.
    schedule: { everyMinutes: 24 * 60 },
  },
  'accounting-journal': {
    capability: 'order-to-cash',
    entry: 'functions/accounting-journal/handler.ts',
    description:
      'Prepares balanced journal entries (sale per shipment, POS sale by tender, refund reversal) from the chart of accounts, once per entry id.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: {
      accounting: 'readWrite',
      orders: 'read',
      crossReference: 'read',
      idempotency: 'readWrite',
      eventTrail: 'readWrite',
    },
    publishesEvents: true,
  },
  'settlement-api': {
    capability: 'order-to-cash',
    entry: 'functions/settlement-api/handler.ts',
    description:
      "Answers the console's Settlements page: each reconciled settlement with its matched, variance and unmatched orders and amounts, down to the report lines.",
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [
      { method: 'GET', path: '/settlements', console: 'viewer' },
      { method: 'GET', path: '/settlements/{settlementId}', console: 'viewer' },
    ],
    tables: { accounting: 'read' },
  },
} satisfies DeployedFunctions;
