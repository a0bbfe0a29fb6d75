import { Match, Template } from 'aws-cdk-lib/assertions';
import { routingRules } from '#events/routing-rules';
import { constructId } from '../../infra/constructs/construct-id';
import type { RegionalFabric } from '../../infra/fabric-app';
import { regionSecrets } from '../../infra/region-secrets';
import {
  EVENT_ARCHIVE_RETENTION_DAYS,
  bucketEnvVar,
  buckets,
  functions,
  tableEnvVar,
  tables,
  type FunctionDefinition,
  type TableDefinition,
} from '#shared/config/topology';
import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { buildFabric, regionTemplate } from './fabric-synth';

const REGION = 'us-east-1';
const topologyFunctions = Object.entries(functions) as [string, FunctionDefinition][];
const topologyTables = Object.entries(tables) as [string, TableDefinition][];
const routes = topologyFunctions.flatMap(([name, definition]) =>
  (definition.routes ?? []).map((route) => ({ name, definition, route })),
);

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

let fabric: RegionalFabric;
/** Every stack of the region, resources named `<stack part>/<logical id>` (see regionTemplate). */
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  // The one synthesis of the infra tests that bundles the handlers, as a deployment would.
  [fabric] = buildFabric({ regions: REGION }, { bundle: true });
  template = regionTemplate(fabric);
  resources = template.toJSON().Resources;
});

