import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { walmartDeliveryHeaders, walmartOrderEvent } from '../../scripts/sample/channel-samples';
import { shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder } from '../../scripts/sample/sample-traffic';
import { EventSource } from '#events/catalog';
import { createEvent, toWireEvent } from '#domain/kernel/event';
import { orderIdFor } from '#domain/kernel/order';
import { ShipmentConfirmed } from '#domain/orders/events';
import { DEFAULT_INVENTORY_POLICY } from '#domain/inventory/policy';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { readWalmartFixture, walmartFixtureSkus } from '../fixtures/walmart';
import {
  EventProbe,
  availability,
  orderReceivedBody,
  postAdjustment,
  queueDepth,
  stockOrder,
} from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

// Read by return-intake at cold start: the Portland store is Shopify's location 40642627.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  locations: DEFAULT_INVENTORY_POLICY.locations.map((location) =>
    location.id === 'store-042' ? { ...location, channelLocationIds: { shopify: '40642627' } } : location,
  ),
});

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
// Two cores shared by every suite: a consumer may take a while to get to its message.
const SLOW = 30_000;
const stub = new ChannelApiStub();
let fabric: LocalFabric;
let probe: EventProbe;

beforeAll(async () => {
  await stub.start();
  fabric = await startTestFabric('refunds-in-full', { channelApiStub: stub, scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.accounting, EventSource.orders],
    'detail-type': ['JournalEntryPrepared', 'OrderStateChanged'],
  });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const { key, sku } of walmartFixtureSkus) await xref.mapSku('walmart', key, sku);
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

const publish = (body: string) =>
  fabric.clients.sns.send(new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: body }));

async function drained(...queues: string[]): Promise<void> {
  for (const name of queues)
    await eventually(
      `the ${name} queue to drain`,
      async () => ((await queueDepth(fabric, fabric.resources.queues[name].url)) === 0 ? true : undefined),
      SLOW,
    );
}

/** Waits for the order to be stored, so its refund does not wait out a retry for it. */
async function stored(orderId: string): Promise<void> {
  const orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
  await eventually(`order ${orderId} stored`, async () => ((await orders.getOrder(orderId)) ? true : undefined), SLOW);
}

async function dlqDepth(name: string): Promise<number> {
  return queueDepth(fabric, fabric.resources.queues[name].dlqUrl);
}

async function at(sku: string, locationId: string): Promise<Record<string, number>> {
  return (await availability(fabric, sku)).locations.find((l: { locationId: string }) => l.locationId === locationId);
}

async function receive(sku: string, quantity: number): Promise<void> {
  const answer = await postAdjustment(fabric, {
    type: 'receipt',
    sku,
    locationId: 'wh-east',
    quantity,
    reference: { kind: 'erp_document', id: `PO-${sku}` },
  });
  expect(answer.status).toBe(201);
}

