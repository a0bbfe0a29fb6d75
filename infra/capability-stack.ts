import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { RoutingRule } from '#events/routing-rules';
import type {
  Access,
  BucketAccess,
  BucketName,
  Capability,
  FunctionDefinition,
  TableName,
} from '#shared/config/topology';
import { CHANNEL_RATE_LIMITS_ENV } from '#shared/channels/channel-apis';
import { REGION_CHANNELS_ENV } from '#shared/channels/order-feeds';
import { SQUARE_STORE_LOCATIONS_ENV } from '#shared/channels/square/square-store-sale';
import { ERP_API_URL_ENV, ERP_REQUESTS_PER_SECOND_ENV } from '#shared/erp/erp-config';
import { RESERVATION_PART_IN_HEADER_ENV } from '#shared/adapters/inventory-store';
import { deadLetterSourcesOf } from '#shared/operations/dead-letter-sources';
import { constructId } from './constructs/construct-id';
import { ConsumerQueues } from './constructs/consumer-queues';
import { FabricFunction } from './constructs/fabric-function';
import { regionalFunctions } from './regional-functions';
import { InboundQueues } from './constructs/inbound-queues';
import { ObjectTriggers } from './constructs/object-triggers';
import type { WatchedQueues } from './constructs/operations-alarms';
import { ScheduledRuns } from './constructs/scheduled-runs';
import { secretsReadBy, type FabricSecret } from './region-secrets';
import type { RegionSettings } from './region-settings';
import type { StatefulStack } from './stateful-stack';

export interface CapabilityStackProps extends StackProps {
  env: { region: string; account?: string };
  capability: Capability;
  /** The region's name prefix: queue names are `<prefix>-<queue>`, which the ops CLI derives from the routing rules. */
  namePrefix: string;
  /** This capability's functions as the region deploys them (infra/regional-functions.ts). */
  functions: readonly [string, FunctionDefinition][];
  /** The routing rules whose consumer is one of `functions`. */
  rules: readonly RoutingRule[];
  /** The region's stores and bus, which the functions are bound to. */
  stateful: StatefulStack;
  settings: RegionSettings;
}

/**
 * One capability's stateless part in one region: its functions, bound to what the topology lets them
 * touch in the stateful stack, the queues of the routing rules they consume and the rules that feed
 * them, the queues channels write to directly, object triggers and scheduled runs. No store lives
 * here, so the stack can be replaced without touching a table or bucket; the work waiting in its queues
 * is this capability's alone.
 */
export class CapabilityStack extends Stack {
  /** The functions, by topology name. */
  readonly functions: Readonly<Record<string, FabricFunction>>;
  /** The queues and rules the operations stack alarms on. */
  readonly watched: WatchedQueues;

  constructor(scope: Construct, id: string, props: CapabilityStackProps) {
    super(scope, id, props);
    const { stores, backbone } = props.stateful;
    this.functions = Object.fromEntries(
      props.functions.map(([name, definition]) => [name, this.createFunction(name, definition, props)]),
    );

    const consumerQueues = new ConsumerQueues(this, 'ConsumerQueues', {
      namePrefix: props.namePrefix,
      rules: props.rules,
      bus: backbone.bus,
      undeliveredQueue: backbone.undeliveredQueue,
      functions: this.functions,
    });
    const inboundQueues = new InboundQueues(this, 'InboundQueues', {
      namePrefix: props.namePrefix,
      functions: this.functions,
    });
    const objectTriggers = new ObjectTriggers(this, 'ObjectTriggers', {
      functions: this.functions,
      buckets: stores.buckets,
    });
    const scheduledRuns = new ScheduledRuns(this, 'ScheduledRuns', { functions: this.functions });

    this.watched = {
      name: constructId(props.capability),
      deadLetterQueues: [
        ...consumerQueues.deadLetterQueues,
        ...inboundQueues.deadLetterQueues,
        ...objectTriggers.failedInvocationQueues,
        ...scheduledRuns.undeliveredRunQueues,
      ],
      consumerQueues: [...consumerQueues.consumerQueues, ...Object.values(inboundQueues.queues)],
      rules: consumerQueues.rules,
    };
    for (const [name, queue] of Object.entries(inboundQueues.queues)) {
      new CfnOutput(this, `${constructId(name)}QueueArn`, {
        value: queue.queueArn,
        description: "Register this queue as the channel's notification destination.",
      });
    }
  }

