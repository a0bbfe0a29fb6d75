import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaults } from './simulation/scenario';
import type { ProgressUpdate } from './simulation/driver';

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
  const started = Date.now();
  let last = { line: '', phase: '', at: 0 };
  const progress = (update: ProgressUpdate) => {
    const line = progressBar(update, (Date.now() - started) / 1000);
    if (line === last.line) return;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[K${line}`);
    } else if (update.phase !== last.phase || Date.now() - last.at >= 5_000) {
      // Piped to a file or CI: a line on each new phase and every five seconds, not a redraw per delivery.
      process.stderr.write(`${line}\n`);
      last = { ...last, phase: update.phase, at: Date.now() };
    }
    last = { ...last, line };
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

/** `[#######.............]  35% online day 1750/5000 (1432 in the ERP, 900 shipments) 74 s`: one line, redrawn in place on a terminal. */
function progressBar({ phase, done, total, detail }: ProgressUpdate, seconds: number): string {
  const width = 24;
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * width);
  return `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${phase} ${done}/${total}${detail ? ` (${detail})` : ''} ${Math.round(seconds)} s`;
}

main().then(() => process.exit(process.exitCode ?? 0), (error) => {
  console.error(`\nsimulate failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
