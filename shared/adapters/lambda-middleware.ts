import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { invocationTracing, logger, metrics, withInvocationLogger } from './observability';

// middy publishes its types as ESM only; its CommonJS build is what Node, jest and esbuild load here.
type Middy = typeof import('@middy/core', { with: { 'resolution-mode': 'import' }}).default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const middy: Middy = require('@middy/core');

/**
 * Every handler gets the same Powertools wiring: context in logs, metrics flushed, a trace segment
 * where tracing is on. Each invocation logs through a logger of its own, so concurrent invocations in
 * one process (the local runtime runs every function in one) never name each other's function or request.
 */
export function withObservability<TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) {
  const observed = middy(handler);
  const tracing = invocationTracing();
  if (tracing) observed.use(tracing);
  observed.use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
  return (event: TEvent, context: Context): Promise<TResult> => withInvocationLogger(() => observed(event, context));
}
