/**
 * What every capability's part of the topology shares: the tables and buckets, the shape of a
 * function's definition, the stacks functions deploy in, and the environment variables through which
 * a function finds its resources. Import the topology from its index, which adds the functions.
 */

export interface TableDefinition {
  partitionKey: string;
  sortKey?: string;
  /** Attribute holding an epoch-seconds expiry, when items age out. */
  timeToLiveAttribute?: string;
  globalIndexes?: readonly {
    name: string;
    partitionKey: string;
    sortKey?: string;
  }[];
}

export const tables = {
  /**
   * Canonical orders and their state history (one item collection per order). The sparse
   * bySlaDeadline index lists lifecycles with a deadline, soonest first (shared/adapters/order-lifecycle-store.ts);
   * the sparse byReceivedDay index lists the orders the fabric received on a UTC day, in the order it
   * received them (shared/adapters/order-store.ts), for the console's orders per hour.
   */
  orders: {
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [
      { name: 'bySlaDeadline', partitionKey: 'slaWatch', sortKey: 'slaDeadline' },
      { name: 'byReceivedDay', partitionKey: 'receivedDay', sortKey: 'receivedAt' },
    ],
  },
  /** Channel ids <-> fabric ids: orders, SKUs, ERP documents. */
  crossReference: { partitionKey: 'pk', sortKey: 'sk' },
  /** Powertools idempotency records, keyed on business ids, expiring after the longest retry window. */
  idempotency: { partitionKey: 'id', timeToLiveAttribute: 'expiration' },
  /**
   * Stock positions (one item per SKU x location x bucket), their append-only movement ledger,
   * reservations, adjustments and published availability; layout in shared/adapters/inventory-store.ts.
   * The sparse bySweepAt index lists records the reservation sweeper must revisit; it projects every
   * attribute, because CloudFormation cannot change a deployed index's projection in place, and a
   * header under 1 KiB (one to three lines) costs one index unit either way.
   */
  inventory: {
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [{ name: 'bySweepAt', partitionKey: 'sweepPk', sortKey: 'sweepSk' }],
  },
  /**
   * Pull connectors' cursors, in-flight pages and failing spells, one item per connector, so a restart
   * resumes where it stopped; and the reports of catch-up runs an operator asked for, kept a week.
   */
  connectorState: { partitionKey: 'pk', timeToLiveAttribute: 'expiresAt' },
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
  accounting: {
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [{ name: 'byUnsettledDate', partitionKey: 'unsettledDate', sortKey: 'orderId' }],
  },
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
    globalIndexes: [
      { name: 'byKind', partitionKey: 'kind', sortKey: 'firstSeenAt' },
      { name: 'byOrder', partitionKey: 'orderId', sortKey: 'kind' },
    ],
  },
  /**
   * Fulfilment requests: the part of each order a location holds, released to it (store task, ShipBob
   * order, warehouse release) and followed to collected, shipped, re-sourced or expired. byOrder lists an
   * order's parts, byLocation a store's tasks, the sparse byDueAt what fulfilment-watch must look at.
   * Layout in shared/adapters/fulfilment-store.ts.
   */
  fulfilment: {
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [
      { name: 'byOrder', partitionKey: 'orderId', sortKey: 'requestId' },
      { name: 'byLocation', partitionKey: 'locationId', sortKey: 'createdAt' },
      { name: 'byDueAt', partitionKey: 'dueWatch', sortKey: 'dueAt' },
    ],
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
  /**
   * The least console group that may call the route (shared/config/console-access.ts): `viewer` for
   * what the console reads, `operator` for what it changes. A route without it is not the console's.
   */
  console?: ConsoleGroup;
}

/** The ops console's sign-in groups: a viewer reads, an operator also fixes (retries, redrives, maps SKUs, dismisses). */
export const CONSOLE_GROUPS = ['viewer', 'operator'] as const;
export type ConsoleGroup = (typeof CONSOLE_GROUPS)[number];

/**
 * The business capabilities the functions fall into. In AWS each is a stack of its own per region
 * (infra/capability-stack.ts), so a change to pricing redeploys pricing alone. The topology's files
 * follow the domain's finer capabilities (shared/domain/<capability>), some of which share a stack:
 * orders, accounting and the ERP deploy as order-to-cash, returns with inventory, catalog with pricing.
 */
export const capabilities = [
  'intake',
  'inventory',
  'order-to-cash',
  'pos',
  'pricing-catalog',
  'channel-sync',
  'exceptions',
] as const;
export type Capability = (typeof capabilities)[number];

export interface FunctionDefinition {
  /**
   * The capability the function serves, which decides the stack that deploys it. Every function of
   * the topology names one (each capability's file checks it); a probe a local-runtime test adds needs none.
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
  /** Calls a 3PL's API with credentials read at run time (ShipBob: secret `fabric/3pl/shipbob`). */
  threePlApi?: 'shipbob';
  /**
   * Looks at what every dead-letter queue holds (receives messages and makes them visible again) and
   * moves them back to their queues; finds the queues through QUEUE_NAME_PREFIX_ENV.
   */
  redrivesDeadLetterQueues?: boolean;
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

/** A capability's functions by name, each naming the stack that deploys it. */
export type DeployedFunctions = Record<string, FunctionDefinition & { capability: Capability }>;

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

/**
 * The prefix of every queue's name (`<prefix>-<queue>`, its DLQ `<prefix>-<queue>-dlq`), for a function
 * that works on dead-letter queues: the stacks set it to the region's prefix, the local runtime to its own.
 */
export const QUEUE_NAME_PREFIX_ENV = 'FABRIC_QUEUE_NAME_PREFIX';

/**
 * `true` where SQS runs message move tasks, which a whole-DLQ redrive then starts: set by the stacks,
 * never locally, since the emulator has none.
 */
export const MESSAGE_MOVE_TASKS_ENV = 'FABRIC_SQS_MESSAGE_MOVE_TASKS';

/** Locally (and in tests) resources are named `<prefix>-<logical-name>`, kebab-cased. */
export function localResourceName(prefix: string, logicalName: string): string {
  return `${prefix}-${logicalName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function constantCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}
