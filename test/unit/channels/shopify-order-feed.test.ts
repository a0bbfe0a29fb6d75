import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelApiStub } from '../../../scripts/channel-stubs/channel-api-stub';
import { SAMPLE_CATALOG, sampleShopifyOrder, seededRandom } from '../../../scripts/sample/shopify-orders';
import { DEVELOPMENT_API_CREDENTIALS, EnvironmentChannelCredentials } from '#shared/channels/channel-credentials';
import { apiCredentialsEnvVar } from '#shared/config/topology';
import { ShopifyAdminApi } from '#shared/channels/shopify/inventory-api';
import { ShopifyGraphqlOrder, shopifyWebhookOrder } from '#shared/channels/shopify/graphql-order';
import { shopifyOrderFeed, updatedWithin } from '#shared/channels/shopify/order-feed';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import type { PullWindow } from '#domain/intake/order-pull';
import { MAPPABLE_SHOPIFY_FIXTURES, type ShopifyOrderFixture, readShopifyFixture } from '../../fixtures/shopify';
import { fixtureSkuLookup } from '../builders';
import { allPages } from './order-feed-stub';

const credentials = new EnvironmentChannelCredentials({
  [apiCredentialsEnvVar('shopify')]: JSON.stringify(DEVELOPMENT_API_CREDENTIALS.shopify),
});
const ALL_OF_2025: PullWindow = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' };

function mapWebhook(payload: ShopifyOrderFixture) {
  return mapShopifyOrder(ShopifyOrderPayload.parse(payload), fixtureSkuLookup);
}

describe('the GraphQL order in the webhook shape', () => {
  test('maps the GraphQL Admin order to the canonical order its orders/create webhook maps to, to the cent', () => {
    const node = JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/shopify/graphql/orders-create-multi-line.json'), 'utf8'),
    );

    const pulled = mapShopifyOrder(
      ShopifyOrderPayload.parse(shopifyWebhookOrder(ShopifyGraphqlOrder.parse(node))),
      fixtureSkuLookup,
    );
    const delivered = mapWebhook(readShopifyFixture('orders-create-multi-line'));

    expect(pulled).toEqual(delivered);
    expect(pulled.totals.total).toEqual({ amountMinor: 7036, currency: 'USD' });
    expect(pulled.lines.map((line) => line.discount.amountMinor)).toEqual([500, 145]);
  });

  test('reads REST fields GraphQL spells otherwise: the legacy id, the lower-case financial status, a missing variant', () => {
    const node = ShopifyGraphqlOrder.parse(
      JSON.parse(readFileSync(join(__dirname, '../../fixtures/shopify/graphql/orders-create-multi-line.json'), 'utf8')),
    );
    node.lineItems.nodes[1].variant = null;
    node.lineItems.nodes[1].taxLines[0].rate = null;

    const webhook = shopifyWebhookOrder(node);

    expect(webhook).toMatchObject({ id: '5829743312345', financial_status: 'paid' });
    expect(webhook.line_items[0]).toMatchObject({ id: '14392874000001', variant_id: '44012345678901' });
    expect(webhook.line_items[1].variant_id).toBeNull();
    expect(webhook.line_items[1].tax_lines?.[0]).toEqual({ title: 'Texas State Tax', price: '0.82' });
  });
});

describe('updatedWithin', () => {
  test("widens the window to Shopify's whole seconds, so no order between two windows is skipped", () => {
    expect(updatedWithin({ from: '2026-12-06T10:00:00.500Z', to: '2026-12-06T10:15:09.200Z' })).toBe(
      "updated_at:>='2026-12-06T10:00:00Z' AND updated_at:<'2026-12-06T10:15:10Z'",
    );
  });
});

