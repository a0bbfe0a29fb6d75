import { createHmac } from 'node:crypto';
import { walmartWebhookAdapter } from '#shared/channels/walmart/walmart-webhook.adapter';
import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';
import { orderIdFor } from '#domain/kernel/order';
import { readWalmartFixture } from '../../fixtures/walmart';
import { fakeIntake, webhookRequest } from '../support/fake-intake';

const clientSecret = 'wm-hmac-client-secret-7Qk2';
const body = JSON.stringify(readWalmartFixture('event-po-created'));

function headers(payload = body, signature = signBase64HmacSha256(payload, clientSecret)) {
  return { 'content-type': 'application/json', Authorization: signature };
}

describe('Walmart notification signature (authMethod HMAC, authHeaderName Authorization)', () => {
  test('accepts the base64 HMAC-SHA256 of the body keyed with the subscription clientSecret', async () => {
    expect(await walmartWebhookAdapter.verify(webhookRequest('walmart', body, headers()), clientSecret)).toBe(true);
  });

  test('accepts the same digest written in hex', async () => {
    const hex = createHmac('sha256', clientSecret).update(body).digest('hex');

    expect(await walmartWebhookAdapter.verify(webhookRequest('walmart', body, headers(body, hex)), clientSecret)).toBe(
      true,
    );
  });

  test('rejects a signature made with another secret', async () => {
    const forged = headers(body, signBase64HmacSha256(body, 'not-the-client-secret'));

    expect(await walmartWebhookAdapter.verify(webhookRequest('walmart', body, forged), clientSecret)).toBe(false);
  });

  test('rejects a body changed after signing', async () => {
    const tampered = body.replace('108829635611911', '108829635619999');

    expect(await walmartWebhookAdapter.verify(webhookRequest('walmart', tampered, headers()), clientSecret)).toBe(
      false,
    );
  });

  test('answers 401 to a delivery without the signature header, before parsing it', async () => {
    const intake = fakeIntake(walmartWebhookAdapter, clientSecret);

    const answer = await intake.accept(webhookRequest('walmart', body, { 'content-type': 'application/json' }));

    expect(answer.status).toBe(401);
    expect(intake.published).toEqual([]);
  });
});

describe('Walmart notifications through acceptWebhookDelivery', () => {
  test('acknowledges PO_CREATED with 202 and publishes a ChannelOrderNotified for the Orders v3 fetch', async () => {
    const intake = fakeIntake(walmartWebhookAdapter, clientSecret);

    const answer = await intake.accept(webhookRequest('walmart', body, headers()));

    expect(answer).toEqual({ status: 202, body: { orderId: orderIdFor('walmart', '108829635611911') } });
    expect(intake.published).toEqual([
      expect.objectContaining({
        detailType: 'ChannelOrderNotified',
        data: expect.objectContaining({
          channel: 'walmart',
          channelOrderId: '108829635611911',
          channelAccount: '10001234567',
          deliveryId: '8f4b1c52-6e7a-4d0f-9a3e-2b5c7d9e1f03',
          topic: 'PO_CREATED',
        }),
      }),
    ]);
  });

  test('treats a replayed delivery (same eventId, valid signature) as a duplicate, not a new order', async () => {
    const intake = fakeIntake(walmartWebhookAdapter, clientSecret);
    await intake.accept(webhookRequest('walmart', body, headers()));

    const replay = await intake.accept(webhookRequest('walmart', body, headers()));

    expect(replay).toEqual({
      status: 200,
      body: { orderId: orderIdFor('walmart', '108829635611911'), duplicate: true },
    });
    expect(intake.published).toHaveLength(1);
  });

  test('takes the purchase order from payload.order of ORDER_UPDATES and names the sub-event in the topic', async () => {
    const intake = fakeIntake(walmartWebhookAdapter, clientSecret);
    const updates = JSON.stringify(readWalmartFixture('event-order-updates'));

    const answer = await intake.accept(webhookRequest('walmart', updates, headers(updates)));

    expect(answer.status).toBe(202);
    expect(intake.published[0].data).toMatchObject({
      channelOrderId: '108829635611913',
      deliveryId: 'c2d9e7a4-1b3f-4c8e-b6a0-7f5d3e1c9b28',
      topic: 'ORDER_UPDATES/PO_LINE_AUTOCANCELLED',
    });
  });

  test('acknowledges an event type that names no order with 200 and publishes nothing', async () => {
    const intake = fakeIntake(walmartWebhookAdapter, clientSecret);
    const offer = JSON.stringify({
      source: { eventType: 'OFFER_UNPUBLISHED', eventTime: '2025-11-23T10:00:00Z', eventId: 'f0e1d2c3' },
      payload: { sku: 'WM-TEE-RED-M' },
    });

    expect(await intake.accept(webhookRequest('walmart', offer, headers(offer)))).toEqual({
      status: 200,
      body: { ignored: true, topic: 'OFFER_UNPUBLISHED' },
    });
    expect(intake.published).toEqual([]);
  });

  test('answers 400 with the field path to a PO_CREATED without its purchaseOrderId', async () => {
    const intake = fakeIntake(walmartWebhookAdapter, clientSecret);
    const event = readWalmartFixture('event-po-created');
    delete event.payload.purchaseOrderId;
    const broken = JSON.stringify(event);

    const answer = await intake.accept(webhookRequest('walmart', broken, headers(broken)));

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: 'payload.purchaseOrderId', message: expect.any(String) }]);
  });
});
