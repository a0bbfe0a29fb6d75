import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventPattern, RoutingRule } from '#events/routing-rules';
import { constructId } from './construct-id';
import type { FabricFunction } from './fabric-function';
import { workQueue } from './work-queue';

export interface ConsumerQueuesProps {
  /** Prefix of the queue names, one per region: `<prefix>-<queue>`, `<prefix>-<queue>-dlq`. */
  namePrefix: string;
  /** The routing rules whose consumer is among `functions`. */
  rules: readonly RoutingRule[];
  bus: events.IEventBus;
  /** Where EventBridge parks an event it cannot deliver; its own policy admits every rule on the bus. */
  undeliveredQueue: sqs.IQueue;
  functions: Readonly<Record<string, FabricFunction>>;
}

/**
 * One queue per routing rule in `events/routing-rules/`, fed by an EventBridge rule built from the
 * same pattern the local runtime uses, and read by the rule's consumer with the rule's batch settings.
 * Nothing is dropped: a message the consumer keeps failing on lands in the rule's dead-letter queue,
 * kept for 14 days, and batch item failures are reported per record, so one bad message is retried
 * (and eventually dead-lettered) alone. The queues and rules live in the consumer's stack, beside the
 * function whose work they hold.
 *
 * Queues use SQS-managed encryption (SSE-SQS): a customer-managed key would need a key policy letting
 * events.amazonaws.com use it, coupling every rule to the key, while these messages are transient
 * copies of events that the archive and the stores already hold.
 */
export class ConsumerQueues extends Construct {
  /** Every rule's consumer queue: where a slow or stuck consumer shows as age. */
  readonly consumerQueues: sqs.Queue[] = [];
  /** Messages a consumer failed on `maxReceiveCount` times; redrive them to their queue from the console. */
  readonly deadLetterQueues: sqs.Queue[] = [];
  /** Every EventBridge rule: where a failed delivery to a queue shows. */
  readonly rules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: ConsumerQueuesProps) {
    super(scope, id);
    // Imported by ARN so that the rule targets do not try to add their own statements to its policy:
    // that policy lives in the stateful stack, which cannot name rules of the stacks that depend on it.
    const undeliveredQueue = sqs.Queue.fromQueueArn(this, 'UndeliveredQueue', props.undeliveredQueue.queueArn);
    for (const rule of props.rules) {
      const consumer = props.functions[rule.consumer];
      if (!consumer)
        throw new Error(
          `routing rule "${rule.name}" names consumer "${rule.consumer}", which is not a function of this stack`,
        );
      this.createRoute(rule, consumer, props, undeliveredQueue);
    }
  }

  private createRoute(
    rule: RoutingRule,
    consumer: FabricFunction,
    { namePrefix, bus }: ConsumerQueuesProps,
    undeliveredQueue: sqs.IQueue,
  ): void {
    const id = constructId(rule.name);
    const queueName = `${namePrefix}-${rule.target.name}`;

    const { queue, deadLetterQueue } = workQueue(this, id, {
      queueName,
      visibilityTimeoutSeconds: rule.target.visibilityTimeoutSeconds,
      maxReceiveCount: rule.target.maxReceiveCount,
    });

    const eventRule = new events.Rule(this, `${id}Rule`, {
      eventBus: bus,
      description: rule.description,
      eventPattern: toEventPattern(rule.pattern),
      targets: [
        new targets.SqsQueue(queue, {
          deadLetterQueue: undeliveredQueue,
          // Delivery to SQS fails only on throttling or a broken queue policy: keep trying for the
          // full day EventBridge allows before parking the event.
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    consumer.consumeQueue(
      queue,
      { queueName, maxReceiveCount: rule.target.maxReceiveCount },
      {
        batchSize: rule.target.batchSize,
        maxBatchingWindow: Duration.seconds(rule.target.maxBatchingWindowSeconds),
        maxConcurrency: rule.target.maxConcurrency,
      },
    );
    this.consumerQueues.push(queue);
    this.deadLetterQueues.push(deadLetterQueue);
    this.rules.push(eventRule);
  }
}

/** The routing rules' pattern is EventBridge's own JSON; CDK only spells `detail-type` differently. */
function toEventPattern({ source, 'detail-type': detailType, detail }: EventPattern): events.EventPattern {
  return {
    ...(source ? { source } : {}),
    ...(detailType ? { detailType } : {}),
    ...(detail ? { detail } : {}),
  };
}
