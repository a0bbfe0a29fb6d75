import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Access, BucketName, FunctionDefinition, FunctionName, TableName } from '../shared/config/topology';
import { SalesChannel } from '../shared/domain/order';
import { constructId } from './constructs/construct-id';
import { DataStores } from './constructs/data-stores';
import { EventBackbone } from './constructs/event-backbone';
import { FabricApi } from './constructs/fabric-api';
import { FabricFunction } from './constructs/fabric-function';
import { InboundQueues } from './constructs/inbound-queues';
import { ObjectTriggers } from './constructs/object-triggers';
import { OperationsAlarms } from './constructs/operations-alarms';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { ResourceDirectory } from './constructs/resource-directory';
import { subscribeQueueConsumers } from './constructs/queue-consumers';
import { ScheduledRuns } from './constructs/scheduled-runs';
import { ERP_API_URL_ENV, ERP_CREDENTIALS_NAME_ENV, ERP_CREDENTIALS_SECRET_NAME, ERP_REQUESTS_PER_SECOND_ENV } from '../shared/erp/erp-config';
import { CHANNEL_RATE_LIMITS_ENV, type OutboundRateLimits } from '../shared/channels/channel-apis';
import { regionalFunctions } from './regional-functions';

export interface FabricStackProps extends StackProps {
  /** A concrete region: bus and queue names include it. */
  env: { region: string; account?: string };
  /** Subscribed to the alarm topic when set. */
  alarmEmail?: string;
  /** The channels this region sells on; all of them when unset (infra/regional-functions.ts). */
  channels?: readonly SalesChannel[];
  /** The ERP's API root (up to /api/v2.0), when not the tenant's default Business Central endpoint. */
  erpApiUrl?: string;
  /** Requests a second each ERP connector container spends, when the tenant's limit is not Business Central online's 20. */
  erpRequestsPerSecond?: number;
  /** The outbound budgets the sellers' plans grant where they differ from the channels' documented ones (shared/channels/channel-apis.ts). */
  channelRateLimits?: Partial<OutboundRateLimits>;
}

/**
 * The whole fabric in one region, independent of every other region: stores, event backbone,
 * functions bound to what the topology lets them touch, the API, queue consumers, object triggers,
 * scheduled runs and alarms.
 *
 * Channel webhook secrets are created out of band, once per region and channel, because their values
 * come from the channel (Shopify issues its signing secret) and must never pass through a template:
 *   aws secretsmanager create-secret --region <region> --name fabric/webhooks/<channel> --secret-string <secret>
 * Until it exists, that channel's deliveries are rejected as unverifiable. Channel API credentials
 * (OAuth clients, refresh and access tokens) are created the same way, as JSON:
 *   aws secretsmanager create-secret --region <region> --name fabric/channel-api/<channel> --secret-string '{"clientId":...}'
 */
export class FabricStack extends Stack {
  constructor(scope: Construct, id: string, props: FabricStackProps) {
    super(scope, id, props);
    const namePrefix = `fabric-${props.env.region}`;

    const stores = new DataStores(this, 'DataStores');
    const backbone = new EventBackbone(this, 'EventBackbone', { namePrefix });
    const functions = Object.fromEntries(
      regionalFunctions(props.channels).map(([name, definition]) => [name, this.createFunction(name, definition, stores, backbone, props)]),
    ) as Record<FunctionName, FabricFunction>;
    const api = new FabricApi(this, 'Api', { functions });
    subscribeQueueConsumers(backbone, functions);
    const objectTriggers = new ObjectTriggers(this, 'ObjectTriggers', { functions, buckets: stores.buckets });
    const scheduledRuns = new ScheduledRuns(this, 'ScheduledRuns', { functions });
    const inboundQueues = new InboundQueues(this, 'InboundQueues', { namePrefix, functions });
    const deadLetterQueues = [...backbone.deadLetterQueues, ...objectTriggers.failedInvocationQueues, ...scheduledRuns.undeliveredRunQueues, ...inboundQueues.deadLetterQueues];
    const consumerQueues = [...backbone.consumerQueues, ...Object.values(inboundQueues.queues)];
    const alarms = new OperationsAlarms(this, 'Alarms', {
      deadLetterQueues,
      consumerQueues,
      rules: backbone.rules,
      bus: backbone.bus,
      api: api.restApi,
      alarmEmail: props.alarmEmail,
    });
    const dashboard = new OperationsDashboard(this, 'Operations', { namePrefix, functions, api: api.restApi, consumerQueues, deadLetterQueues });

    new ResourceDirectory(this, 'ResourceDirectory', { namePrefix, tables: stores.tables, buckets: stores.buckets, bus: backbone.bus, archive: backbone.archive });

    new CfnOutput(this, 'ApiUrl', { value: api.restApi.url });
    new CfnOutput(this, 'EventBusName', { value: backbone.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
    for (const [name, queue] of Object.entries(inboundQueues.queues)) {
      new CfnOutput(this, `${constructId(name)}QueueArn`, { value: queue.queueArn, description: 'Register this queue as the channel\'s notification destination.' });
    }
    for (const [name, bucket] of Object.entries(stores.buckets)) {
      new CfnOutput(this, `${constructId(name)}BucketName`, { value: bucket.bucketName });
    }
  }

  private createFunction(name: FunctionName, definition: FunctionDefinition, stores: DataStores, backbone: EventBackbone, settings: FabricStackProps): FabricFunction {
    const fn = new FabricFunction(this, constructId(name), { name, definition });
    for (const [table, access] of Object.entries(definition.tables ?? {}) as [TableName, Access][]) {
      fn.bindTable(table, stores.tables[table], access);
    }
    for (const [bucket, access] of Object.entries(definition.buckets ?? {}) as [BucketName, Access][]) {
      fn.bindBucket(bucket, stores.buckets[bucket], access);
    }
    if (definition.publishesEvents) fn.bindEventBus(backbone.bus);
    for (const channel of (definition.channelSecrets ?? []).map((value) => SalesChannel.parse(value))) {
      fn.bindChannelSecret(channel, secretsmanager.Secret.fromSecretNameV2(fn, `${constructId(channel)}WebhookSecret`, `fabric/webhooks/${channel}`));
    }
    for (const channel of (definition.channelApis ?? []).map((value) => SalesChannel.parse(value))) {
      fn.bindChannelApiCredentials(channel, secretsmanager.Secret.fromSecretNameV2(fn, `${constructId(channel)}ApiCredentials`, `fabric/channel-api/${channel}`));
    }
    if (definition.channelApis?.length && settings.channelRateLimits) fn.addEnvironment(CHANNEL_RATE_LIMITS_ENV, JSON.stringify(settings.channelRateLimits));
    if (definition.erpApi) {
      // The environment carries only the secret's name; the credentials are read at run time.
      const erpCredentials = secretsmanager.Secret.fromSecretNameV2(fn, 'ErpApiCredentials', ERP_CREDENTIALS_SECRET_NAME);
      fn.addEnvironment(ERP_CREDENTIALS_NAME_ENV, erpCredentials.secretName);
      erpCredentials.grantRead(fn);
      if (settings.erpApiUrl) fn.addEnvironment(ERP_API_URL_ENV, settings.erpApiUrl);
      if (settings.erpRequestsPerSecond) fn.addEnvironment(ERP_REQUESTS_PER_SECOND_ENV, String(settings.erpRequestsPerSecond));
    }
    return fn;
  }
}
