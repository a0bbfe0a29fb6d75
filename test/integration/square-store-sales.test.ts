import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { BusinessCentralSimulator } from '../../scripts/erp-simulator/business-central-simulator';
import { squareDeliveryHeaders, squareOrderEvent } from '../../scripts/sample/channel-samples';
import { EventSource } from '#events/catalog';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { journalDocumentNumber } from '#shared/erp/business-central/business-central.client';
import { readSquareFixture, squareFixtureSkus } from '../fixtures/square';
import { EventProbe, queueDepth } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

/**
 * Square as a store's till, through the real path: a signed order.updated, the fetch consumer reading
 * the order from the Square API stub, and for an in-person order at a Square location mapped to a
 * store, the POS path a store's batch upload takes: pos-stock-movements, accounting-journal and the
 * ERP connector posting the entry to the Business Central simulator.
 */

const LONDON = 'LBX9V0JZ1G7MN';
// Read by the fetch consumer's Square mapping on first use: the London location is the till of store-042.
process.env.FABRIC_SQUARE_STORE_LOCATIONS = JSON.stringify({
  [LONDON]: { storeId: 'store-042', timeZone: 'Europe/London' },
});

const stub = new ChannelApiStub();
const erp = new BusinessCentralSimulator();
let fabric: LocalFabric;
let probe: EventProbe;

beforeAll(async () => {
  await stub.start();
  await erp.start();
  fabric = await startTestFabric('square-till', { channelApiStub: stub, erpSimulator: erp });
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.pos, EventSource.accounting, EventSource.intake],
    'detail-type': ['PosTransactionRecorded', 'JournalEntryPrepared', 'OrderReceived'],
  });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const { key, sku } of squareFixtureSkus) await xref.mapSku('square', key, sku);
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
  await erp.stop();
});

/** Puts an order in the Square API stub under a fresh id, as Square would hold it. */
function squareHolds(order: Record<string, any>, changes: Record<string, unknown> = {}): Record<string, any> {
  const held = { ...order, ...changes };
  stub.square.orders.set(held.id, held);
  return held;
}

const tillSale = (id: string) => ({ ...readSquareFixture('retrieve-order-pos-vat-inclusive-gbp').order, id });
const tillReturn = (id: string, sourceOrderId: string) => {
  const { order } = JSON.parse(
    readFileSync(path.join(__dirname, '../fixtures/square/retrieve-order-till-return-gbp.json'), 'utf8'),
  );
  order.returns[0].source_order_id = sourceOrderId;
  return { ...order, id };
};

