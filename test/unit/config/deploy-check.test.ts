import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { regionSecrets } from '../../../infra/region-secrets';
import { deployCheck, regionChannels } from '../../../scripts/deploy-check';
import { UsageError } from '../../../scripts/ops/command-line';
import { tsx } from '../support/command-line-process';

// Secrets Manager has no local emulator: these tests pin the calls the check makes and how it reads the answers.
const secretsManager = mockClient(SecretsManagerClient);
const EVERY_CHANNEL = { regionSettings: {} };
const notFound = () =>
  new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });

let printed: string[];
let complaints: string[];

beforeEach(() => {
  secretsManager.reset();
  printed = [];
  complaints = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  jest.spyOn(console, 'error').mockImplementation((line: string) => void complaints.push(line));
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the secrets a region reads', () => {
  test("are, for a region on every channel, each channel's webhook secret and API credentials and the ERP's", () => {
    expect(regionSecrets(undefined).map((secret) => secret.name)).toEqual([
      'fabric/channel-api/amazon',
      'fabric/channel-api/ebay',
      'fabric/channel-api/shopify',
      'fabric/channel-api/square',
      'fabric/channel-api/walmart',
      'fabric/channel-api/woocommerce',
      'fabric/erp/business-central',
      'fabric/webhooks/ebay',
      'fabric/webhooks/shopify',
      'fabric/webhooks/square',
      'fabric/webhooks/walmart',
      'fabric/webhooks/woocommerce',
    ]);
  });

  test("are only those of the channels a region sells on, and the ERP's", () => {
    expect(regionSecrets(['shopify', 'woocommerce']).map((secret) => secret.name)).toEqual([
      'fabric/channel-api/shopify',
      'fabric/channel-api/woocommerce',
      'fabric/erp/business-central',
      'fabric/webhooks/shopify',
      'fabric/webhooks/woocommerce',
    ]);
  });

  test('name the functions that read each one', () => {
    const byName = new Map(regionSecrets(undefined).map((secret) => [secret.name, secret]));

    expect(byName.get('fabric/webhooks/walmart')).toEqual({
      name: 'fabric/webhooks/walmart',
      kind: 'webhook',
      readBy: ['marketplace-webhook'],
    });
    expect(byName.get('fabric/channel-api/walmart')).toEqual({
      name: 'fabric/channel-api/walmart',
      kind: 'channel-api',
      // Orders in (the fetch and the catch-up) and, both ways, stock, shipments and prices out.
      readBy: [
        'channel-order-fetch',
        'channel-order-catch-up',
        'channel-availability-sync',
        'channel-order-sync',
        'channel-drift-check',
        'channel-status-api',
        'price-distribution',
      ],
    });
    expect(byName.get('fabric/erp/business-central')).toEqual({
      name: 'fabric/erp/business-central',
      kind: 'erp',
      readBy: ['erp-posting'],
    });
  });

  test("follow the region's channels in cdk.json, given as an object or as JSON text", () => {
    const settings = { 'eu-west-1': { channels: ['shopify'] } };

    expect(regionChannels({ regionSettings: settings }, 'eu-west-1')).toEqual(['shopify']);
    expect(regionChannels({ regionSettings: JSON.stringify(settings) }, 'eu-west-1')).toEqual(['shopify']);
    expect(regionChannels({ regionSettings: settings }, 'us-east-1')).toBeUndefined();
  });
});

describe('npm run deploy:check', () => {
  test('exits 0 when every secret the region reads exists, having described each once', async () => {
    secretsManager.on(DescribeSecretCommand).resolves({ Name: 'exists' });

    const status = await deployCheck(['--region', 'eu-west-1'], EVERY_CHANNEL);

    expect(status).toBe(0);
    expect(secretsManager).toHaveReceivedCommandTimes(DescribeSecretCommand, regionSecrets(undefined).length);
    for (const { name } of regionSecrets(undefined))
      expect(secretsManager).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: name });
    expect(printed.at(-1)).toBe('All 12 exist in eu-west-1.');
  });

  test('exits 1 naming each missing secret', async () => {
    secretsManager.on(DescribeSecretCommand).resolves({ Name: 'exists' });
    secretsManager.on(DescribeSecretCommand, { SecretId: 'fabric/webhooks/walmart' }).rejects(notFound());
    secretsManager.on(DescribeSecretCommand, { SecretId: 'fabric/channel-api/walmart' }).rejects(notFound());

    const status = await deployCheck(['--region', 'eu-west-1'], EVERY_CHANNEL);

    expect(status).toBe(1);
    expect(complaints.slice(1)).toEqual(['  fabric/channel-api/walmart', '  fabric/webhooks/walmart']);
    expect(printed).toContainEqual(
      expect.stringMatching(/^ {2}MISSING +fabric\/webhooks\/walmart +webhook secret, read by marketplace-webhook$/),
    );
  });

  test('counts a secret scheduled for deletion as missing, since it cannot be read', async () => {
    secretsManager.on(DescribeSecretCommand).resolves({ Name: 'exists' });
    secretsManager
      .on(DescribeSecretCommand, { SecretId: 'fabric/erp/business-central' })
      .resolves({ Name: 'fabric/erp/business-central', DeletedDate: new Date('2026-11-20T00:00:00Z') });

    const status = await deployCheck(['--region', 'eu-west-1'], EVERY_CHANNEL);

    expect(status).toBe(1);
    expect(complaints.slice(1)).toEqual(['  fabric/erp/business-central (scheduled for deletion: restore it)']);
  });

  test('asks only about the secrets of the channels the region sells on', async () => {
    secretsManager.on(DescribeSecretCommand).rejects(notFound());

    const status = await deployCheck(['--region', 'eu-west-1'], {
      regionSettings: { 'eu-west-1': { channels: ['shopify'] } },
    });

    expect(status).toBe(1);
    expect(complaints.slice(1)).toEqual([
      '  fabric/channel-api/shopify',
      '  fabric/erp/business-central',
      '  fabric/webhooks/shopify',
    ]);
  });

  test('fails rather than report a secret missing when the account cannot be asked', async () => {
    secretsManager.on(DescribeSecretCommand).rejects(
      new SecretsManagerServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized to perform secretsmanager:DescribeSecret',
        $metadata: {},
      }),
    );

    await expect(deployCheck(['--region', 'eu-west-1'], EVERY_CHANNEL)).rejects.toThrow(/not authorized/);
  });

  test.each([
    [[], '--region is required'],
    [['--region', 'Europe'], '--region must be an AWS region name such as eu-west-1; got "Europe"'],
    [['--region', 'eu-west-1', '--channels', 'shopify'], 'unknown flag --channels'],
  ])('refuses %j before asking AWS anything: %s', async (argv, reason) => {
    await expect(deployCheck(argv, EVERY_CHANNEL)).rejects.toEqual(
      new UsageError('npm run deploy:check -- --region <region> [--profile <profile>]', reason),
    );
    expect(secretsManager).not.toHaveReceivedAnyCommand();
  });

  test('answers an unknown flag with the usage and exit status 2', async () => {
    const run = await tsx(['scripts/deploy-check.ts', '--bogus']);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'unknown flag --bogus\nusage: npm run deploy:check -- --region <region> [--profile <profile>]\n',
    );
  }, 60_000);
});
