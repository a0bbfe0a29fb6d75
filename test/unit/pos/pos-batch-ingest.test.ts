import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  DEFAULT_POS_INGEST_LIMITS,
  ingestPosUpload,
  type PosIngestLimits,
  type PosIngestOutcome,
} from '#domain/pos/batch-ingest';
import type { PosUpload } from '#domain/pos/batch';
import { csvLines, generatedTransactions, jsonlLines, take } from '../../fixtures/pos/generate';
import { invocation, memoryPorts } from '../support/pos-in-memory';
import { orderIdFor } from '#domain/kernel/order';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'pos');
const SKUS = {
  'TSHIRT-RED-M': 'SKU-TS-R-M',
  'TSHIRT-RED-L': 'SKU-TS-R-L',
  'MUG-WHITE': 'SKU-MUG-W',
  'CAP-BLUE': 'SKU-CAP-B',
  'SOCKS-3PK': 'SKU-SOCKS',
  'TOTE-CANVAS': 'SKU-TOTE',
};
const KEY = 'incoming/store-042/2026-11-23';

type Ports = ReturnType<typeof memoryPorts>;

/** Runs an upload to its end as the queue would: each continuation is another invocation. */
async function ingestToEnd(
  upload: PosUpload,
  ports: Ports,
  limits: Partial<PosIngestLimits> = {},
): Promise<{ final: PosIngestOutcome; invocations: number }> {
  let invocations = 0;
  for (;;) {
    invocations += 1;
    const outcome = await ingestPosUpload(upload, ports, invocation(`invocation-${invocations}`), {
      ...DEFAULT_POS_INGEST_LIMITS,
      ...limits,
    });
    if (outcome.outcome !== 'continued') return { final: outcome, invocations };
  }
}

function summaryOf(outcome: PosIngestOutcome) {
  if (outcome.outcome !== 'finished') throw new Error(`expected a finished upload, got ${outcome.outcome}`);
  return outcome.summary;
}

function recordedIds(ports: Ports): string[] {
  return ports.publisher
    .ofType('PosTransactionRecorded')
    .map((event) => (event.data as { transaction: { transactionId: string } }).transaction.transactionId);
}

function jsonl(count: number, options: Parameters<typeof generatedTransactions>[0] = {}): string {
  return `${take(count, jsonlLines(generatedTransactions(options), options)).join('\n')}\n`;
}

