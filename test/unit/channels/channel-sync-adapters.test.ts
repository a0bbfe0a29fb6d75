import { ChannelApiStub } from '../../../scripts/channel-stubs/channel-api-stub';
import { DEVELOPMENT_API_CREDENTIALS, EnvironmentChannelCredentials } from '#shared/channels/channel-credentials';
import { apiCredentialsEnvVar } from '#shared/config/topology';
import { EbayInventoryApi, ebaySellerToken } from '#shared/channels/ebay/inventory-api';
import { ShopifyAdminApi, ShopifyInventoryApi } from '#shared/channels/shopify/inventory-api';
import { ShopifyReturnApi } from '#shared/channels/shopify/fulfilment-api';
import { ChannelApiError } from '#shared/channels/channel-http';
import type { ChannelReturn } from '#domain/channel-sync/return-sync';
import { WooCommerceInventoryApi, WooCommerceRestApi } from '#shared/channels/woocommerce/inventory-api';

// The channel API stub on loopback plays each channel's documented answers; no rate budget is needed here.
let stub: ChannelApiStub;
const credentials = new EnvironmentChannelCredentials(
  Object.fromEntries(
    (['shopify', 'ebay', 'woocommerce'] as const).map((channel) => [
      apiCredentialsEnvVar(channel),
      JSON.stringify(DEVELOPMENT_API_CREDENTIALS[channel]),
    ]),
  ),
);

beforeAll(async () => {
  stub = new ChannelApiStub();
  await stub.start();
});

afterAll(async () => {
  await stub.stop();
});

describe('Shopify inventorySetQuantities', () => {
  const shopify = () => new ShopifyInventoryApi(new ShopifyAdminApi(stub.url, credentials, { channel: 'shopify' }));

  it('sets available with changeFromQuantity null the first time, resolving the inventory item by SKU', async () => {
    const [result] = await shopify().setAvailable([{ sku: 'CAS-1', quantity: 5 }]);

    expect(result).toEqual({
      sku: 'CAS-1',
      ok: true,
      listingRef: expect.stringMatching(/^gid:\/\/shopify\/InventoryItem\//),
    });
    expect(stub.outbound.quantitiesSent('shopify', 'CAS-1')).toEqual([5]);
  });

  it("compares against what it last published, and when Shopify moved (a sale there) sets against Shopify's own figure", async () => {
    const api = shopify();
    const [first] = await api.setAvailable([{ sku: 'CAS-2', quantity: 5 }]);
    stub.outbound.setListed('shopify', 'CAS-2', 3);
    const calls = stub.callsTo(/graphql\.json$/).length;

    const [second] = await api.setAvailable([
      {
        sku: 'CAS-2',
        quantity: 4,
        previous: 5,
        ...(first.ok && first.listingRef ? { listingRef: first.listingRef } : {}),
      },
    ]);

    expect(second.ok).toBe(true);
    expect(stub.outbound.quantitiesSent('shopify', 'CAS-2')).toEqual([5, 4]);
    // refused as stale, read back, set again
    expect(stub.callsTo(/graphql\.json$/).length - calls).toBe(3);
  });

  it('waits out a THROTTLED answer (Shopify throttles GraphQL with 200 and an error) and sends again', async () => {
    const waits: number[] = [];
    const api = new ShopifyInventoryApi(
      new ShopifyAdminApi(stub.url, credentials, { channel: 'shopify' }, async (ms) => {
        waits.push(ms);
      }),
    );
    stub.fail({
      method: 'POST',
      path: /graphql\.json$/,
      status: 200,
      body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] },
      times: 2,
    });

    const [result] = await api.setAvailable([{ sku: 'CAS-THROTTLED', quantity: 8 }]);

    expect(result.ok).toBe(true);
    expect(waits).toEqual([1000, 2000]);
    expect(stub.outbound.quantitiesSent('shopify', 'CAS-THROTTLED')).toEqual([8]);
  });

  it('reports a SKU Shopify does not stock as unlisted without failing the others', async () => {
    stub.outbound.delist('shopify', 'CAS-GONE');

    const results = await shopify().setAvailable([
      { sku: 'CAS-GONE', quantity: 1 },
      { sku: 'CAS-3', quantity: 2 },
    ]);

    expect(results).toEqual([
      { sku: 'CAS-GONE', ok: false, unlisted: true, reason: 'shopify has no inventory item with SKU CAS-GONE' },
      expect.objectContaining({ sku: 'CAS-3', ok: true }),
    ]);
  });
});

