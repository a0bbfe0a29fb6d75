import * as z from '#domain/kernel/schema';
import { OutboundRateLimits } from '#shared/channels/channel-apis';
import { SalesChannel } from '#domain/kernel/order';
import { SquareStoreLocations } from '#shared/channels/square/square-store-sale';
import type { FunctionTracing } from './function-bundling';

export const Region = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'is not an AWS region name'));

/** Context `regions`: a comma-separated string (as `-c regions=a,b` passes it) or a JSON array. */
export const Regions = z.pipe(
  z.union([
    z.pipe(
      z.string(),
      z.transform((value) =>
        value
          .split(',')
          .map((region) => region.trim())
          .filter(Boolean),
      ),
    ),
    z.array(z.string()),
  ]),
  z.array(Region).check(z.minLength(1, 'names no region')),
);

/** What one region may set; every key is optional (docs/deploy.md, "Adding a region"). */
export const RegionSettings = z.strictObject({
  alarmEmail: z.optional(z.email()),
  channels: z.optional(z.array(SalesChannel).check(z.minLength(1, 'names no channel'))),
  erpApiUrl: z.optional(z.url()),
  erpRequestsPerSecond: z.optional(z.number().check(z.int(), z.positive())),
  channelRateLimits: z.optional(z.partial(OutboundRateLimits)),
  /** How often each channel's catch-up pull runs (minutes); 15 when unset. */
  catchUpEveryMinutes: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1440))),
  /** Orders a channel's catch-up finds in an hour that no webhook brought before the alarm asks why; 3 when unset. */
  recoveredOrdersAlarmPerHour: z.optional(z.number().check(z.int(), z.positive())),
  /** The Square locations that are store tills, each with its store and time zone (docs/pos-upload.md). */
  squareStoreLocations: z.optional(SquareStoreLocations),
  /** Days the raw archive keeps order data (verified deliveries and their verdicts); absent, for good. */
  rawArchiveRetentionDays: z.optional(z.number().check(z.int(), z.positive())),
  /** 'active' sends every function's X-Ray traces; off when unset, and the tracer is then not even bundled. */
  tracing: z.optional(z.enum(['active', 'off'] satisfies FunctionTracing[])),
  /**
   * Whether a reservation decided in one transaction stores its part inside its header; on when unset.
   * false only while a region is upgraded from a release that read parts from PART# items alone (docs/deploy.md).
   */
  reservationPartInHeader: z.optional(z.boolean()),
});
export type RegionSettings = z.infer<typeof RegionSettings>;

/**
 * Context `regionSettings`: optional settings per region, e.g.
 * `{ "eu-west-1": { "alarmEmail": "ops@example.com", "channels": ["shopify", "amazon"], "erpApiUrl": "https://...",
 * "erpRequestsPerSecond": 20, "channelRateLimits": { "shopify": { "ratePerSecond": 50, "burst": 1000 } },
 * "rawArchiveRetentionDays": 2555, "tracing": "active" } }`.
 */
export const RegionSettingsByRegion = z._default(
  z.record(Region, RegionSettings, { error: 'must be an object of settings per region, or its JSON text' }),
  {},
);

/**
 * Reads one context value through its schema. CDK hands over `-c key=value` from the command line as
 * a string, so an object- or array-valued key also takes its JSON text. Throws, naming the key, on
 * text that is not JSON and on a value the schema refuses.
 */
export function parseContext<T>(key: string, value: unknown, schema: z.ZodMiniType<T>): T {
  const result = schema.safeParse(fromCommandLine(key, value));
  if (!result.success) {
    throw new Error(
      `context "${key}": ${result.error.issues.map((issue) => `${[key, ...issue.path].join('.')} ${issue.message}`).join('; ')}`,
    );
  }
  return result.data;
}

/** A string that opens an object or an array is JSON text; anything else (`us-east-1,eu-west-1`) is the value itself. */
function fromCommandLine(key: string, value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new Error(`context "${key}" is not valid JSON: ${(error as Error).message}`);
  }
}
