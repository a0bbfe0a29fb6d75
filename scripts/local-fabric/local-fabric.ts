import path from 'node:path';
import { functions as topologyFunctions, secretEnvVar, tableEnvVar, bucketEnvVar, type BucketName, type FunctionDefinition, type TableName } from '../../shared/config/topology';
import { routingRules } from '../../events/routing-rules';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '../../shared/adapters/webhook-secrets';
import { SalesChannel } from '../../shared/domain/order';
import { startEmulators, type EmulatorEndpoints, type RunningEmulators } from './emulators';
import { LOCAL_REGION, localClients, provisionLocalResources, type LocalClients, type LocalResources } from './provision';
import { LocalLambda } from './lambda-invoker';
import { QueueEventSource } from './queue-event-source';
import { LocalApiGateway } from './api-gateway';
import { ObjectCreatedTrigger } from './object-trigger';
import { LocalSchedule } from './scheduler';
import { restoreMessagingSnapshot, saveMessagingSnapshot } from './snapshot';
import { ChannelApiStub } from '../channel-stubs/channel-api-stub';
import { configureChannelApiEnvironment } from '../channel-stubs/channel-api-environment';
import { BusinessCentralSimulator } from '../erp-simulator/business-central-simulator';
import { configureErpEnvironment } from '../erp-simulator/erp-environment';

export type RuntimeLog = (message: string, details?: Record<string, unknown>) => void;

export interface LocalFabricOptions {
  /** Prefix of every local resource name; tests use a unique one each. */
  prefix?: string;
  /** 0 picks a free port. */
  apiPort?: number;
  /** Keeps DynamoDB data here between runs; in memory when absent. */
  dataDir?: string;
  /** Reuse emulators that are already running (the test suite starts them once). */
  emulators?: EmulatorEndpoints;
  /** Defaults to the topology's functions; tests may add probes. */
  functions?: Record<string, FunctionDefinition>;
  /**
   * Scheduled functions run at their topology rate unless this says otherwise; tests pass 0 to run
   * them only through `runScheduled`.
   */
  scheduleIntervalMs?: (functionName: string, definition: FunctionDefinition) => number;
  /** Channel API stubs already running (tests seed their own); otherwise the runtime starts its own. */
  channelApiStub?: ChannelApiStub;
  /** The ERP simulator already running (tests turn its knobs); otherwise the runtime starts its own. */
  erpSimulator?: BusinessCentralSimulator;
  log?: RuntimeLog;
}

