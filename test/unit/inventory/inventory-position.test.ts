import fc from 'fast-check';
import {
  InsufficientStockError,
  POSITION_FIGURES,
  QUANTITY_NAMES,
  applyMovements,
  availableToSell,
  emptyPosition,
  guardsFor,
  movementDeltas,
  positionDrift,
  publishedAvailable,
  rebuildPosition,
  stockByLocation,
  type LedgerMovement,
  type StockPosition,
} from '#domain/inventory/model';
import type { QuantityName } from '#domain/inventory/movement';
import { thrownBy } from '../builders';

const key = { sku: 'APP-TSHIRT-001-RED-M', locationId: 'wh-east', shard: 0 };
let sequence = 0;

function movement(kind: LedgerMovement['kind'], quantity: number, extra: Partial<LedgerMovement> = {}): LedgerMovement {
  sequence += 1;
  return {
    movementId: `m${sequence}`,
    ...key,
    kind,
    quantity,
    reasonCode: 'TEST',
    reference: { kind: 'manual', id: `ref-${sequence}` },
    occurredAt: '2026-11-23T10:00:00.000Z',
    ...extra,
  };
}

function position(figures: Partial<Record<QuantityName, number>>): StockPosition {
  return applyMovements(
    emptyPosition(key),
    Object.entries(figures).flatMap(([name, quantity]) => {
      if (!quantity) return [];
      if (name === 'reserved') return [movement('reservation', quantity)];
      return [movement('adjustment', quantity, { direction: 'in', quantityName: name as QuantityName })];
    }),
  );
}

describe('available-to-sell', () => {
  test('is on hand less reserved, safety stock, damaged and quality control (the README example)', () => {
    const stock = { onHand: 120, reserved: 30, incoming: 40, safetyStock: 10, damaged: 4, qualityControl: 6 };

    expect(availableToSell(stock)).toBe(70);
  });

  test('is published as zero, never below, when units already promised are found damaged', () => {
    const promised = applyMovements(position({ onHand: 5 }), [movement('reservation', 5)]);

    const damaged = applyMovements(promised, [movement('adjustment', 2, { direction: 'in', quantityName: 'damaged' })]);

    expect(damaged.available).toBe(-2);
    expect(publishedAvailable(damaged.available)).toBe(0);
  });

  test("sums buckets per location and clamps each location, so one location's deficit does not eat another's stock", () => {
    const east = [
      { ...position({ onHand: 3 }), shard: 0 },
      { ...position({ onHand: 4 }), shard: 1 },
    ];
    const store = {
      ...applyMovements(position({ onHand: 1, reserved: 1 }), [
        movement('adjustment', 1, { direction: 'in', quantityName: 'damaged' }),
      ]),
      locationId: 'store-042',
    };

    const [eastStock, storeStock] = stockByLocation([...east, store], ['wh-east', 'store-042']);

    expect(eastStock).toMatchObject({ onHand: 7, available: 7, availableToSell: 7 });
    expect(storeStock).toMatchObject({ onHand: 1, reserved: 1, damaged: 1, available: -1, availableToSell: 0 });
  });
});

