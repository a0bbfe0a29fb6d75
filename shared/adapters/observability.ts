import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'retail-fabric';

/** Made once per process and imported everywhere, so every log line carries the same service keys. */
export const logger = new Logger({ serviceName });

// Locally metrics are disabled, and Powertools then warns on every invocation that it has nothing to
// publish; those warnings say nothing about the code, so only errors get through there.
const ignore = () => undefined;
const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED === 'true';
export const metrics = new Metrics({
  namespace: 'RetailFabric',
  serviceName,
  logger: metricsDisabled ? { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: (...args: unknown[]) => logger.error(String(args[0])) } : logger,
});

/**
 * The X-Ray tracer, made only where tracing is on (Lambda with active tracing). Merely loading the
 * X-Ray SDK installs an async hook that tracks every promise, disabled tracer or not: in the local
 * runtime, where every function shares one process, that hook cost a tenth of its CPU.
 */
export const tracer: Tracer | undefined = process.env.POWERTOOLS_TRACE_ENABLED === 'false'
  ? undefined
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  : new (require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')).Tracer({ serviceName });

/** The SDK client, its calls traced as subsegments when tracing is on. */
export function traced<Client>(client: Client): Client {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}
