import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * Whether a region's functions send X-Ray traces: `regionSettings.<region>.tracing` (docs/deploy.md).
 * Off by default: the Powertools tracer and the X-Ray SDK are then neither bundled nor loaded, and
 * no promise pays the async hook the X-Ray SDK installs.
 */
export type FunctionTracing = 'active' | 'off';
export const DEFAULT_TRACING: FunctionTracing = 'off';

/**
 * How every fabric function is bundled: FabricFunction gives this to NodejsFunction, and the bench
 * (bench/function-bundles.bench.ts) bundles with the same options through `esbuildOptions`.
 *
 * Minified CommonJS for node22 with a source map without sources. The AWS SDK is bundled rather than
 * taken from the runtime: the function then runs exactly the pinned client versions the tests ran
 * against, whatever the runtime ships that week, and tree-shaking keeps the cost to the clients and
 * commands actually imported.
 */
export function functionBundling(tracing: FunctionTracing = DEFAULT_TRACING): BundlingOptions {
  return {
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    target: 'node22',
    format: OutputFormat.CJS,
    // bowser parses a browser's user agent: the SDK's shared client code imports it dynamically for its
    // browser user-agent provider only, which no Node client calls, so it is left out rather than
    // bundled (34 KiB).
    externalModules: ['bowser'],
    // Without tracing the bundle reads POWERTOOLS_TRACE_ENABLED as 'false' wherever our code reads it,
    // which makes the tracer dead code (shared/adapters/observability.ts) that minification drops.
    define: tracing === 'off' ? { 'process.env.POWERTOOLS_TRACE_ENABLED': JSON.stringify('false') } : {},
  };
}

/** The esbuild options NodejsFunction passes its bundler for `bundling`, for building the same bundle outside CDK. */
export function esbuildOptions(bundling: BundlingOptions): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    external: bundling.externalModules,
    define: bundling.define,
  };
}