describe('movements', () => {
  test.each([
    ['receipt', {}, { onHand: 3 }],
    ['return', {}, { onHand: 3 }],
    ['transfer_in', {}, { onHand: 3 }],
    ['sale', {}, { onHand: -3 }],
    ['transfer_out', {}, { onHand: -3 }],
    ['reservation', {}, { reserved: 3 }],
    ['release', {}, { reserved: -3 }],
    ['fulfilment', {}, { onHand: -3, reserved: -3 }],
    ['adjustment', { direction: 'out' }, { onHand: -3 }],
    ['adjustment', { direction: 'in', quantityName: 'safetyStock' }, { safetyStock: 3 }],
  ] as const)('%s %j of 3 moves %j', (kind, extra, deltas) => {
    expect(movementDeltas(movement(kind, 3, extra))).toEqual(deltas);
  });

  test('lets a reservation take only available units', () => {
    const stock = position({ onHand: 10, reserved: 4, safetyStock: 2 });

    const error = thrownBy(InsufficientStockError, () => applyMovements(stock, [movement('reservation', 5)]));

    expect(error).toMatchObject({ figure: 'available', needed: 5, actual: 4 });
    expect(applyMovements(stock, [movement('reservation', 4)]).available).toBe(0);
  });

  test('records damage to units already promised (a fact), but never more damaged units than sound ones on hand', () => {
    const stock = position({ onHand: 3, reserved: 3 });

    expect(
      applyMovements(stock, [movement('adjustment', 3, { direction: 'in', quantityName: 'damaged' })]).damaged,
    ).toBe(3);
    expect(
      thrownBy(InsufficientStockError, () =>
        applyMovements(stock, [movement('adjustment', 4, { direction: 'in', quantityName: 'damaged' })]),
      ).figure,
    ).toBe('sellableOnHand');
  });

  test('guards a write on the position before it, with the net of all its movements', () => {
    const guards = guardsFor([
      movement('transfer_in', 2),
      movement('adjustment', 5, { direction: 'in', quantityName: 'damaged' }),
    ]);

    expect(guards).toEqual([{ figure: 'sellableOnHand', atLeast: 3 }]);
  });

  test('lets a fulfilment take only reserved units', () => {
    const stock = position({ onHand: 5, reserved: 1 });

    expect(thrownBy(InsufficientStockError, () => applyMovements(stock, [movement('fulfilment', 2)])).figure).toBe(
      'reserved',
    );
  });

  test('rebuilds a position from its ledger and names each figure that drifted', () => {
    const ledger = [movement('receipt', 10), movement('reservation', 3), movement('fulfilment', 1)];
    const stored = applyMovements(applyMovements(applyMovements(emptyPosition(key), [ledger[0]]), [ledger[1]]), [
      ledger[2],
    ]);

    expect(positionDrift(stored, rebuildPosition(key, ledger))).toEqual([]);
    expect(positionDrift({ ...stored, reserved: 3, available: 6 }, rebuildPosition(key, ledger))).toEqual([
      { figure: 'reserved', stored: 3, rebuilt: 2 },
      { figure: 'available', stored: 6, rebuilt: 7 },
    ]);
  });
});

/**
 * A model of two locations driven only through the domain's guarded `applyMovements`, the way the
 * store drives DynamoDB: an operation whose guard fails changes nothing, as a cancelled transaction.
 * It books every accepted operation independently of the ledger, to check conservation against it.
 */
type Operation =
  | { op: 'receipt' | 'return' | 'sale' | 'reserve' | 'write_off'; at: number; quantity: number }
  | { op: 'release' | 'fulfil'; reservation: number }
  | { op: 'transfer'; at: number; quantity: number }
  | { op: 'mark'; at: number; quantityName: 'damaged' | 'qualityControl' | 'safetyStock'; delta: number };

