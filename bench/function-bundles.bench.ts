import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import {
  apiCredentialsNameEnvVar,
  bucketEnvVar,
  buckets,
  functions,
  secretNameEnvVar,
  tableEnvVar,
  tables,
  type BucketName,
  type TableName,
} from '#shared/config/topology';
import { SalesChannel } from '#domain/kernel/order';
import { ERP_CREDENTIALS_NAME_ENV } from '#shared/erp/erp-config';
import { format, record, report } from './harness';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');
/**
 * Loads measured per function, each in a fresh process; the median is kept. On a shared 2-core
 * machine single loads stray by tens of ms; the median of five holds still to a few ms, and the
 * samples go round all functions in turn so that a busy moment does not land on one function's five.
 */
const LOAD_SAMPLES = 5;

/**
 * The esbuild options FabricFunction gives NodejsFunction (infra/constructs/fabric-function.ts):
 * minified CommonJS for node22 with a source map without sources, the AWS SDK bundled, not external.
 */
const CDK_BUNDLING: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: [],
  metafile: true,
  logLevel: 'silent',
};

/**
 * The environment a function starts with in Lambda. AWS_EXECUTION_ENV is what turns Powertools'
 * tracer on, as active tracing has it in AWS (POWERTOOLS_TRACE_ENABLED is deliberately not passed on
 * from this process, which sets it false for the in-process fabric). NODE_OPTIONS and the service
 * name are FabricFunction's; every resource variable any function reads gets a placeholder name
 * (nothing is called while a module loads).
 */
function lambdaEnvironment(name: string, memoryMb: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    POWERTOOLS_SERVICE_NAME: name,
    FABRIC_SECRETS_SOURCE: 'secrets-manager',
    NODE_OPTIONS: '--enable-source-maps',
    FABRIC_EVENT_BUS_NAME: 'bench-bus',
    [ERP_CREDENTIALS_NAME_ENV]: 'fabric/erp/business-central',
    ...Object.fromEntries((Object.keys(tables) as TableName[]).map((table) => [tableEnvVar(table), `bench-${table}`])),
    ...Object.fromEntries(
      (Object.keys(buckets) as BucketName[]).map((bucket) => [bucketEnvVar(bucket), `bench-${bucket}`]),
    ),
    ...Object.fromEntries(
      SalesChannel.options.flatMap((channel) => [
        [secretNameEnvVar(channel), `fabric/webhooks/${channel}`],
        [apiCredentialsNameEnvVar(channel), `fabric/channel-api/${channel}`],
      ]),
    ),
  };
}

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  sourceBytes: number;
  env: NodeJS.ProcessEnv;
  loads: number[];
  /** Why the bundle did not load, when it did not. */
  failure?: string;
}

/**
 * Every function in the topology bundled as CDK bundles it, then its size beside the source it was
 * built from (the metafile's inputs) and its cold module-load time beside that of the AWS SDK's
 * DynamoDB client alone, bundled and loaded the same way, which every function pays anyway. Prints
 * one row per function (both figures go to results.json), then the largest bundle and the slowest
 * load as the summary's figures.
 */
