import { createReadStream } from 'node:fs';
import { readPosItems } from '#shared/pos/pos-batch-reader';
import { START } from '#domain/pos/batch';
import { DEFAULT_POS_INGEST_LIMITS, ingestPosUpload } from '#domain/pos/batch-ingest';
import { invocation, memoryPorts } from '../test/unit/support/pos-in-memory';

/**
 * One measurement of the POS benchmark, in a process of its own so that its peak RSS is its own:
 *   parse <file>    the CSV parser alone: every transaction read and validated, nothing else
 *   ingest <file>   the whole ingest use case (integrity pass, claims, SKU resolution, events built,
 *                   validated and serialized, checkpoints, summary) with in-memory ports
 * Prints one JSON line: lines, seconds, peak RSS (MB, sampled and the kernel's maxRSS).
 */
const SKUS = {
  'TSHIRT-RED-M': 'SKU-TS-R-M',
  'TSHIRT-RED-L': 'SKU-TS-R-L',
  'MUG-WHITE': 'SKU-MUG-W',
  'CAP-BLUE': 'SKU-CAP-B',
  'SOCKS-3PK': 'SKU-SOCKS',
  'TOTE-CANVAS': 'SKU-TOTE',
};
/** S3 streams object bodies in chunks of this order; the file is read the same way. */
const CHUNK_BYTES = 64 * 1024;

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const [mode, file] = process.argv.slice(2);
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = process.hrtime.bigint();
  let lines = 0;
  let transactions = 0;
  if (mode === 'parse') {
    const source = {
      open: async (fromByte = 0) => createReadStream(file, { start: fromByte, highWaterMark: CHUNK_BYTES }),
    };
    for await (const batch of readPosItems(source, 'csv', { gzip: false, position: START })) {
      transactions += batch.length;
      lines = batch[batch.length - 1].resume.line - 1;
    }
  } else {
    const ports = memoryPorts({ skus: SKUS, keepEvents: false, compactClaims: true });
    const upload = ports.objects.putFile('incoming/store-042/2026-11-23/bench.csv', file, 'bench');
    const outcome = await ingestPosUpload(upload, ports, invocation('bench'), {
      ...DEFAULT_POS_INGEST_LIMITS,
      maxMillisPerInvocation: 60 * 60_000,
    });
    if (outcome.outcome !== 'finished' || outcome.summary.counts.accepted === 0)
      throw new Error(`the ingest did not finish: ${JSON.stringify(outcome)}`);
    lines = outcome.summary.counts.lines;
    transactions = outcome.summary.counts.accepted;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sample);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ mode, lines, transactions, seconds, peakRssMb: Math.max(peak / 2 ** 20, maxRssMb) }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
