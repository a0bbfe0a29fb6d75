import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { PosTransactionRecorded } from '#domain/pos/events';
import { RefundReported } from '#domain/intake/events';
import { ShipmentConfirmed } from '#domain/orders/events';
import { toWireEvent, type FabricEvent } from '#domain/kernel/event';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { JournalEntry } from '#domain/accounting/journal-entry';
import type { PosTransaction } from '#domain/pos/transaction';
import { EventProbe, orderReceivedBody, queueDepth, stockOrder } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';
import { expectErrorLogs } from './support/expected-error-logs';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
// Nobody counted these orders' stock in: the journal books their shipments all the same, and the
// inventory-fulfilment consumer refuses them at ERROR, for a person to count the shelf.
const uncountedShipments = expectErrorLogs(/^ShipmentExceedsStockError: shipment SHP-JRN-/);
let fabric: LocalFabric;
let probe: EventProbe;
let orders: DynamoOrderRepository;

beforeAll(async () => {
  fabric = await startTestFabric('accounting-journal', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.accounting],
    'detail-type': ['JournalEntryPrepared'],
  });
  orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
});

afterAll(async () => {
  await fabric?.stop();
});

async function publish(body: string): Promise<void> {
  await fabric.clients.sns.send(new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: body }));
}

/** Every JournalEntryPrepared so far whose entry id is `entryId`, once the journal queue has settled. */
async function preparedEntries(entryId: string): Promise<FabricEvent<Record<string, any>>[]> {
  await eventually(`a JournalEntryPrepared for ${entryId}`, async () => {
    await probe.drain();
    return probe.distinct('JournalEntryPrepared').some((event) => event.data.entry.entryId === entryId)
      ? true
      : undefined;
  });
  await eventually('the accounting-journal queue to drain', async () =>
    (await queueDepth(fabric, fabric.resources.queues['accounting-journal'].url)) === 0 ? true : undefined,
  );
  await probe.drain();
  return probe.distinct('JournalEntryPrepared').filter((event) => event.data.entry.entryId === entryId);
}

it('prepares one balanced sale entry for a shipped order even when ShipmentConfirmed is delivered twice', async () => {
  const order = stockOrder('shopify', 'JRN-1001', [
    { sku: 'TEE-RED-M', quantity: 2 },
    { sku: 'MUG-WHITE', quantity: 1 },
  ]);
  await publish(orderReceivedBody(order));
  await eventually('the order in the order store', async () => (await orders.getOrder(order.orderId)) ?? undefined);
  const shipment = {
    shipmentId: 'SHP-JRN-1001',
    orderId: order.orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    shippedAt: '2026-11-23T15:00:00Z',
    lines: [
      { lineId: '1', sku: 'TEE-RED-M', quantity: 2 },
      { lineId: '2', sku: 'MUG-WHITE', quantity: 1 },
    ],
  };
  const confirmed = toWireEvent(createEvent(ShipmentConfirmed, { shipment }, { correlationId: order.orderId }));

  const entryId = `sale:${order.orderId}:SHP-JRN-1001`;
  await publish(JSON.stringify(confirmed));
  await preparedEntries(entryId);
  await publish(JSON.stringify(confirmed));
  await preparedEntries(entryId);
  // The same shipment confirmed again under a new event id (a warehouse retry) books nothing either.
  await publish(
    JSON.stringify(toWireEvent(createEvent(ShipmentConfirmed, { shipment }, { correlationId: order.orderId }))),
  );

  const prepared = await preparedEntries(entryId);
  expect(prepared).toHaveLength(1);
  const { entry, kind, orderId } = prepared[0].data;
  expect({ kind, orderId }).toEqual({ kind: 'sale', orderId: order.orderId });
  expect(JournalEntry.safeParse(entry).success).toBe(true);
  expect(entry.lines).toEqual(
    expect.arrayContaining([
      { account: '1320', debitMinor: 3000, creditMinor: 0, reference: `order:${order.orderId}:shipment:SHP-JRN-1001` },
      { account: '4000', debitMinor: 0, creditMinor: 2000, reference: `order:${order.orderId}:line:1` },
      { account: '4000', debitMinor: 0, creditMinor: 1000, reference: `order:${order.orderId}:line:2` },
    ]),
  );
});

