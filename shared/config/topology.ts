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
  /** Canonical orders and their state history (one item collection per order). */
  orders: { partitionKey: 'pk', sortKey: 'sk' },
  /** Channel ids <-> fabric ids: orders, SKUs, ERP documents. */
  crossReference: { partitionKey: 'pk', sortKey: 'sk' },
  /** Powertools idempotency records, keyed on business ids, expiring after the longest retry window. */
  idempotency: { partitionKey: 'id', timeToLiveAttribute: 'expiration' },
} satisfies Record<string, TableDefinition>;
export type TableName = keyof typeof tables;

export const buckets = {
  /** Every inbound delivery, byte for byte, with its verdict: the source of truth for replays. */
  rawArchive: {},
  /** Store POS batch uploads under incoming/{storeId}/{businessDate}/{batchId}.{csv|jsonl|xml}. */
  posBatches: {},
} satisfies Record<string, object>;
export type BucketName = keyof typeof buckets;

export type Access = 'read' | 'readWrite';

export interface ApiRoute {
  method: 'GET' | 'POST';
  /** API Gateway resource path with {parameters}. */
  path: string;
  /** Per-route API Gateway throttling: a storm on one channel must not starve the others. */
  throttle?: { rateLimit: number; burstLimit: number };
}

export interface FunctionDefinition {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  routes?: readonly ApiRoute[];
  tables?: Partial<Record<TableName, Access>>;
  buckets?: Partial<Record<BucketName, Access>>;
  publishesEvents?: boolean;
  /** Channels whose webhook secret the function reads. */
  channelSecrets?: readonly string[];
  /** S3 object-created notifications that invoke the function (POS batch uploads). */
  objectTriggers?: readonly { bucket: BucketName; prefix: string }[];
  /** Runs on a fixed rate: EventBridge Scheduler in AWS, the runtime's timer locally. */
  schedule?: { everyMinutes: number };
}

export const functions = {
  'marketplace-webhook': {
    entry: 'functions/marketplace-webhook/handler.ts',
    description: 'Verifies, archives and maps channel webhooks, then publishes the canonical order.',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: [{ method: 'POST', path: '/webhooks/shopify', throttle: { rateLimit: 50, burstLimit: 100 } }],
    tables: { idempotency: 'readWrite', crossReference: 'read' },
    buckets: { rawArchive: 'readWrite' },
    publishesEvents: true,
    channelSecrets: ['shopify'],
  },
  'order-intake': {
    entry: 'functions/order-intake/handler.ts',
    description: 'Stores canonical orders and their channel cross-reference, once per order version.',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: { orders: 'readWrite', crossReference: 'readWrite', idempotency: 'readWrite' },
  },
  'order-query': {
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
} satisfies Record<string, FunctionDefinition>;
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

/** Locally (and in tests) resources are named `<prefix>-<logical-name>`, kebab-cased. */
export function localResourceName(prefix: string, logicalName: string): string {
  return `${prefix}-${logicalName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function constantCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}
