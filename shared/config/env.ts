import * as z from '#domain/kernel/schema';
import { ConfigError } from '#domain/kernel/errors';

/**
 * Reads configuration once, at cold start, through a zod schema over the environment. A missing or
 * malformed variable fails fast with its name, before the first event is half-processed.
 */
export function readConfig<T extends z.core.$ZodShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodMiniObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Required non-empty variable, e.g. a table name bound by the infrastructure. */
export const requiredName = z.string({ error: 'is required' }).check(z.minLength(1, 'is required'));

/**
 * The variable that tells a queue consumer each of its queues' maxReceiveCount, by queue name (the last
 * part of the queue's ARN), as JSON: `{"fabric-eu-west-1-order-intake":5}`. A map, not one number,
 * because one function may read several queues with different limits. Set where the function is bound
 * to its queues: `FabricFunction.consumeQueue` in the stacks, the local runtime's event sources.
 */
export const MAX_RECEIVE_COUNTS_ENV = 'FABRIC_MAX_RECEIVE_COUNTS';

/** Parses MAX_RECEIVE_COUNTS_ENV; absent is no queue known, so no failure is taken for the last receive. */
export const maxReceiveCounts = z.pipe(
  z.pipe(
    z._default(z.string(), '{}'),
    z.transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.issues.push({ code: 'custom', message: 'is not JSON', input: text });
        return z.NEVER;
      }
    }),
  ),
  z.record(z.string(), z.number().check(z.int(), z.positive())),
);

export const booleanFlag = z.pipe(
  z._default(z.enum(['true', 'false']), 'false'),
  z.transform((value) => value === 'true'),
);

/**
 * A policy read once, at cold start: `defaults` with any top-level section replaced by the JSON in
 * env[variable], parsed by `schema`. Throws ConfigError naming the variable and the failing path.
 */
export function readPolicy<S extends z.ZodMiniType>(
  schema: S,
  defaults: object,
  variable: string,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  let override: Record<string, unknown> = {};
  if (env[variable]) {
    try {
      override = JSON.parse(env[variable]) as Record<string, unknown>;
    } catch {
      throw new ConfigError(`invalid configuration: ${variable} is not valid JSON`);
    }
  }
  const result = schema.safeParse({ ...defaults, ...override });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${variable} ${problems.join('; ')}`);
  }
  return result.data;
}
