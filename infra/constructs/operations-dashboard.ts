import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FabricFunction } from './fabric-function';

export interface OperationsDashboardProps {
  /** `<prefix>-operations` is the dashboard's name: one per region. */
  namePrefix: string;
  /** Every function of the region, by topology name, whatever its stack. */
  functions: Readonly<Record<string, FabricFunction>>;
  api: apigateway.RestApi;
  consumerQueues: readonly sqs.IQueue[];
  deadLetterQueues: readonly sqs.IQueue[];
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * One page per region that answers "is business flowing?" before "is the plumbing healthy?": each
 * function's own business counters (webhooks by channel and verdict, stock decisions, POS uploads,
 * ERP postings...) come first, found by the `service` dimension Powertools puts on every metric, so a
 * new function or counter shows up without touching this file. Then how far behind the business each
 * consumer runs (event lag), what is held in DLQs and how old the oldest waiting message is, and the
 * API's answers.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    { namePrefix, functions, api, consumerQueues, deadLetterQueues }: OperationsDashboardProps,
  ) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${namePrefix}-operations`,
      defaultInterval: Duration.hours(3),
    });

    const names = Object.keys(functions).sort();
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# Retail fabric\nBusiness counters per function, then lag, held messages and the API. Runbook: docs/deploy.md; held messages: `npm run ops -- dlq peek <rule>`.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      ...names.map(
        (name) =>
          new cloudwatch.GraphWidget({
            title: name,
            width: 8,
            left: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('Namespace="RetailFabric" service="${name}" NOT MetricName="EventLag"', 'Sum', 300)`,
                label: '',
                period: FIVE_MINUTES,
              }),
            ],
          }),
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Event lag p95: event time to processing (ms)',
        width: 12,
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('Namespace="RetailFabric" MetricName="EventLag"', 'p95', 300)`,
            label: '',
            period: FIVE_MINUTES,
          }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Oldest waiting message per consumer queue (s)',
        width: 12,
        left: consumerQueues.map((queue) =>
          queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Messages held in dead-letter queues',
        width: 12,
        stacked: true,
        left: deadLetterQueues.map((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'API: requests, 4xx, 5xx',
        width: 12,
        left: [
          api.metricCount({ period: FIVE_MINUTES }),
          api.metricClientError({ period: FIVE_MINUTES }),
          api.metricServerError({ period: FIVE_MINUTES }),
        ],
        right: [api.metricLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(95) })],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors and throttles',
        width: 24,
        left: names.map((name) => functions[name].metricErrors({ period: FIVE_MINUTES, label: `${name} errors` })),
        right: names.map((name) =>
          functions[name].metricThrottles({ period: FIVE_MINUTES, label: `${name} throttles` }),
        ),
      }),
    );
  }
}
