import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { constructId } from './construct-id';
import type { FabricFunction } from './fabric-function';

export interface ScheduledRunsProps {
  /** The functions of this construct's stack, by topology name. */
  functions: Readonly<Record<string, FabricFunction>>;
}

/**
 * Runs the topology's scheduled functions (pull connectors, sweepers) at their fixed rate through
 * EventBridge Scheduler, which the local runtime plays with a timer. A run Scheduler cannot deliver
 * after its retries is parked in one queue, alarmed like every DLQ.
 */
export class ScheduledRuns extends Construct {
  readonly undeliveredRunQueues: sqs.Queue[] = [];

  constructor(scope: Construct, id: string, { functions }: ScheduledRunsProps) {
    super(scope, id);
    const scheduled = Object.entries(functions).flatMap(([name, fn]) => {
      const { schedule } = fn.definition;
      return schedule ? [{ name, fn, everyMinutes: schedule.everyMinutes }] : [];
    });
    if (scheduled.length === 0) return;
    const undelivered = new sqs.Queue(this, 'UndeliveredRuns', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(undelivered).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead letter: where EventBridge Scheduler parks runs it could not deliver.',
    });
    this.undeliveredRunQueues.push(undelivered);
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
    });
    for (const { name, fn, everyMinutes } of scheduled) {
      new scheduler.Schedule(this, constructId(name), {
        description: `Runs ${name} every ${everyMinutes} minute(s).`,
        schedule: scheduler.ScheduleExpression.rate(Duration.minutes(everyMinutes)),
        target: new targets.LambdaInvoke(fn, {
          role,
          deadLetterQueue: undelivered,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: `Scheduler's Lambda target grants invoke on ${name} and its versions (ARN:*); nothing else.`,
      });
    }
  }
}
