/**
 * The fabric's resources as data: which tables, buckets and functions exist, which API routes reach
 * which function, and what each function may touch. The CDK constructs and the local runtime both read
 * this, so a resource declared here exists the same way in AWS and on a laptop.
 */

export interface TableDefinition {
  partitionKey: string;
  sortKey?: string;
  /** Attribute holding an epoch-seconds expiry, when items age out. */
  timeToLiveAttribute?: string;
  globalIndexes?: readonly { name: string; partitionKey: string; sortKey?: string }[];
}

export const tables = {
  /**
   * Canonical orders and their state history (one item collection per order). The sparse
   * bySlaDeadline index lists lifecycles with a deadline, soonest first (shared/adapters/order-lifecycle-store.ts).
   */
  orders: { partitionKey: 'pk', sortKey: 'sk', globalIndexes: [{ name: 'bySlaDeadline', partitionKey: 'slaWatch', sortKey: 'slaDeadline' }] },
  /** Channel ids <-> fabric ids: orders, SKUs, ERP documents. */
  crossReference: { partitionKey: 'pk', sortKey: 'sk' },
  /** Powertools idempotency records, keyed on business ids, expiring after the longest retry window. */
  idempotency: { partitionKey: 'id', timeToLiveAttribute: 'expiration' },
  /**
   * Stock positions (one item per SKU x location x bucket), their append-only movement ledger,
   * reservations, adjustments and published availability; layout in shared/adapters/inventory-store.ts.
   * The sparse bySweepAt index lists records the reservation sweeper must revisit.
   */
  inventory: { partitionKey: 'pk', sortKey: 'sk', globalIndexes: [{ name: 'bySweepAt', partitionKey: 'sweepPk', sortKey: 'sweepSk' }] },
  /** Pull connectors' cursors and in-flight pages, one item per connector, so a restart resumes where it stopped. */
  connectorState: { partitionKey: 'pk' },
  /**
   * POS batch ingestion: one claim per POS transaction key (exactly-once), sequence numbers per
   * register and day (gap detection), and each upload's progress and lease; layout in
   * shared/adapters/pos-ingest-store.ts.
   */
  posIngest: { partitionKey: 'pk', sortKey: 'sk', timeToLiveAttribute: 'expiresAt' },
  /**
   * The books' own state: units booked and reversed per order line, prepared journal entries (the
   * outbox), settlement reconciliation reports; the sparse byUnsettledDate index lists booked orders
   * no settlement has named yet. Layout in shared/adapters/reconciliation-store.ts.
   */
  accounting: { partitionKey: 'pk', sortKey: 'sk', globalIndexes: [{ name: 'byUnsettledDate', partitionKey: 'unsettledDate', sortKey: 'orderId' }] },
  /**
   * Price list entries, promotions (and a copy per target SKU), the timetable of price and promotion
   * windows not yet published, and the last acknowledged price per channel; layout in
   * shared/adapters/pricing-store.ts.
   */
  pricing: { partitionKey: 'pk', sortKey: 'sk' },
  /**
   * What the fabric told each channel per subject (availability#SKU, price#SKU): wanted and last
   * published figure, version, acknowledgement, lease; and each channel API's shared token bucket.
   * Layout in shared/adapters/publication-ledger.ts.
   */
  channelPublications: { partitionKey: 'pk', sortKey: 'sk' },
  /**
   * The event trail: each event each queue consumer handled or failed on, with the reason, per
   * correlation id (shared/adapters/event-trail.ts). `ops order trace` reads it; it expires after 35 days.
   */
  eventTrail: { partitionKey: 'pk', sortKey: 'sk', timeToLiveAttribute: 'expiresAt' },
  /**
   * The exceptions work queue: one item per exception, its id derived from its cause; byKind lists a
   * kind's queue oldest first, the sparse byOrder finds an order's exceptions to resolve them.
   * Layout in shared/adapters/exception-store.ts.
   */
  exceptions: {
    partitionKey: 'id',
    globalIndexes: [{ name: 'byKind', partitionKey: 'kind', sortKey: 'firstSeenAt' }, { name: 'byOrder', partitionKey: 'orderId', sortKey: 'kind' }],
  },
} satisfies Record<string, TableDefinition>;
export type TableName = keyof typeof tables;

