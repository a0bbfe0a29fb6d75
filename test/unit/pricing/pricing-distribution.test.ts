import {
  ListingIncompleteError,
  distributePriceWindow,
  posPriceFile,
  type ChannelPriceApi,
  type PriceAcknowledgement,
} from '#domain/pricing/distribution';
import { effectivePrice, type PriceEntry, type Promotion } from '#domain/pricing/model';
import type { Product } from '#domain/kernel/product';

const base: PriceEntry = {
  sku: 'TEE-1',
  priceList: 'base',
  currency: 'USD',
  amountMinor: 2400,
  effectiveFrom: '2026-11-01T00:00:00.000Z',
  sourceSystem: 'erp',
};
const product: Product = {
  sku: 'TEE-1',
  title: 'Tee',
  listings: [
    { channel: 'shopify', listingId: 'gid://shopify/Product/1', variantId: 'gid://shopify/ProductVariant/1' },
    { channel: 'ebay', channelSku: 'TEE-1' },
  ],
};

function setup(prices: PriceEntry[], promotions: Promotion[] = [], now = '2026-11-24T00:00:05.000Z') {
  const pushed: { channel: string; amountMinor: number }[] = [];
  const files = new Map<string, string>();
  const acks: PriceAcknowledgement[] = [];
  const api = (channel: 'shopify' | 'ebay', needsListingId: boolean): ChannelPriceApi => ({
    channel,
    async setPrice(sku, listing, price) {
      if (needsListingId && !listing.listingId)
        throw new ListingIncompleteError(`${channel} needs listingId for ${sku}`);
      pushed.push({ channel, amountMinor: price.price.amountMinor });
    },
  });
  return {
    pushed,
    files,
    acks,
    ports: {
      prices: { pricesFor: async () => prices, promotionsFor: async () => promotions },
      products: { products: async () => [product] },
      channelApis: { shopify: api('shopify', true), ebay: api('ebay', true) },
      storeFiles: { write: async (key: string, csv: string) => void files.set(key, csv) },
      acknowledge: async (ack: PriceAcknowledgement) => void acks.push(ack),
      stores: ['store-042', 'store-077'],
      now: () => new Date(now),
    },
  };
}

describe('distributePriceWindow', () => {
  it("pushes to each channel that can take the listing, skips with a reason one that cannot, and writes every store's file", async () => {
    const { pushed, files, acks, ports } = setup([
      base,
      { ...base, amountMinor: 2200, effectiveFrom: '2026-11-24T00:00:00.000Z' },
    ]);
    const outcome = await distributePriceWindow(
      {
        skus: ['TEE-1'],
        effectiveAt: '2026-11-24T00:00:00.000Z',
        windowKey: 'price#TEE-1#base#USD#2026-11-24T00:00:00.000Z',
      },
      ports,
    );
    expect(pushed).toEqual([{ channel: 'shopify', amountMinor: 2200 }]);
    expect(outcome.skipped).toEqual([{ channel: 'ebay', sku: 'TEE-1', reason: 'ebay needs listingId for TEE-1' }]);
    expect(outcome.pushed[0].lagMs).toBe(5000);
    expect([...files.keys()].map((key) => key.split('/').slice(0, 2).join('/'))).toEqual([
      'posPrices/store-042',
      'posPrices/store-077',
    ]);
    expect([...files.values()][0]).toBe(
      'sku,price,currency,regular_price,promotion_id,effective_at\nTEE-1,22.00,USD,22.00,,2026-11-24T00:00:00.000Z\n',
    );
    expect(acks.map((ack) => [ack.channel, ack.storeId, ack.value])).toEqual([
      ['shopify', undefined, 2200],
      ['pos', 'store-042', 2200],
      ['pos', 'store-077', 2200],
    ]);
  });

  it('pushes the price in force now when an older window is redelivered after a newer change', async () => {
    const { pushed, ports } = setup([base, { ...base, amountMinor: 2200, effectiveFrom: '2026-11-20T00:00:00.000Z' }]);
    await distributePriceWindow(
      { skus: ['TEE-1'], effectiveAt: base.effectiveFrom, windowKey: 'price#TEE-1#base#USD#2026-11-01T00:00:00.000Z' },
      ports,
    );
    expect(pushed).toEqual([{ channel: 'shopify', amountMinor: 2200 }]);
  });

  it('lets a channel failure fail the window, so the queue retries it', async () => {
    const { ports } = setup([base]);
    ports.channelApis.shopify.setPrice = async () => {
      throw new Error('shopify answered 500');
    };
    await expect(
      distributePriceWindow({ skus: ['TEE-1'], effectiveAt: base.effectiveFrom, windowKey: 'w' }, ports),
    ).rejects.toThrow('shopify answered 500');
  });
});

describe('posPriceFile', () => {
  it('quotes a SKU that holds a comma and shows the regular price beside a promotion', () => {
    const promotion: Promotion = {
      promotionId: 'P-1',
      name: 'Sale',
      startsAt: '2026-11-01T00:00:00.000Z',
      endsAt: '2026-12-01T00:00:00.000Z',
      targets: { skus: ['TEE,1'] },
      rule: { kind: 'fixed', amountOffMinor: 500, currency: 'USD' },
      sourceSystem: 'merchandising',
    };
    // A SKU may hold a comma (only # and whitespace are excluded).
    const price = effectivePrice(
      'TEE,1',
      'pos',
      new Date('2026-11-15T00:00:00Z'),
      [{ ...base, sku: 'TEE,1' }],
      [promotion],
    )!;
    expect(posPriceFile([price], promotion.startsAt).split('\n')[1]).toBe(
      '"TEE,1",19.00,USD,24.00,P-1,2026-11-01T00:00:00.000Z',
    );
  });
});
