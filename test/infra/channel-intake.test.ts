import { Match, Template } from 'aws-cdk-lib/assertions';
import { constructId } from '../../infra/constructs/construct-id';
import type { RegionalFabric } from '../../infra/fabric-app';
import { functions, type FunctionDefinition } from '#shared/config/topology';
import { acknowledgementsWithoutFinding, buildFabric, regionTemplate, unacknowledgedFindings } from './fabric-synth';

const REGION = 'us-east-1';
const topologyFunctions = Object.entries(functions) as [string, FunctionDefinition][];
let fabric: RegionalFabric;
/** Every stack of the region, resources named `<stack part>/<logical id>` (see regionTemplate). */
let template: Template;
let resources: Record<string, { Type: string; Properties: Record<string, any> }>;

beforeAll(() => {
  [fabric] = buildFabric({ regions: REGION });
  template = regionTemplate(fabric);
  resources = template.toJSON().Resources;
});

function idOf(type: string, predicate: (properties: Record<string, any>) => boolean): string {
  const found = Object.entries(resources).filter(
    ([, resource]) => resource.Type === type && predicate(resource.Properties),
  );
  expect(found).toHaveLength(1);
  return found[0][0];
}

const functionId = (name: string) =>
  idOf('AWS::Lambda::Function', (p) => p.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === name);

describe.each(topologyFunctions.filter(([, definition]) => definition.inboundQueue))(
  'the %s inbound queue',
  (name, definition) => {
    const inbound = definition.inboundQueue!;
    const queueName = `fabric-${REGION}-${inbound.name}`;

    test('lives with its consumer, in the stack of its capability', () => {
      const queueId = idOf('AWS::SQS::Queue', (p) => p.QueueName === queueName);

      expect(queueId.split('/')[0]).toBe(constructId(definition.capability!));
      expect(functionId(name).split('/')[0]).toBe(constructId(definition.capability!));
    });

    test('dead-letters after maxReceiveCount into a DLQ that can redrive to it', () => {
      const dlqId = idOf('AWS::SQS::Queue', (p) => p.QueueName === `${queueName}-dlq`);

      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: queueName,
        VisibilityTimeout: inbound.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          maxReceiveCount: inbound.maxReceiveCount,
        },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      });
    });

    test("lets only the channel's accounts send to it", () => {
      const queueId = idOf('AWS::SQS::Queue', (p) => p.QueueName === queueName);

      const policy = Object.values(resources).find(
        (r) =>
          r.Type === 'AWS::SQS::QueuePolicy' &&
          JSON.stringify(r.Properties.Queues) === JSON.stringify([{ Ref: queueId }]),
      )!;
      const allows = policy.Properties.PolicyDocument.Statement.filter(
        (statement: { Effect: string }) => statement.Effect === 'Allow',
      );

      expect(allows).toEqual([
        expect.objectContaining({
          Action: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
          Principal: {
            AWS:
              inbound.senderAccounts.length === 1
                ? `arn:aws:iam::${inbound.senderAccounts[0]}:root`
                : inbound.senderAccounts.map((account) => `arn:aws:iam::${account}:root`),
          },
        }),
      ]);
    });

    test(`is consumed by ${name}, reporting batch item failures`, () => {
      const queueId = idOf('AWS::SQS::Queue', (p) => p.QueueName === queueName);

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: functionId(name) },
        BatchSize: inbound.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    test('publishes its ARN, to register with the channel as the notification destination', () => {
      const [, queueId] = idOf('AWS::SQS::Queue', (p) => p.QueueName === queueName).split('/');

      Template.fromStack(fabric.capabilities[definition.capability!]).hasOutput(
        `${constructId(inbound.name)}QueueArn`,
        { Value: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      );
    });

    test('is visible for at least six consumer timeouts', () => {
      expect(inbound.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * definition.timeoutSeconds);
    });
  },
);

describe('channel API credentials', () => {
  test.each(topologyFunctions.filter(([, definition]) => definition.channelApis?.length))(
    "gives %s only the names of its channels' API credentials",
    (name, definition) => {
      const variables: Record<string, unknown> = resources[functionId(name)].Properties.Environment.Variables;

      expect(Object.entries(variables).filter(([key]) => key.includes('CREDENTIALS'))).toEqual(
        definition.channelApis!.map((channel) => [
          `FABRIC_CHANNEL_API_CREDENTIALS_NAME_${channel.toUpperCase()}`,
          `fabric/channel-api/${channel}`,
        ]),
      );
    },
  );

  test('lets a function read exactly the credentials of the channels it calls', () => {
    const fetchRole = Object.entries(resources).find(
      ([id, r]) =>
        r.Type === 'AWS::IAM::Policy' && id.startsWith(`Intake/${constructId('channel-order-fetch')}RoleDefaultPolicy`),
    )![1];
    const secretResources = JSON.stringify(
      fetchRole.Properties.PolicyDocument.Statement.filter((s: { Action: string | string[] }) =>
        [s.Action].flat().includes('secretsmanager:GetSecretValue'),
      ),
    );

    for (const channel of ['square', 'amazon', 'ebay', 'walmart'])
      expect(secretResources).toContain(`secret:fabric/channel-api/${channel}-??????`);
    expect(secretResources).not.toContain('fabric/webhooks/');
  });

  test('never binds credentials of a channel the function does not call', () => {
    for (const [name, definition] of topologyFunctions) {
      const variables: Record<string, unknown> = resources[functionId(name)].Properties.Environment.Variables;
      const bound = Object.keys(variables).filter((key) => key.startsWith('FABRIC_CHANNEL_API_CREDENTIALS_NAME_'));
      expect(bound.length).toBe(definition.channelApis?.length ?? 0);
    }
  });
});

test("runs every channel's catch-up pull on its schedule", () => {
  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: `rate(${functions['channel-order-catch-up'].schedule.everyMinutes} minutes)`,
    Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('channel-order-catch-up'), 'Arn'] } }),
  });
});

test('leaves no cdk-nag finding unacknowledged, nor an acknowledgement without a finding', () => {
  expect(fabric.stacks.flatMap(unacknowledgedFindings)).toEqual([]);
  expect(fabric.stacks.flatMap(acknowledgementsWithoutFinding)).toEqual([]);
});