/** The id CDK derived from a construct path (the path's ids joined, then an 8-digit hash), in its stack: `Stateful/DataStoresDataKey`. */
function logicalIdStartingWith(prefix: string): string {
  const ids = Object.keys(resources).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** A topology function, in the stack of its capability. */
function functionId(name: string): string {
  const { capability } = (functions as Record<string, FunctionDefinition>)[name];
  return logicalIdStartingWith(`${constructId(capability!)}/${constructId(name)}`);
}

function consumerStackOf(consumer: string): string {
  return constructId((functions as Record<string, FunctionDefinition>)[consumer].capability!);
}

function resourcesOfType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** The API's methods that serve topology routes; the console routes' CORS preflights (OPTIONS) are in ops-console.test.ts. */
function routeMethods(): [string, Resource][] {
  return resourcesOfType('AWS::ApiGateway::Method').filter(([, method]) => method.Properties.HttpMethod !== 'OPTIONS');
}

function queueNamed(name: string): [string, Resource] {
  const found = resourcesOfType('AWS::SQS::Queue').find(([, queue]) => queue.Properties.QueueName === name);
  if (!found) throw new Error(`no queue named ${name}`);
  return found;
}

/** An API Gateway method's full path, rebuilt from its resource's chain of parents. */
function methodPath(resourceId: { Ref: string } | { 'Fn::GetAtt': string[] }): string {
  if (!('Ref' in resourceId)) return '';
  const resource = resources[resourceId.Ref].Properties;
  return `${methodPath(resource.ParentId)}/${resource.PathPart}`;
}

describe('stateful stack', () => {
  test('is protected from termination', () => {
    expect(fabric.stateful.terminationProtection).toBe(true);
  });

  test('holds the stores, the bus and its holding queue, and nothing stateless', () => {
    const types = new Set(
      Object.entries(resources)
        .filter(([id]) => id.startsWith('Stateful/'))
        .map(([, resource]) => resource.Type),
    );

    expect(types).toEqual(
      new Set([
        'AWS::KMS::Key',
        'AWS::DynamoDB::Table',
        'AWS::S3::Bucket',
        'AWS::S3::BucketPolicy',
        'AWS::Events::EventBus',
        'AWS::Events::Archive',
        'AWS::SQS::Queue',
        'AWS::SQS::QueuePolicy',
        'AWS::SSM::Parameter',
      ]),
    );
  });
});

describe('stores', () => {
  test.each(topologyTables)(
    'keeps the %s table with point-in-time recovery, the fabric key and its declared keys',
    (name, definition) => {
      const table = resources[logicalIdStartingWith(`Stateful/DataStores${constructId(name)}Table`)];

      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [logicalIdStartingWith('Stateful/DataStoresDataKey'), 'Arn'] },
        },
        DeletionProtectionEnabled: true,
      });
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: definition.partitionKey, KeyType: 'HASH' },
        ...(definition.sortKey ? [{ AttributeName: definition.sortKey, KeyType: 'RANGE' }] : []),
      ]);
      expect(table.Properties.TimeToLiveSpecification).toEqual(
        definition.timeToLiveAttribute ? { AttributeName: definition.timeToLiveAttribute, Enabled: true } : undefined,
      );
    },
  );

  test('rotates the fabric data key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test.each(Object.keys(buckets))('keeps the %s bucket private, versioned, KMS-encrypted and access-logged', (name) => {
    const bucket = resources[logicalIdStartingWith(`Stateful/DataStores${constructId(name)}Bucket`)];

    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalIdStartingWith('Stateful/DataStoresAccessLogBucket') },
        LogFilePrefix: `${name}/`,
      },
    });
  });

  test('expires event claim checks once the bus archive no longer holds the events that point to them', () => {
    const bucket = resources[logicalIdStartingWith('Stateful/DataStoresEventClaimChecksBucket')];

    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        ExpirationInDays: EVENT_ARCHIVE_RETENTION_DAYS,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      }),
    ]);
    expect(resources[logicalIdStartingWith('Stateful/EventBackboneBusArchive')].Properties.RetentionDays).toBe(
      EVENT_ARCHIVE_RETENTION_DAYS,
    );
  });

  test.each(topologyFunctions)(
    'lets %s add claim checks only if it publishes, read them only if it consumes events, under claim-checks/ alone',
    (name, definition) => {
      // A function that looks at what DLQs hold reads the events held there as their consumers do.
      const consumes =
        routingRules.some((rule) => rule.consumer === name) || Boolean(definition.redrivesDeadLetterQueues);
      const role = resources[functionId(name)].Properties.Role['Fn::GetAtt'][0] as string;
      const policy = Object.entries(resources).find(
        ([id, resource]) =>
          resource.Type === 'AWS::IAM::Policy' && id.startsWith(role.replace(/[0-9A-F]{8}$/, 'DefaultPolicy')),
      )?.[1];
      const statements = (
        (policy?.Properties.PolicyDocument.Statement ?? []) as { Action: string | string[]; Resource: unknown }[]
      ).filter((statement) => JSON.stringify(statement.Resource).includes('EventClaimChecksBucket'));
      const actions = statements.flatMap((statement) => [statement.Action].flat());

      expect(actions.includes('s3:PutObject')).toBe(Boolean(definition.publishesEvents));
      expect(actions.some((action) => action.startsWith('s3:GetObject'))).toBe(consumes);
      expect(actions.filter((action) => action.startsWith('s3:Delete'))).toEqual([]);
      const objectResources = statements
        .filter((statement) => [statement.Action].flat().some((action) => /^s3:(Put|GetObject)/.test(action)))
        .flatMap((statement) => [statement.Resource].flat())
        .map((resource) => JSON.stringify(resource))
        // Object ARNs are the bucket's ARN joined with a key pattern (the bare ARN is for GetBucket*/List*); CDK
        // merges statements of the same actions, so another bucket's ARN may share a statement.
        .filter((resource) => resource.includes('Fn::Join') && resource.includes('EventClaimChecksBucket'));
      expect(objectResources.filter((resource) => !resource.includes('/claim-checks/*'))).toEqual([]);
    },
  );

  test('denies every request to every bucket that does not use TLS', () => {
    const bucketIds = resourcesOfType('AWS::S3::Bucket').map(([id]) => id);
    const deniesPlainHttp = (bucketId: string) =>
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });

    // The topology's buckets, their access-log bucket and the ops console's page bucket.
    expect(bucketIds).toHaveLength(Object.keys(buckets).length + 2);
    bucketIds.forEach(deniesPlainHttp);
  });
});

