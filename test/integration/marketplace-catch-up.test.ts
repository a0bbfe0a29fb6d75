import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import type { ChannelSkuKey } from '#domain/kernel/sku-cross-reference';
import type { SalesChannel } from '#domain/kernel/order';
import { amazonFixtureSkus, readAmazonFixture } from '../fixtures/amazon';
import { readSquareFixture, squareFixtureSkus } from '../fixtures/square';
import { readWalmartFixture, walmartFixtureSkus } from '../fixtures/walmart';
import { readWooCommerceFixture, wooCommerceFixtureSkus } from '../fixtures/woocommerce';
import { eventually, startTestFabric } from './support/test-fabric';

const stub = new ChannelApiStub();
let fabric: LocalFabric;
const skus: [SalesChannel, readonly { key: ChannelSkuKey; sku: string }[]][] = [
  ['woocommerce', wooCommerceFixtureSkus],
  ['walmart', walmartFixtureSkus],
  ['square', squareFixtureSkus],
  ['amazon', amazonFixtureSkus],
];

beforeAll(async () => {
  process.env.FABRIC_CATCH_UP_SETTLE_SECONDS = '30';
  await stub.start();
  fabric = await startTestFabric('marketplace-catch-up', { channelApiStub: stub, scheduleIntervalMs: () => 0 });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const [channel, mapped] of skus) for (const { key, sku } of mapped) await xref.mapSku(channel, key, sku);
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

async function stored(channel: SalesChannel, channelOrderId: string) {
  return eventually(
    `${channel} order ${channelOrderId}`,
    async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/${channel}/${channelOrderId}`);
      return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
    },
    15_000,
  );
}

test('orders no WooCommerce, Walmart, Square or Amazon notification announced are found by the scheduled catch-up and stored to the cent', async () => {
  const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
  const woo = { ...readWooCommerceFixture('order-multi-line-usd'), id: 8801 };
  woo.date_modified_gmt = tenMinutesAgo.toISOString().slice(0, 19);
  stub.orderListing.putWooCommerceOrder(woo);
  const { order: walmart } = readWalmartFixture('get-order-multi-line-usd');
  walmart.orderDate = tenMinutesAgo.getTime();
  for (const line of walmart.orderLines.orderLine) line.statusDate = tenMinutesAgo.getTime();
  stub.walmart.orders.set(walmart.purchaseOrderId, walmart);
  const { order: square } = readSquareFixture('retrieve-order-online-multi-line-usd');
  square.updated_at = tenMinutesAgo.toISOString();
  stub.square.orders.set(square.id, square);
  const amazon = readAmazonFixture('order-us-multi-line');
  amazon.order.LastUpdateDate = tenMinutesAgo.toISOString();
  stub.amazon.orders.set(amazon.order.AmazonOrderId, amazon);

  await fabric.runScheduled('channel-order-catch-up');

  const found = {
    woocommerce: await stored('woocommerce', '8801'),
    walmart: await stored('walmart', walmart.purchaseOrderId),
    square: await stored('square', square.id),
    amazon: await stored('amazon', amazon.order.AmazonOrderId),
  };
  expect(
    Object.fromEntries(Object.entries(found).map(([channel, view]) => [channel, view.order.totals.total])),
  ).toEqual({
    woocommerce: { amountMinor: 9921, currency: 'USD' },
    walmart: { amountMinor: 11368, currency: 'USD' },
    square: { amountMinor: 7077, currency: 'USD' },
    amazon: { amountMinor: 6981, currency: 'USD' },
  });
  for (const [channel, view] of Object.entries(found))
    expect(view.history.map((entry: { deliveryId: string }) => entry.deliveryId)).toEqual([
      expect.stringMatching(new RegExp(`^catch-up:${channel}-orders:`)),
    ]);
});
