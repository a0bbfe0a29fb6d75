import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** Made once per process and imported everywhere, so every log line carries the same service keys. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'retail-fabric' });
export const metrics = new Metrics({ namespace: 'RetailFabric', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'retail-fabric' });
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'retail-fabric' });
