import { ChannelApiStub } from '../../../scripts/channel-stubs/channel-api-stub';
import { DEVELOPMENT_API_CREDENTIALS, EnvironmentChannelCredentials } from '#shared/channels/channel-credentials';
import { ChannelApiError } from '#shared/channels/channel-http';
import { apiCredentialsEnvVar } from '#shared/config/topology';
import { WalmartOrdersApi } from '#shared/channels/walmart/walmart-api.client';
import { WalmartInventoryApi, type WalmartSellerApi } from '#shared/channels/walmart/inventory-api';
import { WalmartFulfilmentApi } from '#shared/channels/walmart/fulfilment-api';
import { WalmartPriceApi } from '#shared/channels/walmart/price-api';
import type { EffectivePrice } from '#domain/pricing/model';
import { recordingFetch, type SentRequest } from './recording-fetch';

// Walmart's Marketplace endpoints as the channel API stub plays them on loopback; every request the
// clients send is kept, so its shape can be read as Walmart would receive it.
let stub: ChannelApiStub;
const sent: SentRequest[] = [];
const credentials = new EnvironmentChannelCredentials({
  [apiCredentialsEnvVar('walmart')]: JSON.stringify(DEVELOPMENT_API_CREDENTIALS.walmart),
});
const shipNode = DEVELOPMENT_API_CREDENTIALS.walmart!.shipNode;

function seller(): WalmartSellerApi {
  const orders = new WalmartOrdersApi(stub.url, credentials);
  return {
    apiUrl: stub.url,
    accessToken: () => orders.accessToken(),
    credentials,
    http: {
      channel: 'walmart',
      sleep: async () => {},
      fetch: recordingFetch(sent),
    },
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
  stub.clearFaults();
});

describe('Walmart Inventory API', () => {
  it('sets each SKU at the seller’s ship node with PUT /v3/inventory and reads it back with GET', async () => {
    const api = new WalmartInventoryApi(seller());

    const results = await api.setAvailable([{ sku: 'WM-1', quantity: 7 }]);

    expect(results).toEqual([{ sku: 'WM-1', ok: true }]);
    const [put] = sent;
    expect(put.method).toBe('PUT');
    expect(put.url.pathname).toBe('/v3/inventory');
    expect(Object.fromEntries(put.url.searchParams)).toEqual({ sku: 'WM-1', shipNode });
    expect(JSON.parse(put.body)).toEqual({ sku: 'WM-1', quantity: { unit: 'EACH', amount: 7 } });
    expect(put.headers).toMatchObject({
      'WM_SVC.NAME': 'Walmart Marketplace',
      'WM_QOS.CORRELATION_ID': expect.any(String),
      'WM_SEC.ACCESS_TOKEN': expect.any(String),
    });
    expect(stub.outbound.quantitiesSent('walmart', 'WM-1')).toEqual([7]);
    expect(await api.readAvailable([{ sku: 'WM-1' }])).toEqual(new Map([['WM-1', 7]]));
  });

  it('reports a SKU Walmart has not set up as unlisted, leaves it out of the read-back, and sets the others', async () => {
    stub.outbound.delist('walmart', 'WM-GONE');
    const api = new WalmartInventoryApi(seller());

    const results = await api.setAvailable([
      { sku: 'WM-GONE', quantity: 1 },
      { sku: 'WM-2', quantity: 0 },
    ]);

    expect(results).toEqual([
      { sku: 'WM-GONE', ok: false, unlisted: true, reason: 'walmart 404: sku WM-GONE is not set up' },
      { sku: 'WM-2', ok: true },
    ]);
    expect(await api.readAvailable([{ sku: 'WM-GONE' }, { sku: 'WM-2' }])).toEqual(new Map([['WM-2', 0]]));
  });

  it('waits out a 429 and sends the figure once it is let through', async () => {
    stub.fail({ method: 'PUT', path: /^\/v3\/inventory$/, status: 429, headers: { 'retry-after': '1' } });
    const api = new WalmartInventoryApi(seller());

    expect(await api.setAvailable([{ sku: 'WM-3', quantity: 4 }])).toEqual([{ sku: 'WM-3', ok: true }]);
    expect(sent.filter((request) => request.method === 'PUT')).toHaveLength(2);
    expect(stub.outbound.quantitiesSent('walmart', 'WM-3')).toEqual([4]);
  });
});

