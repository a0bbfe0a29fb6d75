import fc from 'fast-check';
import { emptyPosition, type StockPosition } from '#domain/inventory/model';
import { pickReservationBuckets, pullIntoBase, spreadInflow, takeOutflow } from '#domain/inventory/buckets';
import {
  MAX_TRANSACTION_ACTIONS,
  chunkAllocations,
  decideReservation,
  planReservation,
  reservedQuantities,
  type ReservationLine,
} from '#domain/inventory/reservation';
import type { Allocation } from '#domain/inventory/records';

const RANKED = ['wh-east', 'store-042'];

function stock(sku: string, locationId: string, available: number, shard = 0): StockPosition {
  return { ...emptyPosition({ sku, locationId, shard }), onHand: available, sellableOnHand: available, available };
}

const firstBucket = () => 0;

describe('planReservation', () => {
  test('reserves a line whole at the first ranked location that can cover it', () => {
    const positions = [stock('TEE', 'wh-east', 2), stock('TEE', 'store-042', 5)];

    const plan = planReservation([{ lineId: '1', sku: 'TEE', quantity: 3 }], RANKED, positions, firstBucket);

    expect(plan.allocations).toEqual([{ lineId: '1', sku: 'TEE', locationId: 'store-042', shard: 0, quantity: 3 }]);
    expect(plan.lines).toEqual([{ lineId: '1', sku: 'TEE', requested: 3, reserved: 3, short: 0 }]);
  });

  test('splits a line over ranked locations in order when none can cover it alone', () => {
    const positions = [stock('TEE', 'wh-east', 2), stock('TEE', 'store-042', 2)];

    const plan = planReservation([{ lineId: '1', sku: 'TEE', quantity: 3 }], RANKED, positions, firstBucket);

    expect(plan.allocations.map((a) => [a.locationId, a.quantity])).toEqual([
      ['wh-east', 2],
      ['store-042', 1],
    ]);
  });

  test('lets a later line see what earlier lines of the order took', () => {
    const positions = [stock('TEE', 'wh-east', 3), stock('TEE', 'store-042', 3)];
    const lines = [
      { lineId: '1', sku: 'TEE', quantity: 2 },
      { lineId: '2', sku: 'TEE', quantity: 2 },
    ];

    const plan = planReservation(lines, RANKED, positions, firstBucket);

    expect(plan.allocations.map((a) => [a.lineId, a.locationId, a.quantity])).toEqual([
      ['1', 'wh-east', 2],
      ['2', 'store-042', 2],
    ]);
  });

  test("reports what no location can cover as the line's shortfall", () => {
    const plan = planReservation(
      [{ lineId: '1', sku: 'TEE', quantity: 5 }],
      RANKED,
      [stock('TEE', 'wh-east', 1)],
      firstBucket,
    );

    expect(plan.lines).toEqual([{ lineId: '1', sku: 'TEE', requested: 5, reserved: 1, short: 4 }]);
  });

  test('starts a sharded SKU at the given bucket and moves on to the next bucket that has the units', () => {
    const buckets = [stock('FLASH', 'wh-east', 5, 0), stock('FLASH', 'wh-east', 0, 1), stock('FLASH', 'wh-east', 5, 2)];

    const plan = planReservation([{ lineId: '1', sku: 'FLASH', quantity: 2 }], ['wh-east'], buckets, () => 1);

    expect(plan.allocations).toEqual([{ lineId: '1', sku: 'FLASH', locationId: 'wh-east', shard: 2, quantity: 2 }]);
  });

  test('does not promise units a bucket in deficit already owes', () => {
    const buckets = [stock('FLASH', 'wh-east', -3, 0), stock('FLASH', 'wh-east', 4, 1)];

    const plan = planReservation([{ lineId: '1', sku: 'FLASH', quantity: 4 }], ['wh-east'], buckets, firstBucket);

    expect(plan.lines[0]).toMatchObject({ reserved: 1, short: 3 });
  });

  test('never plans more than a bucket has, and accounts for every unit asked as reserved or short', () => {
    const scenario = fc.record({
      lines: fc.array(fc.record({ sku: fc.constantFrom('A', 'B'), quantity: fc.integer({ min: 1, max: 9 }) }), {
        minLength: 1,
        maxLength: 6,
      }),
      available: fc.array(fc.integer({ min: -3, max: 10 }), { minLength: 8, maxLength: 8 }),
      start: fc.nat(3),
    });
    fc.assert(
      fc.property(scenario, ({ lines, available, start }) => {
        const positions = ['A', 'B'].flatMap((sku, s) =>
          RANKED.flatMap((locationId, l) =>
            [0, 1].map((shard) => stock(sku, locationId, available[s * 4 + l * 2 + shard], shard)),
          ),
        );
        const requested: ReservationLine[] = lines.map((line, i) => ({ ...line, lineId: String(i) }));

        const plan = planReservation(requested, RANKED, positions, () => start % 2);

        for (const position of positions) {
          const taken = plan.allocations
            .filter((a) => a.sku === position.sku && a.locationId === position.locationId && a.shard === position.shard)
            .reduce((sum, a) => sum + a.quantity, 0);
          expect(taken).toBeLessThanOrEqual(Math.max(0, position.available));
        }
        for (const line of plan.lines) {
          const allocated = plan.allocations
            .filter((a) => a.lineId === line.lineId)
            .reduce((sum, a) => sum + a.quantity, 0);
          expect([line.reserved + line.short, allocated]).toEqual([line.requested, line.reserved]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('decideReservation', () => {
  const short = {
    allocations: [{ lineId: '1', sku: 'TEE', locationId: 'wh-east', shard: 0, quantity: 1 }],
    lines: [{ lineId: '1', sku: 'TEE', requested: 3, reserved: 1, short: 2 }],
  };
  const covered = {
    allocations: short.allocations,
    lines: [{ lineId: '1', sku: 'TEE', requested: 1, reserved: 1, short: 0 }],
  };

  test.each([
    ['reject', 'rejected', 0],
    ['partial', 'partially_reserved', 1],
    ['backorder', 'backordered', 1],
  ] as const)('under %s, a short order is %s holding %i allocation(s)', (policy, status, held) => {
    const decision = decideReservation(short, policy);

    expect([decision.status, decision.allocations.length]).toEqual([status, held]);
  });

  test('reserves a covered order whatever the policy', () => {
    expect(
      ['reject', 'partial', 'backorder'].map((policy) => decideReservation(covered, policy as 'reject').status),
    ).toEqual(['reserved', 'reserved', 'reserved']);
  });

  test('backorders an order of which nothing could be reserved, without holding anything', () => {
    expect(decideReservation({ allocations: [], lines: short.lines }, 'backorder')).toEqual({
      status: 'backordered',
      allocations: [],
    });
  });
});

describe('chunkAllocations', () => {
  const allocation = (i: number, shard = 0): Allocation => ({
    lineId: String(i),
    sku: `SKU-${i}`,
    locationId: 'wh-east',
    shard,
    quantity: 1,
  });

  test('keeps an ordinary order in one transaction', () => {
    expect(chunkAllocations(Array.from({ length: 49 }, (_, i) => allocation(i)))).toHaveLength(1);
  });

  test('splits a large order so that no part exceeds 100 actions: a bucket update and a ledger line each, plus part and header', () => {
    const chunks = chunkAllocations(Array.from({ length: 130 }, (_, i) => allocation(i)));

    expect(chunks.map((chunk) => chunk.length)).toEqual([49, 49, 32]);
    for (const chunk of chunks)
      expect(new Set(chunk.map((a) => a.sku)).size + chunk.length + 2).toBeLessThanOrEqual(MAX_TRANSACTION_ACTIONS);
  });

  test('counts one bucket update for several lines in the same bucket', () => {
    const sameBucket = Array.from({ length: 90 }, (_, i) => ({ ...allocation(i), sku: 'TEE' }));

    expect(chunkAllocations(sameBucket)).toHaveLength(1);
  });
});

describe('reservedQuantities', () => {
  test('sums the buckets of a line at a location, since buckets are not part of the event contract', () => {
    const allocations = [0, 1, 2].map((shard) => ({
      lineId: '1',
      sku: 'FLASH',
      locationId: 'wh-east',
      shard,
      quantity: 2,
    }));

    expect(reservedQuantities(allocations)).toEqual([
      { lineId: '1', sku: 'FLASH', locationId: 'wh-east', quantity: 6 },
    ]);
  });
});

describe('buckets of a sharded SKU', () => {
  const figures = (available: number[]) => available.map((a) => ({ available: a, sellableOnHand: Math.max(0, a) }));

  test('an inflow fills bucket deficits first, then spreads evenly', () => {
    expect(spreadInflow(figures([-2, 0, 5, 0]), 10)).toEqual([4, 2, 2, 2]);
  });

  test('an outflow takes from the buckets with most first, or is refused whole', () => {
    expect(takeOutflow(figures([1, 6, 3]), 7, 'available')).toEqual([0, 6, 1]);
    expect(takeOutflow(figures([1, 6, 3]), 11, 'available')).toBeUndefined();
  });

  test('a reservation takes one bucket whole when it can, else splits from the start bucket', () => {
    expect(pickReservationBuckets([1, 1, 4], 3, 0)).toEqual([{ shard: 2, quantity: 3 }]);
    expect(pickReservationBuckets([2, 1, 1], 3, 1)).toEqual([
      { shard: 1, quantity: 1 },
      { shard: 2, quantity: 1 },
      { shard: 0, quantity: 1 },
    ]);
  });

  test('bucket 0 draws what it needs for new non-sellable units from the others, as far as they can spare', () => {
    expect(pullIntoBase(figures([1, 4, 2]), 4)).toEqual([0, 3, 0]);
    expect(pullIntoBase(figures([0, 1, 1]), 5)).toEqual([0, 1, 1]);
  });

  test('conserves units: every inflow is spread in full, every outflow taken in full or not at all', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 20 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 60 }),
        (available, quantity) => {
          const buckets = figures(available);
          expect(spreadInflow(buckets, quantity).reduce((a, b) => a + b, 0)).toBe(quantity);
          const taken = takeOutflow(buckets, quantity, 'available');
          const spare = available.reduce((sum, a) => sum + Math.max(0, a), 0);
          if (spare < quantity) expect(taken).toBeUndefined();
          else {
            expect(taken!.reduce((a, b) => a + b, 0)).toBe(quantity);
            for (const [shard, part] of taken!.entries())
              expect(part).toBeLessThanOrEqual(Math.max(0, available[shard]));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
