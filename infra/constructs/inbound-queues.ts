import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { constructId } from './construct-id';
import type { FabricFunction } from './fabric-function';
import { workQueue } from './work-queue';

export interface InboundQueuesProps {
  /** Prefix of the queue names, unique per stack: `<prefix>-<queue>`, `<prefix>-<queue>-dlq`. */
  namePrefix: string;
  /** The functions of this construct's stack, by topology name. */
  functions: Readonly<Record<string, FabricFunction>>;
}

/**
 * Queues a channel writes to directly, outside the event bus (Amazon SP-API notifications to an SQS
 * destination), as the topology's `inboundQueue` declares: the queue, a DLQ that can redrive to it,
 * a queue policy letting only the channel's accounts send, and the consuming function's event source
 * with per-record failure reporting. Trust in these messages is exactly this policy.
 */
export class InboundQueues extends Construct {
  readonly deadLetterQueues: sqs.Queue[] = [];
  readonly queues: Record<string, sqs.Queue> = {};

  constructor(scope: Construct, id: string, { namePrefix, functions }: InboundQueuesProps) {
    super(scope, id);
    for (const fn of Object.values(functions)) {
      const inbound = fn.definition.inboundQueue;
      if (!inbound) continue;
      const queueId = constructId(inbound.name);
      const queueName = `${namePrefix}-${inbound.name}`;
      // SQS-managed keys: SP-API cannot send to a queue encrypted with a customer-managed KMS key.
      const { queue, deadLetterQueue } = workQueue(this, queueId, {
        queueName,
        visibilityTimeoutSeconds: inbound.visibilityTimeoutSeconds,
        maxReceiveCount: inbound.maxReceiveCount,
        retentionPeriod: Duration.days(14),
      });
      queue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ChannelMaySend',
          principals: inbound.senderAccounts.map((account) => new iam.AccountPrincipal(account)),
          actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
          resources: [queue.queueArn],
        }),
      );
      fn.consumeQueue(queue, { queueName, maxReceiveCount: inbound.maxReceiveCount }, { batchSize: inbound.batchSize });
      this.queues[inbound.name] = queue;
      this.deadLetterQueues.push(deadLetterQueue);
    }
  }
}
