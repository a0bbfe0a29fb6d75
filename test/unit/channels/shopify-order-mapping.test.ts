import { OrderMappingError } from '#domain/intake/channel-ports';
import type { SkuLookup } from '#domain/kernel/sku-cross-reference';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { Order, orderIdFor } from '#domain/kernel/order';
import {
  MAPPABLE_SHOPIFY_FIXTURES,
  type ShopifyFixtureName,
  type ShopifyOrderFixture,
  readShopifyFixture,
} from '../../fixtures/shopify';
import { fixtureSkuLookup, money, thrownBy } from '../builders';

function mapPayload(payload: ShopifyOrderFixture, lookupSku: SkuLookup = fixtureSkuLookup) {
  return mapShopifyOrder(ShopifyOrderPayload.parse(payload), lookupSku);
}

function mapFixture(name: ShopifyFixtureName) {
  return mapPayload(readShopifyFixture(name));
}

describe('mapShopifyOrder: tax-exclusive USD order with a discount code and taxed shipping', () => {
  const usd = (minor: number) => money(minor, 'USD');
  const texas = (state: number, city: number) => [
    { name: 'Texas State Tax', rate: '0.0625', amount: usd(state) },
    { name: 'Austin City Tax', rate: '0.02', amount: usd(city) },
  ];

  test('maps each line: unit price, allocated discount and whole-line taxes, to the cent', () => {
    const order = mapFixture('orders-create-multi-line');

    expect(order.lines).toEqual([
      {
        lineId: '1',
        channelLineId: '14392874000001',
        sku: 'APP-TSHIRT-RED-M',
        channelSku: 'TSHIRT-RED-M',
        title: 'Classic Tee',
        quantity: 2,
        unitPrice: usd(2500),
        discount: usd(500),
        taxes: texas(281, 90),
      },
      {
        lineId: '2',
        channelLineId: '14392874000002',
        sku: 'HOME-MUG-WHITE',
        channelSku: 'MUG-WHITE',
        title: 'Enamel Mug',
        quantity: 1,
        unitPrice: usd(1450),
        discount: usd(145),
        taxes: texas(82, 26),
      },
    ]);
  });

  test('maps shipping with its own taxes', () => {
    const order = mapFixture('orders-create-multi-line');

    expect(order.shipping).toEqual([
      { method: 'Standard Shipping', price: usd(695), discount: usd(0), taxes: texas(43, 14) },
    ]);
  });

  test('adds tax on top of prices and reproduces total_price 70.36', () => {
    const order = mapFixture('orders-create-multi-line');

    expect(order.taxesIncluded).toBe(false);
    expect(order.totals).toEqual({
      lines: usd(6450),
      shipping: usd(695),
      discounts: usd(645),
      tax: usd(536),
      total: usd(7036),
    });
  });

  test('identifies the order by its GraphQL id, keeps the order name and times in UTC', () => {
    const order = mapFixture('orders-create-multi-line');

    expect(order).toMatchObject({
      orderId: orderIdFor('shopify', '5829743312345'),
      channel: 'shopify',
      channelOrderId: '5829743312345',
      channelOrderNumber: '#1001',
      status: 'received',
      currency: 'USD',
      placedAt: '2025-03-14T14:26:53.000Z',
      channelUpdatedAt: '2025-03-14T14:26:55.000Z',
      fees: [],
    });
  });

  test('maps the customer and both addresses', () => {
    const order = mapFixture('orders-create-multi-line');
    const address = {
      name: 'Maya Okafor',
      line1: '1100 Congress Ave',
      line2: 'Apt 4B',
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      countryCode: 'US',
      phone: '+15125550143',
    };

    expect(order.customer).toEqual({ email: 'maya.okafor@example.com', name: 'Maya Okafor' });
    expect(order.billingAddress).toEqual(address);
    expect(order.shippingAddress).toEqual({ ...address, company: 'Okafor Design Studio' });
  });
});

describe('mapShopifyOrder: tax-inclusive EUR order', () => {
  const eur = (minor: number) => money(minor, 'EUR');
  const vat = (minor: number) => [{ name: 'MwSt', rate: '0.19', amount: eur(minor) }];

  test('maps lines and shipping with their included VAT, to the cent', () => {
    const order = mapFixture('orders-create-tax-inclusive-eur');

    expect(order.lines).toEqual([
      {
        lineId: '1',
        channelLineId: '15120398000011',
        sku: 'APP-HOODIE-GREY-L',
        channelSku: 'HOODIE-GREY-L',
        title: 'Organic Hoodie',
        quantity: 1,
        unitPrice: eur(5990),
        discount: eur(1000),
        taxes: vat(797),
      },
      {
        lineId: '2',
        channelLineId: '15120398000012',
        sku: 'APP-SOCKS-MERINO-3',
        channelSku: 'SOCKS-3PACK',
        title: 'Merino Socken 3er-Pack',
        quantity: 2,
        unitPrice: eur(1295),
        discount: eur(0),
        taxes: vat(414),
      },
    ]);
    expect(order.shipping).toEqual([{ method: 'DHL Paket', price: eur(490), discount: eur(0), taxes: vat(78) }]);
  });

  test('does not add the VAT already inside prices to the total', () => {
    const order = mapFixture('orders-create-tax-inclusive-eur');

    expect(order.taxesIncluded).toBe(true);
    expect(order.totals).toEqual({
      lines: eur(8580),
      shipping: eur(490),
      discounts: eur(1000),
      tax: eur(1289),
      total: eur(8070),
    });
  });
});