it('a Shopify partial refund restocking one shipped tee puts it back on hand where it shipped from and reverses its tax apart from revenue, once', async () => {
  await receive('RIF-TEE', 5);
  // Two tees at 10.00 with 1.65 sales tax: 21.65.
  const base = stockOrder('shopify', '820982911946154601', [{ sku: 'RIF-TEE', quantity: 2 }]);
  const order = {
    ...base,
    lines: [
      {
        ...base.lines[0],
        channelLineId: '466157049',
        taxes: [{ name: 'Sales Tax', rate: '0.0825', amount: usd(165) }],
      },
    ],
    totals: { ...base.totals, tax: usd(165), total: usd(2165) },
  };
  await publish(orderReceivedBody(order));
  await eventually(
    'the tees reserved',
    async () => ((await at('RIF-TEE', 'wh-east'))?.reserved === 2 ? true : undefined),
    SLOW,
  );
  const shipment = {
    shipmentId: 'SHP-RIF-1',
    orderId: order.orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    shippedAt: '2026-11-28T09:00:00.000Z',
    lines: [{ lineId: '1', sku: 'RIF-TEE', quantity: 2 }],
  };
  await stored(order.orderId);
  await publish(
    JSON.stringify(toWireEvent(createEvent(ShipmentConfirmed, { shipment }, { correlationId: order.orderId }))),
  );
  await eventually(
    'the tees shipped',
    async () => ((await at('RIF-TEE', 'wh-east'))?.onHand === 3 ? true : undefined),
    SLOW,
  );

  // One tee back: 10.00 and 0.83 of tax, restocked at a Shopify location the policy does not map.
  const refund = JSON.stringify({
    id: 509562969,
    admin_graphql_api_id: 'gid://shopify/Refund/509562969',
    order_id: '820982911946154601',
    created_at: '2026-11-30T10:00:00-05:00',
    processed_at: '2026-11-30T10:00:00-05:00',
    note: 'Wrong size',
    refund_line_items: [
      {
        id: 104689539,
        line_item_id: 466157049,
        location_id: 40642626,
        quantity: 1,
        restock_type: 'return',
        subtotal_set: { shop_money: { amount: '10.00', currency_code: 'USD' } },
        total_tax_set: { shop_money: { amount: '0.83', currency_code: 'USD' } },
        line_item: { fulfillment_status: 'fulfilled' },
      },
    ],
    transactions: [{ id: 389404469, kind: 'refund', status: 'success', amount: '10.83', currency: 'USD' }],
    order_adjustments: [],
  });
  const secret = DEVELOPMENT_WEBHOOK_SECRETS.shopify;
  expect(
    (await postShopifyOrder(fabric.apiUrl, refund, shopifyDeliveryHeaders(refund, secret, 'refunds/create'))).status,
  ).toBe(202);
  await eventually(
    'the tee back on hand',
    async () => ((await at('RIF-TEE', 'wh-east'))?.onHand === 4 ? true : undefined),
    SLOW,
  );
  // Shopify sends the same refund again as a new event: nothing moves twice.
  await postShopifyOrder(fabric.apiUrl, refund, shopifyDeliveryHeaders(refund, secret, 'refunds/create'));
  await drained('return-intake', 'accounting-journal');

  expect(await at('RIF-TEE', 'wh-east')).toMatchObject({ onHand: 4, reserved: 0 });
  await probe.drain();
  const reversals = probe
    .distinct('JournalEntryPrepared')
    .filter((event) => event.data.entry.entryId === 'refund:shopify:509562969');
  expect(reversals).toHaveLength(1);
  const lines: { account: string; debitMinor: number; creditMinor: number }[] = reversals[0].data.entry.lines;
  const net = (account: string) =>
    lines.filter((line) => line.account === account).reduce((sum, line) => sum + line.debitMinor - line.creditMinor, 0);
  expect(net('4000')).toBe(1000);
  expect(net('2200')).toBe(83);
  expect(lines.reduce((sum, line) => sum + line.debitMinor - line.creditMinor, 0)).toBe(0);
  expect(await dlqDepth('return-intake')).toBe(0);
});

it('a Walmart refund of a line that never shipped releases its reservation and cancels the order instead of retrying into the DLQ', async () => {
  const [{ sku }] = walmartFixtureSkus;
  await receive(sku, 3);
  const purchaseOrderId = '208800000000925';
  const acknowledged = structuredClone(readWalmartFixture('get-order-cancelled-usd').order);
  acknowledged.purchaseOrderId = purchaseOrderId;
  const [line] = acknowledged.orderLines.orderLine;
  line.orderLineStatuses.orderLineStatus = [
    { status: 'Acknowledged', statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' } },
  ];
  line.statusDate = '2026-11-28T10:00:00.000Z';
  stub.walmart.orders.set(purchaseOrderId, acknowledged);
  const notify = (body: string) =>
    fetch(`${fabric.apiUrl}/webhooks/walmart`, {
      method: 'POST',
      headers: walmartDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.walmart),
      body,
    });
  expect((await notify(walmartOrderEvent(purchaseOrderId))).status).toBe(202);
  await eventually(
    'the tee reserved',
    async () => ((await at(sku, 'wh-east'))?.reserved === 1 ? true : undefined),
    SLOW,
  );

  await stored(orderIdFor('walmart', purchaseOrderId));
  // The buyer cancels before it ships: Walmart refunds the line's price and tax, the line still Acknowledged.
  const refunded = structuredClone(acknowledged);
  refunded.orderLines.orderLine[0].statusDate = '2026-11-29T10:00:00.000Z';
  refunded.orderLines.orderLine[0].refund = {
    refundId: '128594032925',
    refundCharges: {
      refundCharge: [
        {
          refundReason: 'BuyerCanceled',
          charge: {
            chargeType: 'PRODUCT',
            chargeName: 'ItemPrice',
            chargeAmount: { currency: 'USD', amount: -24.99 },
            tax: { taxName: 'Tax1', taxAmount: { currency: 'USD', amount: -2.06 } },
          },
        },
      ],
    },
  };
  stub.walmart.orders.set(purchaseOrderId, refunded);
  expect(
    (await notify(walmartOrderEvent(purchaseOrderId, { eventType: 'ORDER_UPDATES', subEventType: 'PO_LINE_REFUND' })))
      .status,
  ).toBe(202);

  await eventually(
    'the reservation released',
    async () => ((await at(sku, 'wh-east'))?.reserved === 0 ? true : undefined),
    SLOW,
  );
  const orderId = orderIdFor('walmart', purchaseOrderId);
  await eventually(
    'the order cancelled',
    async () => {
      await probe.drain();
      return probe
        .distinct('OrderStateChanged')
        .some((event) => event.data.orderId === orderId && event.data.to === 'cancelled')
        ? true
        : undefined;
    },
    SLOW,
  );
  await drained('return-intake', 'order-lifecycle');
  expect(await at(sku, 'wh-east')).toMatchObject({ onHand: 3, reserved: 0 });
  expect(await dlqDepth('order-lifecycle')).toBe(0);
  expect(await dlqDepth('return-intake')).toBe(0);
});

