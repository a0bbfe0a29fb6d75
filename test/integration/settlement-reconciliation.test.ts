import path from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { reconcile, uploadSettlement } from '../../scripts/ops/reconcile';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { ShipmentConfirmed } from '#domain/orders/events';
import { toWireEvent } from '#domain/kernel/event';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoSettlementLedger } from '#shared/adapters/reconciliation-store';
import { computeOrderTotals, type Order } from '#domain/kernel/order';
import { amazonSettlementOrders } from '../fixtures/settlement/amazon-settlement-orders';
import { EventProbe, orderReceivedBody, queueDepth, stockOrder } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

const SETTLEMENT_ID = '24681357901';
const DAY_MS = 24 * 3600 * 1000;
let fabric: LocalFabric;
let probe: EventProbe;
let orders: DynamoOrderRepository;
let settlements: DynamoSettlementLedger;

beforeAll(async () => {
  fabric = await startTestFabric('settlement', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.settlement, EventSource.accounting] });
  orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
  settlements = new DynamoSettlementLedger(fabric.resources.tables.accounting);
});

afterAll(async () => {
  await fabric?.stop();
});

async function publish(body: string): Promise<void> {
  await fabric.clients.sns.send(new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: body }));
}

async function received(order: Order): Promise<void> {
  await publish(orderReceivedBody(order));
  await eventually(
    `order ${order.channelOrderId} stored`,
    async () => (await orders.getOrder(order.orderId)) ?? undefined,
  );
}

/** Ships the whole order `daysAgo` days ago and waits for its sale to be booked. */
async function shipped(order: Order, daysAgo: number): Promise<void> {
  const shipment = {
    shipmentId: `SHP-${order.channelOrderId}`,
    orderId: order.orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z999',
    shippedAt: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
    lines: order.lines.map((line) => ({ lineId: line.lineId, sku: line.sku!, quantity: line.quantity })),
  };
  await publish(
    JSON.stringify(toWireEvent(createEvent(ShipmentConfirmed, { shipment }, { correlationId: order.orderId }))),
  );
  await eventually(`the sale of ${order.channelOrderId}`, async () => {
    await probe.drain();
    return probe
      .distinct('JournalEntryPrepared')
      .some((event) => event.data.entry.entryId === `sale:${order.orderId}:${shipment.shipmentId}`)
      ? true
      : undefined;
  });
}

it('reconciles a dropped Amazon settlement: exactly a fee variance and an unknown order, fees booked, a stored report the ops command prints, and a late order reported never settled', async () => {
  const matched = stockOrder('amazon', '111-0000001-0000001', [{ sku: 'TEE-RED-M', quantity: 2 }]);
  const overcharged = stockOrder('amazon', '111-0000002-0000002', [{ sku: 'TEE-RED-M', quantity: 4 }]);
  const neverSettled = stockOrder('amazon', '111-0000003-0000003', [{ sku: 'TEE-RED-M', quantity: 1 }]);
  for (const order of [matched, overcharged, neverSettled]) await received(order);
  await shipped(matched, 20);
  await shipped(neverSettled, 20);

  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await uploadSettlement(fabric.resources, fabric.clients, [
      path.join(__dirname, '..', 'fixtures', 'settlement', 'amazon-settlement-v2.tsv'),
      'amazon',
    ]);
  } finally {
    log.mockRestore();
  }

  const { report, orders: settled } = await eventually(
    'the reconciliation report',
    async () => settlements.readReport(SETTLEMENT_ID),
    20_000,
  );
  expect(report.counts).toEqual({ lines: 6, orders: 3, matched: 1, variance: 1, unmatched: 1, accountLines: 1 });
  expect(settled.find((o) => o.channelOrderId === matched.channelOrderId)).toMatchObject({
    status: 'matched',
    orderId: matched.orderId,
    orderLineIds: ['1'],
  });
  const fees = await eventually('the settlement fee entry', async () => {
    await probe.drain();
    return probe.distinct('JournalEntryPrepared').find((event) => event.data.kind === 'marketplace_fees');
  });
  expect(fees.data.entry).toMatchObject({ entryId: `fees:amazon:${SETTLEMENT_ID}:1`, currency: 'USD' });
  const exceptions = probe.distinct('ReconciliationException').map((event) => event.data);
  expect(exceptions.map((e) => [e.reason, e.channelOrderId]).sort()).toEqual([
    ['FEE_VARIANCE', overcharged.channelOrderId],
    ['UNKNOWN_ORDER', '111-9999999-9999999'],
  ]);

  const printed: string[] = [];
  const print = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  try {
    await reconcile(fabric.resources, [SETTLEMENT_ID]);
  } finally {
    print.mockRestore();
  }
  expect(printed[0]).toContain(`amazon settlement ${SETTLEMENT_ID}  USD`);
  expect(printed.join('\n')).toContain('3 orders: 1 matched, 1 with a variance, 1 unmatched; 1 account-level lines');
  expect(printed.find((line) => line.includes('111-9999999-9999999'))).toMatch(/unmatched .*15\.00 .*UNKNOWN_ORDER/);
  expect(printed.find((line) => line.includes(overcharged.channelOrderId))).toMatch(
    /variance .*40\.00 +40\.00 +7\.00 +6\.00 +FEE_VARIANCE/,
  );

  // Both shipped 20 days ago; only the one the settlement did not name is overdue.
  await fabric.runScheduled('settlement-ingest');
  await fabric.runScheduled('settlement-ingest');
  const overdue = await eventually('a NEVER_SETTLED exception', async () => {
    await probe.drain();
    const found = probe.distinct('ReconciliationException').filter((event) => event.data.reason === 'NEVER_SETTLED');
    return found.length ? found : undefined;
  });
  expect(overdue.map((event) => event.data.orderId)).toEqual([neverSettled.orderId]);
  expect(await queueDepth(fabric, fabric.resources.queues['accounting-journal'].url)).toBe(0);
});

