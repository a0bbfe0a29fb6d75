import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { mapSquareOrder } from '#shared/channels/square/square-order.mapper';
import { SquareOrder } from '#shared/channels/square/square-order.schema';
import { WooCommerceOrderPayload } from '#shared/channels/woocommerce/woocommerce-order.schema';
import { mapWooCommerceOrder } from '#shared/channels/woocommerce/woocommerce-webhook.adapter';
import { type ShopifyOrderFixture, readShopifyFixture } from '../../fixtures/shopify';
import { readSquareFixture, squareFixtureSkus } from '../../fixtures/square';
import {
  type WooCommerceOrderFixture,
  readWooCommerceFixture,
  wooCommerceFixtureSkus,
} from '../../fixtures/woocommerce';
import { fixtureSkuLookup, money } from '../builders';
import { lookupFrom } from '../support/fake-intake';

const shopify = (payload: ShopifyOrderFixture) => mapShopifyOrder(ShopifyOrderPayload.parse(payload), fixtureSkuLookup);
const square = (order: unknown) => mapSquareOrder(SquareOrder.parse(order), lookupFrom(squareFixtureSkus));
const wooCommerce = (payload: WooCommerceOrderFixture) =>
  mapWooCommerceOrder(WooCommerceOrderPayload.parse(payload), lookupFrom(wooCommerceFixtureSkus));

describe('Shopify local pickup', () => {
  test('a fulfillment order delivered by pick_up makes a pickup at its assigned location, money unchanged', () => {
    const order = shopify(readShopifyFixture('orders-create-local-pickup'));

    expect(order.delivery).toEqual({ method: 'pickup', channelLocationId: '71234567801' });
    expect(order.shippingAddress).toBeUndefined();
    expect(order.totals.total).toEqual(money(5413, 'USD'));
  });

  test('an order whose fulfillment orders ship carries no delivery: it ships', () => {
    const payload = readShopifyFixture('orders-create-local-pickup');
    payload.fulfillment_orders = [
      { id: 6012345678902, assigned_location_id: 71234567800, delivery_method: { method_type: 'shipping' } },
    ];

    expect(shopify(payload).delivery).toBeUndefined();
  });

  test('an order delivered without fulfillment orders ships, mapped as before', () => {
    expect(shopify(readShopifyFixture('orders-create-multi-line')).delivery).toBeUndefined();
  });
});

describe('Square PICKUP fulfillments', () => {
  test("a PICKUP fulfillment is collected at the order's location; the customer is its recipient", () => {
    const order = square(readSquareFixture('retrieve-order-online-pickup-usd').order);

    expect(order.delivery).toEqual({ method: 'pickup', channelLocationId: 'LSTOREBROOKLYN' });
    expect(order.customer).toEqual({ email: 'ines.moreau@example.com', name: 'Ines Moreau' });
    expect(order.shippingAddress).toBeUndefined();
    expect(order.totals.total).toEqual(money(1579, 'USD'));
  });

  test('a cancelled PICKUP fulfillment is no pickup', () => {
    const fixture = readSquareFixture('retrieve-order-online-pickup-usd').order;
    fixture.fulfillments[0].state = 'CANCELED';

    expect(square(fixture).delivery).toBeUndefined();
  });

  test('an order with a SHIPMENT fulfillment ships', () => {
    expect(square(readSquareFixture('retrieve-order-online-multi-line-usd').order).delivery).toBeUndefined();
  });
});

describe('WooCommerce Local Pickup', () => {
  test("the Checkout block's Local Pickup is a pickup at the location it records by name", () => {
    const order = wooCommerce(readWooCommerceFixture('order-local-pickup-usd'));

    expect(order.delivery).toEqual({ method: 'pickup', channelLocationId: 'South Congress Store' });
    expect(order.shippingAddress).toBeUndefined();
    expect(order.totals.total).toEqual(money(5413, 'USD'));
  });

  test('the classic local_pickup method is a pickup at no named location', () => {
    const payload = readWooCommerceFixture('order-local-pickup-usd');
    const [line] = payload.shipping_lines ?? [];
    if (!line) throw new Error('the fixture has a shipping line');
    line.method_id = 'local_pickup';
    line.meta_data = [];

    expect(wooCommerce(payload).delivery).toEqual({ method: 'pickup' });
  });

  test('a flat rate shipping line ships', () => {
    expect(wooCommerce(readWooCommerceFixture('order-multi-line-usd')).delivery).toBeUndefined();
  });
});
