import { benchCanonicalMapping } from './canonical-mapping.bench';
import { benchCsvRows } from './csv-rows.bench';
import { benchOrderThroughput } from './order-throughput.bench';
import { benchFunctionBundles } from './function-bundles.bench';
import { benchPosIngest } from './pos-ingest.bench';
import { benchCatalogLoad } from './catalog-load';
import { benchConsoleLoad } from './console-load.bench';
import { beginRun, finishRun, report } from './harness';

/** What the issue promised: the whole of `npm run bench` within ten minutes on a 2-core machine. */
const BUDGET_SECONDS = 10 * 60;

/**
 * `npm run bench`: every benchmark, each printing its figure beside a ceiling from the same run, then
 * the run's summary table (also written to bench/README.md) and its wall time.
 */
async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // The in-process fabric runs without X-Ray, as locally; cold module loads run in processes of their
  // own with the environment Lambda gives them, tracing on (function-bundles.bench.ts).
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  beginRun();
  benchCanonicalMapping();
  benchCsvRows();
  await benchFunctionBundles();
  // Before the in-process fabric benchmarks: it runs in child processes of its own.
  await benchPosIngest();
  await benchCatalogLoad();
  benchConsoleLoad();
  // Also measures requests and cost per order on the same fabric: one in-process fabric per process.
  await benchOrderThroughput();
  // From this process's start: tsx's own start-up counts, npm's few hundred milliseconds do not.
  const wallSeconds = process.uptime();
  const wallTime = `${Math.floor(wallSeconds / 60)} min ${Math.round(wallSeconds % 60)} s`;
  report({
    name: 'npm run bench, whole run',
    unit: 's',
    value: wallSeconds,
    ceilingName: 'the budget: 10 minutes',
    ceiling: BUDGET_SECONDS,
    notes: wallTime,
  });
  console.log(['', 'Summary (also in bench/README.md):', '', ...finishRun()].join('\n'));
  console.log(`\ntotal wall time: ${wallTime}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