/** Uploads a fixture report as `ops settlement upload` does and waits for its stored reconciliation. */
async function settle(file: string, channel: 'amazon' | 'shopify', settlementId: string) {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await uploadSettlement(fabric.resources, fabric.clients, [
      path.join(__dirname, '..', 'fixtures', 'settlement', file),
      channel,
    ]);
  } finally {
    log.mockRestore();
  }
  return eventually(`the reconciliation of ${settlementId}`, async () => settlements.readReport(settlementId), 20_000);
}

async function exceptionsOf(settlementId: string, count: number) {
  return eventually(`${count} exceptions of ${settlementId}`, async () => {
    await probe.drain();
    const found = probe
      .distinct('ReconciliationException')
      .map((event) => event.data)
      .filter((data) => data.settlementId === settlementId);
    return found.length >= count ? found : undefined;
  });
}

it('reconciles an Amazon settlement V2 file per item and fee type: one referral fee variance, on its item, and matched + unmatched + other = the deposit', async () => {
  const { twoItems, feeOff, refunded } = amazonSettlementOrders();
  for (const order of [twoItems, feeOff, refunded]) await received(order);

  const { report, orders: settled } = await settle('amazon-settlement-v2-items.tsv', 'amazon', '24681357902');

  expect(report.balance).toEqual({
    rows: { matched: 22, unmatched: 2, other: 1 },
    matched: { amountMinor: 3628, currency: 'USD' },
    unmatched: { amountMinor: 850, currency: 'USD' },
    other: { amountMinor: -3999, currency: 'USD' },
    counted: { amountMinor: 479, currency: 'USD' },
    deposit: { amountMinor: 479, currency: 'USD' },
    balanced: true,
  });
  expect(settled.find((o) => o.channelOrderId === twoItems.channelOrderId)).toMatchObject({
    status: 'matched',
    orderLineIds: ['1', '2'],
  });
  const exceptions = await exceptionsOf('24681357902', 2);
  expect(exceptions.map((e) => [e.reason, e.channelOrderId, e.channelLineId, e.feeType]).sort()).toEqual([
    ['FEE_VARIANCE', feeOff.channelOrderId, '41000000000003', 'Commission'],
    ['UNKNOWN_ORDER', '112-9999999-9999999', undefined, undefined],
  ]);

  const printed: string[] = [];
  const print = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  try {
    await reconcile(fabric.resources, ['24681357902']);
  } finally {
    print.mockRestore();
  }
  expect(printed.join('\n')).toContain(
    'rows: matched 36.28 (22) + unmatched 8.50 (2) + other -39.99 (1) = 4.79; deposit 4.79',
  );
  expect(printed.join('\n')).toContain(
    'Order item 41000000000003  Commission -3.24, schedule -2.70  lines 15,16,17,18,19',
  );
});

it("keeps a Shopify payout's dispute clawback, adjustment and reserve out of the order's fees", async () => {
  const priced = (channelOrderId: string, unitMinor: number): Order => {
    const order = stockOrder('shopify', channelOrderId, [{ sku: 'TEE-RED-M', quantity: 1 }]);
    const lines = order.lines.map((line) => ({ ...line, unitPrice: { amountMinor: unitMinor, currency: 'USD' } }));
    return { ...order, lines, totals: computeOrderTotals({ ...order, lines }) };
  };
  const disputed = priced('5600000000201', 5300);
  for (const order of [disputed, priced('5600000000202', 12000)]) await received(order);

  const { report, orders: settled } = await settle('shopify-payout-dispute.json', 'shopify', '512467901');

  expect(report.balance).toMatchObject({ counted: { amountMinor: 9138, currency: 'USD' }, balanced: true });
  expect(report.counts).toMatchObject({ matched: 2, variance: 0, unmatched: 0 });
  expect(settled.find((o) => o.channelOrderId === disputed.channelOrderId)).toMatchObject({
    status: 'matched',
    fees: { amountMinor: 184 + 1500, currency: 'USD' },
    other: { amountMinor: -5300 + 200, currency: 'USD' },
  });
  // The exceptions go out in the same publish as the fee entry: once it is here, any exception is too.
  await eventually('the payout fee entry', async () => {
    await probe.drain();
    return probe
      .distinct('JournalEntryPrepared')
      .find((event) => event.data.entry.entryId === 'fees:shopify:512467901:1');
  });
  expect(
    probe
      .distinct('ReconciliationException')
      .filter((event) => event.data.settlementId === '512467901')
      .map((event) => event.data.reason),
  ).toEqual([]);
});
