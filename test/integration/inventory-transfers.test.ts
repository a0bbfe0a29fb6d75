import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DynamoInventoryStore } from '#shared/adapters/inventory-store';
import { receiveTransfer, shipTransfer } from '../../scripts/ops/inventory';
import { isClean, verifyInventory } from '#domain/inventory/verification';
import { availability, orderReceivedBody, postAdjustment, stockOrder } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

// WooCommerce backorders, so that a transfer's receipt has an order to fill.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({ channels: { woocommerce: { onShortage: 'backorder' } } });

let fabric: LocalFabric;
let store: DynamoInventoryStore;
let sequence = 0;

beforeAll(async () => {
  fabric = await startTestFabric('inventory-transfers');
  store = new DynamoInventoryStore(fabric.resources.tables.inventory);
});

afterAll(async () => {
  await fabric?.stop();
});

/** A SKU no other test touches, with `onHand` received at the warehouse. */
async function warehouseSku(onHand: number): Promise<string> {
  const sku = `TRANSIT-${++sequence}`;
  const answer = await postAdjustment(fabric, {
    type: 'receipt',
    sku,
    locationId: 'wh-east',
    quantity: onHand,
    reference: { kind: 'erp_document', id: `PO-${sku}` },
  });
  expect(answer.status).toBe(201);
  return sku;
}

const ship = (sku: string, transferId: string, quantity: number) => ({
  type: 'transfer_shipped',
  sku,
  transferId,
  fromLocationId: 'wh-east',
  toLocationId: 'store-042',
  quantity,
  reference: { kind: 'transfer', id: transferId },
});
const receive = (sku: string, transferId: string, quantity: number) => ({
  type: 'transfer_received',
  sku,
  transferId,
  quantity,
  reference: { kind: 'transfer', id: transferId },
});

/** On hand, incoming and available-to-sell per location. */
async function figures(sku: string): Promise<Record<string, [number, number, number]>> {
  const view = await availability(fabric, sku);
  return Object.fromEntries(
    view.locations.map((l: Record<string, number> & { locationId: string }) => [
      l.locationId,
      [l.onHand, l.incoming, l.availableToSell],
    ]),
  );
}

