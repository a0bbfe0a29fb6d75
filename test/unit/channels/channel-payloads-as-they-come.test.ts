import fc from 'fast-check';
import { OrderMappingError } from '#domain/intake/channel-ports';
import type { Order } from '#domain/kernel/order';
import { orderIdFor } from '#domain/kernel/order';
import { parseJsonExactly } from '#domain/kernel/exact-json';
import { channelRequest } from '#shared/channels/channel-http';
import { shopifyWebhookAdapter } from '#shared/channels/shopify/shopify-webhook.adapter';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { WooCommerceOrderPayload } from '#shared/channels/woocommerce/woocommerce-order.schema';
import {
  mapWooCommerceOrder,
  wooCommerceWebhookAdapter,
} from '#shared/channels/woocommerce/woocommerce-webhook.adapter';
import { formatIssues } from '#domain/kernel/validation';
import { shopifyDeliveryHeaders } from '../../../scripts/sample/shopify-orders';
import { wooCommerceDeliveryHeaders } from '../../../scripts/sample/woocommerce-orders';
import { shopifyTestNotificationBody } from '../../fixtures/shopify';
import { readWooCommerceFixture, wooCommerceFixtureSkus } from '../../fixtures/woocommerce';
import { money, thrownBy } from '../builders';
import { fakeIntake, lookupFrom, webhookRequest } from '../support/fake-intake';

const secret = 'payloads-as-they-come-3b7e';
const ipod = [{ key: { channelSku: 'IPOD2008PINK' }, sku: 'ELEC-IPOD-NANO-8G-PINK' }];

function receivedOrder(intake: ReturnType<typeof fakeIntake>): Order {
  const [event] = intake.published;
  expect(event.detailType).toBe('OrderReceived');
  return (event.data as { order: Order }).order;
}

describe('a Shopify delivery id', () => {
  it('is the event id, else the webhook id, else a hash of the body: an empty header names no delivery', () => {
    const id = (headers: Record<string, string>, body = '{"id":1}') =>
      shopifyWebhookAdapter.deliveryId(webhookRequest('shopify', body, headers), undefined);
    expect(id({ 'X-Shopify-Event-Id': 'evt-1', 'X-Shopify-Webhook-Id': 'wh-1' })).toBe('evt-1');
    expect(id({ 'X-Shopify-Event-Id': '', 'X-Shopify-Webhook-Id': 'wh-1' })).toBe('wh-1');
    expect(id({ 'X-Shopify-Event-Id': '', 'X-Shopify-Webhook-Id': '' })).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(id({ 'X-Shopify-Event-Id': '' }, '{"id":1}')).not.toBe(id({ 'X-Shopify-Event-Id': '' }, '{"id":2}'));
  });
});

describe("Shopify's test notification, its ids above 2^53", () => {
  test('is accepted with 202 and mapped with its order, line and variant ids exact, to the cent', async () => {
    const intake = fakeIntake(shopifyWebhookAdapter, secret, ipod);
    const body = shopifyTestNotificationBody();

    const answer = await intake.accept(webhookRequest('shopify', body, shopifyDeliveryHeaders(body, secret)));

    expect(answer).toEqual({ status: 202, body: { orderId: orderIdFor('shopify', '820982911946154508') } });
    const order = receivedOrder(intake);
    expect(order).toMatchObject({
      channelOrderId: '820982911946154508',
      channelOrderNumber: '#9999',
      status: 'cancelled',
    });
    expect(order.lines.map((line) => [line.channelLineId, line.sku, line.discount.amountMinor])).toEqual([
      ['866550311766439020', 'ELEC-IPOD-NANO-8G-PINK', 0],
      ['141249953214522974', 'ELEC-IPOD-NANO-8G-PINK', 500],
    ]);
    expect(order.totals.total).toEqual(money(40300));
  });

  test('keeps the REST ids exact where no admin_graphql_api_id backs them: order id and variant key', () => {
    const body = shopifyTestNotificationBody()
      .replace(/"admin_graphql_api_id": "gid:\\\/\\\/shopify\\\/(Order|LineItem)\\\/\d+",/g, '')
      .replaceAll('"variant_id": 808950810', '"variant_id": 44012345680555123')
      .replaceAll('"sku": "IPOD2008PINK"', '"sku": ""');
    const payload = ShopifyOrderPayload.parse(parseJsonExactly(body));

    const keys = shopifyWebhookAdapter.orders?.skuKeys(payload);
    const order = shopifyWebhookAdapter.orders?.toCanonicalOrder(payload, lookupFrom([]));

    expect(payload.admin_graphql_api_id).toBeUndefined();
    expect(keys).toEqual([
      { channelSku: '', variantId: '44012345680555123' },
      { channelSku: '', variantId: '44012345680555123' },
    ]);
    expect(order?.channelOrderId).toBe('820982911946154508');
    expect(order?.lines.map((line) => line.channelLineId)).toEqual(['866550311766439020', '141249953214522974']);
  });

  test('an id read by plain JSON.parse, already rounded, is refused with the reason rather than stored', () => {
    const parsed = ShopifyOrderPayload.safeParse(JSON.parse(shopifyTestNotificationBody()));

    expect(parsed.success).toBe(false);
    expect(formatIssues(parsed.error!)).toContainEqual(
      expect.objectContaining({ path: 'id', message: expect.stringContaining('above 2^53') }),
    );
  });
});

