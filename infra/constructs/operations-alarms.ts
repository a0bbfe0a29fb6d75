import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXCEPTION_KINDS, type ExceptionKind } from '#domain/exceptions/model';
import type { SalesChannel } from '#domain/kernel/order';

/** The queues and rules one stack holds, watched together. */
export interface WatchedQueues {
  /** Scope of their alarms, so that two stacks may hold constructs of the same id. */
  name: string;
  /** Queues where the fabric holds messages it could not process or deliver. */
  deadLetterQueues: readonly sqs.IQueue[];
  /** Queues a consumer reads: age there means the consumer is stuck or far behind. */
  consumerQueues: readonly sqs.IQueue[];
  /** EventBridge rules on `bus`. */
  rules: readonly events.IRule[];
}

export interface OperationsAlarmsProps {
  /** Every stack's queues and rules. */
  watched: readonly WatchedQueues[];
  bus: events.IEventBus;
  api: apigateway.RestApi;
  /** Subscribed to the alarm topic when set; the topic exists either way for other subscribers. */
  alarmEmail?: string;
  /** The channels the region's catch-up pull covers, when it deploys one. */
  catchUp?: { channels: readonly SalesChannel[]; recoveredPerHour?: number };
}

/** The oldest message a consumer queue may hold before someone looks: well past any retry cycle. */
const OLDEST_MESSAGE_AGE = Duration.minutes(15);
/** An open exception nobody has touched for this long is work that fell between desks. */
const OLDEST_OPEN_EXCEPTION_AGE = Duration.hours(4);
/**
 * Open exceptions of a kind that call for a person at once: money or stock is wrong until someone acts
 * (an ERP that refused a sales order, a unit sold after the channel showed zero). Other kinds alarm on
 * a pile-up, which means a cause upstream (a catalog nobody mapped, a till that stopped uploading).
 */
const OPEN_EXCEPTIONS_THRESHOLD: Partial<Record<ExceptionKind, number>> = {
  ErpPostingRejected: 1,
  OversellIncident: 1,
};
const OPEN_EXCEPTIONS_PILE_UP = 25;

/**
 * Orders a channel's catch-up may find in an hour that no webhook brought before someone looks: a few
 * are a webhook lost now and then, a rising count is a subscription the channel disabled or a
 * signature the fabric refuses.
 */
const RECOVERED_ORDERS_PER_HOUR = 3;

/** Share of API requests answered 4xx that means a channel misconfiguration (a rotated secret), not noise. */
const CLIENT_ERROR_PERCENT = 20;

/**
 * The signals someone must act on:
 * - a message parked in a dead-letter queue (held, not dropped, but only useful if someone redrives it);
 * - a consumer queue whose oldest message is old: the consumer is failing, throttled or stopped, and
 *   orders are waiting;
 * - EventBridge failing to deliver to a rule's queue (a policy or quota problem: events pile up in the
 *   undelivered queue);
 * - the API answering channels with server errors (channels retry for a while, then give up on or
 *   disable the webhook subscription), or rejecting a large share of requests (a channel signing with
 *   a secret the fabric does not have);
 * - the ERP breaker open (the ERP is down: postings wait in their queue), and orders stuck in one
 *   lifecycle state past their SLA (nothing failed, so nothing else would say so);
 * - per exception kind, open exceptions piling up (or any, for the kinds that cost money at once) and
 *   the oldest open one left untouched (docs/exceptions.md says what each means and how to fix it).
 */