export async function benchFunctionBundles(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  // esbuild builds them all at once, on as many cores as there are.
  const bundles = await Promise.all([
    bundle(
      'DynamoDB client alone',
      { stdin: { contents: "require('@aws-sdk/client-dynamodb');", resolveDir: ROOT } },
      lambdaEnvironment('baseline', 256),
    ),
    ...Object.entries(functions).map(([name, definition]) =>
      bundle(name, { entryPoints: [path.join(ROOT, definition.entry)] }, lambdaEnvironment(name, definition.memoryMb)),
    ),
  ]);
  for (let sample = 0; sample < LOAD_SAMPLES; sample += 1) {
    for (const item of bundles) if (!item.failure) coldLoad(item);
  }
  const [baseline, ...functionBundles] = bundles;
  if (baseline.failure) throw new Error(`the DynamoDB client bundle does not load: ${baseline.failure}`);
  const baselineMs = median(baseline.loads);
  console.log(
    `${functionBundles.length} functions, bundled as CDK bundles them; cold module load: median of ${LOAD_SAMPLES} fresh processes each, tracing on`,
  );
  console.log(
    `  ${'function'.padEnd(28)} ${'bundle KiB'.padStart(10)} ${'/ source'.padStart(9)} ${'ratio'.padStart(6)}   ${'load ms'.padStart(7)} ${'/ DynamoDB client'.padStart(17)} ${'ratio'.padStart(6)}`,
  );
  for (const item of functionBundles) {
    const sizeRatio = record({
      name: `bundle size: ${item.name}`,
      unit: 'KiB',
      value: item.bytes / 1024,
      ceilingName: 'source it was built from',
      ceiling: item.sourceBytes / 1024,
      detail: true,
    });
    const size = `${format(item.bytes / 1024).padStart(10)} ${format(item.sourceBytes / 1024).padStart(9)} ${sizeRatio.toFixed(3).padStart(6)}`;
    if (item.failure) {
      console.log(`  ${item.name.padEnd(28)} ${size}   does not load: ${item.failure}`);
      continue;
    }
    const loadRatio = record({
      name: `cold module load: ${item.name}`,
      unit: 'ms',
      value: median(item.loads),
      ceilingName: 'DynamoDB client bundle alone',
      ceiling: baselineMs,
      detail: true,
    });
    console.log(
      `  ${item.name.padEnd(28)} ${size}   ${format(median(item.loads)).padStart(7)} ${format(baselineMs).padStart(17)} ${loadRatio.toFixed(3).padStart(6)}`,
    );
  }
  const loaded = functionBundles.filter((item) => !item.failure);
  const largest = functionBundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const slowest = loaded.reduce((a, b) => (median(b.loads) > median(a.loads) ? b : a));
  const sizes = functionBundles.map((item) => item.bytes / 1024);
  const loads = loaded.map((item) => median(item.loads));
  const failed = functionBundles.length - loaded.length;
  report({
    name: `largest function bundle (${largest.name})`,
    unit: 'KiB',
    value: largest.bytes / 1024,
    ceilingName: 'source it was built from',
    ceiling: largest.sourceBytes / 1024,
    notes: `of ${functionBundles.length} functions, median ${format(median(sizes))} KiB, smallest ${format(Math.min(...sizes))} KiB; minified, SDK bundled, source map beside it`,
  });
  report({
    name: `slowest cold module load (${slowest.name})`,
    unit: 'ms',
    value: median(slowest.loads),
    ceilingName: 'DynamoDB client bundle alone',
    ceiling: baselineMs,
    notes: `of ${loaded.length} functions, median ${format(median(loads))} ms, fastest ${format(Math.min(...loads))} ms${failed ? `; ${failed} did not load` : ''}; fresh process each, tracing on, source maps enabled as deployed`,
  });
}

async function bundle(
  name: string,
  input: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
  env: NodeJS.ProcessEnv,
): Promise<Bundle> {
  // index.js, as in the asset CDK uploads.
  const file = path.join(OUT, name.replace(/\W+/g, '-'), 'index.js');
  const { metafile } = await build({ ...CDK_BUNDLING, ...input, outfile: file });
  const sourceBytes = Object.values(metafile!.inputs).reduce((sum, source) => sum + source.bytes, 0);
  return { name, file, bytes: statSync(file).size, sourceBytes, env, loads: [] };
}

/** Requires the bundle in a fresh Node process and adds the milliseconds it took (the init a cold start pays before the handler runs), or its failure. */
function coldLoad(item: Bundle): void {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(item.file)}); console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  try {
    // stderr is kept back: the SDK warns on Node 20 that it will need Node 22, which Lambda runs anyway.
    const output = execFileSync(process.execPath, ['-e', script], {
      env: item.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    item.loads.push(Number(output.trim().split('\n').pop()));
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    item.failure =
      stderr.split('\n').find((line) => /^\w*Error\b/.test(line)) ?? (error as Error).message.split('\n')[0];
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