describe('transfers in transit', () => {
  it('takes shipped units off hand at the origin and shows them incoming, not sellable, at the destination until received', async () => {
    const sku = await warehouseSku(10);
    const transferId = `T-${sku}`;

    const shipped = await postAdjustment(fabric, ship(sku, transferId, 4));

    expect(shipped.status).toBe(201);
    expect(shipped.body.transfer).toEqual({
      transferId,
      fromLocationId: 'wh-east',
      toLocationId: 'store-042',
      shipped: 4,
    });
    expect(await figures(sku)).toEqual({ 'wh-east': [6, 0, 6], 'store-042': [0, 4, 0] });

    const received = await postAdjustment(fabric, receive(sku, transferId, 4));

    expect(received.status).toBe(201);
    expect(received.body.transfer).toMatchObject({ shipped: 4, received: 4 });
    expect(await figures(sku)).toEqual({ 'wh-east': [6, 0, 6], 'store-042': [4, 0, 4] });
  });

  it('records a shortfall on receipt as a TRANSFER_VARIANCE adjustment, and the ledger agrees with the positions', async () => {
    const sku = await warehouseSku(10);
    const transferId = `T-${sku}`;
    expect((await postAdjustment(fabric, ship(sku, transferId, 5))).status).toBe(201);

    const received = await postAdjustment(fabric, receive(sku, transferId, 3));

    expect(received.status).toBe(201);
    expect(received.body.changes).toEqual(
      expect.arrayContaining([
        { locationId: 'store-042', quantityName: 'incoming', delta: -5 },
        { locationId: 'store-042', quantityName: 'onHand', delta: 3 },
      ]),
    );
    expect(await figures(sku)).toEqual({ 'wh-east': [5, 0, 5], 'store-042': [3, 0, 3] });
    const ledger = await store.readLedger({ sku, locationId: 'store-042', shard: 0 });
    expect(ledger.filter((m) => m.reasonCode === 'TRANSFER_VARIANCE')).toEqual([
      expect.objectContaining({ kind: 'adjustment', direction: 'out', quantityName: 'incoming', quantity: 2 }),
    ]);
    const scan = await store.scanForVerification();
    const mine = <T extends { sku: string }>(items: T[]) => items.filter((item) => item.sku === sku);
    expect(isClean(verifyInventory(mine(scan.positions), mine(scan.movements), []))).toBe(true);
  });

  it('books a surplus on receipt onto on hand as a TRANSFER_VARIANCE', async () => {
    const sku = await warehouseSku(10);
    const transferId = `T-${sku}`;
    expect((await postAdjustment(fabric, ship(sku, transferId, 2))).status).toBe(201);

    expect((await postAdjustment(fabric, receive(sku, transferId, 3))).status).toBe(201);

    expect(await figures(sku)).toEqual({ 'wh-east': [8, 0, 8], 'store-042': [3, 0, 3] });
    const ledger = await store.readLedger({ sku, locationId: 'store-042', shard: 0 });
    expect(ledger.filter((m) => m.reasonCode === 'TRANSFER_VARIANCE')).toEqual([
      expect.objectContaining({ kind: 'adjustment', direction: 'in', quantity: 1 }),
    ]);
  });

  it('applies a transfer received twice at once, under two keys, once; a repeat of the same key answers the first result', async () => {
    const sku = await warehouseSku(10);
    const transferId = `T-${sku}`;
    expect((await postAdjustment(fabric, ship(sku, transferId, 4))).status).toBe(201);

    const answers = await Promise.all([
      postAdjustment(fabric, receive(sku, transferId, 4), `rcv-a-${transferId}`),
      postAdjustment(fabric, receive(sku, transferId, 4), `rcv-b-${transferId}`),
    ]);
    const repeat = await postAdjustment(fabric, receive(sku, transferId, 4), `rcv-a-${transferId}`);

    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)?.body.message).toMatch(`transfer ${transferId} was received already`);
    expect(repeat.status).toBe(answers[0].status === 201 ? 200 : 409);
    expect(await figures(sku)).toEqual({ 'wh-east': [6, 0, 6], 'store-042': [4, 0, 4] });
  });

  it('refuses a receipt of a transfer never shipped, a second shipment under the same id, and a shipment of units not available', async () => {
    const sku = await warehouseSku(3);
    expect((await postAdjustment(fabric, ship(sku, `T-${sku}`, 2))).status).toBe(201);

    const unshipped = await postAdjustment(fabric, receive(sku, `T-none-${sku}`, 1));
    const again = await postAdjustment(fabric, ship(sku, `T-${sku}`, 1));
    const tooMany = await postAdjustment(fabric, ship(sku, `T2-${sku}`, 2));
    const noId = await postAdjustment(fabric, { ...ship(sku, 'x', 1), transferId: undefined });

    expect([unshipped.status, again.status, tooMany.status, noId.status]).toEqual([409, 409, 409, 400]);
    expect(unshipped.body.message).toMatch('was never shipped');
    expect(again.body.message).toMatch('was shipped already');
    expect(noId.body.errors).toEqual([expect.objectContaining({ path: 'transferId' })]);
    expect(await figures(sku)).toEqual({ 'wh-east': [1, 0, 1], 'store-042': [0, 2, 0] });
  });

  it('fills a backordered order at the destination when the transfer is received', async () => {
    const sku = await warehouseSku(2);
    const transferId = `T-${sku}`;
    expect((await postAdjustment(fabric, ship(sku, transferId, 2))).status).toBe(201);
    const order = stockOrder('woocommerce', `transit-${sku}`, [{ sku, quantity: 2 }]);
    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
    );
    await eventually('the order to be backordered', async () =>
      (await store.readReservation(order.orderId)).header?.status === 'backordered' ? true : undefined,
    );

    expect((await postAdjustment(fabric, receive(sku, transferId, 2))).status).toBe(201);

    await eventually('the backorder to be filled', async () =>
      (await store.readReservation(order.orderId)).header?.status === 'reserved' ? true : undefined,
    );
    expect((await availability(fabric, sku)).locations[1]).toMatchObject({ locationId: 'store-042', reserved: 2 });
  });

  it('ops inventory transfer ship and receive apply each step once, even when run twice, and refuse a receipt with other figures', async () => {
    const sku = await warehouseSku(6);
    const transferId = `T-OPS-${sku}`;
    const printed: string[] = [];
    const print = (line: string) => void printed.push(line);

    await shipTransfer(fabric.resources, [transferId, sku, '4', '--from', 'wh-east', '--to', 'store-042'], print);
    await shipTransfer(fabric.resources, [transferId, sku, '4', '--from', 'wh-east', '--to', 'store-042'], print);
    await receiveTransfer(fabric.resources, [transferId, sku, '3'], print);

    expect(printed.filter((line) => line.startsWith('transfer'))).toEqual([
      `transfer ${transferId} shipped: 4 shipped from wh-east to store-042`,
      `transfer ${transferId} shipped (already recorded): 4 shipped from wh-east to store-042`,
      `transfer ${transferId} received: 4 shipped from wh-east to store-042, 3 arrived`,
    ]);
    await expect(receiveTransfer(fabric.resources, [transferId, sku, '4'], print)).rejects.toThrow(
      `transfer ${transferId} was already received with other figures`,
    );
    expect(await figures(sku)).toEqual({ 'wh-east': [2, 0, 2], 'store-042': [3, 0, 3] });
  });
});
