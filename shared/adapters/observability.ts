import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

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

export const tracer = new Tracer({ serviceName });
