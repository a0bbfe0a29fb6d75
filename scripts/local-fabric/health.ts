import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { BusinessCentralSimulator } from '../erp-simulator/business-central-simulator';
import type { EmulatorEndpoints } from './emulators';
import type { LocalClients, LocalResources } from './provision';

/** A probe that hangs is as down as one that fails; /health must answer either way. */
const PROBE_LIMIT_MS = 3_000;

async function probe(call: () => Promise<unknown>): Promise<{ up: boolean; ms: number; error?: string }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      call(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_LIMIT_MS} ms`)), PROBE_LIMIT_MS);
      }),
    ]);
    return { up: true, ms: Date.now() - started };
  } catch (error) {
    return { up: false, ms: Date.now() - started, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The local fabric's health as `GET /health` answers it: each emulator asked for one of the fabric's
 * own resources (so "up" means the fabric's tables, queues and buckets are there, not just a port),
 * and the ERP simulator's state, outage and throttling knobs included.
 */
export async function localFabricHealth(
  endpoints: EmulatorEndpoints,
  resources: LocalResources,
  clients: LocalClients,
  erp: BusinessCentralSimulator,
) {
  const [firstQueue] = Object.values(resources.queues);
  const [dynamodb, sqs, s3] = await Promise.all([
    probe(() => clients.dynamodb.send(new DescribeTableCommand({ TableName: resources.tables.orders }))),
    probe(() =>
      clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: firstQueue?.url, AttributeNames: ['QueueArn'] })),
    ),
    probe(() => clients.s3.send(new HeadBucketCommand({ Bucket: resources.buckets.rawArchive }))),
  ]);
  const erpState = erp.state();
  const erpUp = erpState.listening && !erpState.outage;
  return {
    healthy: dynamodb.up && sqs.up && s3.up && erpUp,
    checkedAt: new Date().toISOString(),
    emulators: {
      dynamodbLocal: { endpoint: endpoints.dynamodb, tables: Object.keys(resources.tables).length, ...dynamodb },
      fauxqs: { endpoint: endpoints.messaging, queues: Object.keys(resources.queues).length, sqs, s3 },
    },
    erpSimulator: { up: erpUp, ...erpState },
  };
}
