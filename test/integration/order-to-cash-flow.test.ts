import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog } from '../../scripts/sample/sample-traffic';
import { countSampleStock } from '../../scripts/sample/sample-stock';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { DynamoBreakerStore } from '#shared/adapters/erp-circuit-breaker';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { InventoryReserved, ReservationReleased } from '#domain/inventory/events';
import { JournalEntryPrepared } from '#domain/accounting/events';
import { ShipmentConfirmed } from '#domain/orders/events';
import { toWireEvent, type FabricEvent } from '#domain/kernel/event';
import type { Order } from '#domain/kernel/order';
import { EventProbe, orderReceivedBody, postAdjustment, stockOrder } from './support/inventory-support';
import { eventually, retryQuickly, startTestFabric } from './support/test-fabric';

// Short enough for a test to watch every path: a post unanswered after a second is a timeout, looked
// up three seconds later (the simulated ERP commits within them), three transient failures open the
// breaker, and it lets a probe through after one second.
Object.assign(process.env, {
  FABRIC_ERP_REQUEST_TIMEOUT_MS: '1000',
  FABRIC_ERP_COMMIT_HORIZON_MS: '3000',
  FABRIC_ERP_RETRY_ATTEMPTS: '3',
  FABRIC_ERP_RETRY_BASE_MS: '50',
  FABRIC_ERP_RETRY_MAX_MS: '500',
  FABRIC_ERP_BREAKER_FAILURES: '3',
  FABRIC_ERP_BREAKER_COOLDOWN_SECONDS: '1',
});

let fabric: LocalFabric;
let probe: EventProbe;
let lifecycles: DynamoLifecycleStore;
let orderNumber = 70_000 + Math.floor(Math.random() * 20_000);

beforeAll(async () => {
  fabric = await startTestFabric('order-to-cash', { scheduleIntervalMs: () => 0 });
  await retryQuickly(fabric, ['order-lifecycle', 'erp-sales-order-posting', 'erp-journal-posting']);
  probe = await EventProbe.subscribe(fabric, {
    source: [
      EventSource.intake,
      EventSource.inventory,
      EventSource.orders,
      EventSource.erp,
      EventSource.fulfilment,
      EventSource.accounting,
    ],
  });
  lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  await countSampleStock(fabric.apiUrl, fabric.resources.prefix);
});

afterAll(async () => {
  await fabric?.stop();
});

async function publish(event: FabricEvent): Promise<void> {
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(event)) }),
  );
}

async function sendShopifyOrder(): Promise<string> {
  const body = JSON.stringify(sampleShopifyOrder(orderNumber++));
  const answer = await postShopifyOrder(
    fabric.apiUrl,
    body,
    shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
  );
  expect(answer.status).toBe(202);
  return String(answer.body.orderId);
}

function stateOf(orderId: string, state: string, timeoutMs = 20_000) {
  return eventually(
    `order ${orderId} ${state}`,
    async () => ((await lifecycles.load(orderId))?.state === state ? true : undefined),
    timeoutMs,
  );
}

async function storedOrder(orderId: string): Promise<Order> {
  const response = await fetch(`${fabric.apiUrl}/orders/${orderId}`);
  return ((await response.json()) as { order: Order }).order;
}

function shipmentOf(order: Order) {
  return createEvent(
    ShipmentConfirmed,
    {
      shipment: {
        shipmentId: `shp-${order.orderId}`,
        orderId: order.orderId,
        locationId: 'wh-east',
        carrier: 'UPS',
        trackingNumber: `1Z${order.channelOrderId}`,
        shippedAt: new Date().toISOString(),
        lines: order.lines.map((line) => ({ lineId: line.lineId, sku: line.sku!, quantity: line.quantity })),
      },
    },
    { correlationId: order.orderId },
  );
}

