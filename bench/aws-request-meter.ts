import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import { LocalLambda } from '../scripts/local-fabric/lambda-invoker';
import type { LocalFabric } from '../scripts/local-fabric/local-fabric';
import { routingRules } from '#events/routing-rules';
import {
  functions,
  tables,
  type FunctionDefinition,
  type TableDefinition,
  type TableName,
} from '#shared/config/topology';

/**
 * Counts what this process asks of AWS while a benchmark runs: API requests to the emulators by
 * service and operation, Lambda invocations by function, and DynamoDB capacity units estimated from
 * the requests as DynamoDB bills them on demand (a write unit per KiB written, twice that inside a
 * transaction, again for each global index the item lands in; a read unit per item read, half when
 * eventually consistent). Handlers, the local runtime's event-source pollers and triggers all run in
 * this process, so every request an order costs is seen; each is also counted against the function
 * it was made for (`byFunction`), so a change sees where the count went.
 */
export interface MeterReading extends FunctionReading {
  /** Entries published to the bus (locally an SNS topic): one EventBridge PutEvents entry each. */
  publishedEvents: number;
  /** Messages consumers took off their queues: each one a bus delivery to a rule's queue, an SQS send in AWS. */
  consumedMessages: number;
  /**
   * What each function asked, by the function's name: a handler's own requests, and its event
   * source's receives and deletes, which Lambda's poller makes for it in AWS. What the local runtime
   * does in place of AWS machinery (listing buckets for S3 notifications) is under LOCAL_RUNTIME.
   */
  byFunction: Record<string, FunctionReading>;
  /** Each TransactWriteItems, in order: the function that wrote it and its estimated write units. */
  transactions: { by: string; writeUnits: number }[];
}

export interface FunctionReading {
  requests: Record<string, number>;
  invocations: Record<string, number>;
  /** Estimated capacity units by table (logical name, as in the topology). */
  dynamoWriteUnits: Record<string, number>;
  dynamoReadUnits: Record<string, number>;
}

/** Who made a request that no invocation and no queue's poller made. */
export const LOCAL_RUNTIME = 'local runtime';

/** What ReceiveMessage answers when the queue had nothing: `{}`, or `{"Messages":[]}`. */
const EMPTY_RECEIVE_MAX_BYTES = 16;
export const EMPTY_RECEIVE = 'SQS.ReceiveMessage (empty)';

/** A table as the meter prices its writes: its logical name and its global indexes' partition keys (every index projects all). */
interface MeteredTable {
  name: string;
  indexKeys: string[];
}

interface Recording {
  reading: MeterReading;
  dynamoPort: string;
  messagingPort: string;
  /** Queue URL -> the function its event source invokes, whose poller receives and deletes for it. */
  consumers: Map<string, string>;
  /** Physical table name -> its logical name and the partition key attribute of each of its global indexes. */
  tables: Map<string, MeteredTable>;
}

let recording: Recording | undefined;

// The AWS SDK captures http.request the first time any client sends a request, so the meter wraps
// it when this module loads, before any client exists, and counts only while a recording is on.
const originalRequest = http.request;
(http as { request: typeof http.request }).request = function meteredRequest(
  this: unknown,
  ...args: Parameters<typeof http.request>
) {
  const request = originalRequest.apply(this, args as never) as http.ClientRequest;
  const options = (typeof args[0] === 'object' && !(args[0] instanceof URL) ? args[0] : {}) as http.RequestOptions;
  const headers = Object.fromEntries(
    Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  const port = String(options.port ?? '');
  const receive = headers['x-amz-target'] === 'AmazonSQS.ReceiveMessage';
  const active = recording;
  // A receive is watched whether or not a recording is on: the pollers' long polls began before any
  // recording did, so each is counted when answered, empty or not (one under way when a reading is
  // taken has received nothing yet).
  if (!receive && (!active || (port !== active.dynamoPort && port !== active.messagingPort))) return request;
  const by = invokedFunction.getStore();
  const chunks: Buffer[] = [];
  const write = request.write.bind(request);
  const end = request.end.bind(request);
  request.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (chunk) chunks.push(Buffer.from(chunk as Buffer));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof request.write;
  request.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as Buffer));
    const body = Buffer.concat(chunks).toString('utf8');
    if (receive) {
      request.once('response', (response: http.IncomingMessage) => {
        const now = recording;
        if (!now || port !== now.messagingPort) return;
        const empty = Number(response.headers['content-length'] ?? Infinity) <= EMPTY_RECEIVE_MAX_BYTES;
        countRequest(now, by ?? consumerOf(now, body), empty ? EMPTY_RECEIVE : 'SQS.ReceiveMessage');
      });
    } else if (active) {
      record(active, by, port === active.dynamoPort ? 'dynamodb' : 'messaging', options, headers, body);
    }
    return (end as (...a: unknown[]) => http.ClientRequest)(chunk, ...rest);
  }) as typeof request.end;
  return request;
} as typeof http.request;

