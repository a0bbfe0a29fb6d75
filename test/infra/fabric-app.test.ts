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

  test('rejects a malformed region, naming the context key', () => {
    expect(() => buildFabric({ regions: 'us-east-1,Europe' })).toThrow(/context "regions": regions\.1 is not an AWS region name/);
  });

  test('rejects an unknown region setting, naming the region', () => {
    expect(() => buildFabric({ regionSettings: { 'us-east-1': { alarmEmial: 'ops@example.com' } } })).toThrow(/regionSettings\.us-east-1/);
  });
});
