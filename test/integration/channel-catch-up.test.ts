import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalFabric, type LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { catchUp } from '../../scripts/ops/channel';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { isCatchUpDelivery } from '#domain/intake/order-pull';
import { ebayFixtureSkus, readEbayFixture } from '../fixtures/ebay';
import { eventually, sharedEmulators, uniquePrefix } from './support/test-fabric';

const CATCH_UP = 'channel-order-catch-up';
const stub = new ChannelApiStub();
let fabric: LocalFabric;

beforeAll(async () => {
  process.env.FABRIC_CATCH_UP_SETTLE_SECONDS = '30';
  await stub.start();
  fabric = await startLocalFabric({
    prefix: uniquePrefix('catch-up'),
    apiPort: 0,
    emulators: sharedEmulators(),
    channelApiStub: stub,
    scheduleIntervalMs: () => 0,
  });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const { key, sku } of ebayFixtureSkus) await xref.mapSku('ebay', key, sku);
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

/** An order the channel holds, last modified `minutesAgo`, that no webhook ever announced. */
function ebayHolds(orderId: string, minutesAgo: number): void {
  stub.ebay.orders.set(orderId, {
    ...readEbayFixture('order-us-multi-line'),
    orderId,
    lastModifiedDate: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  });
}

async function stored(orderId: string): Promise<Record<string, any> | undefined> {
  const response = await fetch(`${fabric.apiUrl}/orders/by-channel/ebay/${orderId}`);
  return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
}

const connectorState = async () =>
  (
    await DynamoDBDocumentClient.from(fabric.clients.dynamodb).send(
      new GetCommand({ TableName: fabric.resources.tables.connectorState, Key: { pk: 'CONNECTOR#ebay-orders' } }),
    )
  ).Item;

test('an order no notification announced is found by the scheduled catch-up, stored once and marked as recovered', async () => {
  ebayHolds('20-00000-00001', 10);

  await fabric.runScheduled(CATCH_UP);
  const found = await eventually('the recovered order', () => stored('20-00000-00001'));
  await fabric.runScheduled(CATCH_UP);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const order = (await stored('20-00000-00001')) ?? found;
  expect(order.history).toHaveLength(1);
  expect(isCatchUpDelivery(order.history[0].deliveryId)).toBe(true);
  expect(order.history[0].deliveryId).toMatch(/^catch-up:ebay-orders:20-00000-00001@/);
});

test('ops channel catch-up --since pulls a one-off window through the running fabric, prints it and leaves the cursor', async () => {
  const cursorBefore = (await connectorState())?.cursor;
  ebayHolds('20-00000-00002', 60 * 24 * 5); // older than the scheduled pull's first reach of 3 days
  const since = new Date(Date.now() - 6 * 86_400_000).toISOString();
  const printed: string[] = [];

  const result = await catchUp(fabric.resources, ['ebay', '--since', since], (line) => printed.push(line), 120_000);

  expect(result).toMatchObject({ channel: 'ebay', outcome: 'pulled', report: { completed: true } });
  expect(result.outcome === 'pulled' && result.report.published).toBe(1);
  expect(printed.at(-1)).toMatch(/^ebay: .*1 order version\(s\) published, 1 already held/);
  await eventually('the order of the one-off window', () => stored('20-00000-00002'));
  expect((await connectorState())?.cursor).toBe(cursorBefore);
});

test('a pull failing run after run raises one CatchUpFailing exception for the channel, counted up; a good run forgets the spell', async () => {
  stub.fail({ method: 'GET', path: /^\/sell\/fulfillment\/v1\/order$/, status: 503, body: { errors: [] }, times: 4 });

  for (let run = 0; run < 4; run += 1) await fabric.runScheduled(CATCH_UP);

  const exceptions = new DynamoExceptionStore(fabric.resources.tables.exceptions);
  const raised = await eventually('the ChannelCatchUpFailing exception', async () => {
    const [row] = await exceptions.list({ kind: 'ChannelCatchUpFailing', status: 'open' });
    return row && row.count >= 2 ? row : undefined;
  });
  expect(raised).toMatchObject({
    channel: 'ebay',
    subject: { type: 'channel', key: 'ebay' },
    reasonCode: 'CATCH_UP_FAILING',
    count: 2,
    // The row keeps the words of its first raising; the count says how often since.
    reason: expect.stringMatching(/^3 catch-up runs in a row failed since .*ebay API answered 503/),
  });
  expect(await connectorState()).toMatchObject({ failures: 4 });

  await fabric.runScheduled(CATCH_UP);

  expect((await connectorState())?.failures).toBeUndefined();
});
