import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEFAULT_INVENTORY_POLICY } from '#domain/inventory/policy';
import type { PosBatchSummary } from '#domain/pos/batch';
import { EventProbe, availability, postAdjustment, queueDepth } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

/**
 * POSLog as stores' tills export it, through the real path: the file put into the local POS bucket,
 * pos-batch-ingest reading it, pos-stock-movements moving the store's stock and accounting-journal
 * booking each transaction. One export nests each line's taxes in its Sale/Return (NCR/Oracle style),
 * then comes again overlapping; the other is a POSLog 6 day in local store time with VAT included.
 */

// Read at cold start: store-310 is an Amsterdam store whose till writes local times; cheese is kept in kg.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  locations: [
    ...DEFAULT_INVENTORY_POLICY.locations,
    { id: 'store-310', name: 'Amsterdam store', kind: 'store', timeZone: 'Europe/Amsterdam' },
  ],
  stockUnits: { 'SKU-GOUDA': 'kg' },
});

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pos');
const DAY = '2026-11-24';
let fabric: LocalFabric;
let bucket: string;
let probe: EventProbe;

beforeAll(async () => {
  fabric = await startTestFabric('poslog-exports', { scheduleIntervalMs: () => 0 });
  bucket = fabric.resources.buckets.posBatches;
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.pos, EventSource.accounting],
    'detail-type': ['PosTransactionRecorded', 'JournalEntryPrepared'],
  });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const [code, sku] of Object.entries(SKUS)) await xref.mapSku('pos', { channelSku: code }, sku);
});

afterAll(async () => {
  await fabric?.stop();
});

const SKUS = {
  'TSHIRT-RED-M': 'SKU-TS-R-M',
  'SOCKS-3PK': 'SKU-SOCKS',
  'MUG-WHITE': 'SKU-MUG-W',
  'CAP-BLUE': 'SKU-CAP-B',
  'TOTE-CANVAS': 'SKU-TOTE',
  'GOUDA-WEIGHED': 'SKU-GOUDA',
};

async function upload(storeId: string, batchId: string, fixture: string): Promise<PosBatchSummary> {
  await fabric.clients.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `incoming/${storeId}/${DAY}/${batchId}.xml`,
      Body: readFileSync(path.join(FIXTURES, fixture)),
    }),
  );
  return eventually(
    `the summary of ${batchId}`,
    async () => {
      const prefix = `summaries/${storeId}/${DAY}/${batchId}/`;
      const { Contents = [] } = await fabric.clients.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }),
      );
      if (!Contents.length) return undefined;
      const { Body } = await fabric.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: Contents[0].Key! }));
      return JSON.parse(await Body!.transformToString()) as PosBatchSummary;
    },
    20_000,
  );
}

async function receive(locationId: string, stock: Record<string, number>): Promise<void> {
  for (const [sku, quantity] of Object.entries(stock)) {
    const answer = await postAdjustment(fabric, {
      type: 'receipt',
      sku,
      locationId,
      quantity,
      reference: { kind: 'erp_document', id: `PO-${locationId}-${sku}` },
    });
    expect(answer.status).toBe(201);
  }
}

async function stockAt(locationId: string, skus: readonly string[]): Promise<Record<string, [number, number]>> {
  const entries = await Promise.all(
    skus.map(async (sku) => {
      const view = await availability(fabric, sku);
      const at = (view.locations as { locationId: string; onHand: number; damaged: number }[]).find(
        (location) => location.locationId === locationId,
      );
      return [sku, [at?.onHand ?? 0, at?.damaged ?? 0]] as [string, [number, number]];
    }),
  );
  return Object.fromEntries(entries);
}

/** Every queue the uploaded transactions pass through is empty: nothing more is on its way. */
async function settled(): Promise<void> {
  await eventually(
    'stock movements and journal entries to settle',
    async () => {
      const depths = await Promise.all(
        ['pos-stock-movements', 'accounting-journal'].map((queue) =>
          queueDepth(fabric, fabric.resources.queues[queue].url),
        ),
      );
      return depths.every((depth) => depth === 0) ? true : undefined;
    },
    20_000,
  );
  await probe.drain();
}

/** The journal entry booked for a POS transaction: whether it balances, and its tax payable. */
async function journalOf(transactionId: string): Promise<{ balanced: boolean; tax: number }> {
  const entry = await eventually(`the journal entry of ${transactionId}`, async () => {
    await probe.drain();
    return probe.distinct('JournalEntryPrepared').find((event) => event.data.entry.entryId === `pos:${transactionId}`)
      ?.data.entry;
  });
  const lines = entry.lines as { account: string; debitMinor: number; creditMinor: number }[];
  const debit = lines.reduce((sum, line) => sum + line.debitMinor, 0);
  const credit = lines.reduce((sum, line) => sum + line.creditMinor, 0);
  const tax = lines
    .filter((line) => line.account === '2200')
    .reduce((sum, line) => sum + line.creditMinor - line.debitMinor, 0);
  return { balanced: debit === credit && debit > 0, tax };
}

async function recorded(transactionId: string): Promise<Record<string, any>[]> {
  await probe.drain();
  return probe
    .distinct('PosTransactionRecorded')
    .filter((event) => event.data.transaction.transactionId === transactionId);
}

