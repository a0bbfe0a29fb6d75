import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'retail-fabric';

class FabricLogger extends Logger {
  protected override createLogger(options?: ConstructorOptions): Logger {
    const child = new FabricLogger(options);
    // A child logs inside its parent's invocation, so it is never a cold start of its own.
    child.coldStart = false;
    return child;
  }

  /** A logger for one invocation: the process's settings and keys, and a cold start only if the process's first. */
  invocationChild(): Logger {
    const child = this.createChild() as FabricLogger;
    child.coldStart = this.getColdStart();
    return child;
  }
}

const processLogger = new FabricLogger({ serviceName });
const recordLoggers = new AsyncLocalStorage<Logger>();

/**
 * Made once per process and imported everywhere, so every log line carries the same service keys.
 * Inside `withInvocationLogger` it is that invocation's child logger, and inside `withRecordLogger`
 * that record's: invocations (in the local runtime, of several functions in one process) and the
 * records of one batch run side by side, and the context or keys one sets (its function and request,
 * its order, its transaction) would otherwise land on the others' lines.
 */
export const logger: Logger = new Proxy(processLogger, {
  get(root, property) {
    // A function set on the shared logger itself (a test's spy) stands for every scope's.
    if (Object.hasOwn(root, property) && typeof Reflect.get(root, property) === 'function')
      return Reflect.get(root, property);
    const current = recordLoggers.getStore() ?? root;
    const value: unknown = Reflect.get(current, property);
    // The logger's methods read its private fields, so they run on the logger itself, not on this proxy.
    return typeof value === 'function' ? value.bind(current) : value;
  },
});

/** Runs one invocation with a child logger of its own, which the Lambda context middleware then fills. */
export function withInvocationLogger<T>(work: () => Promise<T>): Promise<T> {
  return recordLoggers.run(processLogger.invocationChild(), work);
}

/**
 * Runs one record's handling with a child logger of its own (the invocation's context and keys, then
 * whatever the handler appends), which `logger` is for everything that work calls, awaits included.
 */
export function withRecordLogger<T>(work: () => Promise<T>): Promise<T> {
  return recordLoggers.run(logger.createChild(), work);
}

// Locally metrics are disabled, and Powertools then warns on every invocation that it has nothing to
// publish; those warnings say nothing about the code, so only errors get through there.
const ignore = () => undefined;
const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED === 'true';
export const metrics = new Metrics({
  namespace: 'RetailFabric',
  serviceName,
  logger: metricsDisabled
    ? {
        trace: ignore,
        debug: ignore,
        info: ignore,
        warn: ignore,
        error: (...args: unknown[]) => logger.error(String(args[0])),
      }
    : logger,
});

/**
 * The X-Ray tracer, made only where tracing is on (Lambda with active tracing). Merely loading the
 * X-Ray SDK installs an async hook that tracks every promise, disabled tracer or not: in the local
 * runtime, where every function shares one process, that hook cost a tenth of its CPU.
 */
export const tracer: Tracer | undefined =
  // A region that does not trace builds its bundles with this variable fixed to 'false'
  // (infra/function-bundling.ts): the test folds to a constant there, and the tracer is dead code that
  // is neither bundled nor loaded. Kept inline: esbuild folds a comparison, not a constant read from a variable.
  process.env.POWERTOOLS_TRACE_ENABLED !== 'false'
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      new (require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')).Tracer({
        serviceName,
      })
    : undefined;

/** The middy middleware that makes each invocation a trace segment, where tracing is on. */
export function invocationTracing(): ReturnType<typeof captureLambdaHandler> | undefined {
  // The variable is tested again, not only the tracer, so that a bundle without tracing drops the middleware too.
  return process.env.POWERTOOLS_TRACE_ENABLED !== 'false' && tracer
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (
        require('@aws-lambda-powertools/tracer/middleware') as typeof import('@aws-lambda-powertools/tracer/middleware')
      ).captureLambdaHandler(tracer)
    : undefined;
}

/** The SDK client, its calls traced as subsegments when tracing is on. */
export function traced<Client>(client: Client): Client {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}
