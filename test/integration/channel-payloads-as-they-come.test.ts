import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { wooCommerceDeliveryHeaders } from '../../scripts/sample/woocommerce-orders';
import { shopifyTestNotificationBody } from '../fixtures/shopify';
import { readWooCommerceFixture, wooCommerceFixtureSkus } from '../fixtures/woocommerce';
import { eventually, startTestFabric } from './support/test-fabric';

/*
 * Payloads as the channels send them, through the local fabric: Shopify's own test notification, whose
 * ids exceed 2^53, and a WooCommerce store that rounds tax at the subtotal.
 */
let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('channel-payloads');
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  await xref.mapSku('shopify', { channelSku: 'IPOD2008PINK' }, 'ELEC-IPOD-NANO-8G-PINK');
  await xref.mapSku('shopify', { channelSku: '', variantId: '44012345680555123' }, 'ELEC-IPOD-NANO-8G-BLUE');
  for (const { key, sku } of wooCommerceFixtureSkus) await xref.mapSku('woocommerce', key, sku);
});

afterAll(async () => {
  await fabric?.stop();
});

async function post(channel: 'shopify' | 'woocommerce', body: string, headers: Record<string, string>) {
  const response = await fetch(`${fabric.apiUrl}/webhooks/${channel}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function storedOrder(channel: string, channelOrderId: string) {
  return eventually(`${channel} order ${channelOrderId}`, async () => {
    const response = await fetch(`${fabric.apiUrl}/orders/by-channel/${channel}/${channelOrderId}`);
    return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
  });
}

describe("Shopify's test notification through the local fabric", () => {
  it('is answered 202 and stored under its exact ids, to the cent, once however often it is delivered', async () => {
    const body = shopifyTestNotificationBody();
    const headers = shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify);

    const first = await post('shopify', body, headers);
    const again = await post('shopify', body, headers);

    expect(first.status).toBe(202);
    expect(again).toEqual({ status: 200, body: { orderId: first.body.orderId, duplicate: true } });
    const stored = await storedOrder('shopify', '820982911946154508');
    expect(stored.order).toMatchObject({
      orderId: first.body.orderId,
      channelOrderId: '820982911946154508',
      status: 'cancelled',
      totals: { total: { amountMinor: 40300, currency: 'USD' }, discounts: { amountMinor: 500, currency: 'USD' } },
    });
    expect(stored.order.lines.map((line: Record<string, any>) => [line.channelLineId, line.sku])).toEqual([
      ['866550311766439020', 'ELEC-IPOD-NANO-8G-PINK'],
      ['141249953214522974', 'ELEC-IPOD-NANO-8G-PINK'],
    ]);
  });

  it('resolves a line without SKU through the cross-reference by its exact variant id above 2^53', async () => {
    const body = shopifyTestNotificationBody()
      .replaceAll('820982911946154508', '820982911946154509')
      .replaceAll('"variant_id": 808950810', '"variant_id": 44012345680555123')
      .replaceAll('"sku": "IPOD2008PINK"', '"sku": ""');

    const answer = await post('shopify', body, shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify));

    expect(answer.status).toBe(202);
    const stored = await storedOrder('shopify', '820982911946154509');
    expect(stored.order.lines.map((line: Record<string, any>) => [line.channelSku, line.sku])).toEqual([
      ['variant:44012345680555123', 'ELEC-IPOD-NANO-8G-BLUE'],
      ['variant:44012345680555123', 'ELEC-IPOD-NANO-8G-BLUE'],
    ]);
  });
});

describe('WooCommerce rounding tax at the subtotal, through the local fabric', () => {
  it('is answered 202 and stored to the cent: its unrounded per-rate taxes apportioned to the total it charged', async () => {
    const body = JSON.stringify(readWooCommerceFixture('order-tax-rounded-at-subtotal-usd'));

    const answer = await post(
      'woocommerce',
      body,
      wooCommerceDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.woocommerce),
    );

    expect(answer.status).toBe(202);
    expect(answer.body.needsAttention).toBeUndefined();
    const stored = await storedOrder('woocommerce', '6021');
    expect(stored.order).toMatchObject({ orderId: answer.body.orderId, status: 'received' });
    expect(stored.order.totals).toEqual({
      lines: { amountMinor: 3750, currency: 'USD' },
      shipping: { amountMinor: 500, currency: 'USD' },
      discounts: { amountMinor: 0, currency: 'USD' },
      tax: { amountMinor: 255, currency: 'USD' },
      total: { amountMinor: 4505, currency: 'USD' },
    });
    const taxes = (taxed: { taxes: { name: string; amount: { amountMinor: number } }[] }[]) =>
      taxed.map((line) => line.taxes.map((tax) => [tax.name, tax.amount.amountMinor]));
    expect(taxes(stored.order.lines)).toEqual([
      [
        ['State Tax', 113],
        ['City Tax', 37],
      ],
      [
        ['State Tax', 56],
        ['City Tax', 19],
      ],
    ]);
    expect(taxes(stored.order.shipping)).toEqual([
      [
        ['State Tax', 23],
        ['City Tax', 7],
      ],
    ]);
  });
});
