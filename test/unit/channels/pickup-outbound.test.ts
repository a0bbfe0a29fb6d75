import { ChannelApiStub } from '../../../scripts/channel-stubs/channel-api-stub';
import { DEVELOPMENT_API_CREDENTIALS, EnvironmentChannelCredentials } from '#shared/channels/channel-credentials';
import { apiCredentialsEnvVar } from '#shared/config/topology';
import { ShopifyAdminApi } from '#shared/channels/shopify/inventory-api';
import { ShopifyCancellationApi, ShopifyPickupApi } from '#shared/channels/shopify/fulfilment-api';
import { SquareRestApi } from '#shared/channels/square/inventory-api';
import { SquarePickupApi } from '#shared/channels/square/fulfilment-api';
import { WooCommerceRestApi } from '#shared/channels/woocommerce/inventory-api';
import { WooCommerceCancellationApi, WooCommercePickupApi } from '#shared/channels/woocommerce/fulfilment-api';
import { PickupNotSyncableError, type ChannelPickup } from '#domain/channel-sync/pickup-sync';
import { recordingFetch, type SentRequest } from './recording-fetch';

// The channels' pickup and cancellation endpoints as the channel API stub plays them on loopback; every
// request the clients send is kept, so its shape can be read as the channel would receive it.
let stub: ChannelApiStub;
const sent: SentRequest[] = [];
const json = (request: SentRequest) => JSON.parse(request.body);
const credentials = new EnvironmentChannelCredentials(
  Object.fromEntries(
    (['shopify', 'woocommerce', 'square'] as const).map((channel) => [
      apiCredentialsEnvVar(channel),
      JSON.stringify(DEVELOPMENT_API_CREDENTIALS[channel]),
    ]),
  ),
);
const shopify = () => new ShopifyAdminApi(stub.url, credentials, { channel: 'shopify', fetch: recordingFetch(sent) });
const wooCommerce = () =>
  new WooCommerceRestApi(stub.url, credentials, { channel: 'woocommerce', fetch: recordingFetch(sent) });
const square = () => new SquareRestApi(stub.url, credentials, { channel: 'square', fetch: recordingFetch(sent) });

function pickup(channelOrderId: string, channelLocationId?: string): ChannelPickup {
  return {
    orderId: `ord_${channelOrderId}`,
    channelOrderId,
    ...(channelLocationId ? { channelLocationId } : {}),
    pickupCode: 'K7P2Q9',
    readyAt: '2026-12-01T12:00:00.000Z',
    lines: [{ channelLineId: '71', sku: 'TEE-M', quantity: 2 }],
  };
}

beforeAll(async () => {
  stub = new ChannelApiStub();
  await stub.start();
});

afterAll(async () => {
  await stub.stop();
});

beforeEach(() => {
  sent.length = 0;
});

describe('Shopify fulfillmentOrderLineItemsPreparedForPickup', () => {
  it('keeps the pickup code on the order, then marks its pickup fulfillment order at the chosen store prepared', async () => {
    stub.outbound.addOrder('shopify', '7101', { lines: [{ lineId: '71', quantity: 2 }], pickupLocationId: '801' });

    const answer = await new ShopifyPickupApi(shopify()).pickupReady(pickup('7101', '801'));

    expect(answer).toEqual({ channelReference: 'gid://shopify/FulfillmentOrder/7101' });
    expect(stub.outbound.metafields.get('7101#fabric.pickup_code')).toBe('K7P2Q9');
    expect(json(sent.at(-2)!).variables).toEqual({
      metafields: [
        {
          ownerId: 'gid://shopify/Order/7101',
          namespace: 'fabric',
          key: 'pickup_code',
          type: 'single_line_text_field',
          value: 'K7P2Q9',
        },
      ],
    });
    const mutation = json(sent.at(-1)!);
    expect(mutation.query).toContain('fulfillmentOrderLineItemsPreparedForPickup(input: $input)');
    expect(mutation.variables).toEqual({
      input: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: 'gid://shopify/FulfillmentOrder/7101' }] },
    });
    expect(stub.outbound.pickups.filter((p) => p.channelOrderId === '7101')).toHaveLength(1);
  });

  it('refuses an order that ships, or whose pickup is at another store, without marking anything', async () => {
    stub.outbound.addOrder('shopify', '7102', { lines: [{ lineId: '71', quantity: 2 }] });
    stub.outbound.addOrder('shopify', '7103', { lines: [{ lineId: '71', quantity: 2 }], pickupLocationId: '802' });
    const api = new ShopifyPickupApi(shopify());

    await expect(api.pickupReady(pickup('7102'))).rejects.toThrow(PickupNotSyncableError);
    await expect(api.pickupReady(pickup('7103', '801'))).rejects.toThrow(PickupNotSyncableError);
    expect(sent.some((request) => /PreparedForPickup\(|metafieldsSet\(/.test(json(request).query))).toBe(false);
  });
});

describe('Shopify orderCancel after an expired pickup', () => {
  it('cancels with reason OTHER, refunded to the original payment methods, the customer told', async () => {
    stub.outbound.addOrder('shopify', '7104', { lines: [{ lineId: '71', quantity: 2 }], pickupLocationId: '801' });

    await new ShopifyCancellationApi(shopify()).cancelOrder({
      orderId: 'ord_7104',
      channelOrderId: '7104',
      reason: 'PICKUP_EXPIRED',
      total: { amountMinor: 4800, currency: 'USD' },
    });

    expect(json(sent.at(-1)!).variables).toEqual({
      orderId: 'gid://shopify/Order/7104',
      reason: 'OTHER',
      refundMethod: { originalPaymentMethodsRefund: true },
      restock: false,
      notifyCustomer: true,
      staffNote:
        'Cancelled by the retail fabric: not collected from the store within the pickup hold (order ord_7104).',
    });
  });
});