const LOCATIONS = ['wh-east', 'store-042'];

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    op: fc.constantFrom('receipt', 'return', 'sale', 'reserve', 'write_off'),
    at: fc.integer({ min: 0, max: 1 }),
    quantity: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({ op: fc.constantFrom('release', 'fulfil'), reservation: fc.nat(40) }),
  fc.record({
    op: fc.constant('transfer'),
    at: fc.integer({ min: 0, max: 1 }),
    quantity: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({
    op: fc.constant('mark'),
    at: fc.integer({ min: 0, max: 1 }),
    quantityName: fc.constantFrom('damaged', 'qualityControl', 'safetyStock'),
    delta: fc.integer({ min: -5, max: 5 }).filter((d) => d !== 0),
  }),
) as fc.Arbitrary<Operation>;

function runModel(
  operations: readonly Operation[],
  afterEach: (state: ReturnType<typeof newModel>, step: Operation) => void,
) {
  const state = newModel();
  for (const step of operations) {
    const writes = state.plan(step);
    if (!writes) continue;
    try {
      const next = writes.map(({ at, movements }) => ({
        at,
        position: applyMovements(state.positions[at], movements),
        movements,
      }));
      for (const { at, position, movements } of next) {
        state.positions[at] = position;
        state.ledger[at].push(...movements);
      }
      state.book(step);
      afterEach(state, step);
    } catch (error) {
      if (!(error instanceof InsufficientStockError)) throw error;
    }
  }
  return state;
}

function newModel() {
  const positions = LOCATIONS.map((locationId) => emptyPosition({ ...key, locationId }));
  const ledger: LedgerMovement[][] = LOCATIONS.map(() => []);
  const reservations: { at: number; quantity: number; open: boolean }[] = [];
  const books = { in: 0, out: 0 };
  const at = (index: number) => ({ ...key, locationId: LOCATIONS[index] });
  const state = {
    positions,
    ledger,
    reservations,
    books,
    plan(step: Operation): { at: number; movements: LedgerMovement[] }[] | undefined {
      switch (step.op) {
        case 'receipt':
        case 'return':
        case 'sale':
          return [{ at: step.at, movements: [movement(step.op, step.quantity, at(step.at))] }];
        case 'write_off':
          return [
            { at: step.at, movements: [movement('adjustment', step.quantity, { ...at(step.at), direction: 'out' })] },
          ];
        case 'reserve':
          return [{ at: step.at, movements: [movement('reservation', step.quantity, at(step.at))] }];
        case 'release':
        case 'fulfil': {
          const reservation = reservations[step.reservation % Math.max(1, reservations.length)];
          if (!reservation?.open) return undefined;
          return [
            {
              at: reservation.at,
              movements: [
                movement(step.op === 'fulfil' ? 'fulfilment' : 'release', reservation.quantity, at(reservation.at)),
              ],
            },
          ];
        }
        case 'transfer':
          return [
            { at: step.at, movements: [movement('transfer_out', step.quantity, at(step.at))] },
            { at: 1 - step.at, movements: [movement('transfer_in', step.quantity, at(1 - step.at))] },
          ];
        case 'mark':
          return [
            {
              at: step.at,
              movements: [
                movement('adjustment', Math.abs(step.delta), {
                  ...at(step.at),
                  direction: step.delta > 0 ? 'in' : 'out',
                  quantityName: step.quantityName,
                }),
              ],
            },
          ];
      }
    },
    book(step: Operation) {
      if (step.op === 'receipt' || step.op === 'return') books.in += step.quantity;
      if (step.op === 'sale' || step.op === 'write_off') books.out += step.quantity;
      if (step.op === 'reserve') reservations.push({ at: step.at, quantity: step.quantity, open: true });
      if (step.op === 'release' || step.op === 'fulfil') {
        const reservation = reservations[step.reservation % reservations.length];
        reservation.open = false;
        if (step.op === 'fulfil') books.out += reservation.quantity;
      }
    },
  };
  return state;
}

describe('any sequence of receipts, reservations, releases, sales, returns, transfers and adjustments', () => {
  const sequences = fc.array(operation, { minLength: 1, maxLength: 60 });

  test('never leaves a named quantity or sellable on hand below zero, nor a reservation or transfer promising units that are not there', () => {
    fc.assert(
      fc.property(sequences, (operations) => {
        runModel(operations, (state, step) => {
          for (const position of state.positions) {
            for (const name of [...QUANTITY_NAMES, 'sellableOnHand'] as const)
              expect(position[name]).toBeGreaterThanOrEqual(0);
            expect(publishedAvailable(position.available)).toBeGreaterThanOrEqual(0);
          }
          if (step.op === 'reserve' || step.op === 'transfer')
            expect(state.positions[step.at].available).toBeGreaterThanOrEqual(0);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('never drives available-to-sell below zero when no unit is damaged, counted away or held back', () => {
    const promisesOnly = fc.array(
      operation.filter((o) => ['receipt', 'return', 'reserve', 'release', 'fulfil', 'transfer'].includes(o.op)),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(promisesOnly, (operations) => {
        runModel(operations, (state) => {
          for (const position of state.positions) expect(position.available).toBeGreaterThanOrEqual(0);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('neither loses nor creates a unit: on hand is what came in less what went out, and reserved is what open reservations hold', () => {
    fc.assert(
      fc.property(sequences, (operations) => {
        const state = runModel(operations, () => undefined);
        const onHand = state.positions.reduce((sum, p) => sum + p.onHand, 0);
        expect(onHand).toBe(state.books.in - state.books.out);
        LOCATIONS.forEach((_, i) => {
          const held = state.reservations.filter((r) => r.open && r.at === i).reduce((sum, r) => sum + r.quantity, 0);
          expect(state.positions[i].reserved).toBe(held);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('leaves every position equal to the fold of its ledger', () => {
    fc.assert(
      fc.property(sequences, (operations) => {
        const state = runModel(operations, () => undefined);
        state.positions.forEach((stored, i) => {
          expect(positionDrift(stored, rebuildPosition(stored, state.ledger[i]))).toEqual([]);
          expect(POSITION_FIGURES.every((figure) => Number.isInteger(stored[figure]))).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});
