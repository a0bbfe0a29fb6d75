import { loadInventoryPolicy } from '#domain/inventory/policy';
import { InsufficientStockError, applyMovements, emptyPosition, type StockPosition } from '#domain/inventory/model';
import {
  parseAdjustmentRequest,
  planAdjustment,
  summarizeChanges,
  type AdjustmentRequest,
} from '#domain/inventory/adjustment';
import { thrownBy } from '../builders';

const policy = loadInventoryPolicy({});
const reference = { kind: 'erp_document', id: 'PO-7731' } as const;
const at = '2026-11-23T10:00:00.000Z';

function parse(body: Record<string, unknown>, header?: string) {
  return parseAdjustmentRequest(body, header, policy);
}

function request(body: Record<string, unknown>): AdjustmentRequest {
  const parsed = parse({ adjustmentId: 'adj-1', reference, sku: 'FLASH', ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.request;
}

/** The buckets of a location with these on-hand units (and reserved units) per shard. */
function buckets(onHand: number[], reserved: number[] = onHand.map(() => 0), locationId = 'wh-east'): StockPosition[] {
  return onHand.map((units, shard) => {
    const key = { sku: 'FLASH', locationId, shard };
    const moves = [
      ...(units
        ? [
            {
              movementId: `r${shard}`,
              ...key,
              kind: 'receipt' as const,
              quantity: units,
              reasonCode: 'RECEIPT',
              reference,
              occurredAt: at,
            },
          ]
        : []),
      ...(reserved[shard]
        ? [
            {
              movementId: `s${shard}`,
              ...key,
              kind: 'reservation' as const,
              quantity: reserved[shard],
              reasonCode: 'ORDER_RESERVED',
              reference,
              occurredAt: at,
            },
          ]
        : []),
    ];
    return applyMovements(emptyPosition(key), moves);
  });
}

describe('parseAdjustmentRequest', () => {
  test('accepts a receipt keyed by the Idempotency-Key header', () => {
    const parsed = parse(
      { type: 'receipt', sku: 'TEE', locationId: 'wh-east', quantity: 12, reference },
      'po-7731-line-1',
    );

    expect(parsed).toMatchObject({
      ok: true,
      adjustmentId: 'po-7731-line-1',
      request: { type: 'receipt', quantity: 12, fromIncoming: false },
    });
  });

  test('names every failing field of a malformed request', () => {
    const parsed = parse({ type: 'receipt', sku: 'TEE', locationId: 'wh-east', quantity: -2 });

    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual(['reference', 'quantity']);
  });

  test('refuses an unknown location, a transfer to itself and a missing key', () => {
    const unknown = parse({ type: 'count', sku: 'TEE', locationId: 'wh-west', countedOnHand: 3, reference }, 'k');
    const toItself = parse(
      { type: 'transfer', sku: 'TEE', fromLocationId: 'wh-east', toLocationId: 'wh-east', quantity: 1, reference },
      'k',
    );
    const keyless = parse({ type: 'sale', sku: 'TEE', locationId: 'store-042', quantity: 1, reference });

    expect([unknown, toItself, keyless].map((p) => (p.ok ? [] : p.issues.map((issue) => issue.path)))).toEqual([
      ['locationId'],
      ['toLocationId'],
      ['adjustmentId'],
    ]);
  });

  test('requires a reason code for a named-quantity adjustment and refuses a zero delta', () => {
    const parsed = parse(
      { type: 'adjustment', sku: 'TEE', locationId: 'wh-east', quantityName: 'damaged', delta: 0, reference },
      'k',
    );

    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual(['reasonCode', 'delta']);
  });

  test('does not let anyone adjust reserved by hand', () => {
    const parsed = parse(
      {
        type: 'adjustment',
        sku: 'TEE',
        locationId: 'wh-east',
        quantityName: 'reserved',
        delta: -1,
        reasonCode: 'OOPS',
        reference,
      },
      'k',
    );

    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual(['quantityName']);
  });
});

describe('planAdjustment', () => {
  test("spreads a receipt over a sharded SKU's buckets", () => {
    const writes = planAdjustment(
      request({ type: 'receipt', locationId: 'wh-east', quantity: 50 }),
      'adj-1',
      buckets([0, 0, 0, 0]),
      at,
    );

    expect(writes.map((w) => [w.key.shard, w.movements.map((m) => [m.kind, m.quantity])])).toEqual([
      [0, [['receipt', 13]]],
      [1, [['receipt', 13]]],
      [2, [['receipt', 12]]],
      [3, [['receipt', 12]]],
    ]);
    expect(summarizeChanges(writes)).toEqual([{ locationId: 'wh-east', quantityName: 'onHand', delta: 50 }]);
  });

  test('marks units damaged on bucket 0, moving sellable units into it from other buckets first', () => {
    const writes = planAdjustment(
      request({ type: 'adjustment', locationId: 'wh-east', quantityName: 'damaged', delta: 3, reasonCode: 'DAMAGED' }),
      'adj-1',
      buckets([1, 4, 4]),
      at,
    );

    expect(
      writes.map((w) => [
        w.key.shard,
        w.movements.map((m) => `${m.kind}:${m.quantity}${m.quantityName ? `:${m.quantityName}` : ''}:${m.reasonCode}`),
      ]),
    ).toEqual([
      [1, ['transfer_out:2:SHARD_REBALANCE']],
      [0, ['transfer_in:2:SHARD_REBALANCE', 'adjustment:3:damaged:DAMAGED']],
    ]);
    expect(summarizeChanges(writes)).toEqual([{ locationId: 'wh-east', quantityName: 'damaged', delta: 3 }]);
  });

  test('counts against every bucket of the location, each checked for the on hand the count was computed from', () => {
    const writes = planAdjustment(
      request({ type: 'count', locationId: 'wh-east', countedOnHand: 7 }),
      'adj-1',
      buckets([5, 5], [0, 2]),
      at,
    );

    expect(
      writes.map((w) => [w.key.shard, w.expectOnHand, w.movements.map((m) => `${m.direction}:${m.quantity}`)]),
    ).toEqual([
      [0, 5, ['out:3']],
      [1, 5, []],
    ]);
  });

  test('transfers only units that are available, not those promised to orders', () => {
    const error = thrownBy(InsufficientStockError, () =>
      planAdjustment(
        request({ type: 'transfer', fromLocationId: 'wh-east', toLocationId: 'store-042', quantity: 4 }),
        'adj-1',
        [...buckets([5], [2]), ...buckets([0], [0], 'store-042')],
        at,
      ),
    );

    expect(error).toMatchObject({ figure: 'available', needed: 4, actual: 3 });
  });
});
