import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchCanonicalMapping } from './canonical-mapping.bench';
import { benchCsvRows } from './csv-rows.bench';
import { benchOrderThroughput } from './order-throughput.bench';
import { benchFunctionBundles } from './function-bundles.bench';
import { benchPosIngest } from './pos-ingest.bench';
import { benchCatalogLoad } from './catalog-load';
import { benchConsoleLoad } from './console-load.bench';
import { benchSimulatedDay } from './simulated-day.bench';
import { beginRun, finishRun, report, RESULTS_FILE_ENV } from './harness';

/**
 * The promise: the benchmarks within ten minutes on a 2-core machine. The 5,000-order
 * simulated day, which issue 27 added to the run, is timed apart from them: its length is a figure
 * of its own.
 */
const BUDGET_SECONDS = 10 * 60;

/**
 * The benchmarks in the order a whole run takes them: the bundles' cold loads and the POS ingest run
 * in child processes of their own, before the in-process fabric; the order part (requests and cost per
 * order, then throughput) starts one in-process fabric, and a process gets only one.
 */
const PARTS = {
  mapping: async () => benchCanonicalMapping(),
  csv: async () => benchCsvRows(),
  bundles: benchFunctionBundles,
  'pos-ingest': benchPosIngest,
  catalog: benchCatalogLoad,
  console: async () => benchConsoleLoad(),
  order: benchOrderThroughput,
  day: async () => benchSimulatedDay(),
} satisfies Record<string, () => Promise<void>>;
type Part = keyof typeof PARTS;

/**
 * `npm run bench`: every benchmark, each printing its figure beside a ceiling from the same run, then
 * the run's summary table (also written to bench/README.md) and its wall time.
 * `npm run bench -- --only order,bundles` runs those parts alone, into a results file in the system's
 * temporary directory (the bundles part empties bench/out),
 * leaving the last whole run's results and table as they were.
 */
async function main(argv: string[]): Promise<void> {
  const only = onlyParts(argv);
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // The in-process fabric runs without X-Ray, as locally; cold module loads run in processes of their
  // own with the environment Lambda gives them (function-bundles.bench.ts).
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  if (only) process.env[RESULTS_FILE_ENV] = path.join(tmpdir(), 'fabric-bench', 'partial-results.json');
  beginRun();
  let daySeconds = 0;
  for (const part of Object.keys(PARTS) as Part[]) {
    if (only && !only.includes(part)) continue;
    const started = process.uptime();
    await PARTS[part]();
    if (part === 'day') daySeconds = process.uptime() - started;
  }
  if (!only) {
    // From this process's start: tsx's own start-up counts, npm's few hundred milliseconds do not.
    const wallSeconds = process.uptime() - daySeconds;
    report({
      name: 'npm run bench, whole run but the simulated day',
      unit: 's',
      value: wallSeconds,
      ceilingName: 'the budget: 10 minutes',
      ceiling: BUDGET_SECONDS,
      notes: minutes(wallSeconds),
    });
  }
  const summary = only ? 'Summary of this partial run:' : 'Summary (also in bench/README.md):';
  console.log(['', summary, '', ...finishRun({ partial: Boolean(only) })].join('\n'));
  console.log(`\ntotal wall time: ${minutes(process.uptime())}`);
}

function onlyParts(argv: readonly string[]): Part[] | undefined {
  const at = argv.indexOf('--only');
  if (at === -1) return undefined;
  const parts = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = parts.filter((part) => !(part in PARTS));
  if (!parts.length || unknown.length)
    throw new Error(`--only takes parts among ${Object.keys(PARTS).join(', ')}; got "${argv[at + 1] ?? ''}"`);
  return parts as Part[];
}

function minutes(seconds: number): string {
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(1);
});
