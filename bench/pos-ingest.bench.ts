import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { writeCsvBatch } from '../test/fixtures/pos/generate';
import { report } from './harness';

const LINES = 1_000_000;
const RSS_LIMIT_MB = 256;

interface WorkerResult {
  mode: string;
  lines: number;
  transactions: number;
  seconds: number;
  peakRssMb: number;
}

/**
 * POS batch ingestion on a generated 1,000,000-line CSV (about 230,000 transactions, 95 MB): lines per
 * second through the whole ingest use case beside the CSV parser alone on the same file, and the
 * ingest's peak RSS beside the 256 MB it must stay under. Both run as the esbuild bundle the function
 * ships as, each in its own process. The use case runs over in-memory ports: through the emulators a
 * million lines would take well over the benchmark's few minutes, so the real handler over DynamoDB
 * Local and fauxqs is measured on a 20,000-line file as a second figure (pos-ingest.fabric.ts).
 */
export async function benchPosIngest(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fabric-pos-bench-'));
  try {
    const file = path.join(dir, 'batch.csv');
    const transactions = await writeCsvBatch(file, LINES);
    const worker = bundleWorker(dir);
    const parse = runWorker(worker, 'parse', file);
    const ingest = runWorker(worker, 'ingest', file);
    if (parse.lines !== LINES || ingest.lines !== LINES)
      throw new Error(`expected ${LINES} lines, parsed ${parse.lines} and ingested ${ingest.lines}`);
    const megabytes = Math.round(statSync(file).size / 2 ** 20);
    report({
      name: 'POS batch ingest, 1,000,000-line CSV (use case over in-memory ports)',
      unit: 'lines/s',
      value: LINES / ingest.seconds,
      ceilingName: 'the CSV parser alone on the same file',
      ceiling: LINES / parse.seconds,
      notes: `${transactions.toLocaleString('en-US')} transactions, ${megabytes} MB; integrity pass, claims, SKUs, events built and serialized; ${ingest.seconds.toFixed(1)} s vs ${parse.seconds.toFixed(1)} s`,
    });
    report({
      name: 'POS batch ingest peak RSS, 1,000,000-line CSV',
      unit: 'MB',
      value: ingest.peakRssMb,
      ceilingName: 'the limit',
      ceiling: RSS_LIMIT_MB,
      notes: `${ingest.peakRssMb < RSS_LIMIT_MB ? 'PASS' : 'FAIL'}; parser alone peaks at ${parse.peakRssMb.toFixed(0)} MB; bundled, as deployed`,
    });
    if (ingest.peakRssMb >= RSS_LIMIT_MB)
      throw new Error(`POS ingest peaked at ${ingest.peakRssMb.toFixed(0)} MB RSS, over the ${RSS_LIMIT_MB} MB limit`);
    benchThroughFabric();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The real handler over the emulators, in a process of its own: a local fabric binds handler modules
 * (SDK clients, table names) when they first load, so a second one in the same process would reach the
 * first one's emulators. The child reports the figure through the same harness.
 */
function benchThroughFabric(): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'pos-ingest.fabric.ts')], {
    stdio: 'inherit',
    timeout: 10 * 60_000,
  });
}

/** Bundles the worker with esbuild, as CDK bundles a function: what runs is what would ship. */
function bundleWorker(dir: string): string {
  const outfile = path.join(dir, 'pos-ingest.worker.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'pos-ingest.worker.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

function runWorker(worker: string, mode: 'parse' | 'ingest', file: string): WorkerResult {
  const output = execFileSync(process.execPath, [worker, mode, file], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
    timeout: 15 * 60_000,
  });
  return JSON.parse(output.trim().split('\n').pop()!) as WorkerResult;
}
