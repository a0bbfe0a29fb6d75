import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { rawArchiveExpiries } from '#shared/config/raw-archive-retention';
import {
  buckets,
  functions,
  localResourceName,
  tables,
  type BucketName,
  type FunctionDefinition,
  type TableDefinition,
  type TableName,
} from '#shared/config/topology';
import { routingRules, toSnsFilterPolicy } from '#events/routing-rules';
import { Agent } from 'node:http';
import { withoutRequestLogging } from '#shared/adapters/sdk-request-logging';
import type { EmulatorEndpoints } from './emulators';

export interface RuleQueues {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface LocalResources {
  prefix: string;
  tables: Record<TableName, string>;
  buckets: Record<BucketName, string>;
  topicArn: string;
  queues: Record<string, RuleQueues>;
}

/** Emulators accept any credentials; the region only has to be consistent. */
export const LOCAL_REGION = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localClients(endpoints: EmulatorEndpoints) {
  return {
    dynamodb: new DynamoDBClient({ endpoint: endpoints.dynamodb, region: LOCAL_REGION, credentials }),
    s3: new S3Client({ endpoint: endpoints.messaging, region: LOCAL_REGION, credentials, forcePathStyle: true }),
    sns: new SNSClient({ endpoint: endpoints.messaging, region: LOCAL_REGION, credentials }),
    // Every event source holds a connection for its 20 s long poll, one per queue: with the SDK's default
    // 50 sockets, the runtime's other SQS calls would queue behind idle polls.
    // The event-source pollers' receives and deletes are the runtime's busiest calls: no log copies for them either.
    sqs: withoutRequestLogging(
      new SQSClient({
        endpoint: endpoints.messaging,
        region: LOCAL_REGION,
        credentials,
        requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 1024 }) },
      }),
    ),
  };
}
export type LocalClients = ReturnType<typeof localClients>;

/**
 * Creates what the CDK stack declares, from the same definitions: the topology's tables and buckets,
 * one topic standing in for the bus, and per routing rule a queue with its DLQ and maxReceiveCount,
 * subscribed with the rule's pattern as a body filter policy, and each function's inbound queue with
 * its DLQ (in `queues`, by queue name). Safe to run again over existing state.
 */
export async function provisionLocalResources(prefix: string, clients: LocalClients): Promise<LocalResources> {
  const tableNames = {} as Record<TableName, string>;
  for (const [logical, definition] of Object.entries(tables) as [TableName, TableDefinition][]) {
    tableNames[logical] = localResourceName(prefix, logical);
    await createTable(clients.dynamodb, tableNames[logical], definition);
  }
  const bucketNames = {} as Record<BucketName, string>;
  for (const logical of Object.keys(buckets) as BucketName[]) {
    bucketNames[logical] = localResourceName(prefix, logical);
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucketNames[logical] }));
  }
  // The raw archive's expiry rules as in AWS: unverified requests go after a week. The local fabric
  // sets no retention for order data, whatever a region does.
  await clients.s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucketNames.rawArchive,
      LifecycleConfiguration: {
        Rules: rawArchiveExpiries().map(({ prefix, days }) => ({
          ID: `expire-${prefix || 'all'}`,
          Status: 'Enabled',
          Filter: { Prefix: prefix },
          Expiration: { Days: days },
        })),
      },
    }),
  );
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `${prefix}-fabric-events` }));
  const queues: Record<string, RuleQueues> = {};
  for (const rule of routingRules) {
    const dlq = await createQueue(clients.sqs, `${prefix}-${rule.target.name}-dlq`, {
      MessageRetentionPeriod: String(14 * 24 * 3600),
    });
    const queue = await createQueue(clients.sqs, `${prefix}-${rule.target.name}`, {
      VisibilityTimeout: String(rule.target.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: String(rule.target.maxReceiveCount),
      }),
    });
    await clients.sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicyScope: 'MessageBody',
          FilterPolicy: toSnsFilterPolicy(rule.pattern),
        },
      }),
    );
    queues[rule.name] = { url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
  }
  // Queues channels write to directly (SP-API notifications): same DLQ and redrive policy, no subscription.
  for (const definition of Object.values(functions as Record<string, FunctionDefinition>)) {
    const inbound = definition.inboundQueue;
    if (!inbound) continue;
    const dlq = await createQueue(clients.sqs, `${prefix}-${inbound.name}-dlq`, {
      MessageRetentionPeriod: String(14 * 24 * 3600),
    });
    const queue = await createQueue(clients.sqs, `${prefix}-${inbound.name}`, {
      VisibilityTimeout: String(inbound.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: String(inbound.maxReceiveCount) }),
    });
    queues[inbound.name] = { url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
  }
  return { prefix, tables: tableNames, buckets: bucketNames, topicArn: TopicArn!, queues };
}

async function createTable(client: DynamoDBClient, name: string, definition: TableDefinition): Promise<void> {
  const keySchema: KeySchemaElement[] = [{ AttributeName: definition.partitionKey, KeyType: 'HASH' }];
  if (definition.sortKey) keySchema.push({ AttributeName: definition.sortKey, KeyType: 'RANGE' });
  const indexes = definition.globalIndexes ?? [];
  const attributes = new Set(
    [definition.partitionKey, definition.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])].filter(
      Boolean,
    ) as string[],
  );
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema,
        AttributeDefinitions: [...attributes].map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
        ...(indexes.length ? { GlobalSecondaryIndexes: indexes.map(indexDefinition) } : {}),
      }),
    );
    if (definition.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    // Kept from an earlier run under .fabric/: an index the topology gained since is added, as a CDK deploy would.
    await addMissingIndexes(client, name, definition, [...attributes]);
  }
}

function indexDefinition(index: NonNullable<TableDefinition['globalIndexes']>[number]) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    Projection: { ProjectionType: 'ALL' as const },
  };
}

async function addMissingIndexes(
  client: DynamoDBClient,
  name: string,
  definition: TableDefinition,
  attributes: string[],
): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  // DynamoDB takes one new index per UpdateTable call.
  for (const index of (definition.globalIndexes ?? []).filter((candidate) => !existing.has(candidate.name))) {
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: attributes.map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(index) }],
      }),
    );
  }
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}