describe('event backbone', () => {
  test('names the bus after its region', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: `fabric-${REGION}` });
  });

  test('archives every fabric event for a year', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 365,
      EventPattern: { source: Match.arrayWith(['fabric.intake', 'fabric.orders', 'fabric.accounting']) },
    });
  });

  test.each(routingRules.map((rule) => [rule.name, rule] as const))(
    'gives the %s route a queue whose failed messages land in a dead-letter queue that can redrive to it',
    (_, rule) => {
      const queueName = `fabric-${REGION}-${rule.target.name}`;
      const [queueId, queue] = queueNamed(queueName);
      const [deadLetterId, deadLetterQueue] = queueNamed(`${queueName}-dlq`);

      // Both with their consumer: the work they hold is that capability's.
      expect([queueId, deadLetterId].map((id) => id.split('/')[0])).toEqual([
        consumerStackOf(rule.consumer),
        consumerStackOf(rule.consumer),
      ]);
      expect(queue.Properties).toMatchObject({
        VisibilityTimeout: rule.target.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
          maxReceiveCount: rule.target.maxReceiveCount,
        },
      });
      expect(deadLetterQueue.Properties).toMatchObject({
        MessageRetentionPeriod: 14 * 24 * 3600,
        SqsManagedSseEnabled: true,
      });
      expect(deadLetterQueue.Properties.RedriveAllowPolicy).toEqual({
        redrivePermission: 'byQueue',
        sourceQueueArns: [{ 'Fn::Join': ['', [`arn:aws:sqs:${REGION}:`, { Ref: 'AWS::AccountId' }, `:${queueName}`]] }],
      });
    },
  );

  test.each(routingRules.map((rule) => [rule.name, rule] as const))(
    'routes events matching the %s pattern from the bus to its queue, holding undeliverable ones',
    (_, rule) => {
      const queueName = `fabric-${REGION}-${rule.target.name}`;
      const [queueId] = queueNamed(queueName);
      const [undeliveredId] = queueNamed(`fabric-${REGION}-undelivered`);

      expect(undeliveredId).toMatch(/^Stateful\//);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: logicalIdStartingWith('Stateful/EventBackboneBus') },
        EventPattern: rule.pattern,
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [undeliveredId, 'Arn'] } },
            RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          }),
        ],
      });
    },
  );

  test('lets EventBridge park in the undelivered queue only the events of rules on the fabric bus', () => {
    const [undeliveredId] = queueNamed(`fabric-${REGION}-undelivered`);

    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: undeliveredId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: {
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [`arn:aws:events:${REGION}:`, { Ref: 'AWS::AccountId' }, `:rule/fabric-${REGION}/*`],
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  test('enforces TLS on every queue', () => {
    const queueIds = resourcesOfType('AWS::SQS::Queue').map(([id]) => id);

    for (const queueId of queueIds) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('functions', () => {
  test('runs every topology function on nodejs22.x, arm64, with its own log group, and without X-Ray unless the region turns tracing on', () => {
    // CDK's own handlers are not fabric functions: bucket notifications (the POS object trigger), the console page's deployment.
    const lambdas = resourcesOfType('AWS::Lambda::Function').filter(
      ([id]) => !/^(BucketNotificationsHandler|CustomCDKBucketDeployment)/.test(id.split('/')[1]),
    );

    expect(lambdas).toHaveLength(topologyFunctions.length);
    for (const [, fn] of lambdas) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      expect(fn.Properties.TracingConfig).toBeUndefined();
    }
    const policyActions = JSON.stringify(resourcesOfType('AWS::IAM::Policy').map(([, policy]) => policy.Properties));
    expect(policyActions).not.toContain('xray:');
  });

  test("a region whose settings turn tracing on traces every function, with X-Ray's permissions", () => {
    const [traced] = buildFabric({ regions: REGION, regionSettings: { [REGION]: { tracing: 'active' } } });
    const tracedResources = regionTemplate(traced).toJSON().Resources as Record<string, Resource>;
    const lambdas = Object.values(tracedResources).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );

    expect(lambdas).toHaveLength(topologyFunctions.length);
    for (const fn of lambdas) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(JSON.stringify(tracedResources)).toContain('xray:PutTraceSegments');
  });

  test('tells every function on the inventory table whether to store a reservation part inside its header, as the region sets it', () => {
    const partInHeader = (template: Record<string, Resource>) =>
      Object.fromEntries(
        Object.values(template)
          .filter((resource) => resource.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)
          .map((fn) => [
            fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
            fn.Properties.Environment.Variables.FABRIC_RESERVATION_PART_IN_HEADER,
          ]),
      );
    const expected = (value: string) =>
      Object.fromEntries(
        topologyFunctions.map(([name, definition]) => [name, definition.tables?.inventory ? value : undefined]),
      );
    const [upgrading] = buildFabric({
      regions: REGION,
      regionSettings: { [REGION]: { reservationPartInHeader: false } },
    });

    expect(partInHeader(resources)).toEqual(expected('true'));
    expect(partInHeader(regionTemplate(upgrading).toJSON().Resources)).toEqual(expected('false'));
    expect(() =>
      buildFabric({ regions: REGION, regionSettings: { [REGION]: { reservationPartInHeader: 'no' } } }),
    ).toThrow(/reservationPartInHeader/);
  });

  test.each(topologyFunctions)('deploys %s in the stack of its capability', (name, definition) => {
    const [id] = resourcesOfType('AWS::Lambda::Function').find(
      ([, fn]) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === name,
    )!;

    expect(id.split('/')[0]).toBe(constructId(definition.capability!));
  });

  test.each(topologyFunctions)(
    'binds %s to exactly the tables, buckets and bus its topology entry names',
    (name, definition) => {
      const variables = resources[functionId(name)].Properties.Environment.Variables;
      const expected = {
        ...Object.fromEntries(
          Object.keys(definition.tables ?? {}).map((table) => [
            tableEnvVar(table as keyof typeof tables),
            { Ref: logicalIdStartingWith(`Stateful/DataStores${constructId(table)}Table`) },
          ]),
        ),
        ...Object.fromEntries(
          Object.keys(definition.buckets ?? {}).map((bucket) => [
            bucketEnvVar(bucket as keyof typeof buckets),
            { Ref: logicalIdStartingWith(`Stateful/DataStores${constructId(bucket)}Bucket`) },
          ]),
        ),
        ...(definition.publishesEvents
          ? { FABRIC_EVENT_BUS_NAME: { Ref: logicalIdStartingWith('Stateful/EventBackboneBus') } }
          : {}),
        // Every publisher may put an event too large for the bus in the claim-check bucket.
        ...(definition.publishesEvents
          ? {
              [bucketEnvVar('eventClaimChecks')]: {
                Ref: logicalIdStartingWith('Stateful/DataStoresEventClaimChecksBucket'),
              },
            }
          : {}),
      };

      const bound = Object.fromEntries(
        Object.entries(variables).filter(([key]) => /^FABRIC_(TABLE|BUCKET|EVENT_BUS)_/.test(key)),
      );
      expect(bound).toEqual(expected);
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(name);
    },
  );

  test('gives functions only the names of channel secrets, never a secret value', () => {
    for (const [name, definition] of topologyFunctions) {
      const variables: Record<string, unknown> = resources[functionId(name)].Properties.Environment.Variables;
      const secretVariables = Object.entries(variables).filter(([key]) => key.includes('SECRET'));

      expect(secretVariables).toEqual([
        ['FABRIC_SECRETS_SOURCE', 'secrets-manager'],
        ...(definition.channelSecrets ?? []).map((channel) => [
          `FABRIC_SECRET_NAME_${channel.toUpperCase()}`,
          `fabric/webhooks/${channel}`,
        ]),
      ]);
    }
  });

  test('gives functions the names of exactly the secrets the pre-deploy check asks the account for', () => {
    const secretNames = resourcesOfType('AWS::Lambda::Function')
      .flatMap(([, fn]) => Object.entries(fn.Properties.Environment?.Variables ?? {}))
      .filter(([key]) => /^FABRIC_(SECRET_NAME_|CHANNEL_API_CREDENTIALS_NAME_|ERP_CREDENTIALS_NAME$)/.test(key))
      .map(([, value]) => value);

    expect(new Set(secretNames)).toEqual(new Set(regionSecrets(undefined).map((secret) => secret.name)));
  });

  test('lets no function delete objects or object versions', () => {
    // The console page's deployment replaces the built page in its own bucket, which holds no data.
    const actions = resourcesOfType('AWS::IAM::Policy')
      .filter(([id]) => !id.startsWith('Api/ConsolePageDeploymentRole'))
      .flatMap(([, policy]) =>
        policy.Properties.PolicyDocument.Statement.flatMap(
          (statement: { Action: string | string[] }) => statement.Action,
        ),
      );

    expect(actions.filter((action: string) => action.startsWith('s3:Delete'))).toEqual([]);
  });

  test.each(routingRules.map((rule) => [rule.name, rule] as const))(
    'subscribes the %s consumer to its queue, reporting batch item failures',
    (_, rule) => {
      const [queueId] = queueNamed(`fabric-${REGION}-${rule.target.name}`);

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: functionId(rule.consumer) },
        BatchSize: rule.target.batchSize,
        MaximumBatchingWindowInSeconds: rule.target.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ...(rule.target.maxConcurrency ? { ScalingConfig: { MaximumConcurrency: rule.target.maxConcurrency } } : {}),
      });
    },
  );

  test.each(routingRules.map((rule) => [rule.name, rule] as const))(
    'keeps %s messages invisible for at least six consumer timeouts',
    (_, rule) => {
      const consumer = (functions as Record<string, FunctionDefinition>)[rule.consumer];

      expect(rule.target.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * consumer.timeoutSeconds);
    },
  );
});