async function notify(body: string): Promise<number> {
  const url = `${fabric.apiUrl}/webhooks/square`;
  const response = await fetch(url, {
    method: 'POST',
    headers: squareDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.square, url),
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

async function receive(sku: string, quantity: number): Promise<void> {
  const response = await fetch(`${fabric.apiUrl}/inventory/adjustments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      type: 'receipt',
      sku,
      locationId: 'store-042',
      quantity,
      reference: { kind: 'erp_document', id: `PO-${sku}` },
    }),
  });
  expect(response.status).toBe(201);
}

async function onHand(sku: string): Promise<{ onHand: number; damaged: number }> {
  const response = await fetch(`${fabric.apiUrl}/availability/${sku}`);
  const view = (await response.json()) as { locations: { locationId: string; onHand: number; damaged: number }[] };
  const { onHand: units, damaged } = view.locations.find((location) => location.locationId === 'store-042') ?? {
    onHand: 0,
    damaged: 0,
  };
  return { onHand: units, damaged };
}

/** Every queue the sale passes through is empty: nothing more is on its way. */
async function settled(): Promise<void> {
  const queues = ['square-order-fetch', 'pos-stock-movements', 'accounting-journal', 'erp-journal-posting'];
  await eventually(
    'the till sale to settle',
    async () => {
      const depths = await Promise.all(queues.map((queue) => queueDepth(fabric, fabric.resources.queues[queue].url)));
      return depths.every((depth) => depth === 0) ? true : undefined;
    },
    20_000,
  );
}

/** The journal lines the ERP holds for a POS transaction's entry. */
const erpLinesOf = (transactionId: string) =>
  erp.journalLines.filter((line) => line.documentNumber === journalDocumentNumber(`pos:${transactionId}`));

const recordedTimes = (transactionId: string) =>
  probe.distinct('PosTransactionRecorded').filter((event) => event.data.transaction.transactionId === transactionId)
    .length;

async function journalEntries(transactionId: string): Promise<Record<string, any>[]> {
  await probe.drain();
  return probe
    .distinct('JournalEntryPrepared')
    .filter((event) => event.data.entry.entryId === `pos:${transactionId}`)
    .map((event) => event.data);
}

describe('a Square in-person sale at a store', () => {
  const saleId = 'SQ-TILL-SALE-0001';
  const transactionId = `store-042:square-${saleId}:2025-06-02:0`;

  it('moves the store stock, is journaled by tender and reaches the ERP', async () => {
    await receive('HOME-TOTE-CANVAS', 10);
    await receive('APP-HOODIE-GREY-L', 5);
    squareHolds(tillSale(saleId));

    expect(await notify(squareOrderEvent(saleId, LONDON))).toBe(202);

    expect(
      await eventually('store stock to move', async () => {
        const [totes, hoodies] = await Promise.all([onHand('HOME-TOTE-CANVAS'), onHand('APP-HOODIE-GREY-L')]);
        return totes.onHand === 7 && hoodies.onHand === 4 ? { totes, hoodies } : undefined;
      }),
    ).toEqual({ totes: { onHand: 7, damaged: 0 }, hoodies: { onHand: 4, damaged: 0 } });
    const lines = await eventually('the journal entry in the ERP', async () => {
      const posted = erpLinesOf(transactionId);
      return posted.length > 0 ? posted : undefined;
    });
    // Cash 25.50 in; 21.25 of revenue net of the 4.25 VAT out.
    expect(lines.map((line) => [line.accountNumber, line.amount]).sort()).toEqual([
      ['1000', 25.5],
      ['2200', -4.25],
      ['4000', -10],
      ['4000', -11.25],
    ]);
    const [entry] = await journalEntries(transactionId);
    expect(entry).toMatchObject({ kind: 'pos_sale', entry: { postingDate: '2025-06-02', currency: 'GBP' } });
    // A store sale, not an online order: nothing was stored or reserved for it.
    const order = await fetch(`${fabric.apiUrl}/orders/by-channel/square/${saleId}`);
    expect(order.status).toBe(404);
  });

  it('moves nothing twice when the notification is redelivered and a newer version of the sale arrives', async () => {
    const redelivered = squareOrderEvent(saleId, LONDON, 'order.updated', 'evt-till-redelivered');
    squareHolds(tillSale(saleId), { version: 5, updated_at: '2025-06-02T18:00:00Z' });

    expect(await notify(redelivered)).toBe(202);
    expect(await notify(redelivered)).toBe(200);
    expect(await notify(squareOrderEvent(saleId, LONDON, 'order.updated', 'evt-till-newer', 5))).toBe(202);
    // Recorded three times (the first delivery, the redelivered event's fetch, the newer version's).
    await eventually('the sale recorded again for each fetch', async () => {
      await probe.drain();
      return recordedTimes(transactionId) === 3 ? true : undefined;
    });
    await settled();

    expect(await Promise.all([onHand('HOME-TOTE-CANVAS'), onHand('APP-HOODIE-GREY-L')])).toEqual([
      { onHand: 7, damaged: 0 },
      { onHand: 4, damaged: 0 },
    ]);
    expect(await journalEntries(transactionId)).toHaveLength(1);
    expect(erpLinesOf(transactionId)).toHaveLength(4);
    expect(stub.callsTo(new RegExp(`^/v2/orders/${saleId}$`))).toHaveLength(3);
  });

  it('takes a tote refunded at the till back into the store as a store return', async () => {
    const returnId = 'SQ-TILL-RETURN-0001';
    const returnTransactionId = `store-042:square-${returnId}:2025-06-03:0`;
    squareHolds(tillReturn(returnId, saleId));

    expect(await notify(squareOrderEvent(returnId, LONDON))).toBe(202);

    await eventually('the tote back on hand', async () =>
      (await onHand('HOME-TOTE-CANVAS')).onHand === 8 ? true : undefined,
    );
    const lines = await eventually('the return in the ERP', async () => {
      const posted = erpLinesOf(returnTransactionId);
      return posted.length > 0 ? posted : undefined;
    });
    // 3.75 of revenue and 0.75 of VAT reversed; the 4.50 refund booked under square_refund, which the
    // default chart leaves to the suspense account (1190).
    expect(lines.map((line) => [line.accountNumber, line.amount]).sort()).toEqual([
      ['1190', -4.5],
      ['2200', 0.75],
      ['4000', 3.75],
    ]);
  });
});

describe('a Square in-person sale at a location mapped to no store', () => {
  it('stays an online order, as before: stored as shipped, moving no store stock', async () => {
    const id = 'SQ-TILL-UNMAPPED-0001';
    const before = await onHand('APP-HOODIE-GREY-L');
    squareHolds(tillSale(id), { location_id: 'LUNMAPPED00001' });

    expect(await notify(squareOrderEvent(id, 'LUNMAPPED00001'))).toBe(202);

    const stored = await eventually(`square order ${id}`, async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/square/${id}`);
      return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
    });
    expect(stored.order).toMatchObject({ channel: 'square', channelAccount: 'LUNMAPPED00001', status: 'shipped' });
    await settled();
    expect(await onHand('APP-HOODIE-GREY-L')).toEqual(before);
    await probe.drain();
    expect(
      probe.distinct('PosTransactionRecorded').filter((event) => event.data.transaction.transactionId.includes(id)),
    ).toEqual([]);
  });
});