describe('Walmart Ship Order Lines', () => {
  const shipment = {
    shipmentId: 'SHP-WM-1',
    channelOrderId: 'PO-1001',
    carrier: 'fedex',
    trackingNumber: '7712 3456 7890',
    shippedAt: '2026-12-01T15:30:00.000Z',
    lines: [
      { channelLineId: '1', sku: 'WM-1', quantity: 2 },
      { channelLineId: '2', sku: 'WM-2', quantity: 1 },
    ],
    completesOrder: true,
  };

  it('marks each shipped line Shipped for its quantity with the ship time, carrier, method and tracking number', async () => {
    stub.outbound.addOrder('walmart', 'PO-1001', {
      lines: [
        { lineId: '1', quantity: 2 },
        { lineId: '2', quantity: 1 },
      ],
    });

    await new WalmartFulfilmentApi(seller()).confirmShipment(shipment);

    const post = sent.find((request) => request.method === 'POST')!;
    expect(post.url.pathname).toBe('/v3/orders/PO-1001/shipping');
    const tracking = {
      shipDateTime: Date.parse('2026-12-01T15:30:00.000Z'),
      carrierName: { carrier: 'FedEx' },
      methodCode: 'Standard',
      trackingNumber: '7712 3456 7890',
    };
    expect(JSON.parse(post.body)).toEqual({
      orderShipment: {
        orderLines: {
          orderLine: [
            {
              lineNumber: '1',
              orderLineStatuses: {
                orderLineStatus: [
                  {
                    status: 'Shipped',
                    statusQuantity: { unitOfMeasurement: 'EACH', amount: '2' },
                    trackingInfo: tracking,
                  },
                ],
              },
            },
            {
              lineNumber: '2',
              orderLineStatuses: {
                orderLineStatus: [
                  {
                    status: 'Shipped',
                    statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' },
                    trackingInfo: tracking,
                  },
                ],
              },
            },
          ],
        },
      },
    });
    expect(
      stub.outbound.shipments.filter((s) => s.channel === 'walmart' && s.channelOrderId === 'PO-1001'),
    ).toHaveLength(1);
  });

  it("throws ChannelApiError with Walmart's reason when the lines were already shipped", async () => {
    stub.outbound.addOrder('walmart', 'PO-1002', { lines: [{ lineId: '1', quantity: 1 }] });
    const api = new WalmartFulfilmentApi(seller());
    const once = { ...shipment, channelOrderId: 'PO-1002', lines: [{ channelLineId: '1', sku: 'WM-1', quantity: 1 }] };
    await api.confirmShipment(once);

    await expect(api.confirmShipment(once)).rejects.toThrow(ChannelApiError);
    expect(stub.outbound.shipments.filter((s) => s.channelOrderId === 'PO-1002')).toHaveLength(1);
  });
});

describe('Walmart Update a price', () => {
  const price = (amountMinor: number): EffectivePrice => ({
    sku: 'WM-1',
    channel: 'walmart',
    at: '2026-12-01T00:00:00.000Z',
    base: { priceList: 'base', currency: 'USD', amountMinor, effectiveFrom: '2026-11-01T00:00:00.000Z' },
    price: { amountMinor, currency: 'USD' },
  });

  it('sends the BASE current price as a JSON number in dollars, to the cent', async () => {
    const api = new WalmartPriceApi(seller());

    await api.setPrice('WM-1', { channel: 'walmart' }, price(1999));
    await api.setPrice('WM-4', { channel: 'walmart', channelSku: 'WM-4-US' }, price(100_005));

    const bodies = sent.filter((request) => request.url.pathname === '/v3/price').map((request) => request.body);
    expect(bodies[0]).toBe(
      JSON.stringify({
        sku: 'WM-1',
        pricing: [{ currentPriceType: 'BASE', currentPrice: { currency: 'USD', amount: 19.99 } }],
      }),
    );
    expect(JSON.parse(bodies[1]).pricing[0].currentPrice.amount).toBe(1000.05);
    expect(stub.prices.walmart.get('WM-1')).toMatchObject({ price: '19.99', currency: 'USD' });
    expect(stub.prices.walmart.get('WM-4-US')).toMatchObject({ price: '1000.05' });
  });
});
