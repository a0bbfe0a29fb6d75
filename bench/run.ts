import { benchCanonicalMapping } from './canonical-mapping.bench';
import { benchOrderThroughput } from './order-throughput.bench';
import { benchFunctionBundles } from './function-bundles.bench';
import { benchOrderCost } from './order-cost.bench';

/** `npm run bench`: every benchmark, each printing its figure beside a ceiling from the same run. */
async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  benchCanonicalMapping();
  await benchFunctionBundles();
  await benchOrderThroughput();
  await benchOrderCost();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
