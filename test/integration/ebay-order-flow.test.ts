import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalFabric, type LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { ebayFixtureSkus, readEbayFixture } from '../fixtures/ebay';
import { eventually, sharedEmulators, uniquePrefix } from './support/test-fabric';

const prefix = uniquePrefix('ebay');
const CATCH_UP = 'channel-order-catch-up';
const stub = new ChannelApiStub();
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const kid = 'fabric-test-key-1';
let fabric: LocalFabric;

/** The runtime as `npm start` runs it, on the shared emulators, with this file's prefix: starting it again is a restart. */
const startFabric = () =>
  startLocalFabric({
    prefix,
    apiPort: 0,
    emulators: sharedEmulators(),
    channelApiStub: stub,
    scheduleIntervalMs: () => 0,
  });

beforeAll(async () => {
  process.env.FABRIC_CATCH_UP_PAGE_SIZE = '2';
  process.env.FABRIC_CATCH_UP_SETTLE_SECONDS = '30';
  await stub.start();
  stub.ebay.publicKeys.set(kid, {
    algorithm: 'ECDSA',
    digest: 'SHA1',
    key: publicKey.export({ type: 'spki', format: 'pem' }).toString().replace(/\n/g, ''),
  });
  fabric = await startFabric();
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const { key, sku } of ebayFixtureSkus) await xref.mapSku('ebay', key, sku);
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

/** An eBay order held by the Fulfillment API stub, last modified `minutesAgo`. */
function ebayHolds(orderId: string, minutesAgo: number): void {
  const order = readEbayFixture('order-us-multi-line');
  stub.ebay.orders.set(orderId, {
    ...order,
    orderId,
    lastModifiedDate: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  });
}

async function stored(orderId: string): Promise<Record<string, any> | undefined> {
  const response = await fetch(`${fabric.apiUrl}/orders/by-channel/ebay/${orderId}`);
  return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
}

const waitStored = (orderId: string) => eventually(`ebay order ${orderId}`, () => stored(orderId), 8000);

describe("eBay getOrders pull through the local fabric's catch-up", () => {
  const batch = [1, 2, 3, 4, 5].map((n) => `12-00000-0000${n}`);

  it('neither misses nor duplicates an order when the runtime restarts in the middle of a pull', async () => {
    for (const [i, id] of batch.entries()) ebayHolds(id, 20 - i);
    // The third page (offset 4) fails: the run dies after publishing two pages and saving its place.
    stub.fail({
      method: 'GET',
      path: /^\/sell\/fulfillment\/v1\/order$/,
      query: /offset=4/,
      status: 500,
      body: { errors: [{ errorId: 15000, message: 'There was a problem with an eBay internal system.' }] },
    });

    // One channel's failure is recorded, not thrown: the other channels' catch-up goes on.
    await fabric.runScheduled(CATCH_UP);
    await Promise.all(batch.slice(0, 4).map(waitStored));
    expect(await stored(batch[4])).toBeUndefined();
    const connectorState = async () =>
      (
        await DynamoDBDocumentClient.from(fabric.clients.dynamodb).send(
          new GetCommand({ TableName: fabric.resources.tables.connectorState, Key: { pk: 'CONNECTOR#ebay-orders' } }),
        )
      ).Item;
    expect(await connectorState()).toMatchObject({
      run: { page: '4' },
      failures: 1,
      lastFailure: expect.stringContaining('ebay API answered 500'),
    });

    await fabric.stop();
    jest.resetModules(); // a cold start: nothing of the first runtime's handlers survives but what they stored
    fabric = await startFabric();
    const callsBefore = stub.requests.length;
    await fabric.runScheduled(CATCH_UP);

    await waitStored(batch[4]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const id of batch) expect((await stored(id))?.history).toHaveLength(1);
    const resumed = stub.requests
      .slice(callsBefore)
      .filter((call) => call.path.startsWith('/sell/fulfillment/v1/order?'));
    expect(resumed.map((call) => new URLSearchParams(call.path.split('?')[1]).get('offset'))).toEqual(['4']);
    // The run that saved forgot the failing spell.
    expect((await connectorState())?.failures).toBeUndefined();
  });

  it('picks up an order modified after the cursor and republishes nothing the overlapping window sees again', async () => {
    ebayHolds('12-00000-00006', 2);

    await fabric.runScheduled(CATCH_UP);

    await waitStored('12-00000-00006');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const id of [...batch, '12-00000-00006']) expect((await stored(id))?.history).toHaveLength(1);
  });
});

describe('eBay notification pushes through the local fabric', () => {
  function signedNotification(orderId: string, notificationId: string, keyId = kid) {
    const body = JSON.stringify({
      metadata: { topic: 'ORDER_CONFIRMATION', schemaVersion: '1.0', deprecated: false },
      notification: {
        notificationId,
        eventDate: new Date().toISOString(),
        publishDate: new Date().toISOString(),
        publishAttemptCount: 1,
        data: { orderId },
      },
    });
    const signature = sign('sha1', Buffer.from(body), privateKey).toString('base64');
    const header = Buffer.from(JSON.stringify({ alg: 'ecdsa', kid: keyId, signature, digest: 'SHA1' })).toString(
      'base64',
    );
    return { body, headers: { 'content-type': 'application/json', 'x-ebay-signature': header } };
  }

  it('verifies the ECDSA signature, fetches the order with getOrder, and stores it once for 5 deliveries', async () => {
    ebayHolds('27-11111-00001', 1);
    const delivery = signedNotification('27-11111-00001', 'notif-27-11111-00001');

    const statuses = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await fetch(`${fabric.apiUrl}/webhooks/ebay`, { method: 'POST', ...delivery })).status);

    expect(statuses).toEqual([202, 200, 200, 200, 200]);
    const order = await waitStored('27-11111-00001');
    expect(order.order.totals.total).toEqual({ amountMinor: 10121, currency: 'USD' });
    expect(stub.callsTo(/^\/sell\/fulfillment\/v1\/order\/27-11111-00001$/)).toHaveLength(1);
    expect(stub.callsTo(/^\/commerce\/notification\/v1\/public_key\//)).toHaveLength(1);
  });

  it('rejects a push whose signature does not match with 401', async () => {
    const delivery = signedNotification('27-11111-00002', 'notif-2');

    const response = await fetch(`${fabric.apiUrl}/webhooks/ebay`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body.replace('00002', '00003'),
    });

    expect(response.status).toBe(401);
  });

  it('answers 401 to a push naming a key id eBay does not know, and asks eBay about that kid once', async () => {
    const invented = 'forged-kid-27-11111-00004';
    const delivery = signedNotification('27-11111-00004', 'notif-4', invented);

    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await fetch(`${fabric.apiUrl}/webhooks/ebay`, { method: 'POST', ...delivery })).status);

    expect(statuses).toEqual([401, 401, 401]);
    expect(stub.callsTo(new RegExp(`^/commerce/notification/v1/public_key/${invented}$`))).toHaveLength(1);
    expect(stub.callsTo(/^\/sell\/fulfillment\/v1\/order\/27-11111-00004$/)).toHaveLength(0);
  });

  it("answers eBay's endpoint challenge from the verification token and the endpoint URL", async () => {
    const endpoint = `${fabric.apiUrl}/webhooks/ebay`;

    const response = await fetch(`${endpoint}?challenge_code=a8628072-3d33-45ee-9004-bee86830a22d`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      challengeResponse: createHash('sha256')
        .update(`a8628072-3d33-45ee-9004-bee86830a22d${DEVELOPMENT_WEBHOOK_SECRETS.ebay}${endpoint}`)
        .digest('hex'),
    });
  });
});