async function dlqDepth(queue: string): Promise<number> {
  const { Attributes } = await fabric.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: fabric.resources.queues[queue].dlqUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

describe('order to cash through the local fabric and the ERP simulator', () => {
  let shippedOrderId: string;

  it('takes a signed Shopify order through reservation and the ERP to shipped, with one sales order although the ERP committed and timed out', async () => {
    fabric.erp.commitThenTimeout(1, 2500);

    const orderId = await sendShopifyOrder();
    await stateOf(orderId, 'posted_to_erp');
    await publish(shipmentOf(await storedOrder(orderId)));
    await stateOf(orderId, 'shipped');

    expect(fabric.erp.salesOrdersFor(orderId)).toHaveLength(1);
    const posted = fabric.erp.salesOrdersFor(orderId)[0];
    expect(posted).toMatchObject({
      customerNumber: 'SHOPIFY',
      salesOrderLines: expect.arrayContaining([expect.objectContaining({ lineType: 'Item' })]),
    });
    await probe.drain();
    // Redeliveries republish (at least once); every copy names the one document, and the first was found, not posted twice.
    const announced = probe.distinct('ErpSalesOrderPosted').filter((event) => event.data.orderId === orderId);
    expect(announced[0].data).toMatchObject({
      erpDocumentId: posted.id,
      erpDocumentNumber: posted.number,
      foundExisting: true,
    });
    expect(new Set(announced.map((event) => event.data.erpDocumentId))).toEqual(new Set([posted.id]));
    const history = await lifecycles.history(orderId);
    expect(history.moves.map((move) => move.to)).toEqual(['received', 'reserved', 'posted_to_erp', 'shipped']);
    expect(history.refusals).toEqual([]);
    shippedOrderId = orderId;
  });

  it('changes nothing when every event of that order is delivered a second time', async () => {
    const before = await lifecycles.load(shippedOrderId);
    const events = (await probe.drain()).filter(
      (event) => event.correlationId === shippedOrderId && event.detailType !== 'OrderTransitionRefused',
    );
    const seen = new Set<string>();
    const once = events.filter((event) => !seen.has(event.id) && seen.add(event.id));
    expect(once.map((event) => event.detailType)).toEqual(
      expect.arrayContaining(['OrderReceived', 'InventoryReserved', 'OrderStateChanged', 'ErpSalesOrderPosted']),
    );

    for (const event of once) await publish(event);
    await publish(shipmentOf(await storedOrder(shippedOrderId)));
    // The replayed ErpSalesOrderPosted and OrderStateChanged(reserved) have been through their consumers once these are back.
    await eventually('the replayed events consumed', async () => {
      const republished = (await probe.drain()).filter(
        (event) => event.correlationId === shippedOrderId && event.detailType === 'ErpSalesOrderPosted',
      );
      return new Set(republished.map((event) => event.id)).size >= 2 ? true : undefined;
    });

    expect(fabric.erp.salesOrdersFor(shippedOrderId)).toHaveLength(1);
    expect(await lifecycles.load(shippedOrderId)).toEqual(before);
    expect((await lifecycles.history(shippedOrderId)).refusals).toEqual([]);
  });

  it('takes an order the shop cancels after it was posted back out of the ERP, and releases its stock', async () => {
    const body = JSON.stringify(sampleShopifyOrder(orderNumber++));
    const placed = await postShopifyOrder(
      fabric.apiUrl,
      body,
      shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
    );
    const orderId = String(placed.body.orderId);
    await stateOf(orderId, 'posted_to_erp');
    expect(fabric.erp.salesOrdersFor(orderId)).toHaveLength(1);

    const cancelled = JSON.stringify({
      ...JSON.parse(body),
      updated_at: new Date().toISOString(),
      cancelled_at: new Date().toISOString(),
      cancel_reason: 'customer',
    });
    const answer = await postShopifyOrder(
      fabric.apiUrl,
      cancelled,
      shopifyDeliveryHeaders(cancelled, DEVELOPMENT_WEBHOOK_SECRETS.shopify, 'orders/cancelled'),
    );
    expect(answer.status).toBe(202);

    await stateOf(orderId, 'cancelled');
    await eventually('the sales order deleted', async () =>
      (await probe.drain()).some((e) => e.detailType === 'ErpSalesOrderCancelled' && e.correlationId === orderId)
        ? true
        : undefined,
    );
    expect(fabric.erp.salesOrdersFor(orderId)).toEqual([]);
    expect(
      probe
        .distinct('ReservationReleased')
        .filter((e) => e.data.orderId === orderId)
        .map((e) => e.data.reason),
    ).toEqual(['ORDER_CANCELLED']);
    expect((await lifecycles.history(orderId)).moves.map((move) => move.to)).toEqual([
      'received',
      'reserved',
      'posted_to_erp',
      'cancelled',
    ]);
  });

  it('records and publishes a transition that would move an order backwards, naming both states', async () => {
    const order = await storedOrder(shippedOrderId);
    const cancellation = createEvent(
      ReservationReleased,
      {
        orderId: shippedOrderId,
        reason: 'ORDER_CANCELLED',
        allocations: [{ lineId: order.lines[0].lineId, sku: order.lines[0].sku!, locationId: 'wh-east', quantity: 1 }],
      },
      { correlationId: shippedOrderId },
    );

    await publish(cancellation);

    const refused = await eventually('OrderTransitionRefused', async () =>
      (await probe.drain()).find(
        (event) => event.detailType === 'OrderTransitionRefused' && event.correlationId === shippedOrderId,
      ),
    );
    expect(refused.data).toMatchObject({
      orderId: shippedOrderId,
      from: 'shipped',
      to: 'cancelled',
      refusedEventType: 'ReservationReleased',
      refusedEventId: cancellation.id,
    });
    expect((await lifecycles.history(shippedOrderId)).refusals).toEqual([
      expect.objectContaining({ from: 'shipped', to: 'cancelled', eventId: cancellation.id }),
    ]);
    expect((await lifecycles.load(shippedOrderId))?.state).toBe('shipped');
  });

  it('retries a reservation that arrives before its order, and applies it once the order is received', async () => {
    const sku = `O2C-EARLY-${orderNumber}`;
    await postAdjustment(fabric, {
      type: 'receipt',
      sku,
      locationId: 'wh-east',
      quantity: 5,
      reference: { kind: 'erp_document', id: 'PO-1' },
    });
    const order = stockOrder('shopify', `early-${orderNumber++}`, [{ sku, quantity: 1 }]);
    await publish(
      createEvent(
        InventoryReserved,
        {
          orderId: order.orderId,
          channel: 'shopify',
          onShortage: 'reject',
          allocations: [{ lineId: '1', sku, locationId: 'wh-east', quantity: 1 }],
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
        },
        { correlationId: order.orderId },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await lifecycles.load(order.orderId)).toBeUndefined();

    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
    );

    await stateOf(order.orderId, 'posted_to_erp');
    const history = await lifecycles.history(order.orderId);
    expect(history.moves.map((move) => move.to)).toEqual(['received', 'reserved', 'posted_to_erp']);
    expect(history.refusals).toEqual([]);
  });

  it("publishes the ERP's own message when it rejects a sales order, and does not retry it", async () => {
    const sku = `O2C-UNKNOWN-${orderNumber}`;
    fabric.erp.unknownItems.add(sku);
    await postAdjustment(fabric, {
      type: 'receipt',
      sku,
      locationId: 'wh-east',
      quantity: 5,
      reference: { kind: 'erp_document', id: 'PO-2' },
    });
    const order = stockOrder('shopify', `rejected-${orderNumber++}`, [{ sku, quantity: 1 }]);

    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
    );

    const rejected = await eventually(
      'ErpPostingRejected',
      async () =>
        (await probe.drain()).find(
          (event) => event.detailType === 'ErpPostingRejected' && event.correlationId === order.orderId,
        ),
      20_000,
    );
    expect(rejected.data).toMatchObject({
      documentType: 'sales_order',
      documentKey: order.orderId,
      erp: 'business-central',
      status: 400,
      erpCode: 'Internal_RecordNotFound',
      erpMessage: `The Item does not exist. Identification fields and values: No.='${sku}'`,
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // One ERP answer per delivery of the order's reservation: a rejection is never retried with backoff.
    const rejections = (await probe.drain()).filter(
      (event) => event.detailType === 'ErpPostingRejected' && event.correlationId === order.orderId,
    );
    expect(fabric.erp.requests.filter((request) => request.status === 400)).toHaveLength(
      new Set(rejections.map((event) => event.id)).size,
    );
    expect(fabric.erp.salesOrdersFor(order.orderId)).toEqual([]);
    expect((await lifecycles.load(order.orderId))?.state).toBe('reserved');
  });

  it('holds the backlog while the ERP is down: the breaker opens, closes after recovery, and every order is posted once', async () => {
    const breakers = new DynamoBreakerStore(fabric.resources.tables.connectorState);
    fabric.erp.startOutage();

    const orderIds = [await sendShopifyOrder(), await sendShopifyOrder(), await sendShopifyOrder()];
    await eventually(
      'the breaker open',
      async () => ((await breakers.load('business-central')).status !== 'closed' ? true : undefined),
      20_000,
    );
    for (const orderId of orderIds) expect(fabric.erp.salesOrdersFor(orderId)).toEqual([]);

    fabric.erp.endOutage();

    for (const orderId of orderIds) await stateOf(orderId, 'posted_to_erp', 30_000);
    for (const orderId of orderIds) expect(fabric.erp.salesOrdersFor(orderId)).toHaveLength(1);
    expect((await breakers.load('business-central')).status).toBe('closed');
    expect(fabric.erp.requests.filter((request) => request.status === 503).length).toBeGreaterThanOrEqual(3);
    expect(await dlqDepth('erp-sales-order-posting')).toBe(0);
  });

  it('posts a prepared journal entry once, however often it is delivered, and publishes JournalEntryPosted', async () => {
    const entry = {
      entryId: `je-o2c-${orderNumber++}`,
      postingDate: new Date().toISOString().slice(0, 10),
      currency: 'USD',
      memo: 'Shopify sale',
      lines: [
        { account: '1200', debitMinor: 2598, creditMinor: 0, reference: 'line-1' },
        { account: '4000', debitMinor: 0, creditMinor: 2400, reference: 'line-1' },
        { account: '2200', debitMinor: 0, creditMinor: 198, reference: 'line-1' },
      ],
    };
    const prepared = createEvent(JournalEntryPrepared, { entry, kind: 'sale' }, { correlationId: entry.entryId });

    await publish(prepared);
    await publish(prepared);

    await eventually('JournalEntryPosted twice', async () => {
      const posted = (await probe.drain()).filter(
        (event) => event.detailType === 'JournalEntryPosted' && event.correlationId === entry.entryId,
      );
      return posted.length >= 2 ? posted : undefined;
    });
    const lines = fabric.erp.journalLines.filter((line) => line.comment?.endsWith(entry.entryId));
    expect(lines.map((line) => [line.accountNumber, line.amount])).toEqual([
      ['1200', 25.98],
      ['4000', -24],
      ['2200', -1.98],
    ]);
  });
});
