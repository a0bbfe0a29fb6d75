import {
  CHANNEL_DEFAULT_RULE,
  type SourcingLocation,
  type SourcingOrder,
  type SourcingRuleSet,
  chooseSourcing,
  destinationZone,
  updateSourcingRules,
  validateSourcingRules,
  type SourcingRuleRepository,
} from '#domain/fulfilment';

const LOCATIONS: SourcingLocation[] = [
  { id: 'wh-east', kind: 'warehouse', coordinates: { lat: 40.7, lon: -74.0 } },
  { id: 'wh-west', kind: 'warehouse', coordinates: { lat: 34.05, lon: -118.25 } },
  {
    id: 'store-042',
    kind: 'store',
    coordinates: { lat: 45.52, lon: -122.68 },
    channelLocationIds: { shopify: '7001' },
  },
  { id: 'store-017', kind: 'store', channelLocationIds: { shopify: '7017', square: 'L17' } },
];
const NETWORK = { locations: LOCATIONS, channelRanking: ['wh-east', 'store-042'] };

function ruleSet(rules: unknown[], extra: Record<string, unknown> = {}): SourcingRuleSet {
  const checked = validateSourcingRules({ rules, ...extra }, LOCATIONS);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return { ...checked.rules, version: 3, updatedAt: '2026-12-01T00:00:00.000Z', updatedBy: 'test' };
}

function order(overrides: Partial<SourcingOrder> = {}): SourcingOrder {
  return {
    channel: 'shopify',
    lines: [{ sku: 'TEE-RED-M' }, { sku: 'TEE-BLUE-L' }],
    shippingAddress: { countryCode: 'US', postalCode: '97201' },
    ...overrides,
  };
}

const ZONES = {
  zones: {
    'us-west': { countries: ['US'], postalPrefixes: ['9'], centre: { lat: 45.5, lon: -122.6 } },
    'us-rest': { countries: ['US'], centre: { lat: 40.7, lon: -74.0 } },
  },
};

describe('validateSourcingRules', () => {
  test('fills the defaults of a rule that names only its locations', () => {
    const checked = validateSourcingRules({ rules: [{ id: 'all', locations: ['wh-east'] }] }, LOCATIONS);

    expect(checked).toEqual({
      ok: true,
      rules: {
        zones: {},
        categories: {},
        rules: [{ id: 'all', when: {}, locations: ['wh-east'], rankBy: ['priority'], split: { mode: 'split' } }],
      },
    });
  });

  test('names the path of a location the inventory policy does not know', () => {
    const checked = validateSourcingRules({ rules: [{ id: 'a', locations: ['wh-east', 'store-999'] }] }, LOCATIONS);

    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.issues).toEqual([
      {
        path: 'rules.0.locations.1',
        message:
          '"store-999" is not a location of the inventory policy (wh-east, wh-west, store-042, store-017) nor "pickup-store"',
      },
    ]);
  });

  test('refuses a repeated rule id, naming the first rule that has it', () => {
    const checked = validateSourcingRules(
      {
        rules: [
          { id: 'a', locations: ['wh-east'] },
          { id: 'a', locations: ['wh-west'] },
        ],
      },
      LOCATIONS,
    );

    expect(!checked.ok && checked.issues).toEqual([{ path: 'rules.1.id', message: 'repeats the id "a" of rules.0' }]);
  });

  test('refuses a pickup rule without the pickup store, and the pickup store on a rule for shipping', () => {
    const checked = validateSourcingRules(
      {
        rules: [
          { id: 'pickup', when: { deliveryMethods: ['pickup'] }, locations: ['store-042'] },
          { id: 'ship', when: { deliveryMethods: ['ship'] }, locations: ['pickup-store', 'wh-east'] },
        ],
      },
      LOCATIONS,
    );

    expect(!checked.ok && checked.issues.map((issue) => issue.path)).toEqual([
      'rules.0.locations',
      'rules.1.when.deliveryMethods',
    ]);
  });

  test('refuses distance ranking over a location without coordinates, an unknown zone and a misspelt field', () => {
    const checked = validateSourcingRules(
      {
        ...ZONES,
        rules: [
          { id: 'near', when: { zones: ['us-north'] }, locations: ['store-017'], rankBy: ['distance'] },
          { id: 'typo', locations: ['wh-east'], rankby: ['stock'] },
        ],
      },
      LOCATIONS,
    );

    expect(!checked.ok && checked.issues).toEqual(
      expect.arrayContaining([
        {
          path: 'rules.0.rankBy',
          message: 'ranks by distance but "store-017" has no coordinates in the inventory policy',
        },
        { path: 'rules.0.when.zones.0', message: `"us-north" is not one of this rule set's zones` },
        expect.objectContaining({ path: 'rules.1' }),
      ]),
    );
  });

  test('refuses a ship-from-store rule listing a warehouse and ship complete over several parts', () => {
    const checked = validateSourcingRules(
      {
        rules: [
          { id: 'sfs', when: { deliveryMethods: ['ship_from_store'] }, locations: ['store-042', 'wh-east'] },
          { id: 'one-box', locations: ['wh-east'], split: { mode: 'ship_complete', maxParts: 2 } },
        ],
      },
      LOCATIONS,
    );

    expect(!checked.ok && checked.issues.map((issue) => issue.path)).toEqual([
      'rules.0.locations.1',
      'rules.1.split.maxParts',
    ]);
  });
});