describe('API', () => {
  test('serves every topology route through a Lambda proxy integration to its function', () => {
    const served = routeMethods().map(([, method]) => ({
      route: `${method.Properties.HttpMethod} ${methodPath(method.Properties.ResourceId)}`,
      integration: method.Properties.Integration.Type,
      target: JSON.stringify(method.Properties.Integration.Uri),
    }));

    expect(served.map(({ route }) => route).sort()).toEqual(
      routes.map(({ route }) => `${route.method} ${route.path}`).sort(),
    );
    for (const { name, route } of routes) {
      const method = served.find((candidate) => candidate.route === `${route.method} ${route.path}`)!;
      expect(method.integration).toBe('AWS_PROXY');
      expect(method.target).toContain(functionId(name));
    }
  });

  test('lets API Gateway invoke each routed function, with permissions held by the API stack', () => {
    const permitted = resourcesOfType('AWS::Lambda::Permission')
      .filter(([, permission]) => permission.Properties.Principal === 'apigateway.amazonaws.com')
      .map(([id, permission]) => [id.split('/')[0], permission.Properties.FunctionName['Fn::GetAtt'][0]]);

    expect(new Set(permitted.map(([stack]) => stack))).toEqual(new Set(['Api']));
    expect(new Set(permitted.map(([, fn]) => fn))).toEqual(new Set(routes.map(({ name }) => functionId(name))));
  });

  test('leaves only routes of signature-verifying functions open, and requires IAM on the rest', () => {
    for (const [, method] of routeMethods()) {
      const path = methodPath(method.Properties.ResourceId);
      const { definition } = routes.find(
        ({ route }) => route.path === path && route.method === method.Properties.HttpMethod,
      )!;

      expect(method.Properties.AuthorizationType).toBe(definition.channelSecrets?.length ? 'NONE' : 'AWS_IAM');
    }
  });

  test('throttles each route that declares a throttle on its own budget', () => {
    const [, stage] = resourcesOfType('AWS::ApiGateway::Stage')[0];
    const throttled = routes.filter(({ route }) => route.throttle);

    expect(throttled.length).toBeGreaterThan(0);
    for (const { route } of throttled) {
      expect(stage.Properties.MethodSettings).toContainEqual(
        expect.objectContaining({
          HttpMethod: route.method,
          ResourcePath: `/${route.path.replaceAll('/', '~1')}`,
          ThrottlingRateLimit: route.throttle!.rateLimit,
          ThrottlingBurstLimit: route.throttle!.burstLimit,
        }),
      );
    }
  });

  test('logs access, traces requests and sets a stage-wide throttle', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('integrationError') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false }),
      ]),
    });
  });

  test('passes request bodies through untouched: no mapping template, request model or binary media type', () => {
    for (const [, method] of routeMethods()) {
      expect(method.Properties.Integration.RequestTemplates).toBeUndefined();
      expect(method.Properties.RequestModels).toBeUndefined();
    }
    expect(resourcesOfType('AWS::ApiGateway::RestApi')[0][1].Properties.BinaryMediaTypes).toBeUndefined();
  });
});