export interface LocalFabric {
  apiUrl: string;
  endpoints: EmulatorEndpoints;
  resources: LocalResources;
  clients: LocalClients;
  /** Channels running on the documented development secret because FABRIC_SECRET_<CHANNEL> was unset. */
  developmentSecrets: SalesChannel[];
  /** What a previous clean stop saved of fauxqs' in-memory state and this start put back. */
  restored?: { objects: number; messages: number };
  /** The channel APIs (Square, Amazon, eBay) as the handlers reach them locally: stubs serving their documented shapes. */
  channelApis: ChannelApiStub;
  /** The ERP (Business Central API v2.0) as the ERP connector reaches it locally. */
  erp: BusinessCentralSimulator;
  /** Runs a scheduled function now (after any run under way), as its schedule would. */
  runScheduled(functionName: string): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..');
/** A public webhook base URL the developer set (e.g. a tunnel), read once: otherwise each start uses its own API URL. */
const DEVELOPER_PUBLIC_BASE_URL = process.env.FABRIC_WEBHOOK_PUBLIC_BASE_URL || undefined;

/**
 * Runs the fabric on a laptop: emulators, the same resources the CDK declares, the real handler
 * modules behind a local API Gateway, SQS event-source mappings and S3 object triggers. Only
 * endpoints differ from AWS; the handlers cannot tell.
 */
export async function startLocalFabric(options: LocalFabricOptions = {}): Promise<LocalFabric> {
  const log: RuntimeLog = options.log ?? (() => undefined);
  const prefix = options.prefix ?? 'fabric';
  let emulators: RunningEmulators | undefined;
  if (!options.emulators) emulators = await startEmulators(options.dataDir ? { dataDir: path.join(options.dataDir, 'dynamodb') } : {});
  const endpoints = options.emulators ?? emulators!.endpoints;
  const clients = localClients(endpoints);
  const resources = await provisionLocalResources(prefix, clients);
  const snapshotDir = options.dataDir ? path.join(options.dataDir, 'messaging') : undefined;
  const restored = snapshotDir ? await restoreMessagingSnapshot(snapshotDir, clients) : undefined;
  const developmentSecrets = configureHandlerEnvironment(endpoints, resources);
  const channelApis = options.channelApiStub ?? new ChannelApiStub();
  if (!options.channelApiStub) await channelApis.start();
  configureChannelApiEnvironment(channelApis.url);
  const erp = options.erpSimulator ?? new BusinessCentralSimulator();
  if (!options.erpSimulator) await erp.start();
  configureErpEnvironment(erp);

  const definitions: Record<string, FunctionDefinition> = options.functions ?? topologyFunctions;
  const lambdas = new Map(Object.entries(definitions).map(([name, definition]) => [name, new LocalLambda(name, definition, ROOT)]));
  const lambda = (name: string) => {
    const found = lambdas.get(name);
    if (!found) throw new Error(`no function named ${name} in the topology`);
    return found;
  };

  const gateway = new LocalApiGateway(
    [...lambdas.values()].flatMap((target) => (definitions[target.name].routes ?? []).map((route) => ({ route, target }))),
    log,
  );
  const apiUrl = await gateway.listen(options.apiPort ?? Number(process.env.FABRIC_API_PORT ?? 3000));
  // Square signs the notification URL with the body: locally, the URL channels post to is this API's,
  // unless the developer set a public one (a tunnel) before starting.
  process.env.FABRIC_WEBHOOK_PUBLIC_BASE_URL = DEVELOPER_PUBLIC_BASE_URL ?? apiUrl;

  const eventSources = routingRules.map((rule) => new QueueEventSource(clients.sqs, resources.queues[rule.name], rule.target, lambda(rule.consumer), log));
  // Queues channels write to directly (Amazon SP-API notifications), consumed like rule queues.
  eventSources.push(...Object.entries(definitions).flatMap(([name, definition]) => {
    const inbound = definition.inboundQueue;
    return inbound && resources.queues[inbound.name]
      ? [new QueueEventSource(clients.sqs, resources.queues[inbound.name], { ...inbound, maxBatchingWindowSeconds: 0 }, lambda(name), log)]
      : [];
  }));
  eventSources.forEach((source) => source.start());

  const objectTriggers = Object.entries(definitions).flatMap(([name, definition]) =>
    (definition.objectTriggers ?? []).map((trigger) => new ObjectCreatedTrigger(clients.s3, resources.buckets[trigger.bucket], trigger.prefix, lambda(name), log)));
  await Promise.all(objectTriggers.map((trigger) => trigger.start()));

  const schedules = new Map(Object.entries(definitions).filter(([, definition]) => definition.schedule).map(([name, definition]) => {
    const interval = options.scheduleIntervalMs?.(name, definition) ?? definition.schedule!.everyMinutes * 60_000;
    const schedule = new LocalSchedule(lambda(name), interval, log);
    if (interval > 0) schedule.start();
    return [name, schedule] as const;
  }));

  return {
    apiUrl,
    endpoints,
    resources,
    clients,
    developmentSecrets,
    channelApis,
    erp,
    ...(restored ? { restored } : {}),
    runScheduled(functionName) {
      const schedule = schedules.get(functionName);
      if (!schedule) throw new Error(`${functionName} has no schedule in the topology`);
      return schedule.runNow();
    },
    async stop() {
      await gateway.close();
      await Promise.all([...eventSources, ...objectTriggers, ...schedules.values()].map((part) => part.stop()));
      if (snapshotDir) {
        try {
          const saved = await saveMessagingSnapshot(snapshotDir, resources, clients, endpoints.messaging);
          log('saved the in-memory queues and buckets for the next start', { ...saved, directory: snapshotDir });
        } catch (error) {
          log('could not save the in-memory queues and buckets', { error: (error as Error).message });
        }
      }
      if (!options.channelApiStub) await channelApis.stop();
      if (!options.erpSimulator) await erp.stop();
      await emulators?.stop();
    },
  };
}

/**
 * Handlers read their configuration from the environment at cold start, exactly as in Lambda; the
 * runtime sets it before it loads any handler module. Returns the channels left on development secrets.
 */
export function configureHandlerEnvironment(endpoints: EmulatorEndpoints, resources: LocalResources): SalesChannel[] {
  const developmentSecrets: SalesChannel[] = [];
  const secrets: Record<string, string> = {};
  for (const channel of SalesChannel.options) {
    const name = secretEnvVar(channel);
    if (!process.env[name]) {
      secrets[name] = DEVELOPMENT_WEBHOOK_SECRETS[channel];
      developmentSecrets.push(channel);
    }
  }
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.messaging,
    AWS_ENDPOINT_URL_SNS: endpoints.messaging,
    AWS_ENDPOINT_URL_S3: endpoints.messaging,
    FABRIC_S3_FORCE_PATH_STYLE: 'true',
    FABRIC_EVENT_TOPIC_ARN: resources.topicArn,
    FABRIC_SECRETS_SOURCE: 'env',
    POWERTOOLS_SERVICE_NAME: 'retail-fabric-local',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
    ...secrets,
    ...Object.fromEntries(Object.entries(resources.tables).map(([table, name]) => [tableEnvVar(table as TableName), name])),
    ...Object.fromEntries(Object.entries(resources.buckets).map(([bucket, name]) => [bucketEnvVar(bucket as BucketName), name])),
  });
  return developmentSecrets;
}
