import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { SalesChannel } from '../shared/domain/order';
import { OutboundRateLimits } from '../shared/channels/channel-apis';
import { FabricStack } from './fabric-stack';

const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'is not an AWS region name');

/** Context `regions`: a comma-separated string (as `-c regions=a,b` passes it) or a JSON array. */
const Regions = z
  .union([z.string().transform((value) => value.split(',').map((region) => region.trim()).filter(Boolean)), z.array(z.string())])
  .pipe(z.array(Region).min(1, 'names no region'));

/**
 * Context `regionSettings`: optional settings per region, e.g.
 * `{ "eu-west-1": { "alarmEmail": "ops@example.com", "channels": ["shopify", "amazon"], "erpApiUrl": "https://...",
 * "erpRequestsPerSecond": 20, "channelRateLimits": { "shopify": { "ratePerSecond": 50, "burst": 1000 } } } }`.
 */
const RegionSettings = z.record(Region, z.strictObject({
  alarmEmail: z.email().optional(),
  channels: z.array(SalesChannel).min(1, 'names no channel').optional(),
  erpApiUrl: z.url().optional(),
  erpRequestsPerSecond: z.number().int().positive().optional(),
  channelRateLimits: OutboundRateLimits.partial().optional(),
}));

/**
 * Adds one independent `RetailFabric-<region>` stack per region in the `regions` context, each with
 * its `regionSettings`, and registers the cdk-nag AWS Solutions checks: synthesis fails on any finding
 * not acknowledged in code with a reason. Throws, naming the key, on malformed context.
 */
export function addFabricStacks(app: App): FabricStack[] {
  const regions = parseContext(app, 'regions', Regions);
  const settings = parseContext(app, 'regionSettings', RegionSettings.default({}));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  Tags.of(app).add('application', 'retail-integration-fabric');
  return [...new Set(regions)].map((region) => new FabricStack(app, `RetailFabric-${region}`, {
    env: { region, account: process.env.CDK_DEFAULT_ACCOUNT },
    description: `Retail integration fabric in ${region}.`,
    ...settings[region],
  }));
}

function parseContext<T>(app: App, key: string, schema: z.ZodType<T>): T {
  const result = schema.safeParse(app.node.tryGetContext(key));
  if (!result.success) {
    throw new Error(`context "${key}": ${result.error.issues.map((issue) => `${[key, ...issue.path].join('.')} ${issue.message}`).join('; ')}`);
  }
  return result.data;
}