describe('alarms', () => {
  test('alarms on every dead-letter queue and on API server errors', () => {
    const deadLetterQueues = resourcesOfType('AWS::SQS::Queue').filter(([, queue]) => !queue.Properties.RedrivePolicy);

    expect(deadLetterQueues.length).toBeGreaterThan(0);
    for (const [queueId] of deadLetterQueues) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        AlarmActions: [{ Ref: logicalIdStartingWith('Operations/AlarmsTopic') }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError',
      AlarmActions: [{ Ref: logicalIdStartingWith('Operations/AlarmsTopic') }],
    });
  });

  test("alarms when a consumer queue's oldest message waits past 15 minutes", () => {
    for (const rule of routingRules) {
      const [queueId] = queueNamed(`fabric-${REGION}-${rule.target.name}`);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 900,
        AlarmActions: [{ Ref: logicalIdStartingWith('Operations/AlarmsTopic') }],
      });
    }
  });

  test("alarms when EventBridge fails to deliver to any rule's queue", () => {
    const rules = resourcesOfType('AWS::Events::Rule').filter(([, rule]) => rule.Properties.EventBusName);
    const watched = resourcesOfType('AWS::CloudWatch::Alarm')
      .filter(
        ([, alarm]) =>
          alarm.Properties.MetricName === 'FailedInvocations' && alarm.Properties.Namespace === 'AWS/Events',
      )
      .map(([, alarm]) => alarm.Properties.Dimensions.find((d: { Name: string }) => d.Name === 'RuleName').Value.Ref);

    expect(rules.length).toBe(routingRules.length);
    expect(watched.sort()).toEqual(rules.map(([id]) => id).sort());
  });

  test.each([
    ['erp-posting', 'ErpBreakerOpen'],
    ['order-sla-watch', 'OrdersStuck'],
  ])("alarms on %s's %s", (service, metricName) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'RetailFabric',
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: service }],
      Threshold: 1,
      AlarmActions: [{ Ref: logicalIdStartingWith('Operations/AlarmsTopic') }],
    });
  });

  test('alarms on the share of API requests answered 4xx, only once there is volume', () => {
    const [[, alarm]] = resourcesOfType('AWS::CloudWatch::Alarm').filter(([id]) =>
      id.startsWith('Operations/AlarmsApiClientErrorRate'),
    );

    expect(alarm.Properties.Threshold).toBe(20);
    expect(alarm.Properties.Metrics.map((m: { Expression?: string }) => m.Expression).filter(Boolean)).toEqual([
      'IF(requests >= 20, 100 * clientErrors / requests, 0)',
    ]);
  });
});

