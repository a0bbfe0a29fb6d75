import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as z from '#domain/kernel/schema';
import { routingRules } from '#events/routing-rules';
import { RESOURCE_DIRECTORY_PARAMETER } from '../../infra/constructs/resource-directory';
import {
  bucketEnvVar,
  functions,
  tableEnvVar,
  type BucketName,
  type FunctionDefinition,
  type TableName,
} from '#shared/config/topology';
import type { LocalClients, LocalResources, RuleQueues } from '../local-fabric/provision';

/** A deployed region, as the ops commands that act differently there (redrive, replay) need it. */
export interface AwsLocation {
  region: string;
  account: string;
  busName: string;
  archiveName: string;
}

/** What an ops command works on: the local fabric's resources, or a region's, with where that region is. */
export type OpsResources = LocalResources & { aws?: AwsLocation };

const ResourceDirectory = z.object({
  account: z.string().check(z.minLength(1)),
  namePrefix: z.string().check(z.minLength(1)),
  tables: z.record(z.string(), z.string()),
  buckets: z.record(z.string(), z.string()),
  busName: z.string().check(z.minLength(1)),
  archiveName: z.string().check(z.minLength(1)),
});

/**
 * A deployed region's resources, read from the directory parameter its stack writes
 * (infra/constructs/resource-directory.ts), with clients on the profile's credentials. Queue names
 * follow from the stack's prefix and the routing rules, exactly as the event backbone names them.
 * Sets the environment the shared adapters read, as Lambda would.
 */
export async function awsFabric(
  region: string,
  profile: string | undefined,
): Promise<{ resources: OpsResources; clients: LocalClients }> {
  if (profile) process.env.AWS_PROFILE = profile;
  process.env.AWS_REGION = region;
  const { Parameter } = await new SSMClient({ region }).send(
    new GetParameterCommand({ Name: RESOURCE_DIRECTORY_PARAMETER }),
  );
  const directory = ResourceDirectory.parse(JSON.parse(Parameter?.Value ?? '{}'));
  const queue = (name: string): RuleQueues => {
    const full = `${directory.namePrefix}-${name}`;
    const url = (queueName: string) => `https://sqs.${region}.amazonaws.com/${directory.account}/${queueName}`;
    const arn = (queueName: string) => `arn:aws:sqs:${region}:${directory.account}:${queueName}`;
    return { url: url(full), arn: arn(full), dlqUrl: url(`${full}-dlq`), dlqArn: arn(`${full}-dlq`) };
  };
  const inbound = Object.values(functions as Record<string, FunctionDefinition>).flatMap((definition) =>
    definition.inboundQueue ? [definition.inboundQueue.name] : [],
  );
  const resources: OpsResources = {
    prefix: directory.namePrefix,
    tables: directory.tables as Record<TableName, string>,
    buckets: directory.buckets as Record<BucketName, string>,
    topicArn: '',
    queues: Object.fromEntries([
      ...routingRules.map((rule) => [rule.name, queue(rule.target.name)]),
      ...inbound.map((name) => [name, queue(name)]),
    ]),
    aws: { region, account: directory.account, busName: directory.busName, archiveName: directory.archiveName },
  };
  Object.assign(process.env, {
    FABRIC_EVENT_BUS_NAME: directory.busName,
    ...Object.fromEntries(
      Object.entries(directory.tables).map(([table, name]) => [tableEnvVar(table as TableName), name]),
    ),
    ...Object.fromEntries(
      Object.entries(directory.buckets).map(([bucket, name]) => [bucketEnvVar(bucket as BucketName), name]),
    ),
  });
  const clients = {
    dynamodb: new DynamoDBClient({ region }),
    s3: new S3Client({ region }),
    sns: new SNSClient({ region }),
    sqs: new SQSClient({ region }),
  };
  return { resources, clients };
}