describe('the Shopify order feed against the channel API stub', () => {
  let stub: ChannelApiStub;
  const waits: number[] = [];
  const api = () =>
    new ShopifyAdminApi(stub.url, credentials, { channel: 'shopify' }, async (ms) => {
      waits.push(ms);
    });

  beforeEach(async () => {
    waits.length = 0;
    stub = new ChannelApiStub();
    await stub.start();
  });

  afterEach(async () => {
    await stub.stop();
  });

  async function pullAll(window: PullWindow, pageSize?: number) {
    const feed = shopifyOrderFeed(api(), { connector: 'shopify-orders', ...(pageSize ? { pageSize } : {}) });
    const pages = await allPages(feed, window);
    return { pages, entries: pages.flatMap((pulled) => pulled.orders) };
  }

  function syntheticOrder(id: number, updatedAt: string, lines = 1, shippingLines = 1): ShopifyOrderFixture {
    return {
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: `#${id}`,
      created_at: '2025-05-01T08:00:00Z',
      updated_at: updatedAt,
      currency: 'USD',
      taxes_included: false,
      total_price: (lines * 1 + shippingLines * 0.5).toFixed(2),
      financial_status: 'paid',
      line_items: Array.from({ length: lines }, (_, i) => ({
        id: id * 100 + i,
        sku: 'MUG-WHITE',
        title: 'Enamel Mug',
        quantity: 1,
        price: '1.00',
      })),
      shipping_lines: Array.from({ length: shippingLines }, () => ({ title: 'Parcel', price: '0.50' })),
    };
  }

  test('every webhook fixture put in the shop is found by the feed and maps to the same canonical order', async () => {
    const names = MAPPABLE_SHOPIFY_FIXTURES;
    for (const name of names) stub.shopifyOrders.putShopifyOrder(readShopifyFixture(name));

    const { entries } = await pullAll(ALL_OF_2025);

    expect(entries).toHaveLength(names.length);
    for (const name of names) {
      const webhook = readShopifyFixture(name);
      const found = entries.find((entry) => entry.channelOrderId === String(webhook.id));
      if (found?.kind !== 'order') throw new Error(`${name} was not found as an order: ${JSON.stringify(found)}`);
      expect(found.version).toBe(new Date(webhook.updated_at).toISOString().replace('.000Z', 'Z'));
      expect(mapShopifyOrder(found.payload, fixtureSkuLookup)).toEqual(mapWebhook(webhook));
    }
  });

  test("the sample shop's orders, wholesale-sized ones too, are found as the webhooks the simulator sends them map", async () => {
    const random = seededRandom(24);
    const payloads = [sampleShopifyOrder(1, random), sampleShopifyOrder(2, random, SAMPLE_CATALOG, 40)];
    for (const payload of payloads) stub.shopifyOrders.putShopifyOrder(payload);
    const now = Date.now();

    const { entries } = await pullAll({
      from: new Date(now - 60_000).toISOString(),
      to: new Date(now + 60_000).toISOString(),
    });

    expect(entries).toHaveLength(2);
    for (const payload of payloads) {
      const found = entries.find((entry) => entry.channelOrderId === String(payload.id));
      if (found?.kind !== 'order') throw new Error(`order ${payload.id} was not found: ${JSON.stringify(found)}`);
      expect(mapShopifyOrder(found.payload, fixtureSkuLookup)).toEqual(
        mapShopifyOrder(ShopifyOrderPayload.parse(payload), fixtureSkuLookup),
      );
    }
  });

  test('lists the window [from, to) page by page in updated order, each order once', async () => {
    const base = Date.parse('2025-06-01T00:00:00Z');
    for (let i = 0; i < 10; i += 1)
      stub.shopifyOrders.putShopifyOrder(syntheticOrder(7000 + i, new Date(base + (9 - i) * 60_000).toISOString()));
    stub.shopifyOrders.putShopifyOrder(syntheticOrder(7100, '2025-05-31T23:59:59Z'));
    stub.shopifyOrders.putShopifyOrder(syntheticOrder(7101, '2025-06-01T00:10:00Z'));

    const { pages, entries } = await pullAll({ from: '2025-06-01T00:00:00.000Z', to: '2025-06-01T00:10:00.000Z' }, 3);

    expect(pages).toHaveLength(4);
    expect(entries.map((entry) => entry.channelOrderId)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(7009 - i)),
    );
  });

  test('reads an order with more lines than the first page holds whole, by asking for the rest', async () => {
    stub.shopifyOrders.putShopifyOrder(syntheticOrder(7200, '2025-07-01T12:00:00Z', 12, 3));

    const { pages, entries } = await pullAll(ALL_OF_2025);

    const [found] = entries;
    if (found?.kind !== 'order') throw new Error('the order was not read');
    expect(found.payload.line_items).toHaveLength(12);
    expect(found.payload.shipping_lines).toHaveLength(3);
    expect(mapShopifyOrder(found.payload, fixtureSkuLookup).totals.total).toEqual({
      amountMinor: 1350,
      currency: 'USD',
    });
    expect(stub.callsTo(/graphql\.json$/)).toHaveLength(3);
    expect(pages[0].raw).toMatchObject({ further: [expect.anything(), expect.anything()] });
  });

  test('lists an order its schema refuses as invalid, named by its id, without failing the page', async () => {
    stub.shopifyOrders.putShopifyOrder(syntheticOrder(7300, '2025-08-01T12:00:00Z'));
    stub.shopifyOrders.putShopifyOrder(syntheticOrder(7301, '2025-08-01T12:00:01Z'));
    stub.shopifyOrders.orders.get('7300')!.totalPriceSet.shopMoney.amount = '1,50';

    const { entries } = await pullAll(ALL_OF_2025);

    expect(entries).toEqual([
      {
        kind: 'invalid',
        channelOrderId: '7300',
        issues: [{ path: 'total_price', message: expect.stringContaining('decimal') }],
      },
      expect.objectContaining({ kind: 'order', channelOrderId: '7301' }),
    ]);
  });

  test("waits out a THROTTLED page for as long as Shopify's cost extension says the points take to restore", async () => {
    stub.shopifyOrders.putShopifyOrder(syntheticOrder(7400, '2025-09-01T12:00:00Z'));
    stub.fail({
      method: 'POST',
      path: /graphql\.json$/,
      status: 200,
      body: {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
        extensions: {
          cost: {
            requestedQueryCost: 752,
            actualQueryCost: null,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 152, restoreRate: 100 },
          },
        },
      },
    });

    const { entries } = await pullAll(ALL_OF_2025);

    expect(waits).toEqual([6000]);
    expect(entries.map((entry) => entry.channelOrderId)).toEqual(['7400']);
  });

  test('keeps the orders put in it across a restart when the stub has a state file, as the shop would', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shopify-orders-'));
    try {
      const stateFile = join(directory, 'channel-apis.json');
      const before = new ChannelApiStub({ stateFile });
      before.shopifyOrders.putShopifyOrder(syntheticOrder(7600, '2025-10-02T12:00:00Z'));
      before.saveState();

      const after = new ChannelApiStub({ stateFile });

      expect(after.shopifyOrders.orders.get('7600')).toEqual(before.shopifyOrders.orders.get('7600'));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test("refuses, as Shopify does, a field the shop's orders do not have", async () => {
    stub.shopifyOrders.putShopifyOrder(syntheticOrder(7500, '2025-10-01T12:00:00Z'));

    await expect(
      api().graphql(
        `query { orders(first: 5, sortKey: UPDATED_AT, query: "updated_at:>='2025-01-01T00:00:00Z'") { nodes { id totalWeight } } }`,
        {},
      ),
    ).rejects.toThrow("Field 'totalWeight' doesn't exist");
  });
});
