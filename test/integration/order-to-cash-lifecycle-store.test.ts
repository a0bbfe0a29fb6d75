import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { applyLifecycleEvent, type LifecycleEvent } from '#domain/orders/lifecycle';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';

let store: DynamoLifecycleStore;
let documents: DynamoDBDocumentClient;
let ordersTable: string;
let sequence = 0;
const nextOrderId = () => `ord_${String(++sequence).padStart(26, 'a')}`;

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  const resources = await provisionLocalResources(uniquePrefix('lifecycle-store'), clients);
  documents = DynamoDBDocumentClient.from(clients.dynamodb);
  ordersTable = resources.tables.orders;
  store = new DynamoLifecycleStore(ordersTable, documents);
});

const lines = Array.from({ length: 8 }, (_, i) => ({ lineId: `l${i + 1}`, quantity: 1 }));

const lifecycleItem = async (orderId: string) =>
  (await documents.send(new GetCommand({ TableName: ordersTable, Key: { pk: `ORDER#${orderId}`, sk: 'LIFECYCLE' } })))
    .Item;

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

  it('keeps a long-lived lifecycle within the 1 KiB of one write unit: its many moves are stored gzipped and read back whole', async () => {
    const orderId = await postedOrder();
    const { applied: threeMoves } = (await lifecycleItem(orderId)) ?? {};
    for (const line of lines.slice(0, 6))
      await applyLifecycleEvent(
        store,
        orderId,
        { on: 'shipment_confirmed', key: `shipment:${line.lineId}`, lines: [line] },
        { eventId: `00000000-0000-4000-8000-0000000000${line.lineId.slice(1).padStart(2, '0')}` },
      );

    // The first three moves stay as they are; nine would pass 1 KiB inline.
    expect(Object.keys(threeMoves).sort()).toEqual(['erp', 'received', 'reservation']);
    const item = await lifecycleItem(orderId);
    expect(item?.applied).toBeUndefined();
    // Its JSON, quotes and braces included, is longer than what DynamoDB bills.
    const { appliedGzip, ...rest } = item ?? {};
    expect(Buffer.byteLength(JSON.stringify(rest)) + appliedGzip.length).toBeLessThan(1024);
    const lifecycle = await store.load(orderId);
    expect(Object.keys(lifecycle?.applied ?? {})).toHaveLength(9);
    expect(lifecycle?.applied['shipment:l6']).toMatchObject({
      from: 'partially_shipped',
      to: 'partially_shipped',
      version: 9,
    });
    expect((await store.history(orderId)).moves.map((move) => move.key)).toEqual([
      'received',
      'reservation',
      'erp',
      ...lines.slice(0, 6).map((line) => `shipment:${line.lineId}`),
    ]);
    expect(
      await applyLifecycleEvent(store, orderId, { on: 'stock_reserved', key: 'reservation' }, { eventId: 'e-again' }),
    ).toEqual({
      outcome: 'duplicate',
      from: 'received',
      to: 'reserved',
      version: 2,
    });
  });

  it('reads a lifecycle whose many moves were stored as they are, and moves it on', async () => {
    const orderId = nextOrderId();
    const move = (key: string, from: string, to: string, version: number, on: string) => ({
      [key]: { from, to, version, on, eventId: `e-${key}`, recordedAt: `2026-12-01T10:00:0${version}.000Z` },
    });
    const applied = {
      ...move('received', 'none', 'received', 1, 'order_received'),
      ...move('reservation', 'received', 'reserved', 2, 'stock_reserved'),
      ...move('erp', 'reserved', 'posted_to_erp', 3, 'erp_posted'),
      ...move('shipment:l1', 'posted_to_erp', 'partially_shipped', 4, 'shipment_confirmed'),
      ...move('shipment:l2', 'partially_shipped', 'partially_shipped', 5, 'shipment_confirmed'),
    };
    await documents.send(
      new PutCommand({
        TableName: ordersTable,
        Item: {
          pk: `ORDER#${orderId}`,
          sk: 'LIFECYCLE',
          state: 'partially_shipped',
          version: 5,
          facts: {
            ordered: { l1: 1, l2: 1, l3: 1 },
            shipped: { l1: 1, l2: 1 },
            returnedUnits: 0,
            totalMinor: 3000,
            refundedMinor: 0,
          },
          applied,
          updatedAt: '2026-12-01T10:00:05.000Z',
        },
      }),
    );

    expect((await store.load(orderId))?.applied['shipment:l2']).toEqual({ ...applied['shipment:l2'] });
    expect((await store.history(orderId)).moves.map((entry) => entry.version)).toEqual([1, 2, 3, 4, 5]);
    expect(
      await applyLifecycleEvent(
        store,
        orderId,
        { on: 'shipment_confirmed', key: 'shipment:l3', lines: [{ lineId: 'l3', quantity: 1 }] },
        { eventId: 'e-shipment:l3' },
      ),
    ).toEqual({ outcome: 'moved', from: 'partially_shipped', to: 'shipped', version: 6 });
    expect((await lifecycleItem(orderId))?.appliedGzip).toBeDefined();
    expect((await store.history(orderId)).moves.map((entry) => [entry.key, entry.from, entry.to])).toEqual([
      ['received', 'none', 'received'],
      ['reservation', 'received', 'reserved'],
      ['erp', 'reserved', 'posted_to_erp'],
      ['shipment:l1', 'posted_to_erp', 'partially_shipped'],
      ['shipment:l2', 'partially_shipped', 'partially_shipped'],
      ['shipment:l3', 'partially_shipped', 'shipped'],
    ]);
  });
});
