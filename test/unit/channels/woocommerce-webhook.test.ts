import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';
import { wooCommerceWebhookAdapter } from '#shared/channels/woocommerce/woocommerce-webhook.adapter';
import { orderIdFor } from '#domain/kernel/order';
import { wooCommerceDeliveryHeaders } from '../../../scripts/sample/woocommerce-orders';
import { readWooCommerceFixture, wooCommerceFixtureSkus } from '../../fixtures/woocommerce';
import { fakeIntake, webhookRequest } from '../support/fake-intake';

const secret = 'wc-secret-7f3a9d21c4b8e6';
const body = JSON.stringify(readWooCommerceFixture('order-multi-line-usd'));

function delivery(payload = body, headers: Record<string, string> = wooCommerceDeliveryHeaders(payload, secret)) {
  return webhookRequest('woocommerce', payload, headers);
}

describe('WooCommerce webhook signature', () => {
  test('accepts the base64 HMAC-SHA256 of the exact body', async () => {
    expect(await wooCommerceWebhookAdapter.verify(delivery(), secret)).toBe(true);
  });

  test('rejects a signature made with another secret', async () => {
    expect(
      await wooCommerceWebhookAdapter.verify(delivery(body, wooCommerceDeliveryHeaders(body, 'someone-else')), secret),
    ).toBe(false);
  });

  test('rejects a body changed after signing', async () => {
    const headers = wooCommerceDeliveryHeaders(body, secret);

    expect(await wooCommerceWebhookAdapter.verify(delivery(body.replace('"99.21"', '"9.21"'), headers), secret)).toBe(
      false,
    );
  });

  test('answers 401 to a missing signature and publishes nothing', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret, wooCommerceFixtureSkus);
    const { 'x-wc-webhook-signature': _removed, ...unsigned } = wooCommerceDeliveryHeaders(body, secret);

    const answer = await intake.accept(delivery(body, unsigned));

    expect(answer.status).toBe(401);
    expect(intake.published).toEqual([]);
  });
});

describe('WooCommerce deliveries through acceptWebhookDelivery', () => {
  test('accepts a signed order.created with 202 and publishes OrderReceived', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret, wooCommerceFixtureSkus);

    const answer = await intake.accept(delivery());

    expect(answer).toEqual({ status: 202, body: { orderId: orderIdFor('woocommerce', '4711') } });
    expect(intake.detailTypes()).toEqual(['OrderReceived']);
  });

  test('treats a replay with a fresh delivery id but the same order version as a duplicate', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret, wooCommerceFixtureSkus);
    await intake.accept(delivery());

    const replay = await intake.accept(delivery(body, wooCommerceDeliveryHeaders(body, secret)));

    expect(replay).toEqual({ status: 200, body: { orderId: orderIdFor('woocommerce', '4711'), duplicate: true } });
    expect(intake.detailTypes()).toEqual(['OrderReceived']);
  });

  test('accepts a newer version of the same order as a new delivery', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret, wooCommerceFixtureSkus);
    await intake.accept(delivery());
    const updated = JSON.stringify({
      ...JSON.parse(body),
      status: 'completed',
      date_modified_gmt: '2025-03-15T10:00:00',
    });

    const answer = await intake.accept(delivery(updated, wooCommerceDeliveryHeaders(updated, secret, 'order.updated')));

    expect(answer.status).toBe(202);
    expect(intake.detailTypes()).toEqual(['OrderReceived', 'OrderReceived']);
  });

  test('answers the unsigned creation ping with 200 and publishes nothing', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret);

    const answer = await intake.accept(
      webhookRequest('woocommerce', 'webhook_id=14', {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)',
      }),
    );

    expect(answer).toEqual({ status: 200, body: { ping: true, webhookId: 14 } });
    expect(intake.published).toEqual([]);
    expect(intake.verdicts).toEqual([expect.objectContaining({ outcome: 'ignored', status: 200 })]);
  });

  test('does not take a form body that carries a signature for a ping', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret);
    const ping = 'webhook_id=14';

    const answer = await intake.accept(
      webhookRequest('woocommerce', ping, {
        'content-type': 'application/x-www-form-urlencoded',
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-signature': signBase64HmacSha256(ping, secret),
      }),
    );

    expect(answer.status).toBe(415);
  });

  test('publishes OrderReceived and RefundReported for an order update carrying a partial refund', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret, wooCommerceFixtureSkus);
    const refunded = JSON.stringify(readWooCommerceFixture('order-empty-sku-partial-refund-gbp'));

    await intake.accept(delivery(refunded, wooCommerceDeliveryHeaders(refunded, secret, 'order.updated')));

    expect(intake.detailTypes()).toEqual(['OrderReceived', 'RefundReported']);
  });

  test('acknowledges topics other than orders with 200 and publishes nothing', async () => {
    const intake = fakeIntake(wooCommerceWebhookAdapter, secret);
    const product = JSON.stringify({ id: 201, name: 'Classic Tee' });

    const answer = await intake.accept(
      delivery(product, wooCommerceDeliveryHeaders(product, secret, 'product.updated')),
    );

    expect(answer).toEqual({ status: 200, body: { ignored: true, topic: 'product.updated' } });
  });
});
