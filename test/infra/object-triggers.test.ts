import type { Template } from 'aws-cdk-lib/assertions';
import type { RegionalFabric } from '../../infra/fabric-app';
import { acknowledgementsWithoutFinding, buildFabric, regionTemplate, unacknowledgedFindings } from './fabric-synth';

let fabric: RegionalFabric;
/** Every stack of the region, resources named `<stack part>/<logical id>` (see regionTemplate). */
let template: Template;

beforeAll(() => {
  [fabric] = buildFabric({ regions: 'us-east-1' });
  template = regionTemplate(fabric);
});

function logicalIdOf(type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

test("invokes the function for objects created under its prefix in its bucket, configured from the function's stack", () => {
  template.hasResourceProperties('Custom::S3BucketNotifications', {
    BucketName: { Ref: logicalIdOf('AWS::S3::Bucket', 'Stateful/DataStoresPosBatchesBucket') },
    NotificationConfiguration: {
      LambdaFunctionConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
          LambdaFunctionArn: { 'Fn::GetAtt': [logicalIdOf('AWS::Lambda::Function', 'Pos/PosBatchIngest'), 'Arn'] },
        },
      ],
    },
    // Merged with what other stacks configure on the same bucket, never replacing it.
    Managed: false,
  });
  expect(
    Object.keys(template.findResources('Custom::S3BucketNotifications')).filter((id) => id.startsWith('Pos/')),
  ).toHaveLength(1);
});

test("lets S3 invoke the function only for its bucket, with the permission in the function's stack", () => {
  template.hasResourceProperties('AWS::Lambda::Permission', {
    Principal: 's3.amazonaws.com',
    FunctionName: { 'Fn::GetAtt': [logicalIdOf('AWS::Lambda::Function', 'Pos/PosBatchIngest'), 'Arn'] },
    SourceArn: { 'Fn::GetAtt': [logicalIdOf('AWS::S3::Bucket', 'Stateful/DataStoresPosBatchesBucket'), 'Arn'] },
  });
  expect(
    Object.entries(
      template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 's3.amazonaws.com' } }),
    ).map(([id]) => id.split('/')[0]),
  ).not.toContain('Stateful');
});

test("parks an invocation that failed three times in the function's failed-invocations queue", () => {
  const queueId = logicalIdOf('AWS::SQS::Queue', 'Pos/ObjectTriggersPosBatchIngestFailedInvocations');

  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: logicalIdOf('AWS::Lambda::Function', 'Pos/PosBatchIngest') },
    MaximumRetryAttempts: 2,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
  });
});

test('leaves no cdk-nag finding unacknowledged, nor an acknowledgement without a finding', () => {
  expect(fabric.stacks.flatMap(unacknowledgedFindings)).toEqual([]);
  expect(fabric.stacks.flatMap(acknowledgementsWithoutFinding)).toEqual([]);
});
