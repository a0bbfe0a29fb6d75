import path from 'node:path';
import {
  functions as topologyFunctions,
  secretEnvVar,
  tableEnvVar,
  QUEUE_NAME_PREFIX_ENV,
  bucketEnvVar,
  type BucketName,
  type FunctionDefinition,
  type TableName,
} from '#shared/config/topology';
import { routingRules } from '#events/routing-rules';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { useSnsBusTransport } from '#shared/adapters/sns-bus-publisher';
import { MAX_RECEIVE_COUNTS_ENV } from '#shared/config/env';
import { SalesChannel } from '#domain/kernel/order';
import { startEmulators, type EmulatorEndpoints, type RunningEmulators } from './emulators';
import { claimDataDir, type DataDirClaim } from './data-dir-claim';
import {
  LOCAL_REGION,
  localClients,
  provisionLocalResources,
  type LocalClients,
  type LocalResources,
} from './provision';
import { LocalLambda } from './lambda-invoker';
import { QueueEventSource } from './queue-event-source';
import { LocalApiGateway } from './api-gateway';
import { localFabricHealth } from './health';
import { CONSOLE_DIST } from './console-site';
import { ObjectCreatedTrigger } from './object-trigger';
import { LocalSchedule } from './scheduler';
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
  /**
   * Keeps everything here between runs (tables, queues with the messages they hold, topics, objects,
   * the simulated ERP's documents, what the channel stubs hold), for this runtime alone; in memory
   * when absent.
   */
  dataDir?: string;
  /** Removes what `dataDir` kept, once no other fabric uses it. */
  resetData?: boolean;
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
  /** The built ops console served at /console; console/dist (`npm run console:build`) unless a test built its own. */
  consoleDir?: string;
  /**
   * Event sources wait out each rule's batching window before invoking with less than a full batch,
   * as Lambda does; by default they hand over what a queue holds at once (see QueueEventSource).
   */
  waitOutBatchingWindows?: boolean;
  log?: RuntimeLog;
}