/** The function whose invocation the current request is made in, if any. */
const invokedFunction = new AsyncLocalStorage<string>();

// Every invocation, whether by the API gateway, an event source or a trigger, goes through here.
const originalInvoke = LocalLambda.prototype.invoke;
LocalLambda.prototype.invoke = function meteredInvoke(this: LocalLambda, event: unknown) {
  if (recording) {
    count(recording.reading.invocations, this.name);
    count(functionReading(recording, this.name).invocations, this.name);
  }
  return invokedFunction.run(this.name, () => originalInvoke.call(this, event));
};

export function startAwsRequestMeter(fabric: Pick<LocalFabric, 'endpoints' | 'resources'>): {
  read(): MeterReading;
  stop(): void;
} {
  const queueUrl = (name: string) => fabric.resources.queues[name]?.url;
  const active: Recording = {
    reading: {
      ...emptyFunctionReading(),
      publishedEvents: 0,
      consumedMessages: 0,
      byFunction: {},
      transactions: [],
    },
    dynamoPort: new URL(fabric.endpoints.dynamodb).port,
    messagingPort: new URL(fabric.endpoints.messaging).port,
    consumers: new Map(
      [
        ...routingRules.map((rule) => [queueUrl(rule.name), rule.consumer] as const),
        ...Object.entries(functions as Record<string, FunctionDefinition>).flatMap(([name, definition]) =>
          definition.inboundQueue ? [[queueUrl(definition.inboundQueue.name), name] as const] : [],
        ),
      ].filter((entry): entry is readonly [string, string] => Boolean(entry[0])),
    ),
    tables: new Map(
      Object.entries(tables as Record<TableName, TableDefinition>).map(([name, definition]) => [
        fabric.resources.tables[name as TableName],
        { name, indexKeys: (definition.globalIndexes ?? []).map((index) => index.partitionKey) },
      ]),
    ),
  };
  recording = active;
  return {
    read: () => structuredClone(active.reading),
    stop: () => {
      if (recording === active) recording = undefined;
    },
  };
}

