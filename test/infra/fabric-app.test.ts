import { Template } from 'aws-cdk-lib/assertions';
import type { RegionalFabric } from '../../infra/fabric-app';
import { regionSecrets } from '../../infra/region-secrets';
import { acknowledgementsWithoutFinding, buildFabric, unacknowledgedFindings } from './fabric-synth';

const STACK_PARTS = [
  'Stateful',
  'Intake',
  'Inventory',
  'OrderToCash',
  'Pos',
  'PricingCatalog',
  'ChannelSync',
  'Exceptions',
  'Api',
  'Operations',
];
/** Room to grow: CloudFormation refuses a stack of more than 500 resources, and CDK warns from 450. */
const RESOURCES_PER_STACK = 300;

/** A region's resources of one type, whatever their stack. */
function resourcesOf(fabric: RegionalFabric, type: string): Record<string, any>[] {
  return fabric.stacks.flatMap((stack) => Object.values(Template.fromStack(stack).findResources(type)));
}

describe('a two-region app', () => {
  let fabrics: RegionalFabric[];
  let useast: RegionalFabric;
  let euwest: RegionalFabric;

  beforeAll(() => {
    // Settings as the command line passes them, JSON text: `-c regionSettings='{...}'`.
    [useast, euwest] = fabrics = buildFabric({
      regions: 'us-east-1,eu-west-1',
      regionSettings: JSON.stringify({
        'eu-west-1': {
          alarmEmail: 'retail-ops@example.com',
          channels: ['shopify', 'woocommerce'],
          erpApiUrl: 'https://erp.example.eu/api/v2.0',
          erpRequestsPerSecond: 40,
          channelRateLimits: { shopify: { ratePerSecond: 50, burst: 1000 } },
          catchUpEveryMinutes: 5,
          squareStoreLocations: { LBX9V0JZ1G7MN: { storeId: 'store-042', timeZone: 'Europe/London' } },
          recoveredOrdersAlarmPerHour: 10,
        },
      }),
    });
  });

  test('synthesizes the same independently named stacks in each region of the regions context', () => {
    expect(fabrics.flatMap((fabric) => fabric.stacks.map((stack) => [stack.stackName, stack.region]))).toEqual(
      ['us-east-1', 'eu-west-1'].flatMap((region) =>
        STACK_PARTS.map((part) => [`RetailFabric-${region}-${part}`, region]),
      ),
    );
    expect(
      fabrics.map(
        (fabric) =>
          Object.values(Template.fromStack(fabric.stateful).findResources('AWS::Events::EventBus'))[0].Properties.Name,
      ),
    ).toEqual(['fabric-us-east-1', 'fabric-eu-west-1']);
  });

  test('deploys the stateful stack first, then the capabilities, then the API, then operations', () => {
    const dependencies = (fabric: RegionalFabric) =>
      Object.fromEntries(
        fabric.stacks.map((stack) => [
          stack.stackName.replace(`RetailFabric-${fabric.region}-`, ''),
          stack.dependencies
            .map((dependency) => dependency.stackName.replace(`RetailFabric-${fabric.region}-`, ''))
            .sort(),
        ]),
      );
    const capabilities = STACK_PARTS.slice(1, -2).sort();

    for (const fabric of fabrics) {
      expect(dependencies(fabric)).toEqual({
        Stateful: [],
        ...Object.fromEntries(capabilities.map((capability) => [capability, ['Stateful']])),
        Api: capabilities,
        Operations: ['Api', ...capabilities, 'Stateful'].sort(),
      });
    }
  });

  test('keeps every stack of either region within 300 resources', () => {
    const counts = fabrics.flatMap((fabric) =>
      fabric.stacks.map(
        (stack) => [stack.stackName, Object.keys(Template.fromStack(stack).toJSON().Resources).length] as const,
      ),
    );

    expect(counts.filter(([, count]) => count > RESOURCES_PER_STACK)).toEqual([]);
  });

  test('leaves no cdk-nag finding unacknowledged in any stack, nor an acknowledgement without a finding', () => {
    const stacks = fabrics.flatMap((fabric) => fabric.stacks);

    expect(stacks.flatMap(unacknowledgedFindings)).toEqual([]);
    expect(stacks.flatMap(acknowledgementsWithoutFinding)).toEqual([]);
  });

  test('reads regionSettings given as JSON text, as `-c regionSettings=...` passes it', () => {
    expect(resourcesOf(euwest, 'AWS::SNS::Subscription')).toHaveLength(1);
  });

  test('subscribes the alarm email only in the region whose settings name it', () => {
    expect(resourcesOf(useast, 'AWS::SNS::Subscription')).toHaveLength(0);
    Template.fromStack(euwest.operations).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'retail-ops@example.com',
    });
  });

  test('deploys only the channels a region enables: no webhook route, secret or channel-only function for the others', () => {
    const text = JSON.stringify(euwest.stacks.map((stack) => Template.fromStack(stack).toJSON()));
    const paths = resourcesOf(euwest, 'AWS::ApiGateway::Resource').map((resource) => resource.Properties.PathPart);
    const variables = resourcesOf(euwest, 'AWS::Lambda::Function').flatMap((fn) =>
      Object.keys(fn.Properties.Environment?.Variables ?? {}),
    );

    expect(paths).toEqual(expect.arrayContaining(['shopify', 'woocommerce']));
    expect(paths).not.toEqual(expect.arrayContaining(['ebay']));
    expect(paths).not.toContain('square');
    expect(variables.filter((name) => name.startsWith('FABRIC_SECRET_NAME_')).sort()).toEqual([
      'FABRIC_SECRET_NAME_SHOPIFY',
      'FABRIC_SECRET_NAME_WOOCOMMERCE',
    ]);
    expect(text).not.toContain('amazon-notifications');
  });

  test("pulls only the region's channels, at the region's catch-up rate, alarming per channel on orders no webhook brought", () => {
    const catchUp = resourcesOf(euwest, 'AWS::Lambda::Function').find((fn) =>
      String(fn.Properties.Description).startsWith('Finds the orders no webhook delivered'),
    );
    const recoveredAlarms = (fabric: RegionalFabric) =>
      resourcesOf(fabric, 'AWS::CloudWatch::Alarm').filter(
        (alarm) => alarm.Properties.MetricName === 'OrdersRecoveredByCatchUp',
      );

    expect(catchUp?.Properties.Environment.Variables.FABRIC_REGION_CHANNELS).toBe('shopify,woocommerce');
    // Square's till locations reach the functions that map Square orders, here the catch-up.
    expect(JSON.parse(catchUp?.Properties.Environment.Variables.FABRIC_SQUARE_STORE_LOCATIONS)).toEqual({
      LBX9V0JZ1G7MN: { storeId: 'store-042', timeZone: 'Europe/London' },
    });
    expect(resourcesOf(euwest, 'AWS::Scheduler::Schedule').map((s) => s.Properties.ScheduleExpression)).toContain(
      'rate(5 minutes)',
    );
    expect(
      recoveredAlarms(euwest).map((alarm) => [
        alarm.Properties.Dimensions.find((d: { Name: string }) => d.Name === 'channel').Value,
        alarm.Properties.Threshold,
      ]),
    ).toEqual([
      ['shopify', 10],
      ['woocommerce', 10],
    ]);
    expect(
      recoveredAlarms(useast)
        .map((alarm) => alarm.Properties.Dimensions.find((d: { Name: string }) => d.Name === 'channel').Value)
        .sort(),
    ).toEqual(['amazon', 'shopify', 'square', 'walmart', 'woocommerce']);
  });

  test("has the pre-deploy check ask for every secret of the region's channels that its functions are given", () => {
    const given = resourcesOf(euwest, 'AWS::Lambda::Function')
      .flatMap((fn) => Object.entries(fn.Properties.Environment?.Variables ?? {}))
      .filter(([key]) => /^FABRIC_(SECRET_NAME_|CHANNEL_API_CREDENTIALS_NAME_|ERP_CREDENTIALS_NAME$)/.test(key))
      .map(([, value]) => value as string)
      .filter((name) => !/^fabric\/(webhooks|channel-api)\//.test(name) || /\/(shopify|woocommerce)$/.test(name));

    expect(regionSecrets(['shopify', 'woocommerce']).map((secret) => secret.name)).toEqual([...new Set(given)].sort());
  });

  test("points the ERP connector at the region's ERP endpoint when one is set", () => {
    const urls = (fabric: RegionalFabric) =>
      resourcesOf(fabric, 'AWS::Lambda::Function')
        .map((fn) => fn.Properties.Environment?.Variables?.FABRIC_ERP_API_URL)
        .filter(Boolean);

    expect(urls(euwest).length).toBeGreaterThan(0);
    expect(new Set(urls(euwest))).toEqual(new Set(['https://erp.example.eu/api/v2.0']));
    expect(urls(useast)).toEqual([]);
  });

  test("gives the ERP connector and the channel syncs the region's rate budgets when they are set", () => {
    const variables = resourcesOf(euwest, 'AWS::Lambda::Function').map(
      (fn) => fn.Properties.Environment?.Variables ?? {},
    );

    expect(new Set(variables.map((v) => v.FABRIC_ERP_REQUESTS_PER_SECOND).filter(Boolean))).toEqual(new Set(['40']));
    const budgets = variables.map((v) => v.FABRIC_CHANNEL_RATE_LIMITS).filter(Boolean);
    expect(budgets.length).toBeGreaterThanOrEqual(3);
    expect(new Set(budgets)).toEqual(new Set(['{"shopify":{"ratePerSecond":50,"burst":1000}}']));
  });
});

