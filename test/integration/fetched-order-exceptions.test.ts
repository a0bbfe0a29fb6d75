import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { squareDeliveryHeaders, squareOrderEvent } from '../../scripts/sample/channel-samples';
import { SAMPLE_CATALOG } from '../../scripts/sample/shopify-orders';
import { seedSampleCatalog } from '../../scripts/sample/sample-traffic';
import { countSampleStock } from '../../scripts/sample/sample-stock';
import { mapSku } from '../../scripts/ops/xref';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { readSquareFixture } from '../fixtures/square';
import { eventually, retryQuickly, startTestFabric } from './support/test-fabric';

const stub = new ChannelApiStub();
let fabric: LocalFabric;
let exceptions: DynamoExceptionStore;
const run = Math.floor(Math.random() * 1_000_000);

beforeAll(async () => {
  await stub.start();
  fabric = await startTestFabric('fetched-exceptions', { channelApiStub: stub });
  await retryQuickly(fabric, ['order-lifecycle', 'erp-sales-order-posting', 'exceptions', 'exceptions-order-moves']);
  exceptions = new DynamoExceptionStore(fabric.resources.tables.exceptions);
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  await countSampleStock(fabric.apiUrl, fabric.resources.prefix);
}, 120_000);

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

async function notifySquare(id: string): Promise<Record<string, unknown>> {
  const body = squareOrderEvent(id, 'L8RR7W3ZQ4V1B');
  const url = `${fabric.apiUrl}/webhooks/square`;
  const response = await fetch(url, {
    method: 'POST',
    headers: squareDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.square, url),
    body,
  });
  expect(response.status).toBe(202);
  return (await response.json()) as Record<string, unknown>;
}

function standing(id: string, status: string) {
  return eventually(
    `square order ${id} ${status}`,
    async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/square/${id}`);
      const body = response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
      return body?.status === status ? body : undefined;
    },
    30_000,
  );
}

describe('held orders the fabric fetched from a channel API', () => {
  it('an unmapped Square variation holds the order until xref map-sku, which maps the archived API answer again once however often it is mapped: posted to the ERP without fetching it again', async () => {
    const id = `SQ-HELD-${run}`;
    const variation = `SQVAR-UNLISTED-${run}`;
    const order = readSquareFixture('retrieve-order-online-multi-line-usd').order;
    // The first line's variation is known; the second is new to the cross-reference.
    await new DynamoSkuCrossReference(fabric.resources.tables.crossReference).mapSku(
      'square',
      { channelSku: '', variantId: order.line_items[0].catalog_object_id },
      SAMPLE_CATALOG[0].sku,
    );
    order.line_items[1].catalog_object_id = variation;
    stub.square.orders.set(id, { ...order, id });
    const orderId = String((await notifySquare(id)).orderId);
    await standing(id, 'needs_attention');
    const exception = await eventually(
      'the UNKNOWN_SKU exception',
      async () => (await exceptions.list({ kind: 'OrderNeedsAttention' })).find((row) => row.orderId === orderId),
      20_000,
    );
    expect(exception).toMatchObject({
      reasonCode: 'UNKNOWN_SKU',
      fixes: ['map-sku', 'reprocess', 'dismiss'],
      context: { channelSkus: [`variant:${variation}`], archiveKey: expect.stringMatching(/^api-responses\/square\//) },
    });

    // Twice, as an operator unsure the first took would: the second maps the same version again or finds nothing open.
    await mapSku(fabric.resources, ['square', `variant:${variation}`, SAMPLE_CATALOG[2].sku]);
    await mapSku(fabric.resources, ['square', `variant:${variation}`, SAMPLE_CATALOG[2].sku]);

    const posted = await standing(id, 'posted_to_erp');
    expect(posted.order.lines.map((line: { sku: string }) => line.sku)).toEqual([
      SAMPLE_CATALOG[0].sku,
      SAMPLE_CATALOG[2].sku,
    ]);
    expect(fabric.erp.salesOrdersFor(orderId)).toHaveLength(1);
    await eventually(
      'the hold resolved itself',
      async () => ((await exceptions.get(exception.id))?.status === 'resolved' ? true : undefined),
      20_000,
    );
    expect((await exceptions.get(exception.id))?.actions).toContainEqual(
      expect.objectContaining({ action: 'reprocessed', outcome: expect.stringMatching(/^republished/) }),
    );
    // The mapped version came from the one archived answer: one fetch, one delivery id, the held version replaced once.
    expect(stub.callsTo(new RegExp(`^/v2/orders/${id}$`))).toHaveLength(1);
    expect(posted.history.map((entry: { change: string }) => entry.change)).toEqual(['created', 'updated']);
    expect(new Set(posted.history.map((entry: { deliveryId: string }) => entry.deliveryId)).size).toBe(1);
  }, 90_000);
});
