import { EventBridgeClient, ListRulesCommand, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { routingRules } from '#events/routing-rules';
import { RESOURCE_DIRECTORY_PARAMETER } from '../../../infra/constructs/resource-directory';
import { awsFabric } from '../../../scripts/ops/aws-fabric';
import { redrive } from '../../../scripts/ops/dlq';
import { startArchiveReplay } from '../../../scripts/ops/replay';
import { tableEnvVar } from '#shared/config/topology';

// Neither emulator has SSM, SQS message move tasks or EventBridge archives: these tests pin the calls the CLI makes in a region.
const ssm = mockClient(SSMClient);
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const directory = {
  account: '123456789012',
  namePrefix: 'fabric-eu-west-1',
  busName: 'fabric-eu-west-1',
  archiveName: 'EventBackboneArchive1234',
  tables: { orders: 'RetailFabric-eu-west-1-Orders-ABC', idempotency: 'RetailFabric-eu-west-1-Idem-DEF' },
  buckets: { rawArchive: 'retailfabric-raw-xyz' },
};

beforeEach(() => {
  ssm.reset();
  sqs.reset();
  eventBridge.reset();
  ssm
    .on(GetParameterCommand, { Name: RESOURCE_DIRECTORY_PARAMETER })
    .resolves({ Parameter: { Value: JSON.stringify(directory) } });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

describe('ops against a deployed region', () => {
  test("finds the region's tables in its directory parameter and derives every rule's queues from the stack prefix", async () => {
    const { resources } = await awsFabric('eu-west-1', 'ops');

    expect(process.env.AWS_PROFILE).toBe('ops');
    expect(process.env[tableEnvVar('orders')]).toBe('RetailFabric-eu-west-1-Orders-ABC');
    const rule = routingRules[0];
    expect(resources.queues[rule.name]).toEqual({
      url: `https://sqs.eu-west-1.amazonaws.com/123456789012/fabric-eu-west-1-${rule.target.name}`,
      arn: `arn:aws:sqs:eu-west-1:123456789012:fabric-eu-west-1-${rule.target.name}`,
      dlqUrl: `https://sqs.eu-west-1.amazonaws.com/123456789012/fabric-eu-west-1-${rule.target.name}-dlq`,
      dlqArn: `arn:aws:sqs:eu-west-1:123456789012:fabric-eu-west-1-${rule.target.name}-dlq`,
    });
  });

  test('redrives a whole DLQ with a message move task to its source queue, as the console does', async () => {
    const { resources } = await awsFabric('eu-west-1', undefined);
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });

    const result = await redrive(resources, { sqs: new SQSClient({ region: 'eu-west-1' }) } as never, ['order-intake']);

    expect(result).toEqual({ moved: 4, kept: 0 });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      {
        SourceArn: resources.queues['order-intake'].dlqArn,
        DestinationArn: resources.queues['order-intake'].arn,
      },
    ]);
  });

  test('replays a window from the bus archive to just the rules that route the detail-type', async () => {
    eventBridge
      .on(ListRulesCommand)
      .resolvesOnce({
        Rules: [
          {
            Name: 'intake',
            Arn: 'arn:rule/intake',
            EventPattern: JSON.stringify({ 'detail-type': ['OrderReceived'] }),
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Rules: [
          {
            Name: 'fulfilment',
            Arn: 'arn:rule/fulfilment',
            EventPattern: JSON.stringify({ 'detail-type': ['ShipmentConfirmed'] }),
          },
        ],
      });
    const from = new Date('2026-11-23T09:00:00Z');
    const to = new Date('2026-11-23T10:00:00Z');

    await startArchiveReplay(
      { region: 'eu-west-1', account: '123456789012', busName: 'fabric-eu-west-1', archiveName: 'Arch' },
      { from, to, detailType: 'ShipmentConfirmed' },
      new EventBridgeClient({ region: 'eu-west-1' }),
    );

    expect(eventBridge.commandCalls(StartReplayCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({
        EventSourceArn: 'arn:aws:events:eu-west-1:123456789012:archive/Arch',
        EventStartTime: from,
        EventEndTime: to,
        Destination: {
          Arn: 'arn:aws:events:eu-west-1:123456789012:event-bus/fabric-eu-west-1',
          FilterArns: ['arn:rule/fulfilment'],
        },
      }),
    ]);
  });
});
