import type { Template } from 'aws-cdk-lib/assertions';
import { deadLetterSources } from '#shared/operations/dead-letter-sources';
import { MESSAGE_MOVE_TASKS_ENV, QUEUE_NAME_PREFIX_ENV } from '#shared/config/topology';
import { buildFabric, regionTemplate } from './fabric-synth';

// The dead-letter API works on queues of every capability's stack from the exceptions stack: it finds them by
// name, so its environment must carry the region's prefix and its role must name each queue, and no other.

const REGION = 'us-east-1';
type Json = Record<string, any>;
let template: Template;
let functionId: string;

beforeAll(() => {
  const [fabric] = buildFabric({ regions: REGION });
  template = regionTemplate(fabric);
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
    ([, resource]) => resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'dead-letter-api',
  );
  expect(found).toHaveLength(1);
  functionId = found[0][0];
});

/** The statements of the policies attached to the function's role, an overflow policy's included (so many queues). */
function roleStatements(): Json[] {
  const role = template.findResources('AWS::Lambda::Function')[functionId].Properties.Role['Fn::GetAtt'][0];
  return [
    ...Object.values(template.findResources('AWS::IAM::Policy')),
    ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
  ]
    .filter((policy) => (policy.Properties.Roles ?? []).some((attached: Json) => attached.Ref === role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** A statement's resources as text: ARNs are joins of the partition and account with the queue name. */
function resourcesOf(statement: Json): string[] {
  return [statement.Resource].flat().map((resource) => JSON.stringify(resource));
}

test("tells the function the region's queue name prefix, and that SQS runs message move tasks there", () => {
  const variables = template.findResources('AWS::Lambda::Function')[functionId].Properties.Environment.Variables;

  expect(variables[QUEUE_NAME_PREFIX_ENV]).toBe(`fabric-${REGION}`);
  expect(variables[MESSAGE_MOVE_TASKS_ENV]).toBe('true');
});

test('lets the function inspect, delete from and start move tasks on every DLQ, each named', () => {
  const statement = roleStatements().find((candidate) => candidate.Sid === 'InspectAndRedriveDeadLetters');

  expect(statement?.Action).toEqual(
    expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']),
  );
  expect(statement?.Action).toContain('sqs:StartMessageMoveTask');
  const named = resourcesOf(statement!);
  expect(named).toHaveLength(deadLetterSources.length);
  for (const source of deadLetterSources)
    expect(named.some((arn) => arn.includes(`:fabric-${REGION}-${source.queueName}-dlq"`))).toBe(true);
});

test('lets the function send to the work queues but not receive from or delete on them', () => {
  const statement = roleStatements().find((candidate) => candidate.Sid === 'SendBackToWorkQueues');

  expect(statement?.Action).toContain('sqs:SendMessage');
  expect(statement?.Action).not.toContain('sqs:ReceiveMessage');
  expect(statement?.Action).not.toContain('sqs:DeleteMessage');
  const named = resourcesOf(statement!);
  for (const source of deadLetterSources)
    expect(named.some((arn) => arn.includes(`:fabric-${REGION}-${source.queueName}"`))).toBe(true);
});

test("grants no SQS action on a wildcard but the lookup of the region's queue URLs", () => {
  const sqsStatements = roleStatements().filter((statement) =>
    [statement.Action].flat().some((action: string) => action.startsWith('sqs:')),
  );
  const wildcards = sqsStatements.filter((statement) => resourcesOf(statement).some((arn) => arn.includes('*')));

  expect(wildcards).toEqual([
    expect.objectContaining({ Action: 'sqs:GetQueueUrl', Resource: expect.anything(), Sid: 'FindQueuesByName' }),
  ]);
  expect(resourcesOf(wildcards[0])).toEqual([expect.stringContaining(`:fabric-${REGION}-*"`)]);
});