describe('dashboard', () => {
  test("shows each function's business counters, event lag, queue age, DLQ depth and the API, on one page per region", () => {
    const [[, dashboard]] = resourcesOfType('AWS::CloudWatch::Dashboard');
    // The body is a join around resource references: stand a placeholder in for each, then read it as JSON.
    const parts: unknown[] = dashboard.Properties.DashboardBody['Fn::Join'][1];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'ref')).join(''));
    const widgets: { properties: { title?: string; metrics?: unknown[][] } }[] = body.widgets;
    const expressions = widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .flatMap((m) =>
        m.filter((x): x is { expression: string } => typeof x === 'object' && x !== null && 'expression' in x),
      )
      .map((x) => x.expression);
    const metricNames = widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => m[1]);

    expect(dashboard.Properties.DashboardName).toBe(`fabric-${REGION}-operations`);
    for (const [name] of topologyFunctions)
      expect(expressions).toContain(
        `SEARCH('Namespace="RetailFabric" service="${name}" NOT MetricName="EventLag"', 'Sum', 300)`,
      );
    expect(expressions).toContain(`SEARCH('Namespace="RetailFabric" MetricName="EventLag"', 'p95', 300)`);
    for (const metric of [
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      '4XXError',
      '5XXError',
      'Errors',
      'Throttles',
    ])
      expect(metricNames).toContain(metric);
  });
});

