import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { FabricFunction } from './constructs/fabric-function';
import { OperationsAlarms, type OperationsAlarmsProps, type WatchedQueues } from './constructs/operations-alarms';
import { OperationsDashboard } from './constructs/operations-dashboard';

export interface OperationsStackProps extends StackProps {
  env: { region: string; account?: string };
  namePrefix: string;
  /** Every stack's queues and rules. */
  watched: readonly WatchedQueues[];
  /** Every function of the region, by topology name. */
  functions: Readonly<Record<string, FabricFunction>>;
  bus: events.IEventBus;
  api: apigateway.RestApi;
  alarmEmail?: string;
  catchUp?: OperationsAlarmsProps['catchUp'];
}

/**
 * The region's alarms, their topic and its dashboard, over every other stack's queues, rules,
 * functions and API. Deployed last: it only reads the others, so adding an alarm never touches a
 * running function.
 */
export class OperationsStack extends Stack {
  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const alarms = new OperationsAlarms(this, 'Alarms', {
      watched: props.watched,
      bus: props.bus,
      api: props.api,
      alarmEmail: props.alarmEmail,
      catchUp: props.catchUp,
    });
    const dashboard = new OperationsDashboard(this, 'Operations', {
      namePrefix: props.namePrefix,
      functions: props.functions,
      api: props.api,
      consumerQueues: props.watched.flatMap((watched) => watched.consumerQueues),
      deadLetterQueues: props.watched.flatMap((watched) => watched.deadLetterQueues),
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
  }
}