export interface LocalFabric {
  apiUrl: string;
  endpoints: EmulatorEndpoints;
  resources: LocalResources;
  clients: LocalClients;
  /** Channels running on the documented development secret because FABRIC_SECRET_<CHANNEL> was unset. */
  developmentSecrets: SalesChannel[];
  /** With a data directory: whether it was new, and whether the run before this one died without stopping. */
  dataDir?: Pick<DataDirClaim, 'crashedOwner'> & { path: string; fresh: boolean };
  /** The channel APIs (Square, Amazon, eBay) as the handlers reach them locally: stubs serving their documented shapes. */
  channelApis: ChannelApiStub;
  /** The ERP (Business Central API v2.0) as the ERP connector reaches it locally. */
  erp: BusinessCentralSimulator;
  /** Runs a scheduled function now (after any run under way), as its schedule would. */
  runScheduled(functionName: string): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..');
/** How long the local ERP simulator under `npm start` may take to commit a request before it stops it. */
const LOCAL_ERP_REQUEST_LIMIT_MS = 15_000;
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
  const claim = options.dataDir ? claimDataDir(options.dataDir) : undefined;
  const gateway = new LocalApiGateway(log);
  // Stopped in this order: no new request, the invocations under way finished, then what they call.
  const consumers: { stop(): Promise<void> }[] = [];
  const services: { stop(): Promise<void> }[] = [];
  const stopStarted = async () => {
    await gateway.close();
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    for (const service of services.reverse()) await service.stop();
    claim?.release();
  };
  try {
    const apiPort = options.apiPort ?? Number(process.env.FABRIC_API_PORT ?? 3000);
    const apiUrl = await gateway.listen(apiPort).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE'
        ? new Error(`port ${apiPort} is taken: stop what listens there, or set FABRIC_API_PORT to another port`)
        : error;
    });
    // Only now that the start can go ahead: a failed start changes no saved state.
    if (options.resetData) claim?.clear();
    const fresh = claim?.isNew();
    const emulators: RunningEmulators | undefined = options.emulators
      ? undefined
      : await startEmulators({ dataDir: options.dataDir });
    if (emulators) services.push(emulators);
    const endpoints = options.emulators ?? emulators!.endpoints;
    const clients = localClients(endpoints);
    const resources = await provisionLocalResources(prefix, clients);
    const developmentSecrets = configureHandlerEnvironment(endpoints, resources);
    const channelApis =
      options.channelApiStub ??
      new ChannelApiStub(
        options.dataDir ? { stateFile: path.join(options.dataDir, 'channels', 'channel-apis.json') } : {},
      );
    if (!options.channelApiStub) {
      await channelApis.start();
      services.push(channelApis);
    }
    configureChannelApiEnvironment(channelApis.url);
    const erp =
      options.erpSimulator ??
      new BusinessCentralSimulator(
        options.dataDir ? { ledgerFile: path.join(options.dataDir, 'erp', 'business-central.jsonl') } : {},
      );
    if (!options.erpSimulator) {
      await erp.start();
      services.push(erp);
    }
    if (configureErpEnvironment(erp) && options.dataDir && !options.erpSimulator) {
      // A post left in doubt (by a crash, say) is looked up only once the ERP could no longer commit
      // it: after Business Central's ten minutes, or the laptop's stand-in's much shorter limit.
      erp.requestLimitMs = LOCAL_ERP_REQUEST_LIMIT_MS;
      process.env.FABRIC_ERP_COMMIT_HORIZON_MS ??= String(2 * LOCAL_ERP_REQUEST_LIMIT_MS);
    }
    // Square signs the notification URL with the body: locally, the URL channels post to is this API's,
    // unless the developer set a public one (a tunnel) before starting.
    process.env.FABRIC_WEBHOOK_PUBLIC_BASE_URL = DEVELOPER_PUBLIC_BASE_URL ?? apiUrl;

    const definitions: Record<string, FunctionDefinition> = options.functions ?? topologyFunctions;
    const lambdas = new Map(
      Object.entries(definitions).map(([name, definition]) => [name, new LocalLambda(name, definition, ROOT)]),
    );
    const lambda = (name: string) => {
      const found = lambdas.get(name);
      if (!found) throw new Error(`no function named ${name} in the topology`);
      return found;
    };

    const eventSources = routingRules.map(
      (rule) =>
        new QueueEventSource(
          clients.sqs,
          resources.queues[rule.name],
          rule.target,
          lambda(rule.consumer),
          log,
          options.waitOutBatchingWindows,
        ),
    );
    // Queues channels write to directly (Amazon SP-API notifications), consumed like rule queues.
    eventSources.push(
      ...Object.entries(definitions).flatMap(([name, definition]) => {
        const inbound = definition.inboundQueue;
        return inbound && resources.queues[inbound.name]
          ? [
              new QueueEventSource(
                clients.sqs,
                resources.queues[inbound.name],
                { ...inbound, maxBatchingWindowSeconds: 0 },
                lambda(name),
                log,
              ),
            ]
          : [];
      }),
    );
    // Each consumer reads its queues' maxReceiveCount at cold start, as FabricFunction.consumeQueue tells it
    // in AWS, to log at ERROR only a failure on the last receive. Every function shares this process's
    // environment, so the map names every queue, those of any fabric started before in this process too.
    const receiveLimits = {
      ...JSON.parse(process.env[MAX_RECEIVE_COUNTS_ENV] ?? '{}'),
      ...Object.fromEntries(eventSources.map((source) => source.receiveLimit)),
    };
    process.env[MAX_RECEIVE_COUNTS_ENV] = JSON.stringify(receiveLimits);
    // What the last run of this data directory had received and not finished is held by nobody now.
    if (options.dataDir) for (const source of eventSources) await source.reclaimUnfinished(endpoints.messaging);
    for (const source of eventSources) source.start();
    consumers.push(...eventSources);

    const objectTriggers = Object.entries(definitions).flatMap(([name, definition]) =>
      (definition.objectTriggers ?? []).map(
        (trigger) =>
          new ObjectCreatedTrigger(clients.s3, resources.buckets[trigger.bucket], trigger.prefix, lambda(name), log),
      ),
    );
    await Promise.all(objectTriggers.map((trigger) => trigger.start()));
    consumers.push(...objectTriggers);

    const schedules = new Map(
      Object.entries(definitions)
        .filter(([, definition]) => definition.schedule)
        .map(([name, definition]) => {
          const interval = options.scheduleIntervalMs?.(name, definition) ?? definition.schedule!.everyMinutes * 60_000;
          const schedule = new LocalSchedule(lambda(name), interval, log);
          if (interval > 0) schedule.start();
          return [name, schedule] as const;
        }),
    );
    consumers.push(...schedules.values());

    gateway.serveSite({
      consoleDir: options.consoleDir ?? CONSOLE_DIST,
      health: () => localFabricHealth(endpoints, resources, clients, erp),
    });
    gateway.serve(
      [...lambdas.values()].flatMap((target) =>
        (definitions[target.name].routes ?? []).map((route) => ({ route, target })),
      ),
    );

    return {
      apiUrl,
      endpoints,
      resources,
      clients,
      developmentSecrets,
      channelApis,
      erp,
      ...(claim && options.dataDir
        ? {
            dataDir: {
              path: options.dataDir,
              fresh: fresh!,
              ...(claim.crashedOwner ? { crashedOwner: claim.crashedOwner } : {}),
            },
          }
        : {}),
      runScheduled(functionName) {
        const schedule = schedules.get(functionName);
        if (!schedule) throw new Error(`${functionName} has no schedule in the topology`);
        return schedule.runNow();
      },
      stop: stopStarted,
    };
  } catch (error) {
    await stopStarted();
    throw error;
  }
}

/**
 * Handlers read their configuration from the environment at cold start, exactly as in Lambda; the
 * runtime sets it before it loads any handler module. Returns the channels left on development secrets.
 */
export function configureHandlerEnvironment(endpoints: EmulatorEndpoints, resources: LocalResources): SalesChannel[] {
  // The bus is an SNS topic here (FABRIC_EVENT_TOPIC_ARN below), a transport no Lambda bundle carries.
  useSnsBusTransport();
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
    // The dead-letter API finds every rule's queue by name, as the stacks name them.
    [QUEUE_NAME_PREFIX_ENV]: resources.prefix,
    FABRIC_SECRETS_SOURCE: 'env',
    POWERTOOLS_SERVICE_NAME: 'retail-fabric-local',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
    ...secrets,
    ...Object.fromEntries(
      Object.entries(resources.tables).map(([table, name]) => [tableEnvVar(table as TableName), name]),
    ),
    ...Object.fromEntries(
      Object.entries(resources.buckets).map(([bucket, name]) => [bucketEnvVar(bucket as BucketName), name]),
    ),
  });
  return developmentSecrets;
}