describe('resource directory', () => {
  test('names every table and bucket, the bus and the archive in one parameter for the ops CLI', () => {
    const [[, parameter]] = resourcesOfType('AWS::SSM::Parameter');
    const parts: unknown[] = parameter.Properties.Value['Fn::Join'][1];
    const refs = parts
      .filter((part): part is { Ref: string } => typeof part === 'object' && part !== null && 'Ref' in part)
      .map((part) => part.Ref);

    expect(parameter.Properties.Name).toBe('/retail-fabric/resources');
    for (const [table] of topologyTables)
      expect(refs).toContain(logicalIdStartingWith(`Stateful/DataStores${constructId(table)}Table`));
    for (const bucket of Object.keys(buckets))
      expect(refs).toContain(logicalIdStartingWith(`Stateful/DataStores${constructId(bucket)}Bucket`));
    expect(refs).toEqual(
      expect.arrayContaining([
        logicalIdStartingWith('Stateful/EventBackboneBus'),
        logicalIdStartingWith('Stateful/EventBackboneBusArchive'),
      ]),
    );
  });
});

describe('security baseline', () => {
  test('holds no credential the local fabric uses anywhere in the template, and no variable named for one', () => {
    const credentials = [
      ...Object.values(DEVELOPMENT_WEBHOOK_SECRETS),
      ...Object.values(DEVELOPMENT_API_CREDENTIALS).flatMap((values) =>
        Object.entries(values ?? {})
          .filter(([key]) => /secret|token|key/i.test(key))
          .map(([, value]) => value),
      ),
    ];
    const text = JSON.stringify(fabric.stacks.map((stack) => Template.fromStack(stack).toJSON()));
    const variableNames = resourcesOfType('AWS::Lambda::Function').flatMap(([, fn]) =>
      Object.keys(fn.Properties.Environment?.Variables ?? {}),
    );

    for (const credential of credentials) expect(text).not.toContain(credential);
    expect(variableNames.filter((name) => /TOKEN|PASSWORD|CLIENT_SECRET|ACCESS_KEY|PRIVATE/.test(name))).toEqual([]);
  });
});
