import type { Template } from 'aws-cdk-lib/assertions';
import type { RegionalFabric } from '../../infra/fabric-app';
import { acknowledgementsWithoutFinding, buildFabric, regionTemplate, unacknowledgedFindings } from './fabric-synth';

// Adds a scheduled connector to the topology (reusing an existing handler as its entry: only the
// wiring is under test), since whether today's topology has one depends on which connectors exist.
jest.mock('#shared/config/topology', () => {
  const topology = jest.requireActual('#shared/config/topology');
  return {
    ...topology,
    functions: {
      ...topology.functions,
      'marketplace-poller': {
        capability: 'intake',
        entry: 'functions/order-query/handler.ts',
        description: 'Pulls orders from a marketplace API.',
        timeoutSeconds: 60,
        memoryMb: 256,
        schedule: { everyMinutes: 5 },
      },
    },
  };
});

let fabric: RegionalFabric;
/** Every stack of the region, resources named `<stack part>/<logical id>` (see regionTemplate). */
let template: Template;

beforeAll(() => {
  [fabric] = buildFabric({ regions: 'us-east-1' });
  template = regionTemplate(fabric);
});

test('runs a scheduled function at its topology rate through EventBridge Scheduler, with a DLQ for undelivered runs', () => {
  const functionId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) =>
    id.startsWith('Intake/MarketplacePoller'),
  );
  const queueId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) =>
    id.startsWith('Intake/ScheduledRunsUndeliveredRuns'),
  );

  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'rate(5 minutes)',
    Target: {
      Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      RetryPolicy: { MaximumRetryAttempts: 2 },
    },
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
  });
});

test('leaves no cdk-nag finding unacknowledged, nor an acknowledgement without a finding', () => {
  expect(fabric.stacks.flatMap(unacknowledgedFindings)).toEqual([]);
  expect(fabric.stacks.flatMap(acknowledgementsWithoutFinding)).toEqual([]);
});
