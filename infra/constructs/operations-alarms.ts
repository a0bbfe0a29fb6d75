import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationsAlarmsProps {
  /** Every queue where the fabric holds messages it could not process or deliver. */
  deadLetterQueues: readonly sqs.IQueue[];
  api: apigateway.RestApi;
  /** Subscribed to the alarm topic when set; the topic exists either way for other subscribers. */
  alarmEmail?: string;
}

/**
 * The two signals someone must act on: a message parked in a dead-letter queue (held, not dropped,
 * but only useful if someone redrives it) and the API answering channels with server errors (channels
 * retry for a while, then give up on or disable the webhook subscription).
 */
export class OperationsAlarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, { deadLetterQueues, api, alarmEmail }: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Retail fabric alarms', enforceSSL: true });
    if (alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    const notify = new actions.SnsAction(this.topic);

    for (const queue of deadLetterQueues) {
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
        .createAlarm(this, `${queue.node.id}MessagesHeld`, {
          alarmDescription: `Messages are waiting in ${queue.queueName}: inspect them, fix the cause, then redrive.`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(notify);
    }

    api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'ApiServerErrors', {
        alarmDescription: 'The fabric API is answering with 5xx: channels will retry, then stop delivering.',
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(notify);
  }
}
