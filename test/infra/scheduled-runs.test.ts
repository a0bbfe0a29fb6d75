import { Template } from 'aws-cdk-lib/assertions';
import type { FabricStack } from '../../infra/fabric-stack';
import { acknowledgementsWithoutFinding, buildFabric, unacknowledgedFindings } from './fabric-synth';

// Adds a scheduled connector to the topology (reusing an existing handler as its entry: only the
// wiring is under test), since whether today's topology has one depends on which connectors exist.
jest.mock('../../shared/config/topology', () => {
  const topology = jest.requireActual('../../shared/config/topology');
  return {
    ...topology,
    functions: {
      ...topology.functions,
      'marketplace-poller': {
        entry: 'functions/order-query/handler.ts',
        description: 'Pulls orders from a marketplace API.',
        timeoutSeconds: 60,
        memoryMb: 256,
        schedule: { everyMinutes: 5 },
      },
    },
  };
});

let stack: FabricStack;
let template: Template;

beforeAll(() => {
  [stack] = buildFabric({ regions: 'us-east-1' });
  template = Template.fromStack(stack);
});

test('runs a scheduled function at its topology rate through EventBridge Scheduler, with a DLQ for undelivered runs', () => {
  const functionId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('MarketplacePoller'));
  const queueId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('ScheduledRunsUndeliveredRuns'));

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
  expect(unacknowledgedFindings(stack)).toEqual([]);
  expect(acknowledgementsWithoutFinding(stack)).toEqual([]);
});