describe('Square UpdateOrder for a pickup ready', () => {
  const order = (id: string, fulfillments: object[]) => ({
    id,
    location_id: 'LSTOREBROOKLYN',
    version: 5,
    state: 'OPEN',
    fulfillments,
  });

  it('sets the PICKUP fulfillment PREPARED with the pickup code in its note, once', async () => {
    stub.square.orders.set('SQ-PU-1', order('SQ-PU-1', [{ uid: 'P-1', type: 'PICKUP', state: 'PROPOSED' }]));
    const api = new SquarePickupApi(square());

    const answer = await api.pickupReady(pickup('SQ-PU-1', 'LSTOREBROOKLYN'));
    const again = await api.pickupReady(pickup('SQ-PU-1', 'LSTOREBROOKLYN'));

    expect(answer).toEqual({ channelReference: 'P-1' });
    expect(again).toEqual({ channelReference: 'P-1' });
    const updates = sent.filter((request) => request.method === 'PUT');
    expect(updates.map(json)).toEqual([
      {
        idempotency_key: 'pickup-ord_SQ-PU-1-LSTOREBROOKLYN',
        order: {
          location_id: 'LSTOREBROOKLYN',
          version: 5,
          fulfillments: [{ uid: 'P-1', state: 'PREPARED', pickup_details: { note: 'Pickup code K7P2Q9' } }],
        },
      },
    ]);
    expect(stub.square.orders.get('SQ-PU-1')).toMatchObject({ version: 6, fulfillments: [{ state: 'PREPARED' }] });
    expect(stub.outbound.pickups.filter((p) => p.channelOrderId === 'SQ-PU-1')).toHaveLength(1);
  });

  it('refuses an order without a PICKUP fulfillment, or collected at another location', async () => {
    stub.square.orders.set('SQ-PU-2', order('SQ-PU-2', [{ uid: 'S-2', type: 'SHIPMENT', state: 'PROPOSED' }]));
    stub.square.orders.set('SQ-PU-3', order('SQ-PU-3', [{ uid: 'P-3', type: 'PICKUP', state: 'PROPOSED' }]));
    const api = new SquarePickupApi(square());

    await expect(api.pickupReady(pickup('SQ-PU-2'))).rejects.toThrow(PickupNotSyncableError);
    await expect(api.pickupReady(pickup('SQ-PU-3', 'LSTOREQUEENS'))).rejects.toThrow(PickupNotSyncableError);
    expect(sent.some((request) => request.method === 'PUT')).toBe(false);
  });
});

describe('WooCommerce pickup note and cancellation', () => {
  it('tells the customer in a customer note that the order waits at the store, with the pickup code', async () => {
    stub.outbound.addOrder('woocommerce', '4760', { lines: [{ lineId: '71', quantity: 2 }] });

    await new WooCommercePickupApi(wooCommerce()).pickupReady(pickup('4760', 'South Congress Store'));

    const note = sent.at(-1)!;
    expect(note.url.pathname).toBe('/wp-json/wc/v3/orders/4760/notes');
    expect(json(note)).toEqual({
      note: 'Ready for pickup at South Congress Store: 2 x TEE-M. Show pickup code K7P2Q9 at the counter (order ord_4760).',
      customer_note: true,
    });
    expect(stub.outbound.pickups.filter((p) => p.channelOrderId === '4760')).toHaveLength(1);
  });

  it('refunds an expired pickup in full through the gateway before cancelling it', async () => {
    stub.outbound.addOrder('woocommerce', '4761', { lines: [{ lineId: '71', quantity: 2 }] });

    await new WooCommerceCancellationApi(wooCommerce()).cancelOrder({
      orderId: 'ord_4761',
      channelOrderId: '4761',
      reason: 'PICKUP_EXPIRED',
      total: { amountMinor: 5413, currency: 'USD' },
    });

    expect(sent.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      'POST /wp-json/wc/v3/orders/4761/refunds',
      'PUT /wp-json/wc/v3/orders/4761',
      'POST /wp-json/wc/v3/orders/4761/notes',
    ]);
    expect(json(sent[0])).toEqual({
      amount: '54.13',
      reason: 'Pickup not collected (order ord_4761).',
      api_refund: true,
      api_restock: false,
    });
    expect(json(sent[1])).toEqual({ status: 'cancelled' });
  });

  it('cancels a stock refusal with its note and no refund call', async () => {
    stub.outbound.addOrder('woocommerce', '4762', { lines: [{ lineId: '71', quantity: 1 }] });

    await new WooCommerceCancellationApi(wooCommerce()).cancelOrder({
      orderId: 'ord_4762',
      channelOrderId: '4762',
      reason: 'OUT_OF_STOCK',
      total: { amountMinor: 2400, currency: 'USD' },
    });

    expect(sent.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      'PUT /wp-json/wc/v3/orders/4762',
      'POST /wp-json/wc/v3/orders/4762/notes',
    ]);
  });
});
