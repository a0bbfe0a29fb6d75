import {
  EVENT_BUS_MAX_BYTES,
  ROUTED_DATA_PATHS,
  claimCheckKey,
  claimedWireEvent,
  needsClaimCheck,
} from '#events/claim-check';
import { toWireEvent, type FabricEvent } from '#domain/kernel/event';
import { routingRules, type EventPattern } from '#events/routing-rules';

/** The paths under `detail.data` the routing rules match on, dotted, by the detail-types they name. */
function dataPathsMatchedByTheRules(): Record<string, string[]> {
  const byDetailType = new Map<string, Set<string>>();
  for (const { pattern } of routingRules) {
    const data = pattern.detail?.data;
    if (!data || Array.isArray(data)) continue;
    const paths: string[][] = [];
    collectPaths(data, [], paths);
    for (const detailType of pattern['detail-type'] as string[]) {
      const known = byDetailType.get(detailType) ?? new Set<string>();
      for (const path of paths) known.add(path.join('.'));
      byDetailType.set(detailType, known);
    }
  }
  return Object.fromEntries([...byDetailType].map(([detailType, paths]) => [detailType, [...paths].sort()]));
}

function collectPaths(pattern: NonNullable<EventPattern['detail']>, prefix: string[], into: string[][]): void {
  for (const [key, value] of Object.entries(pattern)) {
    if (Array.isArray(value)) into.push([...prefix, key]);
    else if (value) collectPaths(value, [...prefix, key], into);
  }
}

function event(detailType: string, data: unknown): FabricEvent {
  return {
    id: 'evt-1',
    source: 'fabric.intake',
    detailType,
    time: '2026-12-06T16:00:00.000Z',
    correlationId: 'ord_1',
    schemaVersion: 1,
    data,
  };
}

const pointer = { bucket: 'claims', key: 'claim-checks/2026/12/06/OrderReceived/evt-1.json', bytes: 300_000 };

describe('the claim-check decision', () => {
  test('an event under the bus limit travels whole', () => {
    expect(needsClaimCheck(EVENT_BUS_MAX_BYTES - 1)).toBe(false);
  });

  test('an event of exactly the bus limit still travels whole', () => {
    expect(needsClaimCheck(EVENT_BUS_MAX_BYTES)).toBe(false);
  });

  test('an event one byte over the bus limit travels as a claim check', () => {
    expect(needsClaimCheck(EVENT_BUS_MAX_BYTES + 1)).toBe(true);
  });

  test('the limit is the 256 KiB EventBridge and SNS both take', () => {
    expect(EVENT_BUS_MAX_BYTES).toBe(256 * 1024);
  });
});

describe('the claimed event', () => {
  test('is stored by day, detail-type and event id, so a retry rewrites the same object', () => {
    expect(claimCheckKey(toWireEvent(event('OrderReceived', {})))).toBe(
      'claim-checks/2026/12/06/OrderReceived/evt-1.json',
    );
  });

  test('keeps the envelope and the pointer, and leaves the payload behind', () => {
    const whole = toWireEvent(event('OrderReceived', { order: { lines: 'x'.repeat(300_000) } }));

    const claimed = claimedWireEvent(whole, pointer);

    expect(claimed).toMatchObject({
      id: whole.id,
      source: whole.source,
      'detail-type': 'OrderReceived',
      time: whole.time,
    });
    expect(claimed.detail.metadata).toEqual({ ...whole.detail.metadata, claimCheck: pointer });
    expect(claimed.detail.data).toEqual({});
  });

  test('keeps the fields a routing rule matches on, so it is routed as the whole event would be', () => {
    const whole = toWireEvent(
      event('OrderStateChanged', {
        orderId: 'ord_1',
        to: 'cancelled',
        on: 'stock_refused',
        order: { lines: 'x'.repeat(300_000) },
      }),
    );

    expect(claimedWireEvent(whole, pointer).detail.data).toEqual({ to: 'cancelled', on: 'stock_refused' });
  });

  test('keeps exactly the fields the routing rules match on, for each detail-type', () => {
    // Every rule that filters on data names its detail-types, so a listing by detail-type is whole.
    const rulesFilteringDataOnAnyType = routingRules.filter(
      ({ pattern }) => pattern.detail?.data && !pattern['detail-type'],
    );
    expect(rulesFilteringDataOnAnyType).toEqual([]);
    const listed = Object.fromEntries(
      Object.entries(ROUTED_DATA_PATHS).map(([detailType, paths]) => [
        detailType,
        paths.map((path) => path.join('.')).sort(),
      ]),
    );

    expect(listed).toEqual(dataPathsMatchedByTheRules());
  });

  test('keeps no field of a detail-type no rule filters by its data', () => {
    const whole = toWireEvent(event('toString', { to: 'cancelled' }));

    expect(claimedWireEvent(whole, pointer).detail.data).toEqual({});
  });

  test('keeps a nested routed field at its path', () => {
    const whole = toWireEvent(
      event('PosTransactionRecorded', { transaction: { disposition: 'completed', lines: 'x'.repeat(300_000) } }),
    );

    expect(claimedWireEvent(whole, pointer).detail.data).toEqual({ transaction: { disposition: 'completed' } });
  });
});