/** How long the bus archive keeps every fabric event for replay. */
export const EVENT_ARCHIVE_RETENTION_DAYS = 365;

export interface BucketDefinition {
  /** Objects (and their old versions) are deleted this long after they are written; absent, kept for good. */
  expireAfterDays?: number;
}

export const buckets = {
  /** Every inbound delivery, byte for byte, with its verdict: the source of truth for replays. */
  rawArchive: {},
  /** Store POS batch uploads under incoming/{storeId}/{businessDate}/{batchId}.{csv|jsonl|xml}. */
  posBatches: {},
  /** Marketplace settlement reports under incoming/amazon/ (flat file V2) and incoming/shopify/ (payout JSON), kept as uploaded. */
  settlementReports: {},
  /** Item master exports from the ERP or PIM under incoming/{sourceSystem}/{exportId}.{jsonl|csv}; summaries and quarantine beside them. */
  catalogImports: {},
  /**
   * The detail of each event too large for the bus, under claim-checks/{yyyy}/{mm}/{dd}/{detailType}/{eventId}.json
   * (events/claim-check.ts). Kept as long as the bus archive keeps the events that point to it.
   */
  eventClaimChecks: { expireAfterDays: EVENT_ARCHIVE_RETENTION_DAYS },
} satisfies Record<string, BucketDefinition>;
export type BucketName = keyof typeof buckets;

export type Access = 'read' | 'readWrite';
/**
 * A bucket may also be written without being read (`write`): a function that only archives what it
 * receives has no business reading, or listing, what other deliveries left there.
 */
export type BucketAccess = Access | 'write';

export interface ApiRoute {
  method: 'GET' | 'POST';
  /** API Gateway resource path with {parameters}. */
  path: string;
  /** Per-route API Gateway throttling: a storm on one channel must not starve the others. */
  throttle?: { rateLimit: number; burstLimit: number };
}

/**
 * The business capabilities the functions fall into. In AWS each is a stack of its own per region
 * (infra/capability-stack.ts), so a change to pricing redeploys pricing alone.
 */
export const capabilities = ['intake', 'inventory', 'order-to-cash', 'pos', 'pricing-catalog', 'channel-sync', 'exceptions'] as const;
export type Capability = (typeof capabilities)[number];

export interface FunctionDefinition {
  /**
   * The capability the function serves, which decides the stack that deploys it. Every function of
   * the topology names one (checked below); a probe a local-runtime test adds needs none.
   */
  capability?: Capability;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  routes?: readonly ApiRoute[];
  tables?: Partial<Record<TableName, Access>>;
  buckets?: Partial<Record<BucketName, BucketAccess>>;
  publishesEvents?: boolean;
  /** Channels whose webhook secret the function reads. */
  channelSecrets?: readonly string[];
  /** S3 object-created notifications that invoke the function (POS batch uploads). */
  objectTriggers?: readonly { bucket: BucketName; prefix: string }[];
  /** Runs on a fixed rate: EventBridge Scheduler in AWS, the runtime's timer locally. */
  schedule?: { everyMinutes: number };
  /** Channels whose API the function calls, with credentials read at run time (OAuth clients, tokens). */
  channelApis?: readonly string[];
  /** A queue outside the event bus that a channel writes to (Amazon SP-API notifications), consumed by this function. */
  inboundQueue?: InboundQueue;
  /** Serves this one channel alone: a region that does not enable the channel does not deploy it. */
  channel?: string;
  /** Calls the ERP's API with credentials read at run time (secret `fabric/erp/business-central`). */
  erpApi?: boolean;
}