describe('eBay bulkUpdatePriceQuantity', () => {
  it("answers per SKU: a listed SKU is set, an unknown one is refused with eBay's reason", async () => {
    stub.outbound.delist('ebay', 'EB-GONE');
    const api = new EbayInventoryApi(stub.url, ebaySellerToken(stub.url, credentials), { channel: 'ebay' });

    const results = await api.setAvailable([
      { sku: 'EB-1', quantity: 7 },
      { sku: 'EB-GONE', quantity: 1 },
    ]);

    expect(results).toEqual([
      { sku: 'EB-1', ok: true },
      { sku: 'EB-GONE', ok: false, unlisted: true, reason: 'eBay 404: SKU EB-GONE is not available in the system' },
    ]);
    expect(await api.readAvailable([{ sku: 'EB-1' }, { sku: 'EB-GONE' }])).toEqual(new Map([['EB-1', 7]]));
  });
});

describe('WooCommerce products/batch', () => {
  it('finds product ids by SKU once, sets stock_quantity in one batch and keeps the id as the listing ref', async () => {
    stub.outbound.delist('woocommerce', 'WC-GONE');
    const api = new WooCommerceInventoryApi(new WooCommerceRestApi(stub.url, credentials, { channel: 'woocommerce' }));

    const results = await api.setAvailable([
      { sku: 'WC-1', quantity: 3 },
      { sku: 'WC-GONE', quantity: 1 },
    ]);

    expect(results).toEqual([
      { sku: 'WC-1', ok: true, listingRef: expect.stringMatching(/^\d+$/) },
      { sku: 'WC-GONE', ok: false, unlisted: true, reason: 'woocommerce has no product with SKU WC-GONE' },
    ]);
    expect(stub.callsTo(/\/wp-json\/wc\/v3\/products\/batch$/)).toHaveLength(1);
    expect(stub.outbound.listedQuantity('woocommerce', 'WC-1')).toBe(3);
  });
});

describe('Shopify refundCreate for a return taken elsewhere', () => {
  const returns = () => new ShopifyReturnApi(new ShopifyAdminApi(stub.url, credentials, { channel: 'shopify' }));
  const inStore = (channelOrderId: string, quantity = 1): ChannelReturn => ({
    returnId: `RET-${channelOrderId}`,
    orderId: `ord_${channelOrderId}`,
    channelOrderId,
    receivedThrough: 'pos',
    receivedAt: '2026-11-30T15:00:00.000Z',
    lines: [
      {
        channelLineId: '71',
        sku: 'TEE-M',
        quantity,
        reasonCode: 'WRONG_SIZE',
        restocked: true,
        refund: { amountMinor: 2400 * quantity, currency: 'USD' },
      },
    ],
    refunded: { amountMinor: 2400 * quantity, currency: 'USD' },
  });

  it('creates one refund per return id: a retry after a lost answer gets the first refund back', async () => {
    stub.outbound.addOrder('shopify', '6101', { lines: [{ lineId: '71', quantity: 2 }] });

    const first = await returns().recordReturn(inStore('6101'));
    const retried = await returns().recordReturn(inStore('6101'));

    expect(retried).toEqual(first);
    expect(stub.outbound.returns.filter((r) => r.channelOrderId === '6101')).toHaveLength(1);
  });

  it("throws ChannelApiError with Shopify's reason when Shopify refuses the refund", async () => {
    stub.outbound.addOrder('shopify', '6102', { lines: [{ lineId: '71', quantity: 1 }] });

    await expect(returns().recordReturn(inStore('6102', 3))).rejects.toThrow(ChannelApiError);
    expect(stub.outbound.returns.filter((r) => r.channelOrderId === '6102')).toHaveLength(0);
  });
});
