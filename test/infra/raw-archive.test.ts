import { constructId } from '../../infra/constructs/construct-id';
import { functions, type BucketAccess, type FunctionDefinition } from '#shared/config/topology';
import { buildFabric, regionTemplate } from './fabric-synth';

const REGION = 'us-east-1';

type Resource = { Type: string; Properties: Record<string, any> };

function regionResources(context: Record<string, unknown> = {}): Record<string, Resource> {
  const [fabric] = buildFabric({ regions: REGION, ...context });
  return regionTemplate(fabric).toJSON().Resources as Record<string, Resource>;
}

function onlyId(resources: Record<string, Resource>, prefix: string): string {
  const ids = Object.keys(resources).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function expiryRules(resources: Record<string, Resource>) {
  const bucket = resources[onlyId(resources, 'Stateful/DataStoresRawArchiveBucket')];
  return (bucket.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[]).filter(
    (rule) => rule.ExpirationInDays !== undefined,
  );
}

/** The S3 actions a function's role may take on the raw archive. */
function rawArchiveActions(resources: Record<string, Resource>, name: string): string[] {
  const { capability } = (functions as Record<string, FunctionDefinition>)[name];
  const role = resources[onlyId(resources, `${constructId(capability!)}/${constructId(name)}`)].Properties.Role[
    'Fn::GetAtt'
  ][0] as string;
  const policy = Object.entries(resources).find(
    ([id, resource]) =>
      resource.Type === 'AWS::IAM::Policy' && id.startsWith(role.replace(/[0-9A-F]{8}$/, 'DefaultPolicy')),
  )?.[1];
  return ((policy?.Properties.PolicyDocument.Statement ?? []) as { Action: string | string[]; Resource: unknown }[])
    .filter((statement) => JSON.stringify(statement.Resource).includes('RawArchiveBucket'))
    .flatMap((statement) => [statement.Action].flat());
}

describe('raw archive retention', () => {
  test('expires unverified requests after 7 days and keeps order data for good by default', () => {
    expect(expiryRules(regionResources())).toEqual([
      {
        Status: 'Enabled',
        Prefix: 'unverified/',
        ExpirationInDays: 7,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      },
    ]);
  });

  test("expires order data after the region's rawArchiveRetentionDays", () => {
    const resources = regionResources({ regionSettings: { [REGION]: { rawArchiveRetentionDays: 2555 } } });

    expect(expiryRules(resources)).toEqual([
      {
        Status: 'Enabled',
        Prefix: 'unverified/',
        ExpirationInDays: 7,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      },
      { Status: 'Enabled', ExpirationInDays: 2555, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
    ]);
  });

  test('refuses a retention that is not a whole number of days', () => {
    expect(() =>
      buildFabric({ regions: REGION, regionSettings: { [REGION]: { rawArchiveRetentionDays: 0 } } }),
    ).toThrow(/rawArchiveRetentionDays/);
  });
});

describe('raw archive access', () => {
  const resources = regionResources();
  const withArchive = Object.entries(functions as Record<string, FunctionDefinition>)
    .filter(([, definition]) => definition.buckets?.rawArchive)
    .map(([name, definition]) => [name, definition.buckets!.rawArchive!] as [string, BucketAccess]);

  // The fulfilment functions share the shipment flow's ports (a collected pickup, at the counter or the
  // till, a store's or ShipBob's shipment is confirmed as POST /shipments confirms one, archived first).
  test('the nine functions that only archive what they receive or confirm may only write it', () => {
    expect(
      withArchive
        .filter(([, access]) => access === 'write')
        .map(([name]) => name)
        .sort(),
    ).toEqual([
      'amazon-notifications',
      'channel-order-catch-up',
      'channel-order-fetch',
      'fulfilment-release',
      'fulfilment-watch',
      'marketplace-webhook',
      'pos-pickup-collection',
      'shipment-confirmation',
      'store-tasks-api',
    ]);
  });

  test.each(withArchive)('%s may take exactly its %s actions on the raw archive, and never delete', (name, access) => {
    const actions = rawArchiveActions(resources, name);

    expect(actions.includes('s3:PutObject')).toBe(access !== 'read');
    expect(actions.some((action) => /^s3:(GetObject|List)/.test(action))).toBe(access !== 'write');
    expect(actions.filter((action) => action.startsWith('s3:Delete'))).toEqual([]);
  });
});
