import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { channelApisFromEnv, orderSources } from '#shared/channels/channel-apis';
import { orderFeedsFromEnv } from '#shared/channels/order-feeds';
import { WooCommerceRestApi } from '#shared/channels/woocommerce/inventory-api';
import { wooCommerceOrderFeed } from '#shared/channels/woocommerce/order-feed';
import { WooCommerceOrderPayload } from '#shared/channels/woocommerce/woocommerce-order.schema';
import { apiBaseUrlEnvVar, apiCredentialsEnvVar } from '#shared/config/topology';
import type { OrderFeed } from '#domain/intake/order-pull';
import type { SalesChannel } from '#domain/kernel/order';
import type { ChannelSkuKey } from '#domain/kernel/sku-cross-reference';
import { amazonFixtureSkus, readAmazonFixture } from '../../fixtures/amazon';
import { readSquareFixture, squareFixtureSkus } from '../../fixtures/square';
import { readWalmartFixture, walmartFixtureSkus } from '../../fixtures/walmart';
import { readWooCommerceFixture, wooCommerceFixtureSkus } from '../../fixtures/woocommerce';
import { lookupFrom } from '../support/fake-intake';
import { allPages, stubCredentials, stubForFile } from './order-feed-stub';

const stub = stubForFile();
const window = { from: '2026-07-01T10:00:00.000Z', to: '2026-07-01T11:00:00.000Z' };
const env = () => ({
  FABRIC_SECRETS_SOURCE: 'env',
  FABRIC_AMAZON_LWA_URL: `${stub().url}/auth/o2/token`,
  ...Object.fromEntries(
    (['woocommerce', 'walmart', 'square', 'amazon'] as const).flatMap((channel) => [
      [apiBaseUrlEnvVar(channel), stub().url],
      [apiCredentialsEnvVar(channel), JSON.stringify(DEVELOPMENT_API_CREDENTIALS[channel])],
    ]),
  ),
});
const feeds = () => orderFeedsFromEnv('publications', { pageSize: 50 }, env());

/** What the one order in the window maps to, as the pull finds it. */
async function foundOrder(feed: OrderFeed<unknown>, skus: readonly { key: ChannelSkuKey; sku: string }[]) {
  const listed = (await allPages(feed, window)).flatMap((page) => page.orders);
  expect(listed).toHaveLength(1);
  const [entry] = listed;
  if (entry.kind !== 'order') throw new Error(`listed as invalid: ${JSON.stringify(entry.issues)}`);
  return feed.mapper.toCanonicalOrder(entry.payload, lookupFrom(skus));
}

/** What the fetch after a thin notification maps the same order to. */
async function fetchedOrder(
  channel: SalesChannel,
  channelOrderId: string,
  skus: readonly { key: ChannelSkuKey; sku: string }[],
  channelAccount?: string,
) {
  const source = orderSources(channelApisFromEnv(env()))[channel]!();
  const fetched = await source.fetchOrder({ channelOrderId, ...(channelAccount ? { channelAccount } : {}) });
  if (fetched.kind !== 'order') throw new Error(`fetched as ${fetched.kind}`);
  return source.mapper.toCanonicalOrder(fetched.payload, lookupFrom(skus));
}

describe('the catch-up order feeds over HTTP against the channel API stub', () => {
  it('Walmart: finds a purchase order the stub holds and maps it to the cent as the fetch after PO_CREATED does', async () => {
    const { order } = readWalmartFixture('get-order-multi-line-usd');
    order.orderDate = Date.parse('2026-07-01T10:10:00Z');
    for (const line of order.orderLines.orderLine) line.statusDate = Date.parse('2026-07-01T10:12:00Z');
    stub().walmart.orders.set(order.purchaseOrderId, order);

    const found = await foundOrder(feeds().walmart!(), walmartFixtureSkus);

    expect(found.totals.total).toEqual({ amountMinor: 11368, currency: 'USD' });
    expect(found).toEqual(await fetchedOrder('walmart', order.purchaseOrderId, walmartFixtureSkus));
  });

  it('Square: finds an order the stub holds and maps it to the cent as the fetch after order.updated does', async () => {
    const { order } = readSquareFixture('retrieve-order-online-multi-line-usd');
    order.updated_at = '2026-07-01T10:20:00.000Z';
    stub().square.orders.set(order.id, order);

    const found = await foundOrder(feeds().square!(), squareFixtureSkus);

    expect(found.totals.total).toEqual({ amountMinor: 7077, currency: 'USD' });
    expect(found).toEqual(await fetchedOrder('square', order.id, squareFixtureSkus));
  });

  it('Amazon: finds an order with all its items and maps it to the cent as the fetch after ORDER_CHANGE does', async () => {
    const { order, items } = readAmazonFixture('order-us-multi-line');
    order.LastUpdateDate = '2026-07-01T10:30:00Z';
    stub().amazon.orders.set(order.AmazonOrderId, { order, items });

    const found = await foundOrder(feeds().amazon!(), amazonFixtureSkus);

    expect(found.totals.total).toEqual({ amountMinor: 6981, currency: 'USD' });
    const sellerId = DEVELOPMENT_API_CREDENTIALS.amazon!.sellerId;
    expect(found).toEqual(await fetchedOrder('amazon', order.AmazonOrderId, amazonFixtureSkus, sellerId));
  });

  it('WooCommerce: finds an order put in the store and maps it to the cent as its order.updated webhook does', async () => {
    const payload = { ...readWooCommerceFixture('order-multi-line-usd'), date_modified_gmt: '2026-07-01T10:40:00' };
    stub().orderListing.putWooCommerceOrder(payload);
    // The registered feed spends the store's budget kept in DynamoDB, which unit tests do not run; the
    // same feed on a client without a budget reads the same API.
    expect(feeds().woocommerce!().connector).toBe('woocommerce-orders');
    const feed = wooCommerceOrderFeed(new WooCommerceRestApi(stub().url, stubCredentials, { channel: 'woocommerce' }), {
      connector: 'woocommerce-orders',
    });

    const found = await foundOrder(feed as OrderFeed<unknown>, wooCommerceFixtureSkus);

    expect(found.totals.total).toEqual({ amountMinor: 9921, currency: 'USD' });
    expect(found).toEqual(
      feed.mapper.toCanonicalOrder(WooCommerceOrderPayload.parse(payload), lookupFrom(wooCommerceFixtureSkus)),
    );
  });
});
