import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import {
  QUEUE_NAME_PREFIX_ENV,
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
import { DEFAULT_TRACING, esbuildOptions, functionBundling } from '../infra/function-bundling';
import { format, record, report } from './harness';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');
/**
 * Loads measured per function, each in a fresh process; the median is kept. On a shared 2-core
 * machine single loads stray by tens of ms, and the speed of a core drifts over minutes: a run that
 * loaded every SDK set first and the functions after measured catch-up at 417 ms against 237 ms for
 * its SDK clients taken at other moments (1.76; loaded one after the other minutes later, about 1.4). So
 * each load of a function is taken right beside a load of its SDK clients alone, and its ratio is of
 * the medians of those pairs; the samples go round all functions in turn so that a busy moment does
 * not land on most of one function's seven.
 */
const LOAD_SAMPLES = 7;

/**
 * The one core every load runs on, where `taskset` can pin it. This machine's two cores do not run
 * at the same speed (the same bundle loads in about 170 ms on one and 250 ms on the other, whichever
 * process runs beside it), so unpinned loads fell on either at random and a function's median could
 * come from the slow core while its SDK clients' came from the fast one: 1.55 where both on one core
 * give 1.25. One core is also what Lambda gives a function of up to 1,769 MB, so V8's background
 * compile and collection share it as they do there.
 */
const LOAD_CORE = pinnedCore();

/** What a function may carry beyond the AWS SDK clients it uses (issue 27). */
const BEYOND_SDK_GOAL_KIB = 250;

/**
 * The esbuild options FabricFunction gives NodejsFunction (infra/function-bundling.ts), as a region
 * deploys them by default; written to disk with the metafile that says what went in.
 */
const CDK_BUNDLING: BuildOptions = {
  ...esbuildOptions(functionBundling(DEFAULT_TRACING)),
  metafile: true,
  logLevel: 'silent',
};

/** An AWS SDK client or library package among a bundle's inputs: `@aws-sdk/client-s3`, `@aws-sdk/lib-dynamodb`. */
const SDK_CLIENT_INPUT = /node_modules\/(@aws-sdk\/(?:client|lib)-[^/]+)\/(?!.*node_modules\/)/;

/**
 * The environment a function starts with in Lambda. AWS_EXECUTION_ENV is what turns Powertools'
 * tracer on where a region's bundles carry it (POWERTOOLS_TRACE_ENABLED is deliberately not passed on
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
    [QUEUE_NAME_PREFIX_ENV]: 'bench',
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
  /** The AWS SDK client and library packages that went into it, sorted. */
  sdkClients: string[];
  env: NodeJS.ProcessEnv;
  loads: number[];
  /** Its SDK clients alone, loaded beside each of its own loads (a function's bundle only). */
  pairedSdkLoads: number[];
  /** Why the bundle did not load, when it did not. */
  failure?: string;
}

/**
 * Every function in the topology bundled as CDK bundles it by default, then its size beside the source
 * it was built from (the metafile's inputs) and beside the AWS SDK clients it uses bundled alone (the
 * `@aws-sdk/client-*` and `lib-*` packages among its inputs, required together, bundled the same way,
 * once per distinct set), and its cold module-load time beside that of those clients alone, and of the
 * DynamoDB client alone as before. Prints one row per function (every figure goes to results.json),
 * then the largest bundle beyond its SDK clients and the slowest cold load against its SDK clients as
 * the summary's figures.
 */
