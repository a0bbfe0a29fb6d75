import { GetBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('archive-retention');
});

afterAll(async () => {
  await fabric?.stop();
});

describe('the local raw archive expires what AWS expires', () => {
  test('unverified requests go after 7 days; order data has no expiry', async () => {
    const { Rules = [] } = await fabric.clients.s3.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: fabric.resources.buckets.rawArchive }),
    );

    expect(
      Rules.map((rule) => ({
        prefix: rule.Filter?.Prefix ?? rule.Prefix,
        days: rule.Expiration?.Days,
        status: rule.Status,
      })),
    ).toEqual([{ prefix: 'unverified/', days: 7, status: 'Enabled' }]);
  });
});
