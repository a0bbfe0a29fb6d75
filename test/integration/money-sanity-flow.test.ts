import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder, seededRandom, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog } from '../../scripts/sample/sample-traffic';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { eventually, startTestFabric } from './support/test-fabric';

/*
 * Impossible money, signed by the channel, through the local fabric: held as needs_attention with the
 * field named, never accepted as a good order (no reservation, no ERP posting follows an order that
 * is not received).
 */

const secret = DEVELOPMENT_WEBHOOK_SECRETS.shopify;
let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('money-sanity');
  await seedSampleCatalog(fabric.resources.tables.crossReference);
});

afterAll(async () => {
  await fabric?.stop();
});

/** A one-line sample order with its line's price, quantity and the total set as given. */
function orderWith(orderNumber: number, change: (order: Record<string, any>) => void): Record<string, any> {
  const order = sampleShopifyOrder(orderNumber, seededRandom(orderNumber), undefined, 1) as Record<string, any>;
  change(order);
  return order;
}

const cases = [
  {
    name: 'a negative price and total',
    field: 'line_items.0.price',
    order: orderWith(93001, (o) => {
      o.line_items[0].price = `-${o.line_items[0].price}`;
      o.total_price = `-${o.total_price}`;
    }),
  },
  {
    name: 'a negative total',
    field: 'total_price',
    order: orderWith(93002, (o) => {
      o.total_price = `-${o.total_price}`;
    }),
  },
  {
    name: 'a negative quantity',
    field: 'line_items.0.quantity',
    order: orderWith(93003, (o) => {
      o.line_items[0].quantity = -o.line_items[0].quantity;
    }),
  },
  {
    name: 'the currency "ZZZ"',
    field: 'currency',
    order: orderWith(93004, (o) => {
      o.currency = 'ZZZ';
    }),
  },
];

describe('signed orders with impossible money', () => {
  test.each(cases)('holds one with $name as needs_attention, naming $field', async ({ order, field }) => {
    const body = JSON.stringify(order);

    const answer = await postShopifyOrder(fabric.apiUrl, body, shopifyDeliveryHeaders(body, secret));

    expect(answer).toEqual({ status: 202, body: { orderId: expect.any(String), needsAttention: true } });
    const held = await eventually(`order ${order.id} stored`, async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/shopify/${order.id}`);
      return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
    });
    expect(held.status).toBe('needs_attention');
    expect(JSON.stringify(held)).toContain(field);
  });
});