describe('WooCommerce with tax rounded at the subtotal', () => {
  const usd = (minor: number) => money(minor, 'USD');
  const state = (minor: number) => ({ name: 'State Tax', rate: '0.045', amount: usd(minor) });
  const city = (minor: number) => ({ name: 'City Tax', rate: '0.015', amount: usd(minor) });
  const map = (payload = readWooCommerceFixture('order-tax-rounded-at-subtotal-usd')) =>
    mapWooCommerceOrder(WooCommerceOrderPayload.parse(payload), lookupFrom(wooCommerceFixtureSkus));

  test('reproduces the total from the exact taxes: 2.55, not the 2.56 the rates round to one by one', () => {
    const order = map();

    expect(order.totals).toEqual({
      lines: usd(5000 - 1250),
      shipping: usd(500),
      discounts: usd(0),
      tax: usd(255),
      total: usd(4505),
    });
  });

  test('gives every line whole cents within one cent of its exact share, each rate within one cent of its tax line', () => {
    const order = map();

    // Exact: socks 1.125 + 0.375, mugs 0.5625 + 0.1875, shipping 0.225 + 0.075.
    expect(order.lines.map((line) => line.taxes)).toEqual([
      [state(113), city(37)],
      [state(56), city(19)],
    ]);
    expect(order.shipping.map((line) => line.taxes)).toEqual([[state(23), city(7)]]);
  });

  test('leaves taxes WooCommerce already rounded per line as they were sent', () => {
    const payload = readWooCommerceFixture('order-multi-line-usd');

    const order = map(payload);

    expect(order.lines.map((line) => line.taxes.map((tax) => tax.amount.amountMinor))).toEqual([[371], [323]]);
    expect(order.totals.total).toEqual(usd(9921));
  });

  test("refuses line taxes that do not add up to the rate's tax line, naming the tax line", () => {
    const payload = readWooCommerceFixture('order-tax-rounded-at-subtotal-usd');
    (payload.tax_lines as { tax_total: string }[])[0].tax_total = '1.71';

    const error = thrownBy(OrderMappingError, () => map(payload));

    expect(error.details).toEqual([
      {
        path: 'tax_lines.0.tax_total',
        message: "is 1.71 but the line items' taxes at rate 1 add up to 1.6875 (1.69)",
      },
    ]);
  });

  test('goes through acceptWebhookDelivery with 202 and OrderReceived, where it was held before', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret, wooCommerceFixtureSkus);
    const body = JSON.stringify(readWooCommerceFixture('order-tax-rounded-at-subtotal-usd'));

    const answer = await intake.accept(webhookRequest('woocommerce', body, wooCommerceDeliveryHeaders(body, secret)));

    expect(answer).toEqual({ status: 202, body: { orderId: orderIdFor('woocommerce', '6021') } });
    expect(receivedOrder(intake)).toMatchObject({ status: 'received', totals: { total: usd(4505) } });
  });
});

