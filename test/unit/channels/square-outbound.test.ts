import { ChannelApiStub } from '../../../scripts/channel-stubs/channel-api-stub';
import { squareVariationId } from '../../../scripts/channel-stubs/outbound-channel-stub';
import { DEVELOPMENT_API_CREDENTIALS, EnvironmentChannelCredentials } from '#shared/channels/channel-credentials';
import { apiCredentialsEnvVar } from '#shared/config/topology';
import { SquareCatalog, SquareInventoryApi, SquareRestApi } from '#shared/channels/square/inventory-api';
import { SquareFulfilmentApi } from '#shared/channels/square/fulfilment-api';
import { SquarePriceApi } from '#shared/channels/square/price-api';
import { ShipmentNotSyncableError, type ChannelShipment } from '#domain/channel-sync/shipment-sync';
import type { EffectivePrice } from '#domain/pricing/model';
import { recordingFetch, type SentRequest } from './recording-fetch';

// Square's endpoints as the channel API stub plays them on loopback; every request the clients send
// is kept, so its shape can be read as Square would receive it.
let stub: ChannelApiStub;
const sent: SentRequest[] = [];
const json = (request: SentRequest) => JSON.parse(request.body);
const credentials = new EnvironmentChannelCredentials({
  [apiCredentialsEnvVar('square')]: JSON.stringify(DEVELOPMENT_API_CREDENTIALS.square),
});
const locationId = DEVELOPMENT_API_CREDENTIALS.square!.locationId;

