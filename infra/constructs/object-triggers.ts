import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BucketName } from '#shared/config/topology';
import { constructId } from './construct-id';
import type { FabricFunction } from './fabric-function';

/** The id CDK gives the one function per stack that writes bucket notification configurations. */
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export interface ObjectTriggersProps {
  /** The functions of this construct's stack, by topology name. */
  functions: Readonly<Record<string, FabricFunction>>;
  buckets: Readonly<Record<BucketName, s3.IBucket>>;
}

/**
 * Invokes functions on S3 object-created notifications under a bucket prefix (POS batch uploads), as
 * the topology's `objectTriggers` declare. S3 invokes asynchronously: Lambda retries a failed
 * invocation twice (as the local runtime does), then parks the event, with the error, in the
 * function's failed-invocations queue instead of dropping it.
 *
 * The buckets live in the stateful stack and the functions beside this construct. Each bucket is
 * imported here, so the notification configuration and S3's permission to invoke are this stack's
 * resources: on the bucket itself they would make the stateful stack name functions of the stacks
 * that depend on it. An imported bucket's configuration is merged, not replaced, so notifications
 * another stack sets on the same bucket are kept.
 */
export class ObjectTriggers extends Construct {
  readonly failedInvocationQueues: sqs.Queue[] = [];

  constructor(scope: Construct, id: string, { functions, buckets }: ObjectTriggersProps) {
    super(scope, id);
    for (const [name, fn] of Object.entries(functions)) {
      const { definition } = fn;
      if (!definition.objectTriggers?.length) continue;
      const failedInvocations = new sqs.Queue(this, `${constructId(name)}FailedInvocations`, {
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      Validations.of(failedInvocations).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead letter: the on-failure destination of asynchronous invocations; cdk-nag only recognises dead-letter queues named in a redrive policy.',
      });
      fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(failedInvocations) });
      for (const { bucket, prefix } of definition.objectTriggers) {
        this.imported(bucket, buckets[bucket]).addEventNotification(
          s3.EventType.OBJECT_CREATED,
          new s3n.LambdaDestination(fn),
          { prefix },
        );
      }
      this.failedInvocationQueues.push(failedInvocations);
    }
    this.acknowledgeNotificationsHandler();
  }

  private imported(name: BucketName, bucket: s3.IBucket): s3.IBucket {
    const id = `${constructId(name)}Bucket`;
    return (
      (this.node.tryFindChild(id) as s3.IBucket | undefined) ??
      s3.Bucket.fromBucketAttributes(this, id, { bucketArn: bucket.bucketArn, bucketName: bucket.bucketName })
    );
  }

  /** CDK's notifications handler is its own code, outside the fabric's conventions. */
  private acknowledgeNotificationsHandler(): void {
    const handler = Stack.of(this).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
    if (!handler) return;
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's bucket-notifications custom resource brings its own role with the basic execution policy; it runs only during deployments.",
    });
  }
}
