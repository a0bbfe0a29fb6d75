import { regionSecrets } from '../../../infra/region-secrets';

describe("a 3PL's credentials", () => {
  const before = process.env.FABRIC_INVENTORY_POLICY;
  afterEach(() => {
    if (before === undefined) delete process.env.FABRIC_INVENTORY_POLICY;
    else process.env.FABRIC_INVENTORY_POLICY = before;
  });

  it('are read, by the release and the watch, where the inventory policy has a warehouse ShipBob runs', () => {
    process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
      locations: [{ id: 'wh-bob', name: 'ShipBob Chicago', kind: 'warehouse', fulfilledBy: 'shipbob' }],
      defaultChannel: {
        locations: ['wh-bob'],
        onShortage: 'reject',
        reservationTtlMinutes: 60,
        exposure: { bufferUnits: 0, percentOfAvailable: 100 },
      },
      channels: {},
    });

    expect(regionSecrets(['shopify']).find((secret) => secret.name === 'fabric/3pl/shipbob')).toEqual({
      name: 'fabric/3pl/shipbob',
      kind: '3pl',
      readBy: ['fulfilment-release', 'fulfilment-watch'],
    });
  });

  it('are not asked for where no warehouse is run by a 3PL', () => {
    delete process.env.FABRIC_INVENTORY_POLICY;

    expect(regionSecrets(undefined).map((secret) => secret.name)).not.toContain('fabric/3pl/shipbob');
  });
});