function square(): SquareRestApi {
  return new SquareRestApi(stub.url, credentials, {
    channel: 'square',
    fetch: recordingFetch(sent),
  });
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

describe('Square BatchChangeInventory', () => {
  it('finds each variation by SKU once, then sets IN_STOCK physical counts at the location in one call', async () => {
    const api = square();
    const inventory = new SquareInventoryApi(api, new SquareCatalog(api), () => new Date('2026-12-01T10:00:00.000Z'));

    const results = await inventory.setAvailable([
      { sku: 'SQ-1', quantity: 5 },
      { sku: 'SQ-2', quantity: 0 },
    ]);
    await inventory.setAvailable([{ sku: 'SQ-1', quantity: 4 }]);

    expect(results).toEqual([
      { sku: 'SQ-1', ok: true, listingRef: squareVariationId('SQ-1') },
      { sku: 'SQ-2', ok: true, listingRef: squareVariationId('SQ-2') },
    ]);
    const searches = sent.filter((request) => request.url.pathname === '/v2/catalog/search');
    expect(searches.map(json)).toEqual([
      { object_types: ['ITEM_VARIATION'], query: { exact_query: { attribute_name: 'sku', attribute_value: 'SQ-1' } } },
      { object_types: ['ITEM_VARIATION'], query: { exact_query: { attribute_name: 'sku', attribute_value: 'SQ-2' } } },
    ]);
    const [first, second] = sent.filter((request) => request.url.pathname === '/v2/inventory/changes/batch-create');
    expect(json(first)).toEqual({
      idempotency_key: expect.any(String),
      changes: [
        {
          type: 'PHYSICAL_COUNT',
          physical_count: {
            catalog_object_id: squareVariationId('SQ-1'),
            location_id: locationId,
            state: 'IN_STOCK',
            quantity: '5',
            occurred_at: '2026-12-01T10:00:00.000Z',
          },
        },
        {
          type: 'PHYSICAL_COUNT',
          physical_count: {
            catalog_object_id: squareVariationId('SQ-2'),
            location_id: locationId,
            state: 'IN_STOCK',
            quantity: '0',
            occurred_at: '2026-12-01T10:00:00.000Z',
          },
        },
      ],
      ignore_unchanged_counts: true,
    });
    // A later call setting figures again is not answered from the first one's key.
    expect(json(second).idempotency_key).not.toBe(json(first).idempotency_key);
    expect(stub.outbound.quantitiesSent('square', 'SQ-1')).toEqual([5, 4]);
  });

  it('reads the counts back with BatchRetrieveInventoryCounts, and reports a SKU Square does not list as unlisted', async () => {
    stub.outbound.delist('square', 'SQ-GONE');
    const api = square();
    const inventory = new SquareInventoryApi(api, new SquareCatalog(api));
    await inventory.setAvailable([{ sku: 'SQ-3', quantity: 9 }]);
    sent.length = 0;

    const results = await inventory.setAvailable([{ sku: 'SQ-GONE', quantity: 2 }]);
    const listed = await inventory.readAvailable([
      { sku: 'SQ-3', listingRef: squareVariationId('SQ-3') },
      { sku: 'SQ-GONE' },
    ]);

    expect(results).toEqual([
      { sku: 'SQ-GONE', ok: false, unlisted: true, reason: 'square has no item variation with SKU SQ-GONE' },
    ]);
    expect(listed).toEqual(new Map([['SQ-3', 9]]));
    expect(json(sent.find((request) => request.url.pathname === '/v2/inventory/counts/batch-retrieve')!)).toEqual({
      catalog_object_ids: [squareVariationId('SQ-3')],
      location_ids: [locationId],
      states: ['IN_STOCK'],
    });
    expect(sent.some((request) => request.url.pathname === '/v2/inventory/changes/batch-create')).toBe(false);
  });
  it('looks a SKU up again when Square refuses the variation kept from earlier, and still sets the others', async () => {
    stub.outbound.delist('square', 'SQ-OLD');
    const api = square();
    const inventory = new SquareInventoryApi(api, new SquareCatalog(api));

    const results = await inventory.setAvailable([
      { sku: 'SQ-4', quantity: 6, listingRef: squareVariationId('SQ-OLD') },
      { sku: 'SQ-5', quantity: 2 },
    ]);

    expect(results).toEqual([
      { sku: 'SQ-4', ok: true, listingRef: squareVariationId('SQ-4') },
      { sku: 'SQ-5', ok: true, listingRef: squareVariationId('SQ-5') },
    ]);
    expect(stub.outbound.quantitiesSent('square', 'SQ-4')).toEqual([6]);
    expect(stub.outbound.quantitiesSent('square', 'SQ-5')).toEqual([2]);
    expect(sent.filter((request) => request.url.pathname === '/v2/inventory/changes/batch-create')).toHaveLength(3);
  });
});

describe('Square UpdateOrder for a shipment', () => {
  const shipment = (orderId: string, completesOrder = true): ChannelShipment => ({
    shipmentId: `SHP-${orderId}`,
    channelOrderId: orderId,
    carrier: 'USPS',
    trackingNumber: '9400 1000 0000 0000 0000 00',
    shippedAt: '2026-12-01T15:30:00.000Z',
    lines: [{ channelLineId: 'LINE-1', sku: 'SQ-1', quantity: 1 }],
    completesOrder,
  });
  const order = (id: string, fulfillments: object[]) => ({
    id,
    location_id: locationId,
    version: 3,
    state: 'OPEN',
    fulfillments,
  });

  it("completes the order's SHIPMENT fulfillment with carrier and tracking, on the order's version, keyed by the shipment", async () => {
    stub.square.orders.set('SQ-ORD-1', order('SQ-ORD-1', [{ uid: 'F-1', type: 'SHIPMENT', state: 'PROPOSED' }]));
    const api = new SquareFulfilmentApi(square());

    const answer = await api.confirmShipment(shipment('SQ-ORD-1'));
    const again = await api.confirmShipment(shipment('SQ-ORD-1'));

    expect(answer).toEqual({ channelFulfilmentId: 'F-1' });
    expect(again).toEqual({ channelFulfilmentId: 'F-1' });
    const updates = sent.filter((request) => request.method === 'PUT');
    expect(updates).toHaveLength(1);
    expect(updates[0].url.pathname).toBe('/v2/orders/SQ-ORD-1');
    expect(json(updates[0])).toEqual({
      idempotency_key: 'SHP-SQ-ORD-1',
      order: {
        location_id: locationId,
        version: 3,
        fulfillments: [
          {
            uid: 'F-1',
            state: 'COMPLETED',
            shipment_details: {
              carrier: 'USPS',
              tracking_number: '9400 1000 0000 0000 0000 00',
              shipped_at: '2026-12-01T15:30:00.000Z',
            },
          },
        ],
      },
    });
    expect(stub.square.orders.get('SQ-ORD-1')).toMatchObject({
      version: 4,
      fulfillments: [
        { uid: 'F-1', state: 'COMPLETED', shipment_details: { tracking_number: '9400 1000 0000 0000 0000 00' } },
      ],
    });
  });

  it('leaves the fulfillment open when units are still to ship, adding the tracking only', async () => {
    stub.square.orders.set('SQ-ORD-2', order('SQ-ORD-2', [{ uid: 'F-2', type: 'SHIPMENT', state: 'RESERVED' }]));

    await new SquareFulfilmentApi(square()).confirmShipment(shipment('SQ-ORD-2', false));

    expect(json(sent.find((request) => request.method === 'PUT')!).order.fulfillments[0].state).toBeUndefined();
    expect(stub.square.orders.get('SQ-ORD-2')).toMatchObject({ fulfillments: [{ state: 'RESERVED' }] });
  });

  it('refuses an order with no SHIPMENT fulfillment to carry it (a pickup) as not syncable', async () => {
    stub.square.orders.set('SQ-ORD-3', order('SQ-ORD-3', [{ uid: 'F-3', type: 'PICKUP', state: 'PROPOSED' }]));

    await expect(new SquareFulfilmentApi(square()).confirmShipment(shipment('SQ-ORD-3'))).rejects.toThrow(
      ShipmentNotSyncableError,
    );
    expect(sent.some((request) => request.method === 'PUT')).toBe(false);
  });
});

describe('Square catalog variation prices', () => {
  const price = (amountMinor: number): EffectivePrice => ({
    sku: 'SQ-P',
    channel: 'square',
    at: '2026-12-01T00:00:00.000Z',
    base: { priceList: 'base', currency: 'USD', amountMinor, effectiveFrom: '2026-11-01T00:00:00.000Z' },
    price: { amountMinor, currency: 'USD' },
  });

  it('upserts the variation with price_money in cents on its current version, found by SKU when no variantId is given', async () => {
    const api = square();
    const prices = new SquarePriceApi(api, new SquareCatalog(api));

    await prices.setPrice('SQ-P', { channel: 'square', channelSku: 'SQ-P' }, price(1999));
    await prices.setPrice('SQ-P', { channel: 'square', variantId: squareVariationId('SQ-P') }, price(2005));

    const upserts = sent.filter(
      (request) => request.method === 'POST' && request.url.pathname === '/v2/catalog/object',
    );
    expect(upserts.map((request) => json(request).object.version)).toEqual([1, 2]);
    expect(json(upserts[0]).object.item_variation_data).toMatchObject({
      sku: 'SQ-P',
      pricing_type: 'FIXED_PRICING',
      price_money: { amount: 1999, currency: 'USD' },
    });
    expect(json(upserts[0]).idempotency_key).toEqual(expect.any(String));
    expect(sent.filter((request) => request.url.pathname === '/v2/catalog/search')).toHaveLength(1);
    expect(stub.prices.square.get(squareVariationId('SQ-P'))).toMatchObject({ amountMinor: 2005, price: '20.05' });
  });
});
