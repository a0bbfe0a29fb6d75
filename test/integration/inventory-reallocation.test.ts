import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClients, provisionLocalResources } from '../../scripts/local-fabric/provision';
import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { DEFAULT_INVENTORY_POLICY, InventoryPolicy } from '#domain/inventory/policy';
import { reserveOrderStock, type InventoryPorts } from '#domain/inventory/reservation';
import { AdjustmentRequest, adjustStock } from '#domain/inventory/adjustment';
import { moveReservation, type ReservationMove } from '#domain/inventory/reallocation';
import { readAvailability } from '#domain/inventory/exposure';
import type { FabricEvent } from '#domain/kernel/event';
import type { SourcingDecision } from '#domain/fulfilment';
import { sharedEmulators, uniquePrefix } from './support/test-fabric';
import { ledgerAgrees } from './support/inventory-support';

/** Shopify sells from two stores first, then the warehouse; a store that rejects a pick moves its units on. */
const policy = InventoryPolicy.parse({
  ...DEFAULT_INVENTORY_POLICY,
  locations: [
    { id: 'wh-east', name: 'East distribution centre', kind: 'warehouse' },
    { id: 'store-042', name: 'Portland store', kind: 'store' },
    { id: 'store-043', name: 'Bangor store', kind: 'store' },
  ],
  channels: { shopify: { locations: ['store-042', 'store-043', 'wh-east'], onShortage: 'reject' } },
});

let store: DynamoInventoryStore;
let ports: InventoryPorts;
const published: FabricEvent[] = [];
let sequence = 0;

beforeAll(async () => {
  const clients = localClients(sharedEmulators());
  const resources = await provisionLocalResources(uniquePrefix('inventory-reallocation'), clients);
  store = new DynamoInventoryStore(resources.tables.inventory, DynamoDBDocumentClient.from(clients.dynamodb));
  ports = { store, policy, publisher: { publish: async (events) => void published.push(...events) } };
});

/** A SKU no other test touches, received at each location as given. */
async function stockedSku(stock: Record<string, number>): Promise<string> {
  const sku = `MOVE-${++sequence}`;
  for (const [locationId, quantity] of Object.entries(stock)) {
    const request = AdjustmentRequest.parse({
      type: 'receipt',
      sku,
      locationId,
      quantity,
      reference: { kind: 'erp_document', id: `PO-${sku}` },
    });
    expect((await adjustStock(request, `rcv-${sku}-${locationId}`, ports)).kind).toBe('applied');
  }
  return sku;
}

async function reservedOrder(sku: string, quantity: number): Promise<string> {
  const orderId = `ord-move-${++sequence}`;
  const outcome = await reserveOrderStock(
    { orderId, channel: 'shopify', lines: [{ lineId: '1', sku, quantity }] },
    ports,
  );
  expect(outcome.status).toBe('reserved');
  return orderId;
}

async function heldAt(sku: string): Promise<Record<string, [number, number]>> {
  const view = await readAvailability(sku, store, policy);
  return Object.fromEntries(view.locations.map((l) => [l.locationId, [l.reserved, l.available]]));
}

const movedEvents = (orderId: string) =>
  new Map(
    published
      .filter(
        (event) => event.detailType === 'ReservationMoved' && (event.data as { orderId: string }).orderId === orderId,
      )
      .map((event) => [event.id, event]),
  );

const rejected = (orderId: string, moveId: string, exclude: string[] = []): ReservationMove => ({
  orderId,
  fromLocationId: 'store-042',
  moveId,
  reason: 'STORE_REJECTED',
  exclude,
});

