import { Template } from 'aws-cdk-lib/assertions';
import { buildFabric } from './fabric-synth';

describe('the fabric app', () => {
  test('synthesizes one independently named stack per region in the regions context', () => {
    const stacks = buildFabric({ regions: 'us-east-1,eu-west-1' });

    expect(stacks.map((stack) => [stack.stackName, stack.region])).toEqual([
      ['RetailFabric-us-east-1', 'us-east-1'],
      ['RetailFabric-eu-west-1', 'eu-west-1'],
    ]);
    expect(stacks.map((stack) => Template.fromStack(stack).findResources('AWS::Events::EventBus')).map((buses) => Object.values(buses)[0].Properties.Name))
      .toEqual(['fabric-us-east-1', 'fabric-eu-west-1']);
  });

  test('deploys to the default region from cdk.json when no regions are given', () => {
    const stacks = buildFabric();

    expect(stacks.map((stack) => stack.region)).toEqual(['us-east-1']);
  });

  test('accepts regions as a JSON array and deploys a repeated region once', () => {
    const stacks = buildFabric({ regions: ['eu-west-1', 'eu-west-1'] });

    expect(stacks.map((stack) => stack.stackName)).toEqual(['RetailFabric-eu-west-1']);
  });

  test('subscribes the alarm email only in the region whose settings name it', () => {
    const [useast, euwest] = buildFabric({
      regions: 'us-east-1,eu-west-1',
      regionSettings: { 'eu-west-1': { alarmEmail: 'retail-ops@example.com' } },
    });

    Template.fromStack(useast).resourceCountIs('AWS::SNS::Subscription', 0);
    Template.fromStack(euwest).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'retail-ops@example.com' });
  });

  test('deploys only the channels a region enables: no webhook route, secret or channel-only function for the others', () => {
    const [region] = buildFabric({ regions: 'eu-west-1', regionSettings: { 'eu-west-1': { channels: ['shopify', 'woocommerce'] } } });
    const template = Template.fromStack(region);
    const text = JSON.stringify(template.toJSON());
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map((resource) => resource.Properties.PathPart);
    const variables = Object.values(template.findResources('AWS::Lambda::Function')).flatMap((fn) => Object.keys(fn.Properties.Environment?.Variables ?? {}));

    expect(paths).toEqual(expect.arrayContaining(['shopify', 'woocommerce']));
    expect(paths).not.toEqual(expect.arrayContaining(['ebay']));
    expect(paths).not.toContain('square');
    expect(variables.filter((name) => name.startsWith('FABRIC_SECRET_NAME_')).sort()).toEqual(['FABRIC_SECRET_NAME_SHOPIFY', 'FABRIC_SECRET_NAME_WOOCOMMERCE']);
    expect(text).not.toContain('amazon-notifications');
    expect(text).not.toContain('ebay-order-poller');
  });

  test('points the ERP connector at the region\'s ERP endpoint when one is set', () => {
    const [region] = buildFabric({ regions: 'eu-west-1', regionSettings: { 'eu-west-1': { erpApiUrl: 'https://erp.example.eu/api/v2.0' } } });
    const urls = Object.values(Template.fromStack(region).findResources('AWS::Lambda::Function'))
      .map((fn) => fn.Properties.Environment?.Variables?.FABRIC_ERP_API_URL).filter(Boolean);

    expect(urls.length).toBeGreaterThan(0);
    expect(new Set(urls)).toEqual(new Set(['https://erp.example.eu/api/v2.0']));
  });

  test('gives the ERP connector and the channel syncs the region\'s rate budgets when they are set', () => {
    const [region] = buildFabric({ regions: 'eu-west-1', regionSettings: { 'eu-west-1': { erpRequestsPerSecond: 40, channelRateLimits: { shopify: { ratePerSecond: 50, burst: 1000 } } } } });
    const variables = Object.values(Template.fromStack(region).findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.Environment?.Variables ?? {});

    expect(new Set(variables.map((v) => v.FABRIC_ERP_REQUESTS_PER_SECOND).filter(Boolean))).toEqual(new Set(['40']));
    const budgets = variables.map((v) => v.FABRIC_CHANNEL_RATE_LIMITS).filter(Boolean);
    expect(budgets.length).toBeGreaterThanOrEqual(3);
    expect(new Set(budgets)).toEqual(new Set(['{"shopify":{"ratePerSecond":50,"burst":1000}}']));
  });

  test('rejects a channel budget the fabric cannot set, naming where', () => {
    expect(() => buildFabric({ regionSettings: { 'us-east-1': { channelRateLimits: { amazon: { ratePerSecond: 5, burst: 5 } } } } })).toThrow(/regionSettings\.us-east-1\.channelRateLimits/);
  });

  test('rejects a malformed region, naming the context key', () => {
    expect(() => buildFabric({ regions: 'us-east-1,Europe' })).toThrow(/context "regions": regions\.1 is not an AWS region name/);
  });

  test('rejects an unknown region setting, naming the region', () => {
    expect(() => buildFabric({ regionSettings: { 'us-east-1': { alarmEmial: 'ops@example.com' } } })).toThrow(/regionSettings\.us-east-1/);
  });
});
