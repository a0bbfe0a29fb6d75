import './support/production-log-level';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { squareDeliveryHeaders, squareOrderEvent } from '../../scripts/sample/channel-samples';
import { postShopifyOrder, seedSampleCatalog, waitForOrder } from '../../scripts/sample/sample-traffic';
import { sampleShopifyOrder, seededRandom, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { readSquareFixture } from '../fixtures/square';
import { eventually, startTestFabric } from './support/test-fabric';

const stub = new ChannelApiStub();
let fabric: LocalFabric;
const written: string[] = [];
const writes = [process.stdout, process.stderr].map((stream) => jest.spyOn(stream, 'write'));

beforeAll(async () => {
  await stub.start();
  fabric = await startTestFabric('security', { channelApiStub: stub });
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  for (const spy of writes)
    spy.mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
});

afterAll(async () => {
  for (const spy of writes) spy.mockRestore();
  await fabric?.stop();
  await stub.stop();
});

/** Every credential the local fabric holds: webhook signing secrets and channel API secrets and tokens. */
const secrets = [
  ...Object.values(DEVELOPMENT_WEBHOOK_SECRETS),
  ...Object.values(DEVELOPMENT_API_CREDENTIALS).flatMap((credentials) =>
    Object.entries(credentials ?? {})
      .filter(([key]) => /secret|token|key/i.test(key))
      .map(([, value]) => value),
  ),
];

describe('a log sample from real traffic', () => {
  it('carries the business keys and none of the secrets, signatures or tokens that the traffic used', async () => {
    const shopifyBody = JSON.stringify(sampleShopifyOrder(8801, seededRandom(5)));
    const signed = shopifyDeliveryHeaders(shopifyBody, DEVELOPMENT_WEBHOOK_SECRETS.shopify);
    const accepted = await postShopifyOrder(fabric.apiUrl, shopifyBody, signed);
    const forged = await postShopifyOrder(
      fabric.apiUrl,
      shopifyBody,
      shopifyDeliveryHeaders(shopifyBody, 'a-guessed-secret'),
    );
    stub.square.orders.set('SQ-SEC-1', {
      ...readSquareFixture('retrieve-order-online-multi-line-usd').order,
      id: 'SQ-SEC-1',
    });
    const squareUrl = `${fabric.apiUrl}/webhooks/square`;
    const squareBody = squareOrderEvent('SQ-SEC-1', 'L8RR7W3ZQ4V1B');
    const squareHeaders = squareDeliveryHeaders(squareBody, DEVELOPMENT_WEBHOOK_SECRETS.square, squareUrl);
    const square = await fetch(squareUrl, { method: 'POST', headers: squareHeaders, body: squareBody });

    expect([accepted.status, forged.status, square.status]).toEqual([202, 401, 202]);
    expect(await waitForOrder(fabric.apiUrl, String(accepted.body.orderId))).toBeDefined();
    // The Square order is fetched with the API's bearer token before it is stored.
    await eventually(
      'the Square order fetched with the access token',
      async () => stub.requests.some((request) => request.path === '/v2/orders/SQ-SEC-1') || undefined,
    );
    await eventually('the fetched Square order to be recorded', async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/square/SQ-SEC-1`);
      return response.status === 200 || undefined;
    });

    const logs = written.join('');
    expect(logs).toContain(String(accepted.body.orderId));
    expect(logs).toContain('webhook answered');
    const signatures = [
      signed['x-shopify-hmac-sha256'],
      ...Object.entries(squareHeaders)
        .filter(([name]) => /signature/i.test(name))
        .map(([, value]) => value),
    ];
    expect(signatures.every(Boolean)).toBe(true);
    for (const value of [...secrets, ...signatures]) expect(logs).not.toContain(value);
    expect(logs).not.toMatch(/Bearer\s+\S/);
  });
});
