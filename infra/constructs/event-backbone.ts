import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EventSource } from '#events/catalog';
import { EVENT_ARCHIVE_RETENTION_DAYS } from '#shared/config/topology';

export interface EventBackboneProps {
  /** The bus's name, unique per region: `<prefix>`, and `<prefix>-undelivered` for the holding queue. */
  namePrefix: string;
}

/**
 * The fabric bus, an archive of every fabric event for replay, and the one queue where EventBridge
 * parks an event it could not deliver to any rule's queue, kept for 14 days. The rules and their
 * queues live with the capability that consumes them (infra/constructs/consumer-queues.ts); this is
 * what they all share. One undelivered queue serves every rule: such failures are rare and regional
 * (a broken policy, a quota), and EventBridge names the rule on each message.
 */
export class EventBackbone extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  /** Events EventBridge could not deliver to a rule's queue within a day, with the rule's ARN and the error on each. */
  readonly undeliveredQueue: sqs.Queue;

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
      retention: Duration.days(EVENT_ARCHIVE_RETENTION_DAYS),
    });
    this.undeliveredQueue = new sqs.Queue(this, 'UndeliveredQueue', {
      queueName: `${namePrefix}-undelivered`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    // Admits any rule on this bus rather than each rule by ARN: the rules live in the capability
    // stacks, which depend on this one, so naming them here would make the dependency circular.
    this.undeliveredQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RulesOnTheFabricBusMayPark',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.undeliveredQueue.queueArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: `${namePrefix}/*`,
            }),
          },
        },
      }),
    );
    Validations.of(this.undeliveredQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue, for the EventBridge rule targets; cdk-nag only recognises dead-letter queues named in another queue's redrive policy.",
    });
  }
}
