import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EventSource } from '../../events/catalog';
import { routingRules, type EventPattern, type RoutingRule } from '../../events/routing-rules';
import { constructId } from './construct-id';

export interface EventBackboneProps {
  /** Prefix of the bus and queue names, unique per stack: `<prefix>`, `<prefix>-<queue>`, `<prefix>-<queue>-dlq`, `<prefix>-undelivered`. */
  namePrefix: string;
}

/** One routing rule's queues: where its consumer reads, and where failures are held. */
interface Route {
  queue: sqs.Queue;
  /** Messages the consumer failed on `maxReceiveCount` times; redrive them to `queue` from the console. */
  deadLetterQueue: sqs.Queue;
  rule: events.Rule;
}

/**
 * The fabric bus, an archive of every fabric event for replay, and one queue per routing rule in
 * `events/routing-rules.ts`, fed by an EventBridge rule built from the same pattern the local runtime
 * uses. Nothing is dropped: a message the consumer keeps failing on lands in the rule's dead-letter
 * queue, and an event that cannot be delivered at all in the one undelivered-events queue, each kept
 * for 14 days. One undelivered queue serves every rule: such failures are rare and regional (a broken
 * policy, a quota), EventBridge names the rule on each message, and a queue per rule would cost three
 * resources a rule against CloudFormation's 500 per stack.
 *
 * Queues use SQS-managed encryption (SSE-SQS): a customer-managed key would need a key policy letting
 * events.amazonaws.com use it, coupling every rule to the key, while these messages are transient
 * copies of events that the archive and the stores already hold.
 */
export class EventBackbone extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  /** Events EventBridge could not deliver to a rule's queue within a day, with the rule's ARN and the error on each. */
  readonly undeliveredQueue: sqs.Queue;
  private readonly routes = new Map<string, Route>();

  constructor(scope: Construct, id: string, { namePrefix }: EventBackboneProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: namePrefix,
      description: 'Canonical retail events: orders, inventory, fulfilment, returns, settlement, accounting.',
    });
    // A replay re-delivers to the same rules, so consumers see duplicates: they are idempotent on
    // business ids for exactly this reason (and for at-least-once delivery in general).
    this.archive = this.bus.archive('Archive', {
      description: 'Every fabric event, for replay after a consumer bug is fixed.',
      eventPattern: { source: Object.values(EventSource) },
      retention: Duration.days(365),
    });
    this.undeliveredQueue = new sqs.Queue(this, 'UndeliveredQueue', {
      queueName: `${namePrefix}-undelivered`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.undeliveredQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue, for the EventBridge rule targets; cdk-nag only recognises dead-letter queues named in another queue\'s redrive policy.',
    });
    for (const rule of routingRules) this.routes.set(rule.name, this.createRoute(rule, namePrefix));
  }

  /** The queue a routing rule delivers to; throws for a rule not in `routingRules`. */
  queueFor(ruleName: string): sqs.Queue {
    const route = this.routes.get(ruleName);
    if (!route) throw new Error(`no routing rule named "${ruleName}"`);
    return route.queue;
  }

  /** Every rule's consumer queue: where a slow or stuck consumer shows as age. */
  get consumerQueues(): sqs.Queue[] {
    return [...this.routes.values()].map((route) => route.queue);
  }

  /** Every EventBridge rule: where a failed delivery to a queue shows. */
  get rules(): events.Rule[] {
    return [...this.routes.values()].map((route) => route.rule);
  }

  /** Every queue where failures are held: each route's DLQ, and the undelivered-events queue. */
  get deadLetterQueues(): sqs.Queue[] {
    return [...[...this.routes.values()].map((route) => route.deadLetterQueue), this.undeliveredQueue];
  }

  private createRoute(rule: RoutingRule, namePrefix: string): Route {
    const id = constructId(rule.name);
    const queueName = `${namePrefix}-${rule.target.name}`;

    const deadLetterQueue = new sqs.Queue(this, `${id}DeadLetterQueue`, {
      queueName: `${queueName}-dlq`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The source queue is named by an ARN built from its fixed name: referencing the queue itself
      // would be a circular dependency, since its redrive policy already references this queue.
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, `${id}RedriveSource`, Stack.of(this).formatArn({ service: 'sqs', resource: queueName }))],
      },
    });
    const queue = new sqs.Queue(this, `${id}Queue`, {
      queueName,
      visibilityTimeout: Duration.seconds(rule.target.visibilityTimeoutSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: rule.target.maxReceiveCount },
    });

    const eventRule = new events.Rule(this, `${id}Rule`, {
      eventBus: this.bus,
      description: rule.description,
      eventPattern: toEventPattern(rule.pattern),
      targets: [
        new targets.SqsQueue(queue, {
          deadLetterQueue: this.undeliveredQueue,
          // Delivery to SQS fails only on throttling or a broken queue policy: keep trying for the
          // full day EventBridge allows before parking the event.
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    return { queue, deadLetterQueue, rule: eventRule };
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