describe('chooseSourcing', () => {
  test('uses the channel ranking, recorded as channel-default, when no rules are stored', () => {
    const decision = chooseSourcing(order(), undefined, NETWORK);

    expect(decision).toMatchObject({
      ruleId: CHANNEL_DEFAULT_RULE,
      ruleVersion: 0,
      deliveryMethod: 'ship',
      candidates: ['wh-east', 'store-042'],
      shipComplete: false,
      maxParts: 2,
    });
    expect(decision.reason).toMatch(/no sourcing rules are stored/);
  });

  test('the first rule whose criteria all hold decides; one that fails a criterion is skipped', () => {
    const rules = ruleSet([
      { id: 'amazon-only', when: { channels: ['amazon'] }, locations: ['wh-west'] },
      { id: 'tees', when: { skus: ['TEE-*'], countries: ['US'] }, locations: ['store-042', 'wh-east'] },
      { id: 'rest', locations: ['wh-east'] },
    ]);

    expect(chooseSourcing(order(), rules, NETWORK)).toMatchObject({
      ruleId: 'tees',
      ruleVersion: 3,
      candidates: ['store-042', 'wh-east'],
    });
    expect(chooseSourcing(order({ lines: [{ sku: 'TEE-RED-M' }, { sku: 'MUG-1' }] }), rules, NETWORK).ruleId).toBe(
      'rest',
    );
  });

  test('falls back to the channel ranking when no rule matches, saying which version was read', () => {
    const rules = ruleSet([{ id: 'ca', when: { countries: ['CA'] }, locations: ['wh-west'] }]);

    const decision = chooseSourcing(order(), rules, NETWORK);

    expect(decision.ruleId).toBe(CHANNEL_DEFAULT_RULE);
    expect(decision.reason).toMatch(/no rule of version 3 matched/);
  });

  test('matches a category as the SKUs of its patterns', () => {
    const rules = ruleSet([{ id: 'apparel', when: { categories: ['apparel'] }, locations: ['wh-west'] }], {
      categories: { apparel: { skus: ['TEE-*', 'HOODIE-*'] } },
    });

    expect(chooseSourcing(order(), rules, NETWORK).ruleId).toBe('apparel');
    expect(chooseSourcing(order({ lines: [{ sku: 'MUG-1' }] }), rules, NETWORK).ruleId).toBe(CHANNEL_DEFAULT_RULE);
  });

  test('ranks by distance from the destination zone centre, the nearest first', () => {
    const rules = ruleSet(
      [
        {
          id: 'near',
          when: { zones: ['us-west', 'us-rest'] },
          locations: ['wh-east', 'wh-west', 'store-042'],
          rankBy: ['distance'],
        },
      ],
      ZONES,
    );

    expect(chooseSourcing(order(), rules, NETWORK).candidates).toEqual(['store-042', 'wh-west', 'wh-east']);
    expect(
      chooseSourcing(order({ shippingAddress: { countryCode: 'US', postalCode: '10001' } }), rules, NETWORK).candidates,
    ).toEqual(['wh-east', 'store-042', 'wh-west']);
  });

  test('ranks by stock, the location covering most of the order first, priority breaking ties', () => {
    const rules = ruleSet([
      { id: 'stock', locations: ['wh-east', 'wh-west', 'store-042'], rankBy: ['stock', 'priority'] },
    ]);
    const cover: Record<string, number> = { 'wh-east': 1, 'wh-west': 3, 'store-042': 3 };

    const decision = chooseSourcing(order(), rules, NETWORK, (id) => cover[id]);

    expect(decision.candidates).toEqual(['wh-west', 'store-042', 'wh-east']);
    expect(decision.reason).toContain('wh-west (covers 3)');
  });

  test('a pickup order reserves at the store the customer chose only, named by the channel', () => {
    const rules = ruleSet([
      { id: 'pickup', when: { deliveryMethods: ['pickup'] }, locations: ['pickup-store'], storeSafetyStock: 1 },
    ]);

    const decision = chooseSourcing(
      order({ delivery: { method: 'pickup', channelLocationId: '7017' } }),
      rules,
      NETWORK,
    );

    expect(decision).toMatchObject({
      ruleId: 'pickup',
      deliveryMethod: 'pickup',
      candidates: ['store-017'],
      storeSafetyStock: 1,
    });
    expect(
      chooseSourcing(order({ delivery: { method: 'pickup', channelLocationId: '7017' } }), undefined, NETWORK)
        .candidates,
    ).toEqual(['store-017']);
  });

  test('a pickup at a location the policy does not map has no candidate, and says why', () => {
    const decision = chooseSourcing(
      order({ delivery: { method: 'pickup', channelLocationId: '9999' } }),
      undefined,
      NETWORK,
    );

    expect(decision.candidates).toEqual([]);
    expect(decision.reason).toContain('pickup location "9999" is no store of the inventory policy');
  });

  test('ship complete is one part; split caps the parts at maxParts', () => {
    const rules = ruleSet([
      {
        id: 'one-box',
        when: { channels: ['amazon'] },
        locations: ['wh-east', 'wh-west'],
        split: { mode: 'ship_complete' },
      },
      { id: 'two', locations: ['wh-east', 'wh-west', 'store-042'], split: { mode: 'split', maxParts: 2 } },
    ]);

    expect(chooseSourcing(order({ channel: 'amazon' }), rules, NETWORK)).toMatchObject({
      shipComplete: true,
      maxParts: 1,
    });
    expect(chooseSourcing(order(), rules, NETWORK)).toMatchObject({ shipComplete: false, maxParts: 2 });
  });
});

