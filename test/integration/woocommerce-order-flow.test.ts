import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { sampleWooCommerceOrder, wooCommerceDeliveryHeaders } from '../../scripts/sample/woocommerce-orders';
import { readWooCommerceFixture, wooCommerceFixtureSkus } from '../fixtures/woocommerce';
import { startTestFabric, eventually } from './support/test-fabric';

const secret = DEVELOPMENT_WEBHOOK_SECRETS.woocommerce;
let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('woocommerce');
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const { key, sku } of wooCommerceFixtureSkus) await xref.mapSku('woocommerce', key, sku);
  await xref.mapSku('woocommerce', { channelSku: 'WC-TEE-RED-M' }, 'APP-TSHIRT-001-RED-M');
  await xref.mapSku('woocommerce', { channelSku: 'WC-MUG-WHITE' }, 'HOME-MUG-010-WHT');
});

afterAll(async () => {
  await fabric?.stop();
});

async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(`${fabric.apiUrl}/webhooks/woocommerce`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function byChannel(channelOrderId: string) {
  return eventually(
    `woocommerce order ${channelOrderId}`,
    async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/woocommerce/${channelOrderId}`);
      return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
    },
    5000,
  );
}

describe('WooCommerce orders through the local fabric', () => {
  it('takes a signed order.created to GET /orders/by-channel/woocommerce/{id}, money to the cent', async () => {
    const body = JSON.stringify(readWooCommerceFixture('order-tax-inclusive-eur'));

    const answer = await post(body, wooCommerceDeliveryHeaders(body, secret));

    expect(answer.status).toBe(202);
    const stored = await byChannel('5820');
    expect(stored.order).toMatchObject({
      orderId: answer.body.orderId,
      status: 'received',
      currency: 'EUR',
      taxesIncluded: true,
    });
    expect(stored.order.totals.total).toEqual({ amountMinor: 9365, currency: 'EUR' });
  });

  it('turns the same order version delivered 5 times (fresh delivery ids, as WooCommerce retries) into one order', async () => {
    const body = JSON.stringify(sampleWooCommerceOrder(91001, new Date(Date.now() - 60_000)));

    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await post(body, wooCommerceDeliveryHeaders(body, secret)));

    expect(answers.map((a) => a.status)).toEqual([202, 200, 200, 200, 200]);
    const stored = await byChannel('91001');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await byChannel('91001');
    expect(after.history).toHaveLength(1);
    expect(after.order).toEqual(stored.order);
  });

  it('answers the webhook creation ping with 200 and archives it with what is unverified', async () => {
    const answer = await post('webhook_id=14', {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)',
    });

    expect(answer).toEqual({ status: 200, body: { ping: true, webhookId: 14 } });
    const { Contents = [] } = await fabric.clients.s3.send(
      new ListObjectsV2Command({ Bucket: fabric.resources.buckets.rawArchive, Prefix: 'unverified/woocommerce/' }),
    );
    expect(Contents.length).toBeGreaterThan(0);
  });

  it('rejects a forged signature with 401', async () => {
    const body = JSON.stringify(sampleWooCommerceOrder(91002));

    const answer = await post(body, {
      ...wooCommerceDeliveryHeaders(body, secret),
      'x-wc-webhook-signature': 'Zm9yZ2VkIHNpZ25hdHVyZQ==',
    });

    expect(answer.status).toBe(401);
  });

  it('applies a newer order.updated (cancelled) to the same order', async () => {
    const created = readWooCommerceFixture('order-multi-line-usd');
    await post(JSON.stringify(created), wooCommerceDeliveryHeaders(JSON.stringify(created), secret));
    await byChannel('4711');
    const cancelled = JSON.stringify({ ...created, status: 'cancelled', date_modified_gmt: '2025-03-15T09:00:00' });

    await post(cancelled, wooCommerceDeliveryHeaders(cancelled, secret, 'order.updated'));

    const stored = await eventually('the cancellation', async () => {
      const found = await byChannel('4711');
      return found.order.status === 'cancelled' ? found : undefined;
    });
    expect(stored.history.map((h: { change: string }) => h.change)).toEqual(['created', 'updated']);
  });
});
