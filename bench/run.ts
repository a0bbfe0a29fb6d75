import { benchCanonicalMapping } from './canonical-mapping.bench';
import { benchOrderThroughput } from './order-throughput.bench';
import { benchFunctionBundles } from './function-bundles.bench';
import { benchPosIngest } from './pos-ingest.bench';
import { benchCatalogLoad } from './catalog-load';

/** `npm run bench`: every benchmark, each printing its figure beside a ceiling from the same run. */
async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  benchCanonicalMapping();
  await benchFunctionBundles();
  // Before the in-process fabric benchmarks: it runs in child processes of its own.
  await benchPosIngest();
  await benchCatalogLoad();
  // Also measures requests and cost per order on the same fabric: one in-process fabric per process.
  await benchOrderThroughput();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