describe('WooCommerce taxes of any precision (property)', () => {
  /** Tax shares in ten-thousandths of a dollar, written with as many decimals as WooCommerce keeps ("1.125"). */
  const share = fc.integer({ min: 0, max: 500_000 });
  const fourDecimals = (units: number) => (units / 10_000).toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  const roundHalfUp = (units: number) => Math.floor((units + 50) / 100);
  const line = fc.record({ quantity: fc.integer({ min: 1, max: 3 }), unitCents: fc.integer({ min: 1, max: 20_000 }) });
  const order = fc.record({
    lines: fc.array(fc.record({ line, shares: fc.tuple(share, share) }), { minLength: 1, maxLength: 5 }),
    shipping: fc.tuple(share, share),
  });

  test('every amount is within a cent of its exact share and the order totals what WooCommerce charged', () => {
    fc.assert(
      fc.property(order, ({ lines, shipping }) => {
        const base = readWooCommerceFixture('order-tax-rounded-at-subtotal-usd');
        const perRate = (part: number[][], rate: 0 | 1) => part.reduce((sum, shares) => sum + shares[rate], 0);
        const itemShares = lines.map((l) => l.shares);
        const exactTax = perRate(itemShares, 0) + perRate(itemShares, 1) + shipping[0] + shipping[1];
        const net = lines.reduce((sum, l) => sum + l.line.quantity * l.line.unitCents, 0) + 500;
        const payload = {
          ...base,
          total: ((net + roundHalfUp(exactTax)) / 100).toFixed(2),
          line_items: lines.map(({ line: { quantity, unitCents }, shares }, i) => ({
            ...base.line_items[0],
            id: 900 + i,
            quantity,
            subtotal: ((quantity * unitCents) / 100).toFixed(2),
            total: ((quantity * unitCents) / 100).toFixed(2),
            taxes: shares.map((units, r) => ({ id: r + 1, total: fourDecimals(units) })),
          })),
          shipping_lines: [
            {
              ...base.shipping_lines![0],
              taxes: shipping.map((units, r) => ({ id: r + 1, total: fourDecimals(units) })),
            },
          ],
          tax_lines: base.tax_lines!.map((rate, r) => ({
            ...rate,
            tax_total: (roundHalfUp(perRate(itemShares, r as 0 | 1)) / 100).toFixed(2),
            shipping_tax_total: (roundHalfUp(shipping[r]) / 100).toFixed(2),
          })),
        };

        const mapped = mapWooCommerceOrder(WooCommerceOrderPayload.parse(payload), lookupFrom(wooCommerceFixtureSkus));

        const given = [...itemShares, shipping];
        const taxed = [...mapped.lines, ...mapped.shipping];
        taxed.forEach((entry, i) => {
          entry.taxes.forEach((tax, r) => {
            expect(Math.abs(tax.amount.amountMinor * 100 - given[i][r])).toBeLessThan(100);
          });
        });
        expect(mapped.totals.tax.amountMinor).toBe(roundHalfUp(exactTax));
        expect(mapped.totals.total.amountMinor).toBe(net + roundHalfUp(exactTax));
      }),
    );
  });
});

describe('WooCommerce ids above 2^53', () => {
  test('name the order, its lines and its dedupe key exactly', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret, wooCommerceFixtureSkus);
    const body = JSON.stringify(readWooCommerceFixture('order-tax-rounded-at-subtotal-usd'))
      .replace('"id":6021', '"id":9007199254740993')
      .replace('"id":702', '"id":9007199254740995');

    const first = await intake.accept(webhookRequest('woocommerce', body, wooCommerceDeliveryHeaders(body, secret)));
    const again = await intake.accept(webhookRequest('woocommerce', body, wooCommerceDeliveryHeaders(body, secret)));

    expect(first).toEqual({ status: 202, body: { orderId: orderIdFor('woocommerce', '9007199254740993') } });
    expect(again.status).toBe(200);
    const order = receivedOrder(intake);
    expect(order.channelOrderId).toBe('9007199254740993');
    expect(order.lines[0].channelLineId).toBe('9007199254740995');
    expect(intake.verdicts[0].deliveryId).toMatch(/#order:9007199254740993#2025-03-18T18:02:58$/);
  });
});

describe('channel API answers', () => {
  test('keep an id above 2^53 as its digits, so an order the catch-up lists maps under its exact id', async () => {
    const answer = '[{"id":9007199254740993,"total":"45.05"}]';
    const fetch = async () => new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } });

    const body = await channelRequest(
      'https://shop.example.com/wp-json/wc/v3/orders',
      {},
      { channel: 'woocommerce', fetch },
    );

    expect(body).toEqual([{ id: '9007199254740993', total: '45.05' }]);
  });
});
