import { squareWebhookAdapter } from '#shared/channels/square/square-webhook.adapter';
import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';
import { orderIdFor } from '#domain/kernel/order';
import { readSquareFixture } from '../../fixtures/square';
import { fakeIntake, webhookRequest } from '../support/fake-intake';

const signatureKey = 'qfjakbt2uWB8DKAMECF-EA';
const url = 'https://fabric.example.com/v1/webhooks/square';
const body = JSON.stringify(readSquareFixture('event-order-updated'));

function headers(payload = body, signedUrl = url) {
  return {
    'content-type': 'application/json',
    'square-environment': 'Production',
    'x-square-hmacsha256-signature': signBase64HmacSha256(`${signedUrl}${payload}`, signatureKey),
  };
}

describe('Square webhook signature', () => {
  test('accepts the HMAC-SHA256 of the notification URL followed by the body', async () => {
    expect(await squareWebhookAdapter.verify(webhookRequest('square', body, headers(), url), signatureKey)).toBe(true);
  });

  test('rejects a signature over the body alone', async () => {
    const bodyOnly = { ...headers(), 'x-square-hmacsha256-signature': signBase64HmacSha256(body, signatureKey) };

    expect(await squareWebhookAdapter.verify(webhookRequest('square', body, bodyOnly, url), signatureKey)).toBe(false);
  });

  test('rejects a delivery signed for another URL', async () => {
    expect(
      await squareWebhookAdapter.verify(
        webhookRequest('square', body, headers(body, 'https://elsewhere.example.com/hook'), url),
        signatureKey,
      ),
    ).toBe(false);
  });

  test('refuses to verify when the public URL is unknown', async () => {
    expect(await squareWebhookAdapter.verify(webhookRequest('square', body, headers()), signatureKey)).toBe(false);
  });

  test('answers 401 to a missing signature', async () => {
    const intake = fakeIntake(squareWebhookAdapter, signatureKey);
    const { 'x-square-hmacsha256-signature': _removed, ...unsigned } = headers();

    expect((await intake.accept(webhookRequest('square', body, unsigned, url))).status).toBe(401);
  });
});

describe('Square deliveries through acceptWebhookDelivery', () => {
  test('acknowledges order.updated with 202 and publishes a ChannelOrderNotified for the fetch', async () => {
    const intake = fakeIntake(squareWebhookAdapter, signatureKey);

    const answer = await intake.accept(webhookRequest('square', body, headers(), url));

    expect(answer).toEqual({ status: 202, body: { orderId: orderIdFor('square', 'CAISENgvlJ6jLWAzERDzjyHVybY') } });
    expect(intake.published).toEqual([
      expect.objectContaining({
        detailType: 'ChannelOrderNotified',
        data: expect.objectContaining({
          channel: 'square',
          channelOrderId: 'CAISENgvlJ6jLWAzERDzjyHVybY',
          channelAccount: 'L8RR7W3ZQ4V1B',
          deliveryId: 'a1f3c5e7-9b2d-4f6a-8c1e-3d5b7f9a2c4e',
          topic: 'order.updated',
        }),
      }),
    ]);
  });

  test('treats a replayed event (same event_id, valid signature) as a duplicate', async () => {
    const intake = fakeIntake(squareWebhookAdapter, signatureKey);
    await intake.accept(webhookRequest('square', body, headers(), url));

    const replay = await intake.accept(webhookRequest('square', body, headers(), url));

    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ duplicate: true });
    expect(intake.published).toHaveLength(1);
  });

  test('acknowledges non-order events with 200 and publishes nothing', async () => {
    const intake = fakeIntake(squareWebhookAdapter, signatureKey);
    const payment = JSON.stringify({
      merchant_id: 'MLB0M4PXGJ7GV',
      type: 'payment.updated',
      event_id: 'e-1',
      created_at: '2025-03-14T14:26:57Z',
      data: { type: 'payment', id: 'p-1' },
    });

    expect(await intake.accept(webhookRequest('square', payment, headers(payment), url))).toEqual({
      status: 200,
      body: { ignored: true, topic: 'payment.updated' },
    });
  });
});
