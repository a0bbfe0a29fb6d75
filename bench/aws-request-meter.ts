import http from 'node:http';

/**
 * Counts the AWS API requests this process sends to the emulators while a benchmark runs, by service
 * and operation, with DynamoDB write request units estimated from item sizes (1 unit per KiB written,
 * twice that inside a transaction, as DynamoDB bills on-demand writes). Handlers, the local runtime's
 * event-source pollers and triggers all run in this process, so every request an order costs is seen.
 */
export interface MeterReading {
  requests: Record<string, number>;
  dynamoWriteUnits: number;
  dynamoReadUnits: number;
  publishedEvents: number;
}

interface Recording {
  reading: MeterReading;
  dynamoPort: string;
  messagingPort: string;
}

let recording: Recording | undefined;

// The AWS SDK captures http.request the first time any client sends a request, so the meter wraps
// it when this module loads, before any client exists, and counts only while a recording is on.
const originalRequest = http.request;
(http as { request: typeof http.request }).request = function meteredRequest(this: unknown, ...args: Parameters<typeof http.request>) {
  const request = originalRequest.apply(this, args as never) as http.ClientRequest;
  const options = (typeof args[0] === 'object' && !(args[0] instanceof URL) ? args[0] : {}) as http.RequestOptions;
  const active = recording;
  const port = String(options.port ?? '');
  if (!active || (port !== active.dynamoPort && port !== active.messagingPort)) return request;
  const chunks: Buffer[] = [];
  const write = request.write.bind(request);
  const end = request.end.bind(request);
  request.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (chunk) chunks.push(Buffer.from(chunk as Buffer));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof request.write;
  request.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as Buffer));
    record(active.reading, port === active.dynamoPort ? 'dynamodb' : 'messaging', options, Buffer.concat(chunks).toString('utf8'));
    return (end as (...a: unknown[]) => http.ClientRequest)(chunk, ...rest);
  }) as typeof request.end;
  return request;
} as typeof http.request;

export function startAwsRequestMeter(endpoints: { dynamodb: string; messaging: string }): { read(): MeterReading; stop(): void } {
  const active: Recording = {
    reading: { requests: {}, dynamoWriteUnits: 0, dynamoReadUnits: 0, publishedEvents: 0 },
    dynamoPort: new URL(endpoints.dynamodb).port,
    messagingPort: new URL(endpoints.messaging).port,
  };
  recording = active;
  return {
    read: () => structuredClone(active.reading),
    stop: () => { if (recording === active) recording = undefined; },
  };
}

function record(reading: MeterReading, emulator: 'dynamodb' | 'messaging', options: http.RequestOptions, body: string): void {
  const headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const target = headers['x-amz-target'];
  let operation: string;
  if (emulator === 'dynamodb') {
    operation = `DynamoDB.${target?.split('.')[1] ?? 'unknown'}`;
    meterDynamo(reading, operation, body);
  } else if (target?.startsWith('AmazonSQS.')) {
    operation = `SQS.${target.split('.')[1]}`;
  } else if (body.startsWith('Action=')) {
    const action = new URLSearchParams(body).get('Action') ?? 'unknown';
    // Locally the bus is an SNS topic; each published entry stands for one EventBridge PutEvents entry.
    operation = `EventBridge(as SNS).${action}`;
    reading.publishedEvents += action === 'PublishBatch' ? [...new URLSearchParams(body).keys()].filter((k) => k.endsWith('.Id')).length : 1;
  } else {
    operation = `S3.${options.method ?? 'GET'}`;
  }
  reading.requests[operation] = (reading.requests[operation] ?? 0) + 1;
}

function meterDynamo(reading: MeterReading, operation: string, body: string): void {
  const units = (item: unknown) => Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item ?? {})) / 1024));
  let request: Record<string, any>;
  try {
    request = JSON.parse(body);
  } catch {
    return;
  }
  switch (operation) {
    case 'DynamoDB.PutItem':
      reading.dynamoWriteUnits += units(request.Item);
      break;
    case 'DynamoDB.UpdateItem':
    case 'DynamoDB.DeleteItem':
      reading.dynamoWriteUnits += 1;
      break;
    case 'DynamoDB.TransactWriteItems':
      for (const action of request.TransactItems ?? []) reading.dynamoWriteUnits += 2 * units(action.Put?.Item ?? action.Update ?? action.Delete ?? action.ConditionCheck);
      break;
    case 'DynamoDB.GetItem':
    case 'DynamoDB.Query':
      reading.dynamoReadUnits += 1;
      break;
    case 'DynamoDB.BatchGetItem':
      reading.dynamoReadUnits += Object.values(request.RequestItems ?? {}).reduce((sum: number, table: any) => sum + (table.Keys?.length ?? 0), 0);
      break;
    default:
      break;
  }
}
