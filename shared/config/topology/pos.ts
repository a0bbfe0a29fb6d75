import type { DeployedFunctions } from './resources';

/** Store POS batch uploads and the store stock their transactions move. The pos stack deploys them. */
export const posFunctions = {
  'pos-batch-ingest': {
    capability: 'pos',
    entry: 'functions/pos-batch-ingest/handler.ts',
    description:
      'Ingests store POS batch uploads (CSV, JSONL, POSLog XML): once per transaction, bad lines to quarantine, large files across invocations.',
    // Each invocation budgets itself FABRIC_POS_INVOCATION_BUDGET_SECONDS (5 minutes) and hands the
    // rest of a large batch to a continuation; the timeout is only the backstop.
    timeoutSeconds: 900,
    memoryMb: 512,
    tables: { posIngest: 'readWrite', crossReference: 'read' },
    buckets: { posBatches: 'readWrite' },
    publishesEvents: true,
    objectTriggers: [{ bucket: 'posBatches', prefix: 'incoming/' }],
  },
  'pos-stock-movements': {
    capability: 'pos',
    entry: 'functions/pos-stock-movements/handler.ts',
    description:
      'Moves store stock for recorded POS transactions (sales off on hand, returns back or to damaged), once per line.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { inventory: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'store-upload-api': {
    capability: 'pos',
    entry: 'functions/store-upload-api/handler.ts',
    description:
      "Answers the console's Stores page from the POS bucket's summaries and quarantine: each store's last upload, open sequence gaps, quarantined lines and the stores gone quiet.",
    timeoutSeconds: 30,
    memoryMb: 256,
    routes: [
      { method: 'GET', path: '/stores', console: 'viewer' },
      { method: 'GET', path: '/stores/{storeId}', console: 'viewer' },
    ],
    buckets: { posBatches: 'read' },
  },
} satisfies DeployedFunctions;