/** The store's stock of these SKUs once it is `expected` (on hand, damaged), or the last seen when it never is. */
async function stockBecomes(
  locationId: string,
  expected: Record<string, [number, number]>,
): Promise<Record<string, [number, number]>> {
  let last: Record<string, [number, number]> = {};
  try {
    return await eventually(`the stock of ${locationId} to move`, async () => {
      last = await stockAt(locationId, Object.keys(expected));
      return JSON.stringify(last) === JSON.stringify(expected) ? last : undefined;
    });
  } catch {
    return last;
  }
}

describe('POSLog exports through the local fabric', () => {
  it('applies every transaction of an export whose taxes are nested in Sale and Return, and an overlapping re-upload once', async () => {
    await receive('store-042', { 'SKU-TS-R-M': 10, 'SKU-SOCKS': 10, 'SKU-MUG-W': 5, 'SKU-CAP-B': 5, 'SKU-TOTE': 5 });

    const first = await upload('store-042', 'poslog-r4', 'store-042-poslog-nested-tax.xml');

    expect(first).toMatchObject({ status: 'completed', counts: { accepted: 5, duplicates: 0, rejected: 0 }, gaps: 0 });
    const skus = Object.values(SKUS);
    expect(
      await stockBecomes('store-042', {
        'SKU-TS-R-M': [8, 0],
        'SKU-SOCKS': [8, 0],
        // Sold one, took a defective one back: on hand again, and damaged.
        'SKU-MUG-W': [5, 1],
        'SKU-CAP-B': [4, 0],
        'SKU-TOTE': [5, 0],
      }),
    ).toEqual({
      'SKU-TS-R-M': [8, 0],
      'SKU-SOCKS': [8, 0],
      'SKU-MUG-W': [5, 1],
      'SKU-CAP-B': [4, 0],
      'SKU-TOTE': [5, 0],
    });
    // Lines 57.67 + tax 4.19 = 61.86 on the card; the refund gives back 12.00 and its 0.87 of tax.
    expect(await journalOf('store-042:R4:2026-11-24:8101')).toEqual({ balanced: true, tax: 419 });
    expect(await journalOf('store-042:R4:2026-11-24:8102')).toEqual({ balanced: true, tax: -87 });
    expect(await journalOf('store-042:R4:2026-11-24:8103')).toEqual({ balanced: true, tax: 131 });
    const [sale] = await recorded('store-042:R4:2026-11-24:8101');
    expect(sale.data.transaction.lines.map((line: { tax: { amountMinor: number } }) => line.tax.amountMinor)).toEqual([
      283, 49, 87,
    ]);

    const again = await upload('store-042', 'poslog-r4-resent', 'store-042-poslog-nested-tax-overlap.xml');

    expect(again).toMatchObject({
      status: 'completed',
      counts: { accepted: 1, duplicates: 3, conflicts: 0, rejected: 0 },
    });
    expect(again.registers).toEqual([
      expect.objectContaining({ registerId: 'R4', accepted: 1, duplicates: 3, duplicateSequences: [8102, 8103, 8104] }),
    ]);
    await eventually('the new sale to move its tote', async () =>
      (await stockAt('store-042', ['SKU-TOTE']))['SKU-TOTE'][0] === 4 ? true : undefined,
    );
    await settled();
    expect(await stockAt('store-042', skus)).toMatchObject({
      'SKU-MUG-W': [5, 1],
      'SKU-CAP-B': [4, 0],
      'SKU-TOTE': [4, 0],
    });
    expect(await recorded('store-042:R4:2026-11-24:8102')).toHaveLength(1);
    expect(await journalOf('store-042:R4:2026-11-24:8105')).toEqual({ balanced: true, tax: 109 });
  });

  it('applies every transaction of a day in local store time with VAT included in the prices and cheese sold by weight', async () => {
    await receive('store-310', { 'SKU-TS-R-M': 5, 'SKU-MUG-W': 5, 'SKU-TOTE': 5, 'SKU-GOUDA': 5_000 });

    const summary = await upload('store-310', 'kassa-1', 'store-310-poslog-local-vat.xml');

    expect(summary).toMatchObject({
      status: 'completed',
      counts: { accepted: 5, duplicates: 0, rejected: 0 },
      gaps: 0,
    });
    const expected: Record<string, [number, number]> = {
      'SKU-TS-R-M': [5, 0],
      'SKU-MUG-W': [2, 0],
      'SKU-TOTE': [2, 0],
      // 5.000 kg of cheese less the 0.420 kg weighed at the till, in thousandths of a kg.
      'SKU-GOUDA': [4_580, 0],
    };
    expect(await stockBecomes('store-310', expected)).toEqual(expected);
    const [sale] = await recorded('store-310:K1:2026-11-24:5002');
    expect(sale.data.transaction).toMatchObject({
      endedAt: '2026-11-24T09:12:30+01:00',
      tax: { amountMinor: 869, currency: 'EUR' },
      total: { amountMinor: 5006, currency: 'EUR' },
    });
    // 50.06 in cash, of which 41.37 is revenue net of the 8.69 VAT the prices included.
    expect(await journalOf('store-310:K1:2026-11-24:5002')).toEqual({ balanced: true, tax: 869 });
    expect(await journalOf('store-310:K1:2026-11-24:5003')).toEqual({ balanced: true, tax: -420 });
    expect(await journalOf('store-310:K1:2026-11-24:5004')).toEqual({ balanced: true, tax: 66 });
    // The sign-on and sign-off (no currency, local times) are recorded for gaps and duplicates and publish nothing.
    await settled();
    expect(await recorded('store-310:K1:2026-11-24:5001')).toEqual([]);
    expect(await recorded('store-310:K1:2026-11-24:5005')).toEqual([]);
  });
});
