import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { BucketName, TableName } from '#shared/config/topology';

/** Where `npm run ops -- --region <r>` finds a region's resources. */
export const RESOURCE_DIRECTORY_PARAMETER = '/retail-fabric/resources';

export interface ResourceDirectoryProps {
  /** Queue names are `<prefix>-<rule target>`: the CLI derives every queue from it and the routing rules. */
  namePrefix: string;
  tables: Record<TableName, dynamodb.ITable>;
  buckets: Record<BucketName, s3.IBucket>;
  bus: events.IEventBus;
  archive: events.Archive;
}

/**
 * The names CloudFormation generated for this region's stores, bus and archive, in one SSM parameter,
 * so the ops CLI works against a deployed region with nothing but a profile: no stack outputs to copy,
 * and no naming scheme for tables that would collide between stacks.
 */
export class ResourceDirectory extends Construct {
  constructor(scope: Construct, id: string, props: ResourceDirectoryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    new ssm.StringParameter(this, 'Parameter', {
      parameterName: RESOURCE_DIRECTORY_PARAMETER,
      description: 'Retail fabric resource names for the ops CLI (npm run ops -- --region).',
      stringValue: stack.toJsonString({
        account: stack.account,
        namePrefix: props.namePrefix,
        tables: Object.fromEntries(Object.entries(props.tables).map(([name, table]) => [name, table.tableName])),
        buckets: Object.fromEntries(Object.entries(props.buckets).map(([name, bucket]) => [name, bucket.bucketName])),
        busName: props.bus.eventBusName,
        archiveName: props.archive.archiveName,
      }),
    });
  }
}
