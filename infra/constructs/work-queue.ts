import { Duration, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface WorkQueueProps {
  queueName: string;
  visibilityTimeoutSeconds: number;
  /** Receives before a message is parked in the dead-letter queue. */
  maxReceiveCount: number;
  /** How long an unread message is kept; SQS's four days when unset. */
  retentionPeriod?: Duration;
}

/**
 * A queue a function works through, with the dead-letter queue that keeps what it kept failing on for
 * 14 days and may redrive only to it, so the console's "Start DLQ redrive" works. Both are encrypted
 * with SQS-managed keys and refuse requests without TLS. Construct ids are `<id>Queue`,
 * `<id>DeadLetterQueue` and `<id>RedriveSource` under `scope`.
 */
export function workQueue(
  scope: Construct,
  id: string,
  props: WorkQueueProps,
): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
  const deadLetterQueue = new sqs.Queue(scope, `${id}DeadLetterQueue`, {
    queueName: `${props.queueName}-dlq`,
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // The source queue is named by an ARN built from its fixed name: referencing the queue itself
    // would be a circular dependency, since its redrive policy already references this queue.
    redriveAllowPolicy: {
      redrivePermission: sqs.RedrivePermission.BY_QUEUE,
      sourceQueues: [
        sqs.Queue.fromQueueArn(
          scope,
          `${id}RedriveSource`,
          Stack.of(scope).formatArn({ service: 'sqs', resource: props.queueName }),
        ),
      ],
    },
  });
  const queue = new sqs.Queue(scope, `${id}Queue`, {
    queueName: props.queueName,
    visibilityTimeout: Duration.seconds(props.visibilityTimeoutSeconds),
    ...(props.retentionPeriod ? { retentionPeriod: props.retentionPeriod } : {}),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}
