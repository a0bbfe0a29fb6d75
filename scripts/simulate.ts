import { writeFileSync } from 'node:fs';
import { defineCommand, option, parseCommand, positiveWholeNumber, runCommandLine } from './ops/command-line';
import { parseFaults } from './simulation/scenario';
import type { ProgressUpdate } from './simulation/driver';

const simulateCommand = defineCommand({
  program: 'npm run simulate --',
  name: '',
  summary:
    'A seeded retail day through a local fabric of its own, then the invariant report; exit status 1 when an invariant breaks.',
  flags: {
    orders: option('n', positiveWholeNumber, 200),
    stores: option('n', positiveWholeNumber, 3),
    skus: option('n', positiveWholeNumber, 20),
    seed: option('n', positiveWholeNumber, 7),
    faults: option('fault,...|all', parseFaults, []),
    concurrency: option('n', positiveWholeNumber, 8),
    report: option('file.json'),
  },
});

/**
 * `npm run simulate`: a seeded, reproducible retail day (scripts/simulation/) driven through a local
 * fabric of its own over the fabric's real interfaces, then the invariant report; exits non-zero
 * when an invariant breaks. It starts its own fabric (in memory, free ports) because it turns the ERP
 * simulator's and channel stubs' knobs and sets the inventory policy for its stores. The command
 * line is checked before anything starts.
 */
async function main(argv: string[]): Promise<void> {
  const {
    flags: { report: reportFile, ...options },
  } = parseCommand(simulateCommand, argv);
  // Set before any handler or adapter module loads: they read it once, at cold start.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startLocalFabric } = require('./local-fabric/local-fabric') as typeof import('./local-fabric/local-fabric');
  const { configureSimulationEnvironment, runSimulation } =
    require('./simulation/driver') as typeof import('./simulation/driver');
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
    if (reportFile) writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
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

runCommandLine(
  () => main(process.argv.slice(2)),
  (error) => `\nsimulate failed: ${error.stack ?? error}`,
);