export class OperationsAlarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Retail fabric alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (
      metric: cloudwatch.Metric | cloudwatch.MathExpression,
      alarmId: string,
      alarmDescription: string,
      threshold: number,
      scope: Construct = this,
    ) =>
      metric
        .createAlarm(scope, alarmId, {
          alarmDescription,
          threshold,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(notify);

    for (const { name, deadLetterQueues, consumerQueues, rules } of props.watched) {
      const scope = new Construct(this, name);
      for (const queue of deadLetterQueues) {
        alarm(
          queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          `${queue.node.id}MessagesHeld`,
          `Messages are waiting in ${queue.queueName}: inspect them (npm run ops -- dlq peek), fix the cause, then redrive.`,
          1,
          scope,
        );
      }
      for (const queue of consumerQueues) {
        alarm(
          queue.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(5),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          `${queue.node.id}OldestMessageAge`,
          `${queue.queueName} holds a message older than ${OLDEST_MESSAGE_AGE.toHumanString()}: its consumer is failing, throttled or stopped.`,
          OLDEST_MESSAGE_AGE.toSeconds(),
          scope,
        );
      }
      for (const rule of rules) {
        alarm(
          new cloudwatch.Metric({
            namespace: 'AWS/Events',
            metricName: 'FailedInvocations',
            dimensionsMap: { EventBusName: props.bus.eventBusName, RuleName: rule.ruleName },
            period: Duration.minutes(5),
            statistic: cloudwatch.Stats.SUM,
          }),
          `${rule.node.id}FailedInvocations`,
          "EventBridge could not deliver to this rule's queue: check the queue policy and quotas; events wait in the undelivered queue.",
          1,
          scope,
        );
      }
    }

    alarm(
      fabricMetric('erp-posting', 'ErpBreakerOpen', cloudwatch.Stats.MAXIMUM),
      'ErpBreakerOpen',
      'The ERP circuit breaker is open: the ERP is failing, sales orders and journals wait in their queues until it recovers.',
      1,
    );
    alarm(
      fabricMetric('order-sla-watch', 'OrdersStuck', cloudwatch.Stats.SUM),
      'OrdersStuck',
      'Orders stayed in one lifecycle state past their SLA: see the OrderStuck events and npm run ops -- order trace <orderId>.',
      1,
    );
    if (props.catchUp) {
      const recovered = new Construct(this, 'OrdersRecoveredByCatchUp');
      for (const channel of props.catchUp.channels) {
        alarm(
          new cloudwatch.Metric({
            namespace: 'RetailFabric',
            metricName: 'OrdersRecoveredByCatchUp',
            dimensionsMap: { service: 'order-intake', channel },
            period: Duration.hours(1),
            statistic: cloudwatch.Stats.SUM,
          }),
          channel,
          `The catch-up pull keeps finding ${channel} orders no webhook delivered: check the ${channel} webhook subscription (disabled after failures?) and the 4xx answers to /webhooks/${channel}.`,
          props.catchUp.recoveredPerHour ?? RECOVERED_ORDERS_PER_HOUR,
          recovered,
        );
      }
    }
    const exceptions = new Construct(this, 'ExceptionQueue');
    for (const kind of EXCEPTION_KINDS) {
      alarm(
        exceptionMetric('OpenExceptions', kind),
        `${kind}Open`,
        `Open ${kind} exceptions: npm run ops -- exceptions list --kind ${kind} --status open; docs/exceptions.md says how to fix each.`,
        OPEN_EXCEPTIONS_THRESHOLD[kind] ?? OPEN_EXCEPTIONS_PILE_UP,
        exceptions,
      );
      alarm(
        exceptionMetric('OldestOpenExceptionAgeSeconds', kind),
        `${kind}OldestOpen`,
        `An open ${kind} exception is older than ${OLDEST_OPEN_EXCEPTION_AGE.toHumanString()}: nobody has picked it up (npm run ops -- exceptions list --kind ${kind} --status open).`,
        OLDEST_OPEN_EXCEPTION_AGE.toSeconds(),
        exceptions,
      );
    }
    alarm(
      props.api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      'ApiServerErrors',
      'The fabric API is answering with 5xx: channels will retry, then stop delivering.',
      5,
    );
    alarm(
      new cloudwatch.MathExpression({
        // Below 20 requests in five minutes a handful of probes would trip a rate: only volume counts.
        expression: 'IF(requests >= 20, 100 * clientErrors / requests, 0)',
        usingMetrics: {
          clientErrors: props.api.metricClientError({ statistic: cloudwatch.Stats.SUM }),
          requests: props.api.metricCount({ statistic: cloudwatch.Stats.SUM }),
        },
        period: Duration.minutes(5),
        label: 'API requests answered 4xx (%)',
      }),
      'ApiClientErrorRate',
      `More than ${CLIENT_ERROR_PERCENT}% of API requests are rejected: a channel is likely signing with a secret the fabric does not have, or sending a changed payload.`,
      CLIENT_ERROR_PERCENT,
    );
  }
}

/** A counter a fabric function emits through Powertools, which puts the function's name in `service`. */
/** The exceptions function reports these per kind every few minutes (functions/exception-queue/handler.ts). */
function exceptionMetric(metricName: string, kind: ExceptionKind): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'RetailFabric',
    metricName,
    dimensionsMap: { service: 'exception-queue', kind },
    period: Duration.minutes(15),
    statistic: cloudwatch.Stats.MAXIMUM,
  });
}

function fabricMetric(service: string, metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'RetailFabric',
    metricName,
    dimensionsMap: { service },
    period: Duration.minutes(15),
    statistic,
  });
}