it('prepares a POS sale entry by tender', async () => {
  const transaction: PosTransaction = {
    transactionId: 'store-042:R9:2026-11-23:77',
    key: { storeId: 'store-042', registerId: 'R9', businessDay: '2026-11-23', sequence: 77 },
    endedAt: '2026-11-23T10:02:11-05:00',
    currency: 'USD',
    disposition: 'completed',
    lines: [
      {
        lineNumber: 1,
        type: 'sale',
        itemCode: 'TSHIRT-RED-M',
        sku: 'TSHIRT-RED-M',
        quantity: 2,
        unitPrice: usd(2400),
        discount: usd(0),
        amount: usd(4800),
      },
    ],
    tax: usd(384),
    tenders: [
      { method: 'card', amount: usd(4000) },
      { method: 'cash', amount: usd(1184) },
    ],
    total: usd(5184),
  };
  const recorded = createEvent(
    PosTransactionRecorded,
    {
      transaction,
      batch: { storeId: 'store-042', businessDate: '2026-11-23', batchId: 'b1', uploadId: 'u1', lineNumber: 1 },
    },
    { correlationId: transaction.transactionId },
  );

  await publish(JSON.stringify(toWireEvent(recorded)));

  const [prepared] = await preparedEntries(`pos:${transaction.transactionId}`);
  expect(prepared.data.kind).toBe('pos_sale');
  expect(prepared.data.entry.lines).toEqual(
    expect.arrayContaining([
      {
        account: '1150',
        debitMinor: 4000,
        creditMinor: 0,
        reference: `pos:${transaction.transactionId}:tender:1`,
        memo: 'card',
      },
      {
        account: '1000',
        debitMinor: 1184,
        creditMinor: 0,
        reference: `pos:${transaction.transactionId}:tender:2`,
        memo: 'cash',
      },
      { account: '4000', debitMinor: 0, creditMinor: 4800, reference: `pos:${transaction.transactionId}:line:1` },
      { account: '2200', debitMinor: 0, creditMinor: 384, reference: `pos:${transaction.transactionId}:tax` },
    ]),
  );
});

it('reverses a refunded unit of a shipped order against what its sale booked', async () => {
  const order = stockOrder('shopify', 'JRN-2002', [{ sku: 'TEE-RED-M', quantity: 3 }]);
  await publish(orderReceivedBody(order));
  await eventually('the order in the order store', async () => (await orders.getOrder(order.orderId)) ?? undefined);
  const shipment = {
    shipmentId: 'SHP-JRN-2002',
    orderId: order.orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456785',
    shippedAt: '2026-11-23T15:00:00Z',
    lines: [{ lineId: '1', sku: 'TEE-RED-M', quantity: 3 }],
  };
  await publish(
    JSON.stringify(toWireEvent(createEvent(ShipmentConfirmed, { shipment }, { correlationId: order.orderId }))),
  );
  await preparedEntries(`sale:${order.orderId}:SHP-JRN-2002`);
  const refund = {
    channel: 'shopify' as const,
    channelOrderId: 'JRN-2002',
    orderId: order.orderId,
    channelRefundId: 'RF-2002-1',
    refundedAt: '2026-11-25T09:00:00Z',
    amount: usd(1000),
    lines: [{ channelLineId: 'JRN-2002-1', quantity: 1, restockType: 'no_restock' as const }],
    reason: 'customer return',
  };

  await publish(JSON.stringify(toWireEvent(createEvent(RefundReported, { refund }, { correlationId: order.orderId }))));

  const [reversal] = await preparedEntries('refund:shopify:RF-2002-1');
  expect(reversal.data).toMatchObject({ kind: 'refund', orderId: order.orderId });
  expect(reversal.data.entry.lines).toEqual([
    { account: '4000', debitMinor: 1000, creditMinor: 0, reference: `order:${order.orderId}:line:1` },
    { account: '1320', debitMinor: 0, creditMinor: 1000, reference: 'refund:shopify:RF-2002-1' },
  ]);
});

it('leaves a shipment of stock nobody counted in to a person: inventory refuses it at ERROR while the journal books it', async () => {
  const refused = await eventually(
    'the fulfilment refused',
    async () => uncountedShipments.kept(/SHP-JRN-1001/)[0],
    20_000,
  );

  expect(refused.message).toMatch(/retrying will not change that/);
});
