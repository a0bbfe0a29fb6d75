import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { buckets, bucketEnvVar, functions, tableEnvVar, tables, type BucketName, type TableName } from '../shared/config/topology';
import { report } from './harness';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');

/** Configuration every handler reads at cold start; values are placeholders, nothing is called. */
const COLD_START_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  FABRIC_EVENT_BUS_NAME: 'bench-bus',
  FABRIC_SECRETS_SOURCE: 'secrets-manager',
  POWERTOOLS_METRICS_DISABLED: 'true',
  ...Object.fromEntries((Object.keys(tables) as TableName[]).map((table) => [tableEnvVar(table), `bench-${table}`])),
  ...Object.fromEntries((Object.keys(buckets) as BucketName[]).map((bucket) => [bucketEnvVar(bucket), `bench-${bucket}`])),
};

/** Milliseconds to require a module in a fresh Node process, median of five. */
function coldRequireMs(modulePath: string): number {
  const samples = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, [
    '-e', `const t = process.hrtime.bigint(); require(${JSON.stringify(modulePath)}); console.log(Number(process.hrtime.bigint() - t) / 1e6);`,
  ], { env: COLD_START_ENV, encoding: 'utf8' }).trim()));
  return samples.sort((a, b) => a - b)[2];
}

/**
 * Every function bundled as CDK bundles it (esbuild, minified, node22, CommonJS, SDK included), then
 * its size beside the source it was built from, and its cold module-load time beside the load time
 * of the AWS SDK's DynamoDB client alone, which every function pays anyway.
 */
export async function benchFunctionBundles(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const baselinePath = path.join(OUT, 'baseline-dynamodb-client.js');
  await build({ stdin: { contents: "require('@aws-sdk/client-dynamodb');", resolveDir: ROOT }, bundle: true, platform: 'node', target: 'node22', format: 'cjs', minify: true, outfile: baselinePath, logLevel: 'silent' });
  const baselineMs = coldRequireMs(baselinePath);

  for (const [name, definition] of Object.entries(functions)) {
    const outfile = path.join(OUT, `${name}.js`);
    const { metafile } = await build({
      entryPoints: [path.join(ROOT, definition.entry)], bundle: true, platform: 'node', target: 'node22', format: 'cjs',
      minify: true, metafile: true, outfile, logLevel: 'silent',
    });
    const sourceBytes = Object.values(metafile.inputs).reduce((sum, input) => sum + input.bytes, 0);
    const bundleKb = statSync(outfile).size / 1024;
    report({ name: `bundle size: ${name}`, unit: 'KiB', value: bundleKb, ceilingName: 'source it was built from', ceiling: sourceBytes / 1024 });
    try {
      report({ name: `cold module load: ${name}`, unit: 'ms', value: coldRequireMs(outfile), ceilingName: 'DynamoDB client bundle alone', ceiling: baselineMs });
    } catch (error) {
      console.log(`cold module load: ${name}: could not load with placeholder configuration (${(error as Error).message.split('\n')[0]})`);
    }
  }
}