export async function benchFunctionBundles(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  // esbuild builds them all at once, on as many cores as there are.
  const [baseline, ...functionBundles] = await Promise.all([
    bundle('DynamoDB client alone', sdkAlone(['@aws-sdk/client-dynamodb']), lambdaEnvironment('baseline', 256)),
    ...Object.entries(functions).map(([name, definition]) =>
      bundle(name, { entryPoints: [path.join(ROOT, definition.entry)] }, lambdaEnvironment(name, definition.memoryMb)),
    ),
  ]);
  const clientSets = new Map(functionBundles.map((item) => [item.sdkClients.join(' '), item.sdkClients]));
  const sdkBundles = new Map(
    await Promise.all(
      [...clientSets].map(
        async ([key, clients], index) =>
          [
            key,
            await bundle(`SDK clients alone ${index + 1}`, sdkAlone(clients), lambdaEnvironment('baseline', 256)),
          ] as const,
      ),
    ),
  );
  const sdkOf = (item: Bundle) => sdkBundles.get(item.sdkClients.join(' ')) as Bundle;
  for (let sample = 0; sample < LOAD_SAMPLES; sample += 1) {
    coldLoad(baseline);
    for (const item of functionBundles) {
      const sdk = sdkOf(item);
      if (item.failure || sdk.failure) continue;
      // Which of the pair loads first alternates, so that neither side always follows the other.
      for (const side of sample % 2 === 0 ? [sdk, item] : [item, sdk]) coldLoad(side);
      item.pairedSdkLoads.push(sdk.loads[sdk.loads.length - 1]);
    }
  }
  for (const item of [baseline, ...sdkBundles.values()])
    if (item.failure) throw new Error(`${item.name} (${item.sdkClients.join(', ')}) does not load: ${item.failure}`);
  const beyondKib = (item: Bundle) => (item.bytes - sdkOf(item).bytes) / 1024;
  const loadRatio = (item: Bundle) => median(item.loads) / median(item.pairedSdkLoads);
  const baselineMs = median(baseline.loads);
  console.log(
    `${functionBundles.length} functions, bundled as CDK bundles them with tracing ${DEFAULT_TRACING} (the deployed default, regionSettings.<region>.tracing); cold module load: median of ${LOAD_SAMPLES} fresh processes each${LOAD_CORE.length ? `, all on core ${LOAD_CORE[2]}` : ''}`,
  );
  console.log(
    `  ${'function'.padEnd(28)} ${'bundle KiB'.padStart(10)} ${'/ source'.padStart(9)} ${'ratio'.padStart(6)}   ${'SDK KiB'.padStart(7)} ${'beyond'.padStart(6)}   ${'load ms'.padStart(7)} ${'/ SDK'.padStart(6)} ${'ratio'.padStart(6)} ${'/ DynamoDB client'.padStart(17)} ${'ratio'.padStart(6)}   SDK clients`,
  );
  for (const item of functionBundles) {
    const sdk = sdkOf(item);
    const sizeRatio = record({
      name: `bundle size: ${item.name}`,
      unit: 'KiB',
      value: item.bytes / 1024,
      ceilingName: 'source it was built from',
      ceiling: item.sourceBytes / 1024,
      detail: true,
    });
    record({
      name: `bundle beyond SDK: ${item.name}`,
      unit: 'KiB',
      value: beyondKib(item),
      ceilingName: 'the goal',
      ceiling: BEYOND_SDK_GOAL_KIB,
      notes: `${format(item.bytes / 1024)} KiB less its SDK clients alone, ${format(sdk.bytes / 1024)} KiB: ${item.sdkClients.join(', ')}`,
      detail: true,
    });
    const size = `${format(item.bytes / 1024).padStart(10)} ${format(item.sourceBytes / 1024).padStart(9)} ${sizeRatio.toFixed(3).padStart(6)}   ${format(sdk.bytes / 1024).padStart(7)} ${format(beyondKib(item)).padStart(6)}`;
    const clients = item.sdkClients.map((client) => client.replace('@aws-sdk/', '')).join(', ');
    if (item.failure) {
      console.log(`  ${item.name.padEnd(28)} ${size}   does not load: ${item.failure}`);
      continue;
    }
    record({
      name: `cold load vs SDK: ${item.name}`,
      unit: 'ms',
      value: median(item.loads),
      ceilingName: 'its SDK clients alone',
      ceiling: median(item.pairedSdkLoads),
      notes: item.sdkClients.join(', '),
      detail: true,
    });
    const dynamoRatio = record({
      name: `cold module load: ${item.name}`,
      unit: 'ms',
      value: median(item.loads),
      ceilingName: 'DynamoDB client bundle alone',
      ceiling: baselineMs,
      detail: true,
    });
    console.log(
      `  ${item.name.padEnd(28)} ${size}   ${format(median(item.loads)).padStart(7)} ${format(median(item.pairedSdkLoads)).padStart(6)} ${loadRatio(item).toFixed(3).padStart(6)} ${format(baselineMs).padStart(17)} ${dynamoRatio.toFixed(3).padStart(6)}   ${clients}`,
    );
  }
  const loaded = functionBundles.filter((item) => !item.failure);
  const largest = functionBundles.reduce((a, b) => (beyondKib(b) > beyondKib(a) ? b : a));
  const slowest = loaded.reduce((a, b) => (loadRatio(b) > loadRatio(a) ? b : a));
  const beyond = functionBundles.map(beyondKib);
  const ratios = loaded.map(loadRatio);
  const failed = functionBundles.length - loaded.length;
  report({
    name: `largest bundle beyond the AWS SDK clients (${largest.name})`,
    unit: 'KiB',
    value: beyondKib(largest),
    ceilingName: 'the goal',
    ceiling: BEYOND_SDK_GOAL_KIB,
    notes: `${format(largest.bytes / 1024)} KiB less ${format(sdkOf(largest).bytes / 1024)} KiB of ${largest.sdkClients.join(', ')} alone; of ${functionBundles.length} functions, median ${format(median(beyond))} KiB, smallest ${format(Math.min(...beyond))} KiB; minified, tracing ${DEFAULT_TRACING}, source map beside it`,
  });
  report({
    name: `slowest cold load vs its SDK clients alone (${slowest.name})`,
    unit: 'ms',
    value: median(slowest.loads),
    ceilingName: 'its SDK clients alone',
    ceiling: median(slowest.pairedSdkLoads),
    notes: `${slowest.sdkClients.join(', ')}; of ${loaded.length} functions, median ratio ${median(ratios).toFixed(3)}${failed ? `; ${failed} did not load` : ''}; fresh process each${LOAD_CORE.length ? ` on core ${LOAD_CORE[2]} alone` : ''}, tracing ${DEFAULT_TRACING}, source maps enabled as deployed`,
  });
}

