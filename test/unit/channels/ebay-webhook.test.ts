import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { EbayPublicKeys } from '#shared/channels/ebay/ebay-api.client';
import { createEbayWebhookAdapter } from '#shared/channels/ebay/ebay-webhook.adapter';
import { orderIdFor } from '#domain/kernel/order';
import { fakeIntake, webhookRequest } from '../support/fake-intake';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
// eBay serves the key as PEM text without line breaks.
const servedKey = publicKey.export({ type: 'spki', format: 'pem' }).toString().replace(/\n/g, '');
const kid = '99b0e3f4-1c3d-4ad8-9b7e-2c1f0a9d8e7b';
const verificationToken = 'fabric-ebay-verification-token-0123456789abcdef';

function signatureHeader(body: string, keyId = kid, digest = 'SHA1'): string {
  const signature = sign(digest.toLowerCase(), Buffer.from(body), privateKey).toString('base64');
  return Buffer.from(JSON.stringify({ alg: 'ecdsa', kid: keyId, signature, digest })).toString('base64');
}

function notification(orderId: string | undefined, notificationId = 'f5a7c9e1-3b5d-4f7a-9c1e-3b5d7f9a1c3e'): string {
  return JSON.stringify({
    metadata: { topic: 'ORDER_CONFIRMATION', schemaVersion: '1.0', deprecated: false },
    notification: {
      notificationId,
      eventDate: '2025-03-14T14:31:07.000Z',
      publishDate: '2025-03-14T14:31:08.000Z',
      publishAttemptCount: 1,
      data: orderId ? { orderId } : { username: 'm***o' },
    },
  });
}

function adapter() {
  const fetched: string[] = [];
  const keys = new EbayPublicKeys(async (keyId) => {
    fetched.push(keyId);
    if (keyId !== kid) throw new Error('unknown key');
    return { algorithm: 'ECDSA', digest: 'SHA1', key: servedKey };
  });
  return { fetched, adapter: createEbayWebhookAdapter(keys) };
}

const request = (body: string, header?: string) =>
  webhookRequest('ebay', body, {
    'content-type': 'application/json',
    ...(header ? { 'x-ebay-signature': header } : {}),
  });

describe('eBay notification signature (ECDSA, key by kid)', () => {
  test('accepts an ECDSA signature of the body made with the key eBay serves for kid', async () => {
    const body = notification('04-12870-41573');

    expect(await adapter().adapter.verify(request(body, signatureHeader(body)), verificationToken)).toBe(true);
  });

  test('accepts a SHA256 digest as well', async () => {
    const body = notification('04-12870-41573');

    expect(await adapter().adapter.verify(request(body, signatureHeader(body, kid, 'SHA256')), verificationToken)).toBe(
      true,
    );
  });

  test('rejects a body changed after signing', async () => {
    const body = notification('04-12870-41573');

    expect(
      await adapter().adapter.verify(
        request(body.replace('04-12870', '04-99999'), signatureHeader(body)),
        verificationToken,
      ),
    ).toBe(false);
  });

  test('rejects a signature made with another key', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const body = notification('04-12870-41573');
    const forged = Buffer.from(
      JSON.stringify({
        alg: 'ecdsa',
        kid,
        signature: sign('sha1', Buffer.from(body), other).toString('base64'),
        digest: 'SHA1',
      }),
    ).toString('base64');

    expect(await adapter().adapter.verify(request(body, forged), verificationToken)).toBe(false);
  });

  test.each([
    ['missing', undefined],
    ['not base64 JSON', 'bm90IGpzb24='],
  ])('rejects a %s X-EBAY-SIGNATURE header', async (_case, header) => {
    expect(await adapter().adapter.verify(request(notification('1'), header), verificationToken)).toBe(false);
  });

  test('fetches each public key once and serves it from the cache after', async () => {
    const { adapter: ebay, fetched } = adapter();
    const body = notification('04-12870-41573');

    await ebay.verify(request(body, signatureHeader(body)), verificationToken);
    await ebay.verify(request(body, signatureHeader(body)), verificationToken);

    expect(fetched).toEqual([kid]);
  });

  test('answers the endpoint challenge with SHA-256 of code, verification token and endpoint', () => {
    const endpoint = 'https://fabric.example.com/v1/webhooks/ebay';

    const answer = adapter().adapter.challenge!(
      { challenge_code: 'a8628072-3d33-45ee-9004-bee86830a22d' },
      verificationToken,
      endpoint,
    );

    expect(answer).toEqual({
      status: 200,
      body: {
        challengeResponse: createHash('sha256')
          .update(`a8628072-3d33-45ee-9004-bee86830a22d${verificationToken}${endpoint}`)
          .digest('hex'),
      },
    });
  });
});

describe('eBay deliveries through acceptWebhookDelivery', () => {
  test('publishes ChannelOrderNotified for a notification naming an order, once per notificationId', async () => {
    const intake = fakeIntake(adapter().adapter, verificationToken);
    const body = notification('04-12870-41573');

    const first = await intake.accept(request(body, signatureHeader(body)));
    const replay = await intake.accept(request(body, signatureHeader(body)));

    expect(first).toEqual({ status: 202, body: { orderId: orderIdFor('ebay', '04-12870-41573') } });
    expect(replay.body).toMatchObject({ duplicate: true });
    expect(intake.detailTypes()).toEqual(['ChannelOrderNotified']);
  });

  test('acknowledges a notification that names no order, publishing nothing', async () => {
    const intake = fakeIntake(adapter().adapter, verificationToken);
    const body = notification(undefined);

    expect((await intake.accept(request(body, signatureHeader(body)))).status).toBe(200);
    expect(intake.published).toEqual([]);
  });
});
