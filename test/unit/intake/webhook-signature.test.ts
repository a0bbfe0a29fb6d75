import { randomBytes } from 'node:crypto';
import { hasValidBase64HmacSha256, signBase64HmacSha256 } from '#shared/channels/webhook-signature';
import { SHOPIFY_SIGNATURE_HEADER, SQUARE_SIGNATURE_HEADER } from '#shared/channels/webhook-signature-headers';
import { shopifyWebhookAdapter } from '#shared/channels/shopify/shopify-webhook.adapter';
import { squareWebhookAdapter } from '#shared/channels/square/square-webhook.adapter';
import { WALMART_SIGNATURE_HEADER, walmartWebhookAdapter } from '#shared/channels/walmart/walmart-webhook.adapter';
import { wooCommerceWebhookAdapter } from '#shared/channels/woocommerce/woocommerce-webhook.adapter';
import { webhookRequest } from '../support/fake-intake';

const secret = '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';
const body = Buffer.from('{"id":5829743312345,"name":"#1001","total_price":"70.36"}');
const squareUrl = 'https://hooks.example.com/webhooks/square';

describe('hasValidBase64HmacSha256', () => {
  test('accepts the signature of the exact bytes with the shared secret', () => {
    expect(hasValidBase64HmacSha256(body, secret, signBase64HmacSha256(body, secret))).toBe(true);
  });

  test('rejects a signature made with another secret', () => {
    expect(hasValidBase64HmacSha256(body, secret, signBase64HmacSha256(body, 'shpss_someone_else'))).toBe(false);
  });

  test('rejects a signature over different bytes, even one character apart', () => {
    const tampered = Buffer.from(body.toString().replace('70.36', '70.35'));

    expect(hasValidBase64HmacSha256(tampered, secret, signBase64HmacSha256(body, secret))).toBe(false);
  });

  test.each([
    ['missing', undefined],
    ['empty', ''],
  ])('rejects a %s signature header', (_case, header) => {
    expect(hasValidBase64HmacSha256(body, secret, header)).toBe(false);
  });

  test('rejects valid base64 of the wrong length without throwing', () => {
    const sixteenBytes = randomBytes(16).toString('base64');

    expect(hasValidBase64HmacSha256(body, secret, sixteenBytes)).toBe(false);
  });

  test('rejects a header that is not base64 at all', () => {
    expect(hasValidBase64HmacSha256(body, secret, 'not a signature!')).toBe(false);
  });
});

/** The real digest cut to `bytes`, base64: what a comparison over the shorter buffer alone would accept. */
function prefixOf(signature: string, bytes: number): string {
  return Buffer.from(signature, 'base64').subarray(0, bytes).toString('base64');
}

describe('hasValidBase64HmacSha256 against a prefix of the real signature', () => {
  test.each([1, 16, 31])('rejects the first %d bytes of the real digest', (bytes) => {
    expect(hasValidBase64HmacSha256(body, secret, prefixOf(signBase64HmacSha256(body, secret), bytes))).toBe(false);
  });

  test('rejects the real digest with bytes appended', () => {
    const longer = Buffer.concat([
      Buffer.from(signBase64HmacSha256(body, secret), 'base64'),
      Buffer.from([0]),
    ]).toString('base64');

    expect(hasValidBase64HmacSha256(body, secret, longer)).toBe(false);
  });
});

describe.each([
  { channel: 'shopify', adapter: shopifyWebhookAdapter, header: SHOPIFY_SIGNATURE_HEADER, signed: body },
  { channel: 'woocommerce', adapter: wooCommerceWebhookAdapter, header: 'x-wc-webhook-signature', signed: body },
  { channel: 'walmart', adapter: walmartWebhookAdapter, header: WALMART_SIGNATURE_HEADER, signed: body },
  {
    channel: 'square',
    adapter: squareWebhookAdapter,
    header: SQUARE_SIGNATURE_HEADER,
    signed: Buffer.concat([Buffer.from(squareUrl), body]),
  },
] as const)('$channel webhook verification', ({ channel, adapter, header, signed }) => {
  const delivery = (signature: string) =>
    webhookRequest(channel, body, { [header]: signature }, channel === 'square' ? squareUrl : undefined);

  test('accepts the full signature', async () => {
    expect(await adapter.verify(delivery(signBase64HmacSha256(signed, secret)), secret)).toBe(true);
  });

  test('rejects half of the real signature', async () => {
    expect(await adapter.verify(delivery(prefixOf(signBase64HmacSha256(signed, secret), 16)), secret)).toBe(false);
  });
});

test('walmart webhook verification rejects half of the real hex digest', async () => {
  const hex = Buffer.from(signBase64HmacSha256(body, secret), 'base64').toString('hex');

  expect(
    await walmartWebhookAdapter.verify(
      webhookRequest('walmart', body, { [WALMART_SIGNATURE_HEADER]: hex.slice(0, 32) }),
      secret,
    ),
  ).toBe(false);
});