/** A bundle of the given SDK packages and nothing else, required as a function's code would load them. */
function sdkAlone(clients: readonly string[]): Pick<BuildOptions, 'stdin'> {
  return { stdin: { contents: clients.map((client) => `require('${client}');`).join('\n'), resolveDir: ROOT } };
}

async function bundle(
  name: string,
  input: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
  env: NodeJS.ProcessEnv,
): Promise<Bundle> {
  // index.js, as in the asset CDK uploads.
  const file = path.join(OUT, name.replace(/\W+/g, '-'), 'index.js');
  const { metafile } = await build({ ...CDK_BUNDLING, ...input, outfile: file });
  const sourceBytes = Object.values((metafile as Metafile).inputs).reduce((sum, source) => sum + source.bytes, 0);
  return {
    name,
    file,
    bytes: statSync(file).size,
    sourceBytes,
    sdkClients: sdkClientsIn(metafile as Metafile),
    env,
    loads: [],
    pairedSdkLoads: [],
  };
}

/** The AWS SDK client and library packages whose code is in the bundle (inputs tree-shaken to nothing do not count). */
function sdkClientsIn(metafile: Metafile): string[] {
  const clients = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const client = SDK_CLIENT_INPUT.exec(input)?.[1];
      if (client && bytesInOutput > 0) clients.add(client);
    }
  return [...clients].sort();
}

/** Requires the bundle in a fresh Node process and adds the milliseconds it took (the init a cold start pays before the handler runs), or its failure. */
function coldLoad(item: Bundle): void {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(item.file)}); console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  try {
    // stderr is kept back: the SDK warns on Node 20 that it will need Node 22, which Lambda runs anyway.
    const [command, ...args] = [...LOAD_CORE, process.execPath, '-e', script];
    const output = execFileSync(command, args, {
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

/** `taskset -c <last core>` where taskset runs (Linux with util-linux), else nothing: loads then run where the scheduler puts them. */
function pinnedCore(): string[] {
  const pin = ['taskset', '-c', String(availableParallelism() - 1)];
  try {
    execFileSync(pin[0], [...pin.slice(1), 'true'], { stdio: 'ignore' });
    return pin;
  } catch {
    return [];
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