describe('moving a reservation to the next location', () => {
  it('holds the units at the next candidate, releases them where they were, and says so in ReservationMoved', async () => {
    const sku = await stockedSku({ 'store-042': 3, 'store-043': 3, 'wh-east': 10 });
    const orderId = await reservedOrder(sku, 2);

    const outcome = await moveReservation(rejected(orderId, `${orderId}:move-1`), ports, { causationId: 'task-1' });

    expect(outcome).toEqual({
      outcome: 'moved',
      toLocationId: 'store-043',
      allocations: [{ lineId: '1', sku, locationId: 'store-043', quantity: 2 }],
    });
    expect(await heldAt(sku)).toEqual({ 'wh-east': [0, 10], 'store-042': [0, 3], 'store-043': [2, 1] });
    const { header, parts } = await store.readReservation(orderId);
    expect(header).toMatchObject({ status: 'reserved' });
    expect(header?.outbox).toBeUndefined();
    expect(parts.map((part) => [part.status, part.moveId])).toEqual([
      ['released', undefined],
      ['reserved', `${orderId}:move-1`],
    ]);
    const [event] = movedEvents(orderId).values();
    expect(event).toMatchObject({
      correlationId: orderId,
      causationId: 'task-1',
      data: {
        orderId,
        moveId: `${orderId}:move-1`,
        fromLocationId: 'store-042',
        toLocationId: 'store-043',
        reason: 'STORE_REJECTED',
        allocations: [{ lineId: '1', sku, locationId: 'store-043', quantity: 2 }],
      },
    });
    expect(await ledgerAgrees(store, sku)).toBe(true);
  });

  it('moves once when the same move id is asked four times at once, and answers a later repeat with the same move', async () => {
    const sku = await stockedSku({ 'store-042': 2, 'store-043': 5, 'wh-east': 5 });
    const orderId = await reservedOrder(sku, 2);
    const move = rejected(orderId, `${orderId}:move-1`);

    const outcomes = await Promise.all(Array.from({ length: 4 }, () => moveReservation(move, ports)));
    const repeat = await moveReservation(move, ports);

    for (const outcome of [...outcomes, repeat])
      expect(outcome).toMatchObject({ outcome: 'moved', toLocationId: 'store-043' });
    expect(await heldAt(sku)).toEqual({ 'wh-east': [0, 5], 'store-042': [0, 2], 'store-043': [2, 3] });
    expect((await store.readReservation(orderId)).parts).toHaveLength(2);
    expect(movedEvents(orderId).size).toBe(1);
    expect(await ledgerAgrees(store, sku)).toBe(true);
  });

  it('never promises a unit twice when two orders move to the same store at once: the one it cannot hold goes further', async () => {
    const sku = await stockedSku({ 'store-042': 4, 'store-043': 3, 'wh-east': 2 });
    const first = await reservedOrder(sku, 2);
    const second = await reservedOrder(sku, 2);

    const outcomes = await Promise.all([
      moveReservation(rejected(first, `${first}:move-1`), ports),
      moveReservation(rejected(second, `${second}:move-1`), ports),
    ]);

    expect(outcomes.map((o) => (o.outcome === 'moved' ? o.toLocationId : o.outcome)).sort()).toEqual([
      'store-043',
      'wh-east',
    ]);
    expect(await heldAt(sku)).toEqual({ 'wh-east': [2, 0], 'store-042': [0, 4], 'store-043': [2, 1] });
    expect(await ledgerAgrees(store, sku)).toBe(true);
  });

  it('leaves the units held when no other candidate can hold them all, and moves nothing a second time', async () => {
    const sku = await stockedSku({ 'store-042': 3, 'store-043': 1, 'wh-east': 1 });
    const orderId = await reservedOrder(sku, 3);

    const nowhere = await moveReservation(rejected(orderId, `${orderId}:move-1`), ports);
    const excluded = await moveReservation(rejected(orderId, `${orderId}:move-2`, ['store-043', 'wh-east']), ports);

    expect(nowhere).toEqual({ outcome: 'no_location' });
    expect(excluded).toEqual({ outcome: 'no_location' });
    expect(await heldAt(sku)).toEqual({ 'wh-east': [0, 1], 'store-042': [3, 0], 'store-043': [0, 1] });
    expect(movedEvents(orderId).size).toBe(0);
  });

  it('answers nothing_held for a second move of units another move already took away', async () => {
    const sku = await stockedSku({ 'store-042': 1, 'store-043': 1, 'wh-east': 1 });
    const orderId = await reservedOrder(sku, 1);
    await moveReservation(rejected(orderId, `${orderId}:rejected`), ports);

    const late = await moveReservation({ ...rejected(orderId, `${orderId}:sla`), reason: 'STORE_SLA_MISSED' }, ports);

    expect(late).toEqual({ outcome: 'nothing_held' });
    expect(await heldAt(sku)).toEqual({ 'wh-east': [0, 1], 'store-042': [0, 1], 'store-043': [1, 0] });
  });

  it("moves past a store that could only give the units by dipping into the safety stock its order's sourcing rule keeps", async () => {
    const sku = await stockedSku({ 'store-042': 2, 'store-043': 2, 'wh-east': 5 });
    const orderId = await reservedOrder(sku, 2);
    const { header } = await store.readReservation(orderId);
    const sourcing: SourcingDecision = {
      ruleId: 'stores-first',
      ruleVersion: 3,
      deliveryMethod: 'ship',
      candidates: ['store-042', 'store-043', 'wh-east'],
      shipComplete: false,
      maxParts: 2,
      reason: 'stores first, one unit kept for walk-in customers',
      storeSafetyStock: 1,
    };
    expect(
      (await store.putReservationHeader({ next: { ...header!, sourcing }, expect: { status: 'reserved' } })).kind,
    ).toBe('committed');

    const outcome = await moveReservation(rejected(orderId, `${orderId}:move-1`), ports);

    expect(outcome).toMatchObject({ outcome: 'moved', toLocationId: 'wh-east' });
    expect(await heldAt(sku)).toEqual({ 'wh-east': [2, 3], 'store-042': [0, 2], 'store-043': [0, 2] });
  });
});