describe('destinationZone', () => {
  test('takes the first zone holding the country and, where it lists them, the postal prefix', () => {
    expect(destinationZone({ countryCode: 'US', postalCode: '97201' }, ZONES.zones)).toBe('us-west');
    expect(destinationZone({ countryCode: 'US', postalCode: '10001' }, ZONES.zones)).toBe('us-rest');
    expect(destinationZone({ countryCode: 'FR' }, ZONES.zones)).toBeUndefined();
  });
});

describe('updateSourcingRules', () => {
  function memoryStore(): SourcingRuleRepository & { versions: SourcingRuleSet[] } {
    const versions: SourcingRuleSet[] = [];
    return {
      versions,
      loadSourcingRules: async () => versions.at(-1),
      readSourcingRuleVersion: async (version) => versions.find((v) => v.version === version),
      listSourcingRuleVersions: async () => [...versions].reverse(),
      putSourcingRules: async (next) => {
        if (versions.some((v) => v.version === next.version)) return false;
        versions.push(next);
        return true;
      },
    };
  }
  const ports = (rules: SourcingRuleRepository) => ({
    rules,
    locations: LOCATIONS,
    now: () => new Date('2026-12-07T10:00:00.000Z'),
  });

  test('stores the next version and keeps the one before', async () => {
    const rules = memoryStore();
    await updateSourcingRules({ rules: [{ id: 'a', locations: ['wh-east'] }] }, { updatedBy: 'ops:ann' }, ports(rules));

    const second = await updateSourcingRules(
      { rules: [{ id: 'b', locations: ['wh-west'] }] },
      { updatedBy: 'ops:bo', expectedVersion: 1 },
      ports(rules),
    );

    expect(second).toMatchObject({ outcome: 'saved', ruleSet: { version: 2, updatedBy: 'ops:bo' } });
    expect(rules.versions.map((v) => v.rules[0].id)).toEqual(['a', 'b']);
  });

  test('refuses to write over a version other than the one expected', async () => {
    const rules = memoryStore();
    await updateSourcingRules({ rules: [] }, { updatedBy: 'ops:ann' }, ports(rules));

    const outcome = await updateSourcingRules({ rules: [] }, { updatedBy: 'ops:bo', expectedVersion: 0 }, ports(rules));

    expect(outcome).toEqual({
      outcome: 'conflict',
      currentVersion: 1,
      message: 'expectedVersion is 0 but the rules are at version 1',
    });
  });

  test('stores nothing when the rules are not valid', async () => {
    const rules = memoryStore();

    const outcome = await updateSourcingRules({ rules: [{ id: 'a' }] }, { updatedBy: 'ops:ann' }, ports(rules));

    expect(outcome).toMatchObject({ outcome: 'invalid', issues: [{ path: 'rules.0.locations' }] });
    expect(rules.versions).toEqual([]);
  });
});