it('a Shopify refund restocking a shipped line at a mapped location and cancelling part of an unshipped one moves each once, the rest of the order still held', async () => {
  await receive('RIF-CAP', 1);
  await receive('RIF-MUG', 3);
  const base = stockOrder('shopify', '820982911946154602', [
    { sku: 'RIF-CAP', quantity: 1 },
    { sku: 'RIF-MUG', quantity: 2 },
  ]);
  const order = {
    ...base,
    lines: [
      { ...base.lines[0], channelLineId: '466157050' },
      { ...base.lines[1], channelLineId: '466157051' },
    ],
  };
  await publish(orderReceivedBody(order));
  await eventually(
    'the mugs reserved',
    async () => ((await at('RIF-MUG', 'wh-east'))?.reserved === 2 ? true : undefined),
    SLOW,
  );
  const shipment = {
    shipmentId: 'SHP-RIF-2',
    orderId: order.orderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    shippedAt: '2026-11-28T09:00:00.000Z',
    lines: [{ lineId: '1', sku: 'RIF-CAP', quantity: 1 }],
  };
  await stored(order.orderId);
  await publish(
    JSON.stringify(toWireEvent(createEvent(ShipmentConfirmed, { shipment }, { correlationId: order.orderId }))),
  );
  await eventually(
    'the cap shipped',
    async () => ((await at('RIF-CAP', 'wh-east'))?.onHand === 0 ? true : undefined),
    SLOW,
  );

  const refundLine = (lineItemId: number, restockType: string, locationId: number | null, amount: string) => ({
    id: lineItemId + 1,
    line_item_id: lineItemId,
    location_id: locationId,
    quantity: 1,
    restock_type: restockType,
    subtotal_set: { shop_money: { amount, currency_code: 'USD' } },
    total_tax_set: { shop_money: { amount: '0.00', currency_code: 'USD' } },
  });
  const refund = JSON.stringify({
    id: 509562970,
    order_id: '820982911946154602',
    created_at: '2026-11-30T10:00:00-05:00',
    refund_line_items: [
      refundLine(466157050, 'return', 40642627, '10.00'),
      refundLine(466157051, 'cancel', null, '10.00'),
    ],
    transactions: [{ id: 389404470, kind: 'refund', status: 'success', amount: '20.00', currency: 'USD' }],
  });
  const secret = DEVELOPMENT_WEBHOOK_SECRETS.shopify;
  expect(
    (await postShopifyOrder(fabric.apiUrl, refund, shopifyDeliveryHeaders(refund, secret, 'refunds/create'))).status,
  ).toBe(202);
  await eventually(
    'the cap back in the store',
    async () => ((await at('RIF-CAP', 'store-042'))?.onHand === 1 ? true : undefined),
    SLOW,
  );
  // The resend comes once the first delivery is done with: one that lands while the first still holds the
  // refund's idempotency record is retried after the queue's visibility timeout, longer than this test waits.
  await drained('return-intake');
  await postShopifyOrder(fabric.apiUrl, refund, shopifyDeliveryHeaders(refund, secret, 'refunds/create'));
  await drained('return-intake');

  expect(await at('RIF-CAP', 'store-042')).toMatchObject({ onHand: 1 });
  expect(await at('RIF-CAP', 'wh-east')).toMatchObject({ onHand: 0 });
  expect(await at('RIF-MUG', 'wh-east')).toMatchObject({ onHand: 3, reserved: 1 });
  expect(await dlqDepth('return-intake')).toBe(0);
});
