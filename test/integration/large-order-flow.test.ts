import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { SAMPLE_CATALOG, sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog } from '../../scripts/sample/sample-traffic';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import type { Order } from '#domain/kernel/order';
import { postAdjustment } from './support/inventory-support';
import { eventually, retryQuickly, startTestFabric } from './support/test-fabric';

/** A wholesale order: 3,000 lines make a body of about 860 KB, under the documented 1 MiB webhook limit. */
const LINES = 3_000;

let fabric: LocalFabric;
let lifecycles: DynamoLifecycleStore;

beforeAll(async () => {
  fabric = await startTestFabric('large-order');
  await retryQuickly(fabric, ['order-lifecycle', 'erp-sales-order-posting']);
  lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  // Enough on the shelf for every line of the order whatever the random quantities: at most 3 units a line.
  for (const item of SAMPLE_CATALOG) {
    const counted = await postAdjustment(fabric, {
      type: 'count',
      sku: item.sku,
      locationId: 'wh-east',
      countedOnHand: LINES * 3,
      reference: { kind: 'stock_count', id: 'large-order' },
    });
    expect(counted.status).toBeLessThan(300);
  }
});

afterAll(async () => {
  await fabric?.stop();
});

describe('an order larger than the event bus takes', () => {
  it('takes a signed 3,000-line Shopify order from the webhook to one ERP sales order, every line stored and reserved', async () => {
    const body = JSON.stringify(
      sampleShopifyOrder(90_000 + Math.floor(Math.random() * 9_000), Math.random, SAMPLE_CATALOG, LINES),
    );
    expect(Buffer.byteLength(body)).toBeGreaterThan(3 * 262_144);

    const answer = await postShopifyOrder(
      fabric.apiUrl,
      body,
      shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
    );

    expect(answer.status).toBe(202);
    const orderId = String(answer.body.orderId);
    await eventually(
      `order ${orderId} posted to the ERP`,
      async () => ((await lifecycles.load(orderId))?.state === 'posted_to_erp' ? true : undefined),
      180_000,
    );
    const stored = (await (await fetch(`${fabric.apiUrl}/orders/${orderId}`)).json()) as { order: Order };
    expect(stored.order.lines).toHaveLength(LINES);
    expect((await lifecycles.history(orderId)).moves.map((move) => move.to)).toEqual([
      'received',
      'reserved',
      'posted_to_erp',
    ]);
    const [salesOrder, ...more] = fabric.erp.salesOrdersFor(orderId);
    expect(more).toEqual([]);
    expect(salesOrder.salesOrderLines.filter((line) => line.lineType === 'Item')).toHaveLength(LINES);
  }, 300_000);
});
