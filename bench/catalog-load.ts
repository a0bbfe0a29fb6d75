import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { DEFAULT_DATA_OWNERSHIP } from '#domain/kernel/data-ownership';
import { importCatalogExport } from '#domain/catalog/catalog-import';
import { Product } from '#domain/kernel/product';
import { decompressed, lineBatches } from '#shared/text/byte-stream';
import { toWireEvent, type FabricEvent } from '#domain/kernel/event';
import { report } from './harness';

const SKUS = 100_000;
const RSS_LIMIT_MB = 256;
/** S3 streams object bodies in chunks of this order; the file is read the same way. */
const CHUNK_BYTES = 64 * 1024;
const WORKER_FLAG = 'catalog-load-worker';

interface WorkerResult {
  mode: 'parse' | 'load';
  products: number;
  seconds: number;
  peakRssMb: number;
}

/**
 * A 100,000-SKU item master export (JSON Lines, three channel listings a SKU) through the catalog
 * import use case over in-memory ports: every line parsed and validated, written in batches of 500,
 * a ProductChanged built, validated and serialized per SKU. Lines per second stand beside the parse
 * and validation alone on the same file; peak RSS beside the 256 MB limit. Each runs in a process of
 * its own so that its peak RSS is its own.
 */
export async function benchCatalogLoad(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fabric-catalog-bench-'));
  try {
    const file = path.join(dir, 'catalog.jsonl');
    await writeCatalog(file, SKUS);
    const parse = runWorker('parse', file);
    const load = runWorker('load', file);
    if (parse.products !== SKUS || load.products !== SKUS)
      throw new Error(`expected ${SKUS} products, parsed ${parse.products} and loaded ${load.products}`);
    const megabytes = Math.round(statSync(file).size / 2 ** 20);
    report({
      name: 'Catalog load, 100,000-SKU JSON Lines export (use case over in-memory ports)',
      unit: 'lines/s',
      value: SKUS / load.seconds,
      ceilingName: 'parsing and validating the same file alone',
      ceiling: SKUS / parse.seconds,
      notes: `${megabytes} MB; batches of 500, ProductChanged built and serialized per SKU; ${load.seconds.toFixed(1)} s vs ${parse.seconds.toFixed(1)} s`,
    });
    report({
      name: 'Catalog load peak RSS, 100,000 SKUs',
      unit: 'MB',
      value: load.peakRssMb,
      ceilingName: 'the limit',
      ceiling: RSS_LIMIT_MB,
      notes: `${load.peakRssMb < RSS_LIMIT_MB ? 'PASS' : 'FAIL'}; parsing alone peaks at ${parse.peakRssMb.toFixed(0)} MB`,
    });
    if (load.peakRssMb >= RSS_LIMIT_MB)
      throw new Error(
        `the catalog load peaked at ${load.peakRssMb.toFixed(0)} MB RSS, over the ${RSS_LIMIT_MB} MB limit`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writeCatalog(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i += 1) {
    const line = JSON.stringify({
      sku: `APP-${String(i).padStart(6, '0')}`,
      title: `Apparel item ${i}, colour ${i % 12}, size ${['S', 'M', 'L', 'XL'][i % 4]}`,
      collections: [`dept-${i % 20}`],
      listings: [
        {
          channel: 'shopify',
          listingId: `gid://shopify/Product/${7_000_000 + Math.floor(i / 4)}`,
          variantId: `gid://shopify/ProductVariant/${40_000_000 + i}`,
        },
        { channel: 'ebay', channelSku: `EB-${i}`, listingId: `${500_000_000 + i}` },
        { channel: 'woocommerce', listingId: String(10_000 + i) },
      ],
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function runWorker(mode: 'parse' | 'load', file: string): WorkerResult {
  const output = execFileSync(process.execPath, ['--import', 'tsx', __filename, WORKER_FLAG, mode, file], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
    timeout: 10 * 60_000,
  });
  return JSON.parse(output.trim().split('\n').pop()!) as WorkerResult;
}

async function work(mode: 'parse' | 'load', file: string): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const open = async () => createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const started = process.hrtime.bigint();
  let products = 0;
  if (mode === 'parse') {
    for await (const batch of lineBatches((await decompressed(await open())).chunks)) {
      for (const line of batch) if (Product.safeParse(JSON.parse(line.text)).success) products += 1;
    }
  } else {
    let bytesOut = 0;
    const ports = {
      catalog: {
        recordProducts: async (batch: readonly Product[]) => {
          products += batch.length;
        },
      },
      // Serialized as the SNS/EventBridge publisher would, then dropped.
      publisher: {
        publish: async (events: readonly FabricEvent[]) => {
          for (const event of events) bytesOut += JSON.stringify(toWireEvent(event)).length;
        },
      },
      ownership: DEFAULT_DATA_OWNERSHIP,
    };
    const summary = await importCatalogExport(
      'incoming/erp/bench.jsonl',
      { open, writeQuarantinedLines: async () => undefined, writeSummary: async () => undefined },
      ports,
      () => new Date(),
    );
    if (summary.status !== 'completed' || summary.quarantinedLines || !bytesOut)
      throw new Error(`the load did not complete: ${JSON.stringify(summary)}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sample);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ mode, products, seconds, peakRssMb: Math.max(peak / 2 ** 20, maxRssMb) }));
}

if (process.argv[2] === WORKER_FLAG) {
  work(process.argv[3] as 'parse' | 'load', process.argv[4]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
