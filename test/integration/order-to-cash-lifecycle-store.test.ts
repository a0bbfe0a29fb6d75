import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { applyLifecycleEvent, type LifecycleEvent } from '#domain/orders/lifecycle';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

let store: DynamoLifecycleStore;
let sequence = 0;
const nextOrderId = () => `ord_${String(++sequence).padStart(26, 'a')}`;

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  const resources = await provisionLocalResources(uniquePrefix('lifecycle-store'), clients);
  store = new DynamoLifecycleStore(resources.tables.orders, DynamoDBDocumentClient.from(clients.dynamodb));
});

const lines = Array.from({ length: 8 }, (_, i) => ({ lineId: `l${i + 1}`, quantity: 1 }));

async function postedOrder(): Promise<string> {
  const orderId = nextOrderId();
  await applyLifecycleEvent(
    store,
    orderId,
    { on: 'order_received', key: 'received', lines, totalMinor: 8000 },
    { eventId: 'e-received' },
  );
  await applyLifecycleEvent(store, orderId, { on: 'stock_reserved', key: 'reservation' }, { eventId: 'e-reserved' });
  await applyLifecycleEvent(
    store,
    orderId,
    { on: 'erp_posted', key: 'erp', erpDocumentId: 'doc' },
    { eventId: 'e-erp' },
  );
  return orderId;
}

describe('order lifecycle on DynamoDB Local', () => {
  it('lets eight consumers racing with one shipment each leave every unit counted once and one move per version', async () => {
    const orderId = await postedOrder();
    const shipments: LifecycleEvent[] = lines.map((line) => ({
      on: 'shipment_confirmed',
      key: `shipment:${line.lineId}`,
      lines: [line],
    }));

    // Each shipment twice, all at once: the version condition serialises them, the keys deduplicate.
    await Promise.all(
      [...shipments, ...shipments].map((event, i) =>
        applyLifecycleEvent(store, orderId, event, { eventId: `e-ship-${i}` }, 50),
      ),
    );

    const lifecycle = await store.load(orderId);
    expect(lifecycle).toMatchObject({ state: 'shipped', version: 3 + lines.length });
    expect(lifecycle?.facts.shipped).toEqual(Object.fromEntries(lines.map((line) => [line.lineId, 1])));
    const { moves } = await store.history(orderId);
    expect(moves.map((move) => move.version)).toEqual(Array.from({ length: 3 + lines.length }, (_, i) => i + 1));
    expect(moves.at(-1)).toMatchObject({ from: 'partially_shipped', to: 'shipped' });
  });

  it('starts a lifecycle once from an OrderReceived delivered again, three copies at once and one after', async () => {
    const orderId = nextOrderId();
    const received: LifecycleEvent = { on: 'order_received', key: 'received', lines, totalMinor: 8000 };

    const racing = await Promise.all(
      [1, 2, 3].map((n) => applyLifecycleEvent(store, orderId, received, { eventId: `e-received-${n}` })),
    );
    const later = await applyLifecycleEvent(store, orderId, received, { eventId: 'e-received-4' });

    expect([...racing, later].map((outcome) => outcome.outcome).sort()).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'moved',
    ]);
    expect(later).toEqual({ outcome: 'duplicate', from: 'none', to: 'received', version: 1 });
    expect(await store.load(orderId)).toMatchObject({ state: 'received', version: 1 });
    expect((await store.history(orderId)).moves).toEqual([
      expect.objectContaining({ from: 'none', to: 'received', on: 'order_received', key: 'received', version: 1 }),
    ]);
  });

  it('lets a cancellation racing a shipment win or lose, never both: the loser is refused with both states', async () => {
    const orderId = nextOrderId();
    await applyLifecycleEvent(
      store,
      orderId,
      { on: 'order_received', key: 'received', lines, totalMinor: 8000 },
      { eventId: 'e-received' },
    );

    const [reserved, cancelled] = await Promise.all([
      applyLifecycleEvent(store, orderId, { on: 'stock_reserved', key: 'reservation' }, { eventId: 'e-reserved' }),
      applyLifecycleEvent(store, orderId, { on: 'stock_refused', key: 'stock_refused' }, { eventId: 'e-refused' }),
    ]);

    const outcomes = [reserved.outcome, cancelled.outcome].sort();
    expect(outcomes).toEqual(['moved', 'refused']);
    const { refusals } = await store.history(orderId);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      from: expect.stringMatching(/^(reserved|cancelled)$/),
      to: expect.stringMatching(/^(reserved|cancelled)$/),
    });
  });

  it('loads the lifecycles of more orders than one batch read takes, and leaves out orders that have none', async () => {
    const received = Array.from({ length: 105 }, () => nextOrderId());
    await Promise.all(
      received.map((orderId) =>
        applyLifecycleEvent(
          store,
          orderId,
          { on: 'order_received', key: 'received', lines, totalMinor: 8000 },
          { eventId: 'e-received' },
        ),
      ),
    );
    const posted = await postedOrder();
    const unknown = nextOrderId();

    const loaded = await store.loadMany([...received, posted, unknown, posted]);

    expect(loaded.size).toBe(106);
    expect(received.every((orderId) => loaded.get(orderId)?.state === 'received')).toBe(true);
    expect(loaded.get(posted)).toEqual(await store.load(posted));
    expect(loaded.has(unknown)).toBe(false);
  });
});
