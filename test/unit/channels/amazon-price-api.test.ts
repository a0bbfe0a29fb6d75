import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { ChannelApiError } from '#shared/channels/channel-http';
import { AmazonOrdersApi } from '#shared/channels/amazon/amazon-api.client';
import type { AmazonSellerApi } from '#shared/channels/amazon/inventory-api';
import { AmazonPriceApi } from '#shared/channels/amazon/price-api';
import { ListingIncompleteError } from '#domain/pricing/distribution';
import type { EffectivePrice } from '#domain/pricing/model';
import { stubCredentials as credentials, stubForFile } from './order-feed-stub';
import { recordingFetch, type SentRequest } from './recording-fetch';

// Amazon's Listings Items API as the channel API stub plays it on loopback; every request the client
// sends is kept, so its shape can be read as Amazon would receive it.
const stub = stubForFile();
const sent: SentRequest[] = [];
const { sellerId, marketplaceId } = DEVELOPMENT_API_CREDENTIALS.amazon!;

function seller(): AmazonSellerApi {
  const orders = new AmazonOrdersApi(stub().url, `${stub().url}/auth/o2/token`, credentials);
  return {
    apiUrl: stub().url,
    accessToken: () => orders.accessToken(),
    credentials,
    http: { channel: 'amazon', sleep: async () => {}, fetch: recordingFetch(sent) },
  };
}

beforeEach(() => {
  sent.length = 0;
  stub().clearFaults();
});

const AT = '2026-12-01T09:00:00.000Z';

function price(amountMinor: number, currency = 'USD'): EffectivePrice {
  return {
    sku: 'AMZ-1',
    channel: 'amazon',
    at: AT,
    base: { priceList: 'base', currency, amountMinor, effectiveFrom: '2026-11-01T00:00:00.000Z' },
    price: { amountMinor, currency },
  };
}

function promoted(baseMinor: number, promotedMinor: number): EffectivePrice {
  return {
    ...price(baseMinor),
    promotion: {
      promotionId: 'FLASH-1',
      name: 'Flash 25%',
      rule: { kind: 'percentage', percentOff: 25 },
      endsAt: '2026-12-01T11:00:00.000Z',
    },
    price: { amountMinor: promotedMinor, currency: 'USD' },
  };
}

const patches = () => sent.filter((request) => request.method === 'PATCH');

describe('Amazon price API', () => {
  it("merges our_price into the marketplace's purchasable_offer for the seller SKU, and clears any sale", async () => {
    await new AmazonPriceApi(seller()).setPrice('AMZ-1', { channel: 'amazon' }, price(2499));

    const [patch] = patches();
    expect(patch.url.pathname).toBe(`/listings/2021-08-01/items/${sellerId}/AMZ-1`);
    expect(Object.fromEntries(patch.url.searchParams)).toEqual({ marketplaceIds: marketplaceId });
    expect(patch.headers['x-amz-access-token']).toEqual(expect.any(String));
    expect(JSON.parse(patch.body)).toEqual({
      productType: 'PRODUCT',
      patches: [
        {
          op: 'merge',
          path: '/attributes/purchasable_offer',
          value: [
            {
              marketplace_id: marketplaceId,
              currency: 'USD',
              audience: 'ALL',
              our_price: [{ schedule: [{ value_with_tax: 24.99 }] }],
              discounted_price: null,
            },
          ],
        },
      ],
    });
    expect(stub().prices.amazon.get('AMZ-1')).toMatchObject({ price: '24.99', regularPrice: null, currency: 'USD' });
  });

  it("runs a promotion as discounted_price until the promotion's end, with the regular price as our_price", async () => {
    await new AmazonPriceApi(seller()).setPrice('AMZ-2', { channel: 'amazon' }, promoted(2400, 1800));

    const offer = JSON.parse(patches()[0].body).patches[0].value[0];
    expect(offer.our_price).toEqual([{ schedule: [{ value_with_tax: 24 }] }]);
    expect(offer.discounted_price).toEqual([
      { schedule: [{ start_at: AT, end_at: '2026-12-01T11:00:00.000Z', value_with_tax: 18 }] },
    ]);
    expect(stub().prices.amazon.get('AMZ-2')).toMatchObject({
      price: '18.00',
      regularPrice: '24.00',
      saleEndsAt: '2026-12-01T11:00:00.000Z',
    });
  });

  it('sends value_with_tax to the cent, as the decimal of the minor units and never a float product', async () => {
    const api = new AmazonPriceApi(seller());

    // 0.29 and 1.15 are amounts whose cents float arithmetic loses (0.29 * 100 is 28.999999999999996);
    // a three-decimal currency keeps its third decimal, a zero-decimal one has none.
    await api.setPrice('AMZ-3', { channel: 'amazon' }, price(29));
    await api.setPrice('AMZ-4', { channel: 'amazon' }, price(115));
    await api.setPrice('AMZ-5', { channel: 'amazon' }, price(123_456_789));
    await api.setPrice('AMZ-6', { channel: 'amazon' }, price(8_765, 'KWD'));
    await api.setPrice('AMZ-7', { channel: 'amazon' }, price(1980, 'JPY'));

    const values = patches().map(
      (request) => /"our_price":\[\{"schedule":\[\{"value_with_tax":([^}]+)\}/.exec(request.body)?.[1],
    );
    expect(values).toEqual(['0.29', '1.15', '1234567.89', '8.765', '1980']);
    expect(stub().prices.amazon.get('AMZ-5')?.price).toBe('1234567.89');
  });

  it("patches the listing's channel SKU when the seller lists it under its own", async () => {
    await new AmazonPriceApi(seller()).setPrice('AMZ-8', { channel: 'amazon', channelSku: 'AMZ-8-US' }, price(999));

    expect(patches()[0].url.pathname).toBe(`/listings/2021-08-01/items/${sellerId}/AMZ-8-US`);
    expect(stub().prices.amazon.get('AMZ-8-US')?.price).toBe('9.99');
  });

  it("throws Amazon's issues when it answers INVALID, so the window is retried and nothing is acknowledged", async () => {
    stub().fail({
      method: 'PATCH',
      path: /^\/listings\/2021-08-01\/items\//,
      status: 200,
      body: {
        sku: 'AMZ-9',
        status: 'INVALID',
        submissionId: 'f1dc2914-75dd-11ea-bc55-0242ac130003',
        issues: [{ code: '90220', message: "'our_price' is not valid for this product type", severity: 'ERROR' }],
      },
    });

    const setting = new AmazonPriceApi(seller()).setPrice('AMZ-9', { channel: 'amazon' }, price(2499));

    await expect(setting).rejects.toThrow(ChannelApiError);
    await expect(setting).rejects.toThrow(
      "amazon refused the price of AMZ-9: amazon INVALID: 90220 'our_price' is not valid for this product type",
    );
    expect(stub().prices.amazon.has('AMZ-9')).toBe(false);
  });

  it('skips a SKU Amazon does not list as an incomplete listing instead of retrying it', async () => {
    stub().fail({
      method: 'PATCH',
      path: /^\/listings\/2021-08-01\/items\//,
      status: 404,
      body: { errors: [{ code: 'NOT_FOUND', message: "SKU 'AMZ-GONE' not found in marketplace" }] },
    });

    await expect(new AmazonPriceApi(seller()).setPrice('AMZ-GONE', { channel: 'amazon' }, price(2499))).rejects.toThrow(
      new ListingIncompleteError(`amazon lists no SKU AMZ-GONE in marketplace ${marketplaceId}`),
    );
  });
});
