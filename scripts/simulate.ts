import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaults } from './simulation/scenario';

/**
 * `npm run simulate`: a seeded, reproducible retail day (scripts/simulation/) driven through a local
 * fabric of its own over the fabric's real interfaces, then the invariant report; exits non-zero
 * when an invariant breaks. It starts its own fabric (in memory, free ports) because it turns the ERP
 * simulator's and channel stubs' knobs and sets the inventory policy for its stores.
 */
const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    stores: { type: 'string', default: '3' },
    skus: { type: 'string', default: '20' },
    seed: { type: 'string', default: '7' },
    faults: { type: 'string', default: '' },
    concurrency: { type: 'string', default: '8' },
    report: { type: 'string' },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const options = {
    orders: positive('orders', args.orders), stores: positive('stores', args.stores), skus: positive('skus', args.skus),
    seed: positive('seed', args.seed), faults: parseFaults(args.faults), concurrency: positive('concurrency', args.concurrency),
  };
  // Set before any handler or adapter module loads: they read it once, at cold start.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startLocalFabric } = require('./local-fabric/local-fabric') as typeof import('./local-fabric/local-fabric');
  const { configureSimulationEnvironment, runSimulation } = require('./simulation/driver') as typeof import('./simulation/driver');
  const { formatSummary } = require('./simulation/report') as typeof import('./simulation/report');
  /* eslint-enable @typescript-eslint/no-require-imports */
  configureSimulationEnvironment(options.stores);
  process.stderr.write('starting a local fabric for the simulation (emulators in memory)\n');
  const fabric = await startLocalFabric({ prefix: `sim${options.seed}`, apiPort: 0 });
  let last = '';
  const progress = (line: string) => {
    if (line === last) return;
    last = line;
    process.stderr.write(`\r\x1b[K  ${line}`);
  };
  try {
    const report = await runSimulation(fabric, options, progress);
    process.stderr.write('\n');
    console.log(formatSummary(report));
    if (args.report) writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
    process.exitCode = report.invariantsHold ? 0 : 1;
  } finally {
    await fabric.stop();
  }
}

main().then(() => process.exit(process.exitCode ?? 0), (error) => {
  console.error(`\nsimulate failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
