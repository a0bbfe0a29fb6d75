import { emptyPosition, type StockPosition } from '#domain/inventory/model';
import { coverAt, planReservation } from '#domain/inventory/reservation';

const RANKED = ['wh-east', 'store-042', 'store-017'];
const firstBucket = () => 0;

function stock(sku: string, locationId: string, available: number): StockPosition {
  return { ...emptyPosition({ sku, locationId, shard: 0 }), onHand: available, sellableOnHand: available, available };
}

const TWO_LINES = [
  { lineId: '1', sku: 'TEE', quantity: 2 },
  { lineId: '2', sku: 'MUG', quantity: 1 },
];

describe('planReservation under a sourcing decision', () => {
  test('ship complete takes the first location covering every line, passing over a better-ranked partial one', () => {
    const positions = [
      stock('TEE', 'wh-east', 5),
      stock('MUG', 'wh-east', 0),
      stock('TEE', 'store-042', 2),
      stock('MUG', 'store-042', 1),
    ];

    const plan = planReservation(TWO_LINES, RANKED, positions, firstBucket, { shipComplete: true });

    expect(plan.allocations.map((a) => [a.lineId, a.locationId, a.quantity])).toEqual([
      ['1', 'store-042', 2],
      ['2', 'store-042', 1],
    ]);
  });

  test('ship complete with no location covering everything plans at the one covering most, leaving the rest short', () => {
    const positions = [stock('TEE', 'wh-east', 2), stock('MUG', 'store-042', 1)];

    const plan = planReservation(TWO_LINES, RANKED, positions, firstBucket, { shipComplete: true });

    expect(plan.allocations.map((a) => a.locationId)).toEqual(['wh-east']);
    expect(plan.lines.map((line) => line.short)).toEqual([0, 1]);
  });

  test('never uses more locations than maxParts: what a further location has stays short', () => {
    const positions = [stock('TEE', 'wh-east', 1), stock('TEE', 'store-042', 1), stock('TEE', 'store-017', 1)];

    const plan = planReservation([{ lineId: '1', sku: 'TEE', quantity: 3 }], RANKED, positions, firstBucket, {
      maxParts: 2,
    });

    expect(plan.allocations.map((a) => a.locationId)).toEqual(['wh-east', 'store-042']);
    expect(plan.lines[0]).toMatchObject({ reserved: 2, short: 1 });
  });

  test('counts the locations an earlier part already holds against maxParts', () => {
    const positions = [stock('TEE', 'wh-east', 5), stock('TEE', 'store-042', 5)];

    const plan = planReservation([{ lineId: '1', sku: 'TEE', quantity: 2 }], RANKED, positions, firstBucket, {
      maxParts: 1,
      used: ['store-042'],
    });

    expect(plan.allocations.map((a) => a.locationId)).toEqual(['store-042']);
  });

  test("holds a store's safety stock back: the line goes where the units are not held back", () => {
    const positions = [stock('TEE', 'store-042', 3), stock('TEE', 'wh-east', 3)];
    const holdBack = (id: string) => (id.startsWith('store-') ? 2 : 0);

    const plan = planReservation(
      [{ lineId: '1', sku: 'TEE', quantity: 2 }],
      ['store-042', 'wh-east'],
      positions,
      firstBucket,
      {
        holdBack,
      },
    );

    expect(plan.allocations.map((a) => [a.locationId, a.quantity])).toEqual([['wh-east', 2]]);
    expect(coverAt([{ lineId: '1', sku: 'TEE', quantity: 2 }], 'store-042', positions, 2)).toBe(1);
  });

  test('without constraints plans exactly as before: whole at the first location that can, else split in rank order', () => {
    const positions = [stock('TEE', 'wh-east', 1), stock('TEE', 'store-042', 1), stock('TEE', 'store-017', 1)];
    const lines = [{ lineId: '1', sku: 'TEE', quantity: 3 }];

    expect(planReservation(lines, RANKED, positions, firstBucket, {})).toEqual(
      planReservation(lines, RANKED, positions, firstBucket),
    );
    expect(planReservation(lines, RANKED, positions, firstBucket).allocations).toHaveLength(3);
  });
});
