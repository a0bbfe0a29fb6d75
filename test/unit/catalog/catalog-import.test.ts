import { gzipSync } from 'node:zlib';
import { DEFAULT_DATA_OWNERSHIP } from '#domain/kernel/data-ownership';
import {
  importCatalogExport,
  type CatalogImportObjects,
  type CatalogImportSummary,
} from '#domain/catalog/catalog-import';
import type { Product } from '#domain/kernel/product';
import type { FabricEvent } from '#domain/kernel/event';
import type { QuarantinedLine } from '#domain/pos/parsed-item';

class MemoryExport implements CatalogImportObjects {
  readonly quarantine = new Map<string, readonly QuarantinedLine[]>();
  readonly summaries = new Map<string, CatalogImportSummary>();

  constructor(private readonly bytes: Buffer) {}

  async open() {
    const { bytes } = this;
    // Small chunks, so lines span chunk boundaries as they do from S3.
    return (async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    })();
  }

  async writeQuarantinedLines(key: string, lines: readonly QuarantinedLine[]) {
    this.quarantine.set(key, lines);
  }

  async writeSummary(key: string, summary: CatalogImportSummary) {
    this.summaries.set(key, summary);
  }
}

function ports() {
  const batches: Product[][] = [];
  const events: FabricEvent[] = [];
  return {
    batches,
    events,
    ports: {
      catalog: { recordProducts: async (products: readonly Product[]) => void batches.push([...products]) },
      publisher: { publish: async (published: readonly FabricEvent[]) => void events.push(...published) },
      ownership: DEFAULT_DATA_OWNERSHIP,
    },
  };
}

const now = () => new Date('2026-11-23T10:00:00Z');

describe('importCatalogExport', () => {
  it('writes JSON Lines in batches, publishes ProductChanged per product and quarantines bad lines', async () => {
    const lines = [
      JSON.stringify({
        sku: 'TEE-1',
        title: 'Tee 1',
        gtin: '4006381333931',
        listings: [{ channel: 'shopify', variantId: 'gid://shopify/ProductVariant/1' }],
      }),
      '{"sku": "TEE-2", "title": "Tee 2"}',
      'not json',
      '',
      '{"sku": "TEE-3", "title": "Tee 3", "gtin": "4006381333932"}',
      '{"sku": "TEE-4", "title": "Tee 4"}',
    ];
    const objects = new MemoryExport(Buffer.from(lines.join('\n')));
    const { batches, events, ports: catalogPorts } = ports();
    const summary = await importCatalogExport('incoming/erp/export-1.jsonl', objects, catalogPorts, now, {
      batchSize: 2,
      quarantinePartLines: 10,
    });
    expect(summary).toMatchObject({ status: 'completed', lines: 5, products: 3, quarantinedLines: 2, batches: 2 });
    expect(batches.map((batch) => batch.map((product) => product.sku))).toEqual([['TEE-1', 'TEE-2'], ['TEE-4']]);
    expect(events.map((event) => [event.detailType, (event.data as { product: Product }).product.sku])).toEqual([
      ['ProductChanged', 'TEE-1'],
      ['ProductChanged', 'TEE-2'],
      ['ProductChanged', 'TEE-4'],
    ]);
    const quarantined = objects.quarantine.get('quarantine/erp/export-1/part-0001.jsonl')!;
    expect(quarantined.map((line) => line.lineNumber)).toEqual([3, 5]);
    expect(quarantined[1].reason).toBe('gtin: has a wrong check digit');
    expect(objects.summaries.get('summaries/erp/export-1.json')).toEqual(summary);
  });

  it('reads a gzip CSV with channel listing columns', async () => {
    const csv =
      'sku,title,gtin,collections,shopify_variant_id,ebay_sku,ebay_listing_id\nTEE-1,"Tee, red",,summer|tees,gid://shopify/ProductVariant/1,EB-TEE-1,offer-1\nTEE-2,Tee 2,,,,,\n';
    const objects = new MemoryExport(gzipSync(csv));
    const { batches, ports: catalogPorts } = ports();
    const summary = await importCatalogExport('incoming/erp/export-2.csv.gz', objects, catalogPorts, now);
    expect(summary).toMatchObject({ status: 'completed', lines: 2, products: 2, quarantinedLines: 0 });
    expect(batches[0][0]).toEqual({
      sku: 'TEE-1',
      title: 'Tee, red',
      collections: ['summer', 'tees'],
      listings: [
        { channel: 'shopify', variantId: 'gid://shopify/ProductVariant/1' },
        { channel: 'ebay', channelSku: 'EB-TEE-1', listingId: 'offer-1' },
      ],
    });
  });

  it('refuses an export from a system that does not own the item master, applying nothing', async () => {
    const objects = new MemoryExport(Buffer.from('{"sku": "TEE-1", "title": "Tee 1"}\n'));
    const { batches, events, ports: catalogPorts } = ports();
    const summary = await importCatalogExport('incoming/pim/export-3.jsonl', objects, catalogPorts, now);
    expect(summary).toMatchObject({
      status: 'refused',
      reason: 'itemMaster is owned by erp; a change from pim is refused',
      products: 0,
    });
    expect(batches).toHaveLength(0);
    expect(events.map((event) => [event.detailType, event.data])).toEqual([
      [
        'ChangeRefused',
        {
          domain: 'itemMaster',
          owner: 'erp',
          sourceSystem: 'pim',
          subject: 'import#incoming/pim/export-3.jsonl',
          via: 'catalog-import',
          refusedAt: '2026-11-23T10:00:00.000Z',
        },
      ],
    ]);
  });

  it('rejects a CSV whose first line is not a catalog header', async () => {
    const objects = new MemoryExport(Buffer.from('code,name\nTEE-1,Tee 1\n'));
    const { batches, ports: catalogPorts } = ports();
    const summary = await importCatalogExport('incoming/erp/export-4.csv', objects, catalogPorts, now);
    expect(summary).toMatchObject({
      status: 'rejected',
      reason: 'the first line is not a catalog CSV header: it lacks sku or title',
    });
    expect(batches).toHaveLength(0);
  });

  it('records an export under a key it cannot route', async () => {
    const objects = new MemoryExport(Buffer.from(''));
    const summary = await importCatalogExport('incoming/products.jsonl', objects, ports().ports, now);
    expect(summary.status).toBe('unroutable');
    expect(objects.summaries.has('summaries/products.jsonl.json')).toBe(true);
  });
});