function count(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

function emptyFunctionReading(): FunctionReading {
  return { requests: {}, invocations: {}, dynamoWriteUnits: {}, dynamoReadUnits: {} };
}

function functionReading({ reading }: Recording, name: string): FunctionReading {
  reading.byFunction[name] ??= emptyFunctionReading();
  return reading.byFunction[name];
}

function countRequest(active: Recording, by: string, operation: string): void {
  count(active.reading.requests, operation);
  count(functionReading(active, by).requests, operation);
}

/** The consumer of the queue an SQS request names: Lambda's poller receives and deletes for it. */
function consumerOf(active: Recording, body: string): string {
  return active.consumers.get(parse(body)?.QueueUrl) ?? LOCAL_RUNTIME;
}

function record(
  active: Recording,
  invokedBy: string | undefined,
  emulator: 'dynamodb' | 'messaging',
  options: http.RequestOptions,
  headers: Record<string, string>,
  body: string,
): void {
  const { reading } = active;
  const target = headers['x-amz-target'];
  const by = invokedBy ?? (target?.startsWith('AmazonSQS.') ? consumerOf(active, body) : LOCAL_RUNTIME);
  let operation: string;
  if (emulator === 'dynamodb') {
    operation = `DynamoDB.${target?.split('.')[1] ?? 'unknown'}`;
    meterDynamo(active, by, operation, body);
  } else if (target?.startsWith('AmazonSQS.')) {
    operation = `SQS.${target.split('.')[1]}`;
    if (operation === 'SQS.DeleteMessageBatch') reading.consumedMessages += (parse(body)?.Entries ?? []).length;
    if (operation === 'SQS.DeleteMessage') reading.consumedMessages += 1;
  } else if (body.startsWith('Action=')) {
    const action = new URLSearchParams(body).get('Action') ?? 'unknown';
    // Locally the bus is an SNS topic; each published entry stands for one EventBridge PutEvents entry.
    operation = `EventBridge(as SNS).${action}`;
    reading.publishedEvents +=
      action === 'PublishBatch' ? [...new URLSearchParams(body).keys()].filter((k) => k.endsWith('.Id')).length : 1;
  } else {
    operation = `S3.${s3Operation(options)}`;
  }
  countRequest(active, by, operation);
}

function s3Operation(options: http.RequestOptions): string {
  const query = new URLSearchParams(String(options.path ?? '').split('?')[1] ?? '');
  switch (options.method) {
    case 'PUT':
      return 'PutObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    case 'POST':
      return 'POST';
    default:
      return query.get('list-type') === '2' ? 'ListObjectsV2' : 'GetObject';
  }
}

function parse(body: string): Record<string, any> | undefined {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function meterDynamo(active: Recording, by: string, operation: string, body: string): void {
  const request = parse(body);
  if (!request) return;
  const { reading, tables: known } = active;
  const own = functionReading(active, by);
  const table = (physical: string): MeteredTable => known.get(physical) ?? { name: physical, indexKeys: [] };
  const write = (physical: string, units: number) => {
    count(reading.dynamoWriteUnits, table(physical).name, units);
    count(own.dynamoWriteUnits, table(physical).name, units);
  };
  const read = (physical: string, items: number, consistent: boolean | undefined) => {
    count(reading.dynamoReadUnits, table(physical).name, items * (consistent ? 1 : 0.5));
    count(own.dynamoReadUnits, table(physical).name, items * (consistent ? 1 : 0.5));
  };
  // An item carrying an index's partition key is written to that index too (projection ALL: the whole item again).
  const put = (physical: string, item: Record<string, any> = {}) =>
    Math.max(1, Math.ceil(itemBytes(item) / 1024)) *
    (1 + table(physical).indexKeys.filter((key) => key in item).length);
  // An update naming an index key moves the item in that index; its size is not in the request, so a unit.
  const update = (physical: string, change: Record<string, any>) =>
    1 +
    table(physical).indexKeys.filter(
      (key) =>
        String(change.UpdateExpression ?? '').includes(key) ||
        Object.values(change.ExpressionAttributeNames ?? {}).includes(key),
    ).length;
  switch (operation) {
    case 'DynamoDB.PutItem':
      write(request.TableName, put(request.TableName, request.Item));
      break;
    case 'DynamoDB.UpdateItem':
      write(request.TableName, update(request.TableName, request));
      break;
    case 'DynamoDB.DeleteItem':
      write(request.TableName, 1);
      break;
    case 'DynamoDB.BatchWriteItem':
      for (const [physical, writes] of Object.entries(request.RequestItems ?? {}) as [string, any[]][]) {
        for (const item of writes) write(physical, item.PutRequest ? put(physical, item.PutRequest.Item) : 1);
      }
      break;
    case 'DynamoDB.TransactWriteItems': {
      let writeUnits = 0;
      for (const action of request.TransactItems ?? []) {
        const [kind, detail] = Object.entries(action)[0] as [string, Record<string, any>];
        const units =
          2 *
          (kind === 'Put'
            ? put(detail.TableName, detail.Item)
            : kind === 'Update'
              ? update(detail.TableName, detail)
              : 1);
        write(detail.TableName, units);
        writeUnits += units;
      }
      reading.transactions.push({ by, writeUnits });
      break;
    }
    case 'DynamoDB.GetItem':
      read(request.TableName, 1, request.ConsistentRead);
      break;
    case 'DynamoDB.Query':
      // Counted as one item read: a floor where a query returns several.
      read(request.TableName, 1, request.ConsistentRead);
      break;
    case 'DynamoDB.BatchGetItem':
      for (const [physical, keys] of Object.entries(request.RequestItems ?? {}) as [string, any][])
        read(physical, keys.Keys?.length ?? 0, keys.ConsistentRead);
      break;
    case 'DynamoDB.TransactGetItems':
      for (const { Get } of request.TransactItems ?? []) read(Get.TableName, 2, true);
      break;
    default:
      break;
  }
}

/** An item's size as DynamoDB bills it: attribute names and values, not the JSON wire format. */
function itemBytes(item: Record<string, any>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(value: Record<string, any>): number {
  const [type, content] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(content);
    case 'N':
      return Math.ceil(String(content).replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1;
    case 'B':
      return Buffer.from(content, 'base64').length;
    case 'SS':
    case 'NS':
    case 'BS':
      return (content as string[]).reduce((sum, member) => sum + valueBytes({ [type[0]]: member }), 0);
    case 'L':
      return 3 + (content as Record<string, any>[]).reduce((sum, member) => sum + 1 + valueBytes(member), 0);
    case 'M':
      return (
        3 +
        Object.entries(content as Record<string, Record<string, any>>).reduce(
          (sum, [name, member]) => sum + 1 + Buffer.byteLength(name) + valueBytes(member),
          0,
        )
      );
    default:
      return 1; // BOOL, NULL
  }
}