describe("the fabric app's context", () => {
  test('deploys to the default region from cdk.json when no regions are given', () => {
    const fabrics = buildFabric();

    expect(fabrics.map((fabric) => fabric.region)).toEqual(['us-east-1']);
  });

  test.each([
    ['a JSON array', ['eu-west-1', 'eu-west-1']],
    ['the JSON text of an array', '["eu-west-1", "eu-west-1"]'],
  ])('accepts regions as %s and deploys a repeated region once', (_, regions) => {
    const fabrics = buildFabric({ regions });

    expect(fabrics.map((fabric) => fabric.stateful.stackName)).toEqual(['RetailFabric-eu-west-1-Stateful']);
  });

  test('rejects regionSettings whose JSON text does not parse, naming the key', () => {
    expect(() => buildFabric({ regionSettings: '{"eu-west-1": {"alarmEmail": ' })).toThrow(
      /context "regionSettings" is not valid JSON/,
    );
  });

  test('rejects regionSettings given as text that is not JSON, naming the key', () => {
    expect(() => buildFabric({ regionSettings: 'eu-west-1' })).toThrow(
      /context "regionSettings": regionSettings must be an object of settings per region, or its JSON text/,
    );
  });

  test('rejects a channel budget the fabric cannot set, naming where', () => {
    expect(() =>
      buildFabric({
        regionSettings: { 'us-east-1': { channelRateLimits: { amazon: { ratePerSecond: 5, burst: 5 } } } },
      }),
    ).toThrow(/regionSettings\.us-east-1\.channelRateLimits/);
  });

  test('rejects a malformed region, naming the context key', () => {
    expect(() => buildFabric({ regions: 'us-east-1,Europe' })).toThrow(
      /context "regions": regions\.1 is not an AWS region name/,
    );
  });

  test('rejects an unknown region setting, naming the region', () => {
    expect(() => buildFabric({ regionSettings: { 'us-east-1': { alarmEmial: 'ops@example.com' } } })).toThrow(
      /regionSettings\.us-east-1/,
    );
  });
});