describe('ingesting a POS batch upload', () => {
  it('records each transaction once, publishes it, and stores and emits the batch summary', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const upload = ports.objects.put(`${KEY}/b1.jsonl`, jsonl(40, { registers: 4 }));

    const summary = summaryOf((await ingestToEnd(upload, ports)).final);

    expect(summary).toMatchObject({
      status: 'completed',
      format: 'jsonl',
      manifest: 'absent',
      counts: { lines: 40, accepted: 40, duplicates: 0, rejected: 0, quarantinedLines: 0 },
      gaps: 0,
    });
    expect(new Set(recordedIds(ports)).size).toBe(40);
    expect(summary.registers.map((register) => [register.registerId, register.accepted, register.missing])).toEqual([
      ['R1', 10, 0],
      ['R2', 10, 0],
      ['R3', 10, 0],
      ['R4', 10, 0],
    ]);
    expect(JSON.parse(ports.objects.written.get(summary.summaryKey)!)).toEqual(summary);
    expect(ports.publisher.ofType('PosBatchProcessed').map((event) => event.data)).toEqual([{ summary }]);
  });

  it('applies nothing twice when the same file is uploaded again: every transaction is a duplicate', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const content = jsonl(30);
    await ingestToEnd(ports.objects.put(`${KEY}/b1.jsonl`, content), ports);
    const published = ports.publisher.count;

    const again = summaryOf(
      (await ingestToEnd(ports.objects.put(`${KEY}/b1.jsonl`, content, 'etag-of-the-second-put'), ports)).final,
    );

    expect(again.counts).toMatchObject({ accepted: 0, duplicates: 30, conflicts: 0 });
    expect(ports.publisher.events.slice(published).map((event) => event.detailType)).toEqual(['PosBatchProcessed']);
  });

  it('does nothing for the same notification delivered twice', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const upload = ports.objects.put(`${KEY}/b1.jsonl`, jsonl(10));
    await ingestToEnd(upload, ports);
    const published = ports.publisher.count;

    const repeat = await ingestPosUpload(upload, ports, invocation('another-invocation'));

    expect(repeat).toEqual({
      outcome: 'already_finished',
      uploadRef: expect.stringContaining('store-042/2026-11-23/b1/'),
    });
    expect(ports.publisher.count).toBe(published);
  });

  it('applies only the new transactions of an overlapping batch from a store that was offline, and closes the gap', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const all = take(30, jsonlLines(generatedTransactions({ registers: 1 })));
    // The first upload lost sequences 11-20 on the way; the offline store later sends 6-30.
    await ingestToEnd(
      ports.objects.put(`${KEY}/first.jsonl`, `${[...all.slice(0, 10), ...all.slice(20)].join('\n')}\n`),
      ports,
    );
    const first = ports.publisher.ofType('PosSequenceGapDetected').map((event) => event.data);

    const second = summaryOf(
      (await ingestToEnd(ports.objects.put(`${KEY}/second.jsonl`, `${all.slice(5).join('\n')}\n`), ports)).final,
    );

    expect(first).toEqual([expect.objectContaining({ registerId: 'R1', gaps: [{ from: 11, to: 20 }], missing: 10 })]);
    expect(second.counts).toMatchObject({ accepted: 10, duplicates: 15 });
    expect(second.registers).toEqual([
      expect.objectContaining({ registerId: 'R1', accepted: 10, duplicates: 15, gaps: [], missing: 0 }),
    ]);
    expect(new Set(recordedIds(ports)).size).toBe(30);
  });

  it('quarantines exactly the 3 bad lines of a batch, with their line numbers, raw text and reasons, and records the rest', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const lines = take(20, jsonlLines(generatedTransactions({ registers: 1 })));
    lines[3] = '{"storeId":"store-042", this is not json';
    lines[9] = lines[9].replace('"quantity":', '"quantity":"many","was":');
    lines[15] = lines[15].replace('"currency":"USD"', '"currency":"dollars"');
    const upload = ports.objects.put(`${KEY}/b3.jsonl`, `${lines.join('\n')}\n`);

    const summary = summaryOf((await ingestToEnd(upload, ports)).final);

    expect(summary.counts).toMatchObject({ accepted: 17, rejected: 3, quarantinedLines: 3 });
    const quarantined = ports.objects.quarantinedLines(summary.quarantinePrefix!);
    expect(quarantined.map((line) => [line.lineNumber, line.raw])).toEqual([
      [4, lines[3]],
      [10, lines[9]],
      [16, lines[15]],
    ]);
    expect(quarantined.map((line) => line.reason)).toEqual([
      expect.stringMatching(/^not valid JSON/),
      'lines.0.quantity: must be a number',
      'currency: must be an ISO 4217 code such as USD',
    ]);
    // Rejected transactions whose key was readable still used their sequence numbers; the line that
    // is not even JSON has no key, so its number shows as a gap until a corrected upload fills it.
    expect(summary.registers[0]).toMatchObject({ rejected: 2, gaps: [{ from: 4, to: 4 }], missing: 1 });
  });

  it('reports sequence gaps per register, as events and in the summary', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const lines = take(12, jsonlLines(generatedTransactions({ registers: 2 })));
    const upload = ports.objects.put(
      `${KEY}/gaps.jsonl`,
      `${lines.filter((_, i) => i !== 4 && i !== 5 && i !== 7).join('\n')}\n`,
    );

    const summary = summaryOf((await ingestToEnd(upload, ports)).final);

    expect(summary.registers.map((register) => [register.registerId, register.gaps, register.missing])).toEqual([
      ['R1', [{ from: 3, to: 3 }], 1],
      ['R2', [{ from: 3, to: 4 }], 2],
    ]);
    expect(summary.gaps).toBe(3);
    expect(ports.publisher.ofType('PosSequenceGapDetected').map((event) => event.data)).toEqual([
      expect.objectContaining({ registerId: 'R1', gaps: [{ from: 3, to: 3 }], missing: 1 }),
      expect.objectContaining({ registerId: 'R2', gaps: [{ from: 3, to: 4 }], missing: 2 }),
    ]);
  });

  it('counts the same key with different content as a conflicting duplicate, and records the first only', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const [line] = take(1, jsonlLines(generatedTransactions()));
    const edited = line.replace('"operatorId"', '"x"').replace(/"endedAt":"[^"]+"/, '"endedAt":"2026-11-23T23:00:00Z"');
    const upload = ports.objects.put(`${KEY}/conflict.jsonl`, `${line}\n${edited}\n`);

    const summary = summaryOf((await ingestToEnd(upload, ports)).final);

    expect(summary.counts).toMatchObject({ accepted: 1, duplicates: 1, conflicts: 1 });
    expect(summary.registers[0].duplicateSequences).toEqual([1]);
  });

  it('raises PosLineNeedsAttention for item codes the cross-reference does not know, and keeps the line with a null SKU', async () => {
    const ports = memoryPorts({ skus: { 'TSHIRT-RED-M': 'SKU-TS-R-M' } });
    const upload = ports.objects.put(`${KEY}/unknown.csv`, readFileSync(path.join(FIXTURES, 'store-042-batch.csv')));

    const summary = summaryOf((await ingestToEnd(upload, ports)).final);

    expect(summary.counts).toMatchObject({ accepted: 3, unknownSkuLines: 2 });
    const [first] = ports.publisher.ofType('PosTransactionRecorded');
    expect(
      (first.data as { transaction: { lines: { sku: string | null }[] } }).transaction.lines.map((line) => line.sku),
    ).toEqual(['SKU-TS-R-M', null]);
    expect(ports.publisher.ofType('PosLineNeedsAttention').map((event) => event.data)).toEqual([
      expect.objectContaining({
        transactionId: 'store-042:R1:2026-11-23:1001',
        reason: 'UNKNOWN_SKU',
        lines: [{ lineNumber: 2, itemCode: 'MUG-WHITE', type: 'sale', quantity: 1 }],
      }),
      expect.objectContaining({ transactionId: 'store-042:R1:2026-11-23:1002', reason: 'UNKNOWN_SKU' }),
    ]);
  });

  it("receives a store's return of an online order with the transaction that took it back, once however often the batch is uploaded", async () => {
    const ports = memoryPorts({ skus: SKUS });
    const csv = [
      'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit_price,amount,reason_code,tender_method,original_order',
      'store-042,R1,2026-11-23,1201,2026-11-23T14:05:00-05:00,USD,return,TSHIRT-RED-M,1,24.00,,WRONG_SIZE,,shopify:5600000000001',
      'store-042,R1,2026-11-23,1201,2026-11-23T14:05:00-05:00,USD,return,MUG-WHITE,1,12.00,,,,',
      'store-042,R1,2026-11-23,1201,2026-11-23T14:05:00-05:00,USD,tender,,,,-36.00,,card,',
    ].join('\n');
    await ingestToEnd(ports.objects.put(`${KEY}/returns.csv`, csv), ports);
    await ingestToEnd(ports.objects.put(`${KEY}/returns.csv`, csv, 'etag-of-the-second-put'), ports);

    const received = ports.publisher.ofType('ReturnReceived');

    expect(received.map((event) => event.data)).toEqual([
      {
        customerReturn: expect.objectContaining({
          returnId: `pos:store-042:R1:2026-11-23:1201:${orderIdFor('shopify', '5600000000001')}`,
          soldThrough: 'shopify',
          channelOrderId: '5600000000001',
          locationId: 'store-042',
          lines: [
            {
              sku: 'SKU-TS-R-M',
              quantity: 1,
              reasonCode: 'WRONG_SIZE',
              condition: 'sellable',
              refund: { amountMinor: 2400, currency: 'USD' },
            },
          ],
        }),
      },
    ]);
    expect(received[0]).toMatchObject({
      source: 'fabric.returns',
      correlationId: orderIdFor('shopify', '5600000000001'),
    });
    expect(ports.publisher.ofType('PosTransactionRecorded')).toHaveLength(1);
  });

  it('quarantines an unreadable file whole, with its reason, and applies nothing', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const upload = ports.objects.put(`${KEY}/b9.jsonl.gz`, jsonl(5));

    const summary = summaryOf((await ingestToEnd(upload, ports)).final);

    expect(summary).toMatchObject({
      status: 'quarantined',
      reason: 'the name ends in .gz but the content is not gzip',
      counts: { accepted: 0 },
    });
    expect(ports.objects.objects.has(`${summary.quarantinePrefix}b9.jsonl.gz`)).toBe(true);
    expect(JSON.parse(ports.objects.written.get(`${summary.quarantinePrefix}reason.json`)!)).toMatchObject({
      reason: summary.reason,
      key: upload.key,
    });
    expect(recordedIds(ports)).toEqual([]);
  });

  it('checks the manifest beside the batch and quarantines the batch when it does not match', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const content = jsonl(5);
    const sha256 = createHash('sha256').update(content).digest('hex');
    ports.objects.put(`${KEY}/good.manifest.json`, JSON.stringify({ lineCount: 5, sha256 }));
    ports.objects.put(`${KEY}/bad.manifest.json`, JSON.stringify({ lineCount: 6, sha256 }));

    const good = summaryOf((await ingestToEnd(ports.objects.put(`${KEY}/good.jsonl`, content), ports)).final);
    const bad = summaryOf((await ingestToEnd(ports.objects.put(`${KEY}/bad.jsonl`, content), ports)).final);

    expect(good).toMatchObject({ status: 'completed', manifest: 'matched', sha256, counts: { accepted: 5 } });
    expect(bad).toMatchObject({
      status: 'quarantined',
      manifest: 'mismatched',
      reason: 'the manifest says 6 lines, the file has 5',
      counts: { accepted: 0 },
    });
  });

  it("ignores the manifest's own notification and quarantines a key outside the upload contract", async () => {
    const ports = memoryPorts();

    expect(
      await ingestPosUpload(ports.objects.put(`${KEY}/b1.manifest.json`, '{}'), ports, invocation()),
    ).toMatchObject({ outcome: 'ignored' });
    expect(
      await ingestPosUpload(ports.objects.put('incoming/store 42/today/b1.txt', 'x'), ports, invocation()),
    ).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/does not follow/) });
    expect([...ports.objects.written.keys()]).toEqual([
      expect.stringMatching(/^quarantine\/_unrouted\/.*\/reason\.json$/),
    ]);
  });

  describe('a batch larger than one invocation', () => {
    const generated = () => [...take(120, csvLines(generatedTransactions({ registers: 3 })))];

    it('continues across invocations from a ranged read and records every transaction exactly once', async () => {
      const ports = memoryPorts({ skus: SKUS });
      const upload = ports.objects.put(`${KEY}/big.csv`, `${generated().join('\n')}\n`);

      const { final, invocations } = await ingestToEnd(upload, ports, { maxLinesPerInvocation: 25, chunkSize: 4 });

      const summary = summaryOf(final);
      expect(invocations).toBeGreaterThanOrEqual(5);
      expect(summary.invocations).toBe(invocations);
      expect(ports.publisher.ofType('PosBatchContinuationRequested')).toHaveLength(invocations - 1);
      expect(summary.counts.duplicates).toBe(0);
      expect(new Set(recordedIds(ports)).size).toBe(recordedIds(ports).length);
      expect(recordedIds(ports)).toHaveLength(summary.counts.accepted);
      // Every continuation read from where the previous one stopped, not from the start.
      expect(ports.objects.reads.filter((read) => read.fromByte > 0).length).toBeGreaterThanOrEqual(invocations - 1);
    });

    it('gives the same result in one invocation, and for gzip (re-read and skip), as across many', async () => {
      const content = `${generated().join('\n')}\n`;
      const single = memoryPorts({ skus: SKUS });
      const zipped = memoryPorts({ skus: SKUS });

      const once = summaryOf((await ingestToEnd(single.objects.put(`${KEY}/big.csv`, content), single)).final);
      const many = summaryOf(
        (
          await ingestToEnd(zipped.objects.put(`${KEY}/big.csv.gz`, gzipSync(content)), zipped, {
            maxLinesPerInvocation: 25,
            chunkSize: 4,
          })
        ).final,
      );

      expect(many.counts).toEqual(once.counts);
      expect(many.registers).toEqual(once.registers);
      expect(recordedIds(zipped).sort()).toEqual(recordedIds(single).sort());
      expect(zipped.objects.reads.every((read) => read.fromByte === 0)).toBe(true);
    });

    it('resumes after a crash from the last checkpoint without losing or double counting a transaction', async () => {
      const ports = memoryPorts({ skus: SKUS });
      const upload = ports.objects.put(`${KEY}/crash.csv`, `${generated().join('\n')}\n`);
      const publish = ports.publisher.publish.bind(ports.publisher);
      let calls = 0;
      ports.publisher.publish = async (events) => {
        calls += 1;
        if (calls === 6) throw new Error('the bus is down');
        return publish(events);
      };

      await expect(
        ingestPosUpload(upload, ports, invocation('crashing'), {
          ...DEFAULT_POS_INGEST_LIMITS,
          chunkSize: 4,
          checkpointEveryItems: 8,
          leaseMillis: 0,
        }),
      ).rejects.toThrow('the bus is down');
      const summary = summaryOf((await ingestToEnd(upload, ports, { chunkSize: 4 })).final);

      expect(summary.counts.duplicates).toBe(0);
      expect(new Set(recordedIds(ports)).size).toBe(summary.counts.accepted);
      expect(summary.counts.accepted).toBeGreaterThan(20);
    });
  });

  it('claims the next chunks while the ones before them publish, yet publishes nothing unclaimed, each accepted transaction once', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const upload = ports.objects.put(`${KEY}/overlap.jsonl`, jsonl(24, { registers: 2 }));
    const claimed = new Set<string>();
    const claim = ports.claims.claim.bind(ports.claims);
    ports.claims.claim = async (requests) => {
      const holders = await claim(requests);
      for (const request of requests) claimed.add(request.transactionId);
      return holders;
    };
    const publish = ports.publisher.publish.bind(ports.publisher);
    let claimedWhilePublishing = false;
    const unclaimed: string[] = [];
    let publishing = 0;
    let mostPublishing = 0;
    ports.publisher.publish = async (events) => {
      const before = claimed.size;
      for (const event of events) {
        const { transactionId } = (event.data as { transaction?: { transactionId: string } }).transaction ?? {};
        if (transactionId && !claimed.has(transactionId)) unclaimed.push(transactionId);
      }
      mostPublishing = Math.max(mostPublishing, ++publishing);
      await new Promise((resolve) => setTimeout(resolve, 5));
      publishing -= 1;
      if (claimed.size > before) claimedWhilePublishing = true;
      return publish(events);
    };

    const summary = summaryOf((await ingestToEnd(upload, ports, { chunkSize: 4 })).final);

    expect(unclaimed).toEqual([]);
    expect(claimedWhilePublishing).toBe(true);
    expect(mostPublishing).toBeGreaterThan(1);
    // Up to three chunks publish at once, so their events may reach the bus in any order (EventBridge
    // keeps none anyway); counts and the resume position still move in file order.
    expect(new Set(recordedIds(ports)).size).toBe(summary.counts.accepted);
    expect(recordedIds(ports)).toHaveLength(summary.counts.accepted);
    expect(recordedIds(ports).every((id) => claimed.has(id))).toBe(true);
  });

  it('takes over the claims of an upload that stopped before publishing them, and only those', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const content = jsonl(10, { registers: 1 });
    // The first upload publishes and checkpoints its first 4 transactions, claims the next 4, and dies
    // before publishing them; its lease lapses and nothing retries it.
    const publish = ports.publisher.publish.bind(ports.publisher);
    ports.publisher.publish = async (events) => {
      if (ports.publisher.count >= 4) throw new Error('killed');
      return publish(events);
    };
    const limits = { ...DEFAULT_POS_INGEST_LIMITS, chunkSize: 4, checkpointEveryItems: 4, leaseMillis: 0 };
    await expect(
      ingestPosUpload(ports.objects.put(`${KEY}/stalled.jsonl`, content), ports, invocation('dead'), limits),
    ).rejects.toThrow('killed');
    const rescue = { ...ports, publisher: memoryPorts().publisher };

    const summary = summaryOf((await ingestToEnd(ports.objects.put(`${KEY}/rescue.jsonl`, content), rescue)).final);

    expect(summary.counts).toMatchObject({ accepted: 6, duplicates: 4 });
    const all = new Set([...recordedIds(ports), ...recordedIds(rescue)]);
    expect(recordedIds(ports)).toHaveLength(4);
    expect(recordedIds(rescue)).toHaveLength(6);
    expect(all.size).toBe(10);
  });

  it('finishes an upload replaced by a newer one as superseded, at the point it reached', async () => {
    const ports = memoryPorts({ skus: SKUS });
    const upload = ports.objects.put(
      `${KEY}/replaced.csv`,
      `${[...take(60, csvLines(generatedTransactions()))].join('\n')}\n`,
    );
    await ingestPosUpload(upload, ports, invocation('first'), {
      ...DEFAULT_POS_INGEST_LIMITS,
      maxLinesPerInvocation: 20,
      chunkSize: 4,
    });
    ports.objects.put(`${KEY}/replaced.csv`, 'store_id\n', 'a-newer-etag');

    const summary = summaryOf(await ingestPosUpload(upload, ports, invocation('second')));

    expect(summary.status).toBe('superseded');
    expect(summary.counts.accepted).toBeGreaterThan(0);
  });
});