  private createFunction(
    name: string,
    definition: FunctionDefinition,
    { stateful: { stores, backbone }, settings, rules, namePrefix }: CapabilityStackProps,
  ): FabricFunction {
    const fn = new FabricFunction(this, constructId(name), { name, definition, tracing: settings.tracing });
    for (const [table, access] of Object.entries(definition.tables ?? {}) as [TableName, Access][]) {
      fn.bindTable(table, stores.tables[table], access);
    }
    for (const [bucket, access] of Object.entries(definition.buckets ?? {}) as [BucketName, BucketAccess][]) {
      fn.bindBucket(bucket, stores.buckets[bucket], access);
    }
    if (definition.publishesEvents) fn.bindEventBus(backbone.bus);
    // A function that looks at held messages reads the events they carry, claim checks included.
    const consumesEvents = rules.some((rule) => rule.consumer === name) || Boolean(definition.redrivesDeadLetterQueues);
    if (definition.publishesEvents || consumesEvents) {
      fn.bindEventClaimChecks(stores.buckets.eventClaimChecks, {
        publishes: Boolean(definition.publishesEvents),
        consumes: consumesEvents,
      });
    }
    if (definition.redrivesDeadLetterQueues)
      fn.bindDeadLetterQueues(
        namePrefix,
        deadLetterSourcesOf(regionalFunctions(settings.channels)).map((source) => source.queueName),
      );
    for (const secret of secretsReadBy(definition)) bindSecret(fn, secret);
    // A function calling several channels' APIs calls only those the region sells on.
    if (definition.channelApis && settings.channels)
      fn.addEnvironment(
        REGION_CHANNELS_ENV,
        settings.channels.filter((channel) => definition.channelApis?.includes(channel)).join(','),
      );
    // Read wherever a Square order is mapped: its fetch, the catch-up, and a held order's reprocessing.
    if (settings.squareStoreLocations)
      fn.addEnvironment(SQUARE_STORE_LOCATIONS_ENV, JSON.stringify(settings.squareStoreLocations));
    if (definition.channelApis?.length && settings.channelRateLimits)
      fn.addEnvironment(CHANNEL_RATE_LIMITS_ENV, JSON.stringify(settings.channelRateLimits));
    if (definition.erpApi && settings.erpApiUrl) fn.addEnvironment(ERP_API_URL_ENV, settings.erpApiUrl);
    if (definition.erpApi && settings.erpRequestsPerSecond)
      fn.addEnvironment(ERP_REQUESTS_PER_SECOND_ENV, String(settings.erpRequestsPerSecond));
    // Every function on the inventory table, so a region being upgraded writes no part its older code cannot see.
    if (definition.tables?.inventory)
      fn.addEnvironment(RESERVATION_PART_IN_HEADER_ENV, String(settings.reservationPartInHeader ?? true));
    return fn;
  }
}

/** The environment carries only the secret's name; the value is read at run time. */
function bindSecret(fn: FabricFunction, secret: FabricSecret): void {
  switch (secret.kind) {
    case 'webhook':
      fn.bindChannelSecret(
        secret.channel,
        secretsmanager.Secret.fromSecretNameV2(fn, `${constructId(secret.channel)}WebhookSecret`, secret.name),
      );
      return;
    case 'channel-api':
      fn.bindChannelApiCredentials(
        secret.channel,
        secretsmanager.Secret.fromSecretNameV2(fn, `${constructId(secret.channel)}ApiCredentials`, secret.name),
      );
      return;
    case 'erp':
      fn.bindErpCredentials(secretsmanager.Secret.fromSecretNameV2(fn, 'ErpApiCredentials', secret.name));
      return;
    case '3pl':
      fn.bindThreePlCredentials(secretsmanager.Secret.fromSecretNameV2(fn, 'ThreePlApiCredentials', secret.name));
      return;
  }
}
