import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BucketName, FunctionName } from '../../shared/config/topology';
import { constructId } from './construct-id';
import type { FabricFunction } from './fabric-function';

/** The id CDK gives the one function per stack that writes bucket notification configurations. */
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export interface ObjectTriggersProps {
  functions: Readonly<Record<FunctionName, FabricFunction>>;
  buckets: Readonly<Record<BucketName, s3.IBucket>>;
}

/**
 * Invokes functions on S3 object-created notifications under a bucket prefix (POS batch uploads), as
 * the topology's `objectTriggers` declare. S3 invokes asynchronously: Lambda retries a failed
 * invocation twice (as the local runtime does), then parks the event, with the error, in the
 * function's failed-invocations queue instead of dropping it.
 */
export class ObjectTriggers extends Construct {
  readonly failedInvocationQueues: sqs.Queue[] = [];

  constructor(scope: Construct, id: string, { functions, buckets }: ObjectTriggersProps) {
    super(scope, id);
    for (const [name, fn] of Object.entries(functions) as [FunctionName, FabricFunction][]) {
      const { definition } = fn;
      if (!definition.objectTriggers?.length) continue;
      const failedInvocations = new sqs.Queue(this, `${constructId(name)}FailedInvocations`, {
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      Validations.of(failedInvocations).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead letter: the on-failure destination of asynchronous invocations; cdk-nag only recognises dead-letter queues named in a redrive policy.',
      });
      fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(failedInvocations) });
      for (const { bucket, prefix } of definition.objectTriggers) {
        buckets[bucket].addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix });
      }
      this.failedInvocationQueues.push(failedInvocations);
    }
    this.acknowledgeNotificationsHandler();
  }

  /** CDK's notifications handler is its own code, outside the fabric's conventions. */
  private acknowledgeNotificationsHandler(): void {
    const handler = Stack.of(this).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
    if (!handler) return;
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK\'s bucket-notifications custom resource brings its own role with the basic execution policy; it runs only during deployments.',
    });
  }
}
