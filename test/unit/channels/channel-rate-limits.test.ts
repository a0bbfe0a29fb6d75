import { outboundRateLimitsFromEnv } from '#shared/channels/channel-apis';
import { SHOPIFY_ADMIN_RATE_LIMIT } from '#shared/channels/shopify/inventory-api';
import { WOOCOMMERCE_RATE_LIMIT } from '#shared/channels/woocommerce/inventory-api';
import { EBAY_INVENTORY_RATE_LIMIT } from '#shared/channels/ebay/inventory-api';
import { WALMART_RATE_LIMIT } from '#shared/channels/walmart/inventory-api';
import { SQUARE_RATE_LIMIT } from '#shared/channels/square/inventory-api';

describe('outbound channel rate budgets', () => {
  it("spends each channel's documented budget when the seller's plan says nothing else", () => {
    expect(outboundRateLimitsFromEnv({})).toEqual({
      shopify: SHOPIFY_ADMIN_RATE_LIMIT,
      woocommerce: WOOCOMMERCE_RATE_LIMIT,
      ebay: EBAY_INVENTORY_RATE_LIMIT,
      walmart: WALMART_RATE_LIMIT,
      square: SQUARE_RATE_LIMIT,
    });
  });

  it("takes a Shopify Plus store's larger budget from FABRIC_CHANNEL_RATE_LIMITS and keeps the other defaults", () => {
    const limits = outboundRateLimitsFromEnv({
      FABRIC_CHANNEL_RATE_LIMITS: '{"shopify":{"ratePerSecond":50,"burst":1000}}',
    });

    expect(limits.shopify).toEqual({ ratePerSecond: 50, burst: 1000 });
    expect(limits.woocommerce).toEqual(WOOCOMMERCE_RATE_LIMIT);
  });

  it('refuses a budget it cannot use, naming the variable and the field', () => {
    expect(() =>
      outboundRateLimitsFromEnv({ FABRIC_CHANNEL_RATE_LIMITS: '{"shopify":{"ratePerSecond":0,"burst":10}}' }),
    ).toThrow(/FABRIC_CHANNEL_RATE_LIMITS shopify\.ratePerSecond/);
    expect(() =>
      outboundRateLimitsFromEnv({ FABRIC_CHANNEL_RATE_LIMITS: '{"amazon":{"ratePerSecond":5,"burst":5}}' }),
    ).toThrow(/FABRIC_CHANNEL_RATE_LIMITS/);
    expect(() => outboundRateLimitsFromEnv({ FABRIC_CHANNEL_RATE_LIMITS: 'fast' })).toThrow(
      /FABRIC_CHANNEL_RATE_LIMITS is not valid JSON/,
    );
  });
});
