import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { regionSecrets, type RegionSecret } from '../infra/region-secrets';
import { parseContext, Region, RegionSettingsByRegion } from '../infra/region-settings';
import type { SalesChannel } from '#domain/kernel/order';
import { defineCommand, option, parseCommand, requiredOption, runCommandLine } from './ops/command-line';

/**
 * `npm run deploy:check -- --region <region> [--profile <profile>]`: before a deploy changes anything,
 * lists every Secrets Manager secret the region's stacks will read (from the topology and the
 * region's `channels` in cdk.json, as the stacks derive them) and names each one the target account
 * lacks. Exit status 0 when all exist, 1 when any is missing (or the account cannot be asked), 2 with
 * the usage on a bad command line. It only describes secrets: it never reads a value.
 */
export const deployCheckCommand = defineCommand({
  program: 'npm run deploy:check --',
  name: '',
  summary: "Names every secret the region's stacks read that the target account lacks, before anything is deployed.",
  flags: {
    region: requiredOption('region', (text) => {
      if (!Region.safeParse(text).success)
        throw new Error(`must be an AWS region name such as eu-west-1; got "${text}"`);
      return text;
    }),
    profile: option('profile'),
  },
});

/** A secret as the account holds it; one scheduled for deletion cannot be read until it is restored. */
export type SecretState = 'present' | 'missing' | 'scheduled for deletion';

/**
 * The one AWS call: DescribeSecret, which needs no permission on the value. Throws anything but
 * "not found" (no credentials, access denied, throttling), since that says nothing about the secret.
 */
export async function secretState(client: SecretsManagerClient, name: string): Promise<SecretState> {
  try {
    const { DeletedDate } = await client.send(new DescribeSecretCommand({ SecretId: name }));
    return DeletedDate ? 'scheduled for deletion' : 'present';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return 'missing';
    throw error;
  }
}

/** The channels a region sells on, from the `regionSettings` context; undefined means every channel. Throws naming the key on bad settings. */
export function regionChannels(context: Record<string, unknown>, region: string): readonly SalesChannel[] | undefined {
  return parseContext('regionSettings', context.regionSettings, RegionSettingsByRegion)[region]?.channels;
}

const KIND = {
  webhook: 'webhook secret',
  'channel-api': 'channel API credentials',
  erp: 'ERP credentials',
  '3pl': '3PL API credentials',
} satisfies Record<RegionSecret['kind'], string>;

/**
 * The check without the process around it: prints one line per secret, then the missing ones, and
 * returns the exit status. Throws a UsageError on a bad command line and whatever secretState throws.
 */
export async function deployCheck(
  argv: readonly string[],
  context: Record<string, unknown> = cdkContext(),
): Promise<number> {
  const { flags } = parseCommand(deployCheckCommand, argv);
  if (flags.profile) process.env.AWS_PROFILE = flags.profile;
  const secrets = regionSecrets(regionChannels(context, flags.region));
  const client = new SecretsManagerClient({ region: flags.region });
  const checked = await Promise.all(
    secrets.map(async (secret) => ({ secret, state: await secretState(client, secret.name) })),
  );

  console.log(`Secrets the RetailFabric-${flags.region}-* stacks read:`);
  const width = Math.max(...secrets.map((secret) => secret.name.length));
  for (const { secret, state } of checked) {
    console.log(
      `  ${(state === 'present' ? 'ok' : state.toUpperCase()).padEnd(7)}  ${secret.name.padEnd(width)}  ${KIND[secret.kind]}, read by ${secret.readBy.join(', ')}`,
    );
  }
  const missing = checked.filter(({ state }) => state !== 'present');
  if (missing.length === 0) {
    console.log(`All ${checked.length} exist in ${flags.region}.`);
    return 0;
  }
  console.error(
    `\n${missing.length} of ${checked.length} missing in ${flags.region}; create them before deploying (docs/deploy.md, "Secrets"):`,
  );
  for (const { secret, state } of missing)
    console.error(`  ${secret.name}${state === 'missing' ? '' : ` (${state}: restore it)`}`);
  return 1;
}

function cdkContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.resolve(__dirname, '..', 'cdk.json'), 'utf8')).context;
}

if (require.main === module) {
  runCommandLine(
    async () => {
      process.exitCode = await deployCheck(process.argv.slice(2));
    },
    (error) => `deploy check failed: ${error.message}`,
  );
}
