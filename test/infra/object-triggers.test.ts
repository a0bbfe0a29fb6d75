import { Template } from 'aws-cdk-lib/assertions';
import type { FabricStack } from '../../infra/fabric-stack';
import { acknowledgementsWithoutFinding, buildFabric, unacknowledgedFindings } from './fabric-synth';

let stack: FabricStack;
let template: Template;

beforeAll(() => {
  [stack] = buildFabric({ regions: 'us-east-1' });
  template = Template.fromStack(stack);
});

function logicalIdOf(type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

test('invokes the function for objects created under its prefix in its bucket', () => {
  template.hasResourceProperties('Custom::S3BucketNotifications', {
    BucketName: { Ref: logicalIdOf('AWS::S3::Bucket', 'DataStoresPosBatchesBucket') },
    NotificationConfiguration: {
      LambdaFunctionConfigurations: [{
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
        LambdaFunctionArn: { 'Fn::GetAtt': [logicalIdOf('AWS::Lambda::Function', 'PosBatchIngest'), 'Arn'] },
      }],
    },
  });
});

test('parks an invocation that failed three times in the function\'s failed-invocations queue', () => {
  const queueId = logicalIdOf('AWS::SQS::Queue', 'ObjectTriggersPosBatchIngestFailedInvocations');

  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: logicalIdOf('AWS::Lambda::Function', 'PosBatchIngest') },
    MaximumRetryAttempts: 2,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
  });
});

test('leaves no cdk-nag finding unacknowledged, nor an acknowledgement without a finding', () => {
  expect(unacknowledgedFindings(stack)).toEqual([]);
  expect(acknowledgementsWithoutFinding(stack)).toEqual([]);
});
