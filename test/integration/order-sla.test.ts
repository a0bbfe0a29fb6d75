import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { loadOrderSlas } from '#domain/orders/sla-policy';
import type { LifecycleState, OrderLifecycle } from '#domain/orders/lifecycle';
import { EventProbe } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;
let store: DynamoLifecycleStore;
let probe: EventProbe;

beforeAll(async () => {
  fabric = await startTestFabric('order-sla', { scheduleIntervalMs: () => 0 });
  store = new DynamoLifecycleStore(fabric.resources.tables.orders);
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.orders], 'detail-type': ['OrderStuck'] });
});

afterAll(async () => {
  await fabric?.stop();
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** Moves an order's lifecycle to `state` at `at`, as the lifecycle consumer records a move. */
async function moveTo(orderId: string, state: LifecycleState, version: number, at: string): Promise<void> {
  const lifecycle: OrderLifecycle = {
    orderId,
    state,
    version,
    facts: { ordered: { 1: 1 }, shipped: {}, returnedUnits: 0, totalMinor: 1000, refundedMinor: 0 },
    applied: {},
  };
  await store.save(lifecycle, version - 1, {
    from: version === 1 ? 'none' : 'received',
    to: state,
    on: 'order_received',
    key: `k${version}`,
    eventId: `e-${orderId}-${version}`,
    recordedAt: at,
  });
}

async function stuckReported(): Promise<Record<string, any>[]> {
  await probe.drain();
  return probe.distinct('OrderStuck').map((event) => event.data);
}

describe('orders past their SLA', () => {
  it('reports an order overdue in its state once per stay, and neither an order within its SLA nor one resting where orders rest', async () => {
    const slas = loadOrderSlas();
    await moveTo('ord_sla_overdue', 'received', 1, minutesAgo(slas.received! + 5));
    await moveTo('ord_sla_in_time', 'received', 1, minutesAgo(1));
    await moveTo('ord_sla_shipped', 'shipped', 1, minutesAgo(60 * 24 * 30));

    await fabric.runScheduled('order-sla-watch');

    const [stuck] = await eventually('an OrderStuck event', async () =>
      (await stuckReported()).length ? stuckReported() : undefined,
    );
    expect(stuck).toMatchObject({ orderId: 'ord_sla_overdue', state: 'received', version: 1 });
    expect(Date.parse(stuck.deadline) - Date.parse(stuck.since)).toBe(slas.received! * 60_000);

    await fabric.runScheduled('order-sla-watch');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await stuckReported()).map((event) => event.orderId)).toEqual(['ord_sla_overdue']);
  });

  it('starts a new stay with its own deadline when the order moves on, and reports that one when it too runs over', async () => {
    const slas = loadOrderSlas();
    await moveTo('ord_sla_moves', 'received', 1, minutesAgo(slas.received! + slas.reserved! + 10));
    await moveTo('ord_sla_moves', 'reserved', 2, minutesAgo(slas.reserved! + 1));

    await fabric.runScheduled('order-sla-watch');

    await eventually(
      'the reserved stay reported',
      async () => (await stuckReported()).some((event) => event.orderId === 'ord_sla_moves') || undefined,
    );
    expect((await stuckReported()).filter((event) => event.orderId === 'ord_sla_moves')).toEqual([
      expect.objectContaining({ state: 'reserved', version: 2 }),
    ]);
  });
});
