import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { EventProbe } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

/** A catalog export dropped into the local catalogImports bucket, imported by the runtime's S3 trigger. */

let fabric: LocalFabric;
let probe: EventProbe;
let xref: DynamoSkuCrossReference;

beforeAll(async () => {
  fabric = await startTestFabric('catalog-import', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.catalog] });
  xref = new DynamoSkuCrossReference(
    fabric.resources.tables.crossReference,
    DynamoDBDocumentClient.from(fabric.clients.dynamodb),
  );
});

afterAll(async () => {
  await fabric?.stop();
});

async function drop(key: string, body: string): Promise<void> {
  await fabric.clients.s3.send(
    new PutObjectCommand({ Bucket: fabric.resources.buckets.catalogImports, Key: key, Body: body }),
  );
}

async function summary(key: string): Promise<Record<string, unknown> | undefined> {
  try {
    const { Body } = await fabric.clients.s3.send(
      new GetObjectCommand({ Bucket: fabric.resources.buckets.catalogImports, Key: key }),
    );
    return JSON.parse(await Body!.transformToString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

it('imports an ERP export into the cross-reference, so channel SKUs and variant ids map to the internal SKU', async () => {
  const lines = Array.from({ length: 30 }, (_, i) =>
    JSON.stringify({
      sku: `CAT-${i}`,
      title: `Catalogue item ${i}`,
      listings: [{ channel: 'shopify', channelSku: `SH-CAT-${i}`, variantId: `gid://shopify/ProductVariant/9${i}` }],
    }),
  );
  await drop('incoming/erp/nightly-1.jsonl', `${lines.join('\n')}\n{"sku": "bad sku"}\n`);
  const result = await eventually('the import summary', () => summary('summaries/erp/nightly-1.json'), 20_000);
  expect(result).toMatchObject({ status: 'completed', products: 30, quarantinedLines: 1 });
  expect((await xref.products(['CAT-0', 'CAT-29'])).map((product) => product.sku).sort()).toEqual(['CAT-0', 'CAT-29']);
  const mapped = await xref.resolveSkus('shopify', [
    { channelSku: 'SH-CAT-7' },
    { channelSku: '', variantId: 'gid://shopify/ProductVariant/912' },
  ]);
  expect(mapped).toEqual(
    new Map([
      ['sku:SH-CAT-7', 'CAT-7'],
      ['variant:gid://shopify/ProductVariant/912', 'CAT-12'],
    ]),
  );
  await eventually(
    '30 ProductChanged',
    async () => {
      await probe.drain();
      return probe.distinct('ProductChanged').length === 30 ? true : undefined;
    },
    20_000,
  );
});

it('refuses an export from a system that does not own the item master and records it', async () => {
  await drop('incoming/shopify/items-1.jsonl', '{"sku": "CAT-SHOP-1", "title": "From the storefront"}\n');
  const result = await eventually('the refusal summary', () => summary('summaries/shopify/items-1.json'), 20_000);
  expect(result).toMatchObject({
    status: 'refused',
    reason: 'itemMaster is owned by erp; a change from shopify is refused',
  });
  expect(await xref.products(['CAT-SHOP-1'])).toEqual([]);
  const refused = await eventually(
    'ChangeRefused',
    async () => {
      await probe.drain();
      return probe.distinct<{ subject: string }>('ChangeRefused')[0];
    },
    20_000,
  );
  expect(refused.data).toMatchObject({
    domain: 'itemMaster',
    owner: 'erp',
    sourceSystem: 'shopify',
    subject: 'import#incoming/shopify/items-1.jsonl',
  });
});
