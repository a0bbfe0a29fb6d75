import { ConfigError } from '#domain/kernel/errors';
import {
  DEFAULT_DATA_OWNERSHIP,
  NotDataOwnerError,
  assertDataOwner,
  loadDataOwnership,
} from '#domain/kernel/data-ownership';
import { Gtin, Product } from '#domain/kernel/product';
import { thrownBy } from '../builders';

describe('data ownership', () => {
  it('defaults to the ERP for item master and base price, Shopify for web content, merchandising for promotions', () => {
    expect(loadDataOwnership({})).toEqual({
      itemMaster: 'erp',
      basePrice: 'erp',
      webContent: 'shopify',
      promotions: 'merchandising',
    });
  });

  it('takes an override per domain from FABRIC_DATA_OWNERSHIP', () => {
    expect(loadDataOwnership({ FABRIC_DATA_OWNERSHIP: '{"itemMaster":"pim"}' })).toEqual({
      ...DEFAULT_DATA_OWNERSHIP,
      itemMaster: 'pim',
    });
  });

  it('fails at start on an unknown domain or a malformed owner, naming it', () => {
    expect(
      thrownBy(ConfigError, () => loadDataOwnership({ FABRIC_DATA_OWNERSHIP: '{"prices":"erp"}' })).message,
    ).toContain('prices');
    expect(
      thrownBy(ConfigError, () => loadDataOwnership({ FABRIC_DATA_OWNERSHIP: '{"basePrice":"The ERP"}' })).message,
    ).toContain('basePrice');
    expect(thrownBy(ConfigError, () => loadDataOwnership({ FABRIC_DATA_OWNERSHIP: '{' })).message).toContain(
      'not valid JSON',
    );
  });

  it('refuses a change from a system that does not own the domain, naming domain and owner', () => {
    expect(() => assertDataOwner(DEFAULT_DATA_OWNERSHIP, 'promotions', 'merchandising')).not.toThrow();
    const error = thrownBy(NotDataOwnerError, () => assertDataOwner(DEFAULT_DATA_OWNERSHIP, 'promotions', 'shopify'));
    expect(error.message).toBe('promotions is owned by merchandising; a change from shopify is refused');
  });
});

describe('item master records', () => {
  it('accepts GTINs with a right check digit and refuses the rest', () => {
    for (const gtin of ['4006381333931', '036000291452', '96385074']) expect(Gtin.safeParse(gtin).success).toBe(true);
    for (const gtin of ['4006381333932', '12345', 'ABCDEFGHIJKLM']) expect(Gtin.safeParse(gtin).success).toBe(false);
  });

  it('refuses a product listed twice on one channel, or a listing with no channel id', () => {
    const twice = Product.safeParse({
      sku: 'TEE-1',
      title: 'Tee',
      listings: [
        { channel: 'shopify', channelSku: 'A' },
        { channel: 'shopify', channelSku: 'B' },
      ],
    });
    expect(twice.success).toBe(false);
    expect(Product.safeParse({ sku: 'TEE-1', title: 'Tee', listings: [{ channel: 'ebay' }] }).success).toBe(false);
  });
});