describe('mapShopifyOrder: currencies, SKUs and lifecycle', () => {
  test('maps a JPY order in whole yen, without decimals', () => {
    const order = mapFixture('orders-create-jpy');

    expect(order.lines[0].unitPrice).toEqual(money(2400, 'JPY'));
    expect(order.totals).toEqual({
      lines: money(4800, 'JPY'),
      shipping: money(800, 'JPY'),
      discounts: money(0, 'JPY'),
      tax: money(509, 'JPY'),
      total: money(5600, 'JPY'),
    });
  });

  test('rejects a price with more decimals than the currency has, naming the field', () => {
    const payload = readShopifyFixture('orders-create-jpy');
    payload.line_items[0].price = '2400.50';

    const error = thrownBy(OrderMappingError, () => mapPayload(payload));

    expect(error.details).toEqual([
      { path: 'line_items.0.price', message: '"2400.50" has more than 0 decimals for JPY' },
    ]);
  });

  test('resolves a line without a SKU through its variant id', () => {
    const order = mapFixture('orders-create-empty-sku');

    expect(order.status).toBe('received');
    expect(order.lines[0]).toMatchObject({ sku: 'HOME-TOTE-CANVAS', channelSku: 'variant:44012345680555' });
  });

  test('holds an order with an unknown SKU in needs_attention, the line unresolved', () => {
    const order = mapFixture('orders-create-unknown-sku');

    expect(order.status).toBe('needs_attention');
    expect(order.lines.map((line) => [line.channelSku, line.sku])).toEqual([
      ['TSHIRT-RED-M', 'APP-TSHIRT-RED-M'],
      ['POSTER-A2-LTD', null],
    ]);
  });

  test('maps an order with cancelled_at to cancelled', () => {
    const order = mapFixture('orders-cancelled');

    expect(order.status).toBe('cancelled');
  });

  test('rejects an order whose lines do not reproduce total_price, naming the field and the difference', () => {
    const error = thrownBy(OrderMappingError, () => mapFixture('orders-create-total-mismatch'));

    expect(error.message).toBe('total_price 11.78 differs from the computed 11.79 by -0.01');
    expect(error.details).toEqual([{ path: 'total_price', message: 'differs by -0.01 USD' }]);
  });
});

describe('mapShopifyOrder: the canonical order is built valid, not parsed a second time', () => {
  const mappable = MAPPABLE_SHOPIFY_FIXTURES;

  test.each(mappable)('%s maps to exactly what the canonical schema parses it as', (name) => {
    const order = mapFixture(name);

    expect(Order.parse(order)).toStrictEqual(order);
  });

  test('holds a country code the canonical order cannot carry, naming the Shopify field', () => {
    const payload = readShopifyFixture('orders-create-multi-line');
    payload.shipping_address = { ...payload.shipping_address, country_code: 'usa' };

    const error = thrownBy(OrderMappingError, () => mapPayload(payload));

    expect(error.details).toEqual([
      { path: 'shipping_address.country_code', message: '"usa" is not an ISO 3166-1 alpha-2 code' },
    ]);
  });

  test('holds a tax rate that is not a plain decimal, naming the Shopify field', () => {
    const payload = readShopifyFixture('orders-create-multi-line');
    payload.line_items[0].tax_lines = [{ ...payload.line_items[0].tax_lines?.[0], title: 'Tiny', rate: 1e-7 }] as never;

    const error = thrownBy(OrderMappingError, () => mapPayload(payload));

    expect(error.details).toEqual([
      { path: 'line_items.0.tax_lines.0.rate', message: '1e-7 is not a plain decimal rate' },
    ]);
  });

  test('holds a timestamp whose UTC falls beyond year 9999, naming the Shopify field', () => {
    const payload = readShopifyFixture('orders-create-multi-line');
    payload.updated_at = '9999-12-31T23:00:00-05:00';

    const error = thrownBy(OrderMappingError, () => mapPayload(payload));

    expect(error.details).toEqual([
      { path: 'updated_at', message: '9999-12-31T23:00:00-05:00 is outside years 0000 to 9999 in UTC' },
    ]);
  });

  test('holds discounts that add up beyond 2^53 minor units, naming the Shopify field', () => {
    const payload = readShopifyFixture('orders-create-multi-line');
    payload.line_items[0].discount_allocations = [{ amount: '90000000000000.00' }, { amount: '90000000000000.00' }];

    const error = thrownBy(OrderMappingError, () => mapPayload(payload));

    expect(error.details).toEqual([
      {
        path: 'line_items.0.discount_allocations',
        message: 'the amounts add up beyond what can be counted to the minor unit',
      },
    ]);
  });
});