/** A queue a channel delivers to directly; it gets a DLQ and an event-source mapping like a routing rule's queue. */
export interface InboundQueue {
  /** Logical name; the physical name adds the stack or local prefix. */
  name: string;
  description: string;
  batchSize: number;
  maxReceiveCount: number;
  /** At least six times the consumer's timeout. */
  visibilityTimeoutSeconds: number;
  /** AWS accounts allowed to send to it: the channel's own publisher (SP-API notifications send from 437568002678). */
  senderAccounts: readonly string[];
}

export const functions = {
  'marketplace-webhook': {
    capability: 'intake',
    entry: 'functions/marketplace-webhook/handler.ts',
    description: 'Verifies, archives and maps channel webhooks, then publishes the canonical order.',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: [
      { method: 'POST', path: '/webhooks/shopify', throttle: { rateLimit: 50, burstLimit: 100 } },
      { method: 'POST', path: '/webhooks/woocommerce', throttle: { rateLimit: 20, burstLimit: 40 } },
      { method: 'POST', path: '/webhooks/square', throttle: { rateLimit: 20, burstLimit: 40 } },
      { method: 'POST', path: '/webhooks/ebay', throttle: { rateLimit: 20, burstLimit: 40 } },
      { method: 'POST', path: '/webhooks/walmart', throttle: { rateLimit: 20, burstLimit: 40 } },
      // eBay's endpoint-ownership challenge, sent when the notification destination is registered.
      { method: 'GET', path: '/webhooks/ebay', throttle: { rateLimit: 1, burstLimit: 5 } },
    ],
    tables: { idempotency: 'readWrite', crossReference: 'read' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    channelSecrets: ['shopify', 'woocommerce', 'square', 'ebay', 'walmart'],
    // eBay signatures are checked with public keys served by eBay's Notification API.
    channelApis: ['ebay'],
  },
  'channel-order-fetch': {
    capability: 'intake',
    entry: 'functions/channel-order-fetch/handler.ts',
    description: 'Fetches the orders that thin channel notifications name (Square, Amazon, eBay, Walmart) from the channel API, maps and publishes them.',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: { idempotency: 'readWrite', crossReference: 'read', eventTrail: 'readWrite' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    channelApis: ['square', 'amazon', 'ebay', 'walmart'],
  },
  'amazon-notifications': {
    capability: 'intake',
    entry: 'functions/amazon-notifications/handler.ts',
    channel: 'amazon',
    description: 'Archives and deduplicates Amazon SP-API ORDER_CHANGE notifications from their SQS destination.',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: { idempotency: 'readWrite', eventTrail: 'readWrite' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    inboundQueue: {
      name: 'amazon-notifications',
      description: 'The SQS destination registered with SP-API createDestination for ORDER_CHANGE notifications.',
      batchSize: 10,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 60,
      senderAccounts: ['437568002678'],
    },
  },
  'ebay-order-poller': {
    capability: 'intake',
    entry: 'functions/ebay-order-poller/handler.ts',
    channel: 'ebay',
    description: 'Pulls eBay orders modified since the persisted cursor (getOrders by lastmodifieddate) and publishes each version once.',
    timeoutSeconds: 120,
    memoryMb: 512,
    tables: { idempotency: 'readWrite', crossReference: 'read', connectorState: 'readWrite' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
    channelApis: ['ebay'],
    schedule: { everyMinutes: 5 },
  },
  'order-intake': {
    capability: 'intake',
    entry: 'functions/order-intake/handler.ts',
    description: 'Stores canonical orders and their channel cross-reference, once per order version.',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: { orders: 'readWrite', crossReference: 'readWrite', idempotency: 'readWrite', eventTrail: 'readWrite' },
  },
  'order-query': {
    capability: 'order-to-cash',
    entry: 'functions/order-query/handler.ts',
    description: 'Answers order lookups by fabric id or by channel id, with state history.',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [
      { method: 'GET', path: '/orders/{orderId}' },
      { method: 'GET', path: '/orders/by-channel/{channel}/{channelOrderId}' },
    ],
    tables: { orders: 'read', crossReference: 'read' },
  },
  'inventory-reservation': {
    capability: 'inventory',
    entry: 'functions/inventory-reservation/handler.ts',
    description: 'Reserves stock for each order once (and releases it when the order is cancelled), per channel policy.',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: { inventory: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'inventory-fulfilment': {
    capability: 'inventory',
    entry: 'functions/inventory-fulfilment/handler.ts',
    description: 'Consumes reservations for confirmed shipments: shipped units leave on hand and reserved together.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { inventory: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'availability-query': {
    capability: 'inventory',
    entry: 'functions/availability-query/handler.ts',
    description: 'Answers available-to-sell for a SKU from its positions: in total, per location and per channel.',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [{ method: 'GET', path: '/availability/{sku}' }],
    tables: { inventory: 'read' },
  },
  'inventory-adjustment': {
    capability: 'inventory',
    entry: 'functions/inventory-adjustment/handler.ts',
    description: 'Applies receipts, returns, counts, transfers and adjustments once per client key.',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [{ method: 'POST', path: '/inventory/adjustments' }],
    tables: { inventory: 'readWrite' },
    publishesEvents: true,
  },
  'shipment-confirmation': {
    capability: 'order-to-cash',
    entry: 'functions/shipment-confirmation/handler.ts',
    description: 'Takes a warehouse\'s shipment confirmations (POST /shipments): archived raw, checked against the order and what it shipped before, published as ShipmentConfirmed once per shipment id.',
    timeoutSeconds: 10,
    memoryMb: 256,
    // A WMS flushing a backlog after an outage must not starve the stage budget the channels share.
    routes: [{ method: 'POST', path: '/shipments', throttle: { rateLimit: 20, burstLimit: 40 } }],
    tables: { orders: 'read', crossReference: 'read', idempotency: 'readWrite' },
    buckets: { rawArchive: 'write' },
    publishesEvents: true,
  },
  'order-sla-watch': {
    capability: 'order-to-cash',
    entry: 'functions/order-sla-watch/handler.ts',
    description: 'Reports orders that stayed in one lifecycle state past its SLA as OrderStuck, once per stay.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { orders: 'readWrite' },
    publishesEvents: true,
    schedule: { everyMinutes: 15 },
  },
  'reservation-sweeper': {
    capability: 'inventory',
    entry: 'functions/reservation-sweeper/handler.ts',
    description: 'Releases expired reservations and publishes events a crash left pending.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { inventory: 'readWrite' },
    publishesEvents: true,
    schedule: { everyMinutes: 1 },
  },
  'pos-batch-ingest': {
    capability: 'pos',
    entry: 'functions/pos-batch-ingest/handler.ts',
    description: 'Ingests store POS batch uploads (CSV, JSONL, POSLog XML): once per transaction, bad lines to quarantine, large files across invocations.',
    // Each invocation budgets itself FABRIC_POS_INVOCATION_BUDGET_SECONDS (5 minutes) and hands the
    // rest of a large batch to a continuation; the timeout is only the backstop.
    timeoutSeconds: 900,
    memoryMb: 512,
    tables: { posIngest: 'readWrite', crossReference: 'read' },
    buckets: { posBatches: 'readWrite' },
    publishesEvents: true,
    objectTriggers: [{ bucket: 'posBatches', prefix: 'incoming/' }],
  },
  'return-intake': {
    capability: 'inventory',
    entry: 'functions/return-intake/handler.ts',
    description: 'Takes received returns back into stock (restocked or damaged by reason), correlated to their order through the cross-reference; unmatched ones raise ReturnNeedsAttention.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { orders: 'read', crossReference: 'read', inventory: 'readWrite', idempotency: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'settlement-ingest': {
    capability: 'order-to-cash',
    entry: 'functions/settlement-ingest/handler.ts',
    description: 'Reconciles marketplace settlement reports line by line against canonical orders (fees booked, exceptions raised, a report stored); daily, raises NEVER_SETTLED for booked sales no settlement named in time.',
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
    description: 'Prepares balanced journal entries (sale per shipment, POS sale by tender, refund reversal) from the chart of accounts, once per entry id.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { accounting: 'readWrite', orders: 'read', crossReference: 'read', idempotency: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'order-lifecycle': {
    capability: 'order-to-cash',
    entry: 'functions/order-lifecycle/handler.ts',
    description: 'Moves each order through its lifecycle (guarded, versioned, with history); records and publishes refused transitions.',
    // Room for a batch of ten early events each waiting its second and a half.
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { orders: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'erp-posting': {
    capability: 'order-to-cash',
    entry: 'functions/erp-posting/handler.ts',
    description: 'Posts reserved orders as ERP sales orders and prepared journal entries, exactly once, behind a shared circuit breaker.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { orders: 'read', crossReference: 'readWrite', connectorState: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
    erpApi: true,
  },
  'pos-stock-movements': {
    capability: 'pos',
    entry: 'functions/pos-stock-movements/handler.ts',
    description: 'Moves store stock for recorded POS transactions (sales off on hand, returns back or to damaged), once per line.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { inventory: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'channel-availability-sync': {
    capability: 'channel-sync',
    entry: 'functions/channel-availability-sync/handler.ts',
    description: 'Publishes each channel\'s latest available-to-sell through its inventory API (coalesced, in version order, within its rate limit) and flags channel orders taken after a published zero.',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: { channelPublications: 'readWrite', idempotency: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
    channelApis: ['shopify', 'amazon', 'ebay', 'woocommerce'],
  },
  'channel-order-sync': {
    capability: 'channel-sync',
    entry: 'functions/channel-order-sync/handler.ts',
    description: 'Tells the order\'s channel what the fabric decided or received: confirmed shipments (once per shipment), stock-refusal cancellations (once per order) and returns taken elsewhere (once per return).',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { orders: 'read', crossReference: 'read', idempotency: 'readWrite', channelPublications: 'readWrite', eventTrail: 'readWrite' },
    channelApis: ['shopify', 'amazon', 'ebay', 'woocommerce'],
  },
  'channel-drift-check': {
    capability: 'channel-sync',
    entry: 'functions/channel-drift-check/handler.ts',
    description: 'Reads back what each channel lists, compares it with the publication ledger and re-publishes what drifted.',
    timeoutSeconds: 300,
    memoryMb: 512,
    tables: { channelPublications: 'readWrite' },
    publishesEvents: true,
    channelApis: ['shopify', 'amazon', 'ebay', 'woocommerce'],
    schedule: { everyMinutes: 15 },
  },
  'product-api': {
    capability: 'pricing-catalog',
    entry: 'functions/product-api/handler.ts',
    description: 'Takes item master changes from their owner (POST /products) into the cross-reference and publishes ProductChanged; refuses and records a non-owner\'s change.',
    timeoutSeconds: 10,
    memoryMb: 256,
    routes: [{ method: 'POST', path: '/products' }],
    tables: { crossReference: 'readWrite' },
    publishesEvents: true,
  },
  'catalog-import': {
    capability: 'pricing-catalog',
    entry: 'functions/catalog-import/handler.ts',
    description: 'Streams ERP/PIM catalog exports (JSON Lines or CSV) into the cross-reference in batches, publishing ProductChanged; bad lines to quarantine.',
    timeoutSeconds: 900,
    memoryMb: 512,
    tables: { crossReference: 'readWrite' },
    buckets: { catalogImports: 'readWrite' },
    publishesEvents: true,
    objectTriggers: [{ bucket: 'catalogImports', prefix: 'incoming/' }],
  },
  'price-api': {
    capability: 'pricing-catalog',
    entry: 'functions/price-api/handler.ts',
    description: 'Records price list entries and promotions from their owners on a timetable, and answers the effective price of a SKU on a channel at a time.',
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
    description: 'Publishes PriceChanged, PromotionActivated and PromotionEnded for every price and promotion window that has come due, once per window.',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { pricing: 'readWrite' },
    publishesEvents: true,
    schedule: { everyMinutes: 1 },
  },
  'price-distribution': {
    capability: 'pricing-catalog',
    entry: 'functions/price-distribution/handler.ts',
    description: 'Pushes the effective price of changed SKUs to each channel listing them and writes each store\'s POS price file; records acknowledgement lag.',
    timeoutSeconds: 60,
    memoryMb: 512,
    tables: { pricing: 'readWrite', crossReference: 'read', eventTrail: 'readWrite', channelPublications: 'readWrite' },
    buckets: { posBatches: 'readWrite' },
    channelApis: ['shopify', 'ebay', 'woocommerce'],
  },
  'price-order-check': {
    capability: 'pricing-catalog',
    entry: 'functions/price-order-check/handler.ts',
    description: 'Checks each order\'s line prices against the effective price at the time it was placed and raises PricingException beyond the tolerance.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { pricing: 'read', idempotency: 'readWrite', eventTrail: 'readWrite' },
    publishesEvents: true,
  },
  'exception-queue': {
    capability: 'exceptions',
    entry: 'functions/exception-queue/handler.ts',
    description: 'Takes every exception event into one work queue (counted once per cause, held orders kept), resolves exceptions whose cause went away, and reports open exceptions per kind.',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: { exceptions: 'readWrite', orders: 'readWrite', crossReference: 'readWrite', eventTrail: 'readWrite' },
    // The open-exception metrics and their alarms need a figure even when no event arrives.
    schedule: { everyMinutes: 5 },
  },
  'exception-api': {
    capability: 'exceptions',
    entry: 'functions/exception-api/handler.ts',
    description: 'Lists and shows exceptions and applies their fixes (reprocess a held order from the archive, retry an ERP posting, dismiss with a reason), audited.',
    timeoutSeconds: 30,
    memoryMb: 512,
    routes: [
      { method: 'GET', path: '/exceptions' },
      { method: 'GET', path: '/exceptions/{exceptionId}' },
      { method: 'POST', path: '/exceptions/{exceptionId}/retry' },
      { method: 'POST', path: '/exceptions/{exceptionId}/dismiss' },
    ],
    tables: { exceptions: 'readWrite', crossReference: 'read', orders: 'read' },
    buckets: { rawArchive: 'read' },
    // A held order is mapped again from its archived delivery with the channel's adapter, as a replay
    // does, but only when the delivery's verdict says it was verified: no secret is needed.
    publishesEvents: true,
  },
} satisfies Record<string, FunctionDefinition & { capability: Capability }>;
export type FunctionName = keyof typeof functions;

/** The environment variable through which a function learns a resource's physical name. */
export function tableEnvVar(table: TableName): string {
  return `FABRIC_TABLE_${constantCase(table)}`;
}

export function bucketEnvVar(bucket: BucketName): string {
  return `FABRIC_BUCKET_${constantCase(bucket)}`;
}

/** Locally only: the webhook secret itself, for a channel. Never set in AWS. */
export function secretEnvVar(channel: string): string {
  return `FABRIC_SECRET_${channel.toUpperCase()}`;
}

/** In AWS: the name of the channel's webhook secret in Secrets Manager; the value is read at run time. */
export function secretNameEnvVar(channel: string): string {
  return `FABRIC_SECRET_NAME_${channel.toUpperCase()}`;
}

/** Locally only: a channel's API credentials as JSON. Never set in AWS. */
export function apiCredentialsEnvVar(channel: string): string {
  return `FABRIC_CHANNEL_API_CREDENTIALS_${channel.toUpperCase()}`;
}

/** In AWS: the name of the channel's API credentials in Secrets Manager (`fabric/channel-api/<channel>`). */
export function apiCredentialsNameEnvVar(channel: string): string {
  return `FABRIC_CHANNEL_API_CREDENTIALS_NAME_${channel.toUpperCase()}`;
}

/** A channel API's base URL; unset in AWS, where each client defaults to the channel's production endpoint. */
export function apiBaseUrlEnvVar(channel: string): string {
  return `FABRIC_${channel.toUpperCase()}_API_URL`;
}

/** Locally (and in tests) resources are named `<prefix>-<logical-name>`, kebab-cased. */
export function localResourceName(prefix: string, logicalName: string): string {
  return `${prefix}-${logicalName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function constantCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}
