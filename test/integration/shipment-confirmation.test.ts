import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog } from '../../scripts/sample/sample-traffic';
import { countSampleStock } from '../../scripts/sample/sample-stock';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { IdempotentExecutor, onceRunner } from '#shared/adapters/idempotency';
import { SnsBusPublisher } from '#shared/adapters/sns-bus-publisher';
import { SHIPMENT_CONFIRMATION_SCOPE, confirmShipment } from '#domain/orders/shipment-confirmation';
import { saleEntryId } from '#domain/accounting/model';
import { EventSource } from '#events/catalog';
import type { Order } from '#domain/kernel/order';
import { EventProbe, availability } from './support/inventory-support';
import { eventually, retryQuickly, startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;
let probe: EventProbe;
let lifecycles: DynamoLifecycleStore;
let orderNumber = 30_000 + Math.floor(Math.random() * 20_000);

beforeAll(async () => {
  fabric = await startTestFabric('shipments', { scheduleIntervalMs: () => 0 });
  // A shipment that reaches the lifecycle before the ERP posting is retried in a second, not three minutes.
  await retryQuickly(fabric, ['order-lifecycle', 'erp-sales-order-posting', 'erp-journal-posting']);
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.fulfilment],
    'detail-type': ['ShipmentConfirmed'],
  });
  lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  await countSampleStock(fabric.apiUrl, fabric.resources.prefix);
});

afterAll(async () => {
  await fabric?.stop();
});

async function postShipment(
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${fabric.apiUrl}/shipments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** A signed Shopify order, known to the Shopify stub (so a fulfilment can land there), reserved and posted to the ERP. */
async function placePostedShopifyOrder(): Promise<Order> {
  const body = JSON.stringify(sampleShopifyOrder(orderNumber++));
  const answer = await postShopifyOrder(
    fabric.apiUrl,
    body,
    shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
  );
  expect(answer.status).toBe(202);
  const orderId = String(answer.body.orderId);
  await eventually(
    `order ${orderId} posted to the ERP`,
    async () => ((await lifecycles.load(orderId))?.state === 'posted_to_erp' ? true : undefined),
    20_000,
  );
  const { order } = (await (await fetch(`${fabric.apiUrl}/orders/${orderId}`)).json()) as { order: Order };
  fabric.channelApis.outbound.addOrder('shopify', order.channelOrderId, {
    lines: order.lines.map((line) => ({ lineId: line.channelLineId, quantity: line.quantity })),
  });
  return order;
}

/** What the 3PL knows: the shop's order number, and how many of each SKU went into the box. */
function confirmationOf(order: Order, shipmentId: string): Record<string, unknown> {
  const units = new Map<string, number>();
  for (const line of order.lines) units.set(line.sku!, (units.get(line.sku!) ?? 0) + line.quantity);
  return {
    shipmentId,
    channel: 'shopify',
    channelOrderId: order.channelOrderId,
    locationId: 'wh-east',
    carrier: 'UPS',
    trackingNumber: `1Z${shipmentId}`,
    shippedAt: new Date().toISOString().replace('Z', '+00:00'),
    lines: [...units].map(([sku, quantity]) => ({ sku, quantity })),
  };
}

async function warehouseStock(skus: string[]): Promise<Record<string, { onHand: number; reserved: number }>> {
  const figures: Record<string, { onHand: number; reserved: number }> = {};
  for (const sku of skus) {
    const { onHand, reserved } = (await availability(fabric, sku)).locations.find(
      (location: { locationId: string }) => location.locationId === 'wh-east',
    );
    figures[sku] = { onHand, reserved };
  }
  return figures;
}

const saleLinesInErp = (orderId: string, shipmentId: string) =>
  fabric.erp.journalLines.filter((line) => line.comment?.endsWith(saleEntryId({ orderId, shipmentId })));
const fulfilmentsAtShopify = (order: Order) =>
  fabric.channelApis.outbound.shipments.filter(
    (s) => s.channel === 'shopify' && s.channelOrderId === order.channelOrderId,
  );

describe('POST /shipments', () => {
  let order: Order;
  let shipment: Record<string, unknown>;
  let after: Awaited<ReturnType<typeof warehouseStock>>;
  let saleLines: number;

  it('ships a Shopify order the warehouse confirms: shipped, off the shelf, the sale booked in the ERP, the fulfilment at Shopify', async () => {
    order = await placePostedShopifyOrder();
    shipment = confirmationOf(order, `SHP-${order.channelOrderId}`);
    const skus = [...new Set(order.lines.map((line) => line.sku!))];
    const before = await warehouseStock(skus);

    const answer = await postShipment(shipment);

    expect(answer).toEqual({ status: 202, body: { shipmentId: shipment.shipmentId, orderId: order.orderId } });
    await eventually(
      'the order shipped',
      async () => ((await lifecycles.load(order.orderId))?.state === 'shipped' ? true : undefined),
      20_000,
    );
    const shipped = (sku: string) =>
      order.lines.filter((line) => line.sku === sku).reduce((sum, line) => sum + line.quantity, 0);
    after = await eventually('the shipped units off hand at the warehouse', async () => {
      const now = await warehouseStock(skus);
      return skus.every((sku) => now[sku].onHand === before[sku].onHand - shipped(sku)) ? now : undefined;
    });
    for (const sku of skus) expect(after[sku].reserved).toBe(before[sku].reserved - shipped(sku));
    const sale = await eventually(
      'the sale entry in the ERP',
      async () => {
        const lines = saleLinesInErp(order.orderId, String(shipment.shipmentId));
        return lines.length > 0 && lines.length === Number(lines[0].comment!.split(/[/ ]/)[1]) ? lines : undefined;
      },
      20_000,
    );
    expect(sale.reduce((sum, line) => sum + Math.round(line.amount * 100), 0)).toBe(0);
    saleLines = sale.length;
    const fulfilments = await eventually('Shopify to hear of the fulfilment', async () =>
      fulfilmentsAtShopify(order).length ? fulfilmentsAtShopify(order) : undefined,
    );
    expect(JSON.stringify(fulfilments[0].body)).toContain(`1Z${shipment.shipmentId}`);
  });

  it('answers the same shipment again as a duplicate, and nothing moves twice', async () => {
    const repeat = await postShipment(shipment, { 'idempotency-key': String(shipment.shipmentId) });
    await new Promise((resolve) => setTimeout(resolve, 2000));

    expect(repeat).toEqual({
      status: 200,
      body: { shipmentId: shipment.shipmentId, orderId: order.orderId, duplicate: true },
    });
    await probe.drain();
    expect(probe.distinct('ShipmentConfirmed').filter((event) => event.correlationId === order.orderId)).toHaveLength(
      1,
    );
    expect(await warehouseStock(Object.keys(after))).toEqual(after);
    expect(fulfilmentsAtShopify(order)).toHaveLength(1);
    expect(saleLinesInErp(order.orderId, String(shipment.shipmentId))).toHaveLength(saleLines);
  });

  it('refuses the same shipment id with a different request', async () => {
    const reused = await postShipment({ ...shipment, trackingNumber: '1Z-OTHER-BOX' });

    expect(reused).toEqual({
      status: 422,
      body: {
        message: `shipment ${shipment.shipmentId} was already confirmed with a different request`,
        orderId: order.orderId,
      },
    });
  });

  it('refuses more units than the order has left to ship, counting what shipped before', async () => {
    const again = await postShipment({ ...shipment, shipmentId: `${shipment.shipmentId}-B` });

    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual(
      (shipment.lines as unknown[]).map((_, i) =>
        expect.objectContaining({ path: `lines.${i}.quantity`, message: expect.stringMatching(/has 0 open/) }),
      ),
    );
  });

  it('answers 400 naming the failing fields', async () => {
    const answer = await postShipment({
      ...shipment,
      shipmentId: 'SHP-BAD',
      shippedAt: '2026-11-24 15:04',
      lines: [{ sku: 'HOME-MUG-010-WHT', quantity: 0 }],
    });

    expect(answer).toEqual({
      status: 400,
      body: {
        message: 'the shipment confirmation is not valid',
        errors: [
          { path: 'shippedAt', message: expect.any(String) },
          { path: 'lines.0.quantity', message: expect.any(String) },
        ],
      },
    });
  });

  it('answers 404 for an order the fabric does not know', async () => {
    const answer = await postShipment({ ...shipment, shipmentId: 'SHP-NOWHERE', channelOrderId: '999999999' });

    expect(answer).toEqual({ status: 404, body: { message: 'shopify order 999999999 is not known to the fabric' } });
  });

  it('keeps every request in the raw archive with its verdict', async () => {
    const { Contents = [] } = await fabric.clients.s3.send(
      new ListObjectsV2Command({ Bucket: fabric.resources.buckets.rawArchive, Prefix: 'shipments/' }),
    );
    const keys = Contents.map((object) => object.Key!);
    const verdicts = await Promise.all(
      keys
        .filter((key) => key.endsWith('.verdict.json'))
        .map(async (key) => {
          const { Body } = await fabric.clients.s3.send(
            new GetObjectCommand({ Bucket: fabric.resources.buckets.rawArchive, Key: key }),
          );
          return JSON.parse(await Body!.transformToString()) as { status: number; outcome: string };
        }),
    );

    expect(keys.filter((key) => key.endsWith('.delivery.json')).length).toBeGreaterThanOrEqual(6);
    expect(verdicts.map((verdict) => verdict.status).sort()).toEqual(
      expect.arrayContaining([200, 202, 400, 404, 422, 422]),
    );
  });

  it("does not keep a shipment whose publish failed: the warehouse's retry publishes it once", async () => {
    const next = await placePostedShopifyOrder();
    const confirmation = confirmationOf(next, `SHP-${next.channelOrderId}`);
    const body = Buffer.from(JSON.stringify(confirmation));
    // The bus is unreachable for real: a topic that does not exist.
    const executor = new IdempotentExecutor(fabric.resources.tables.idempotency, SHIPMENT_CONFIRMATION_SCOPE);
    const brokenBus = {
      archive: new S3DeliveryArchive(fabric.resources.buckets.rawArchive),
      orders: new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference),
      lifecycles,
      publisher: new SnsBusPublisher(`${fabric.resources.topicArn}-gone`),
      once: onceRunner(executor),
    };
    executor.registerLambdaContext({ getRemainingTimeInMillis: () => 10_000 } as Context);

    await expect(
      confirmShipment(
        { requestId: 'broken-bus', receivedAt: new Date().toISOString(), headers: {}, rawBody: body },
        brokenBus,
        ['wh-east'],
      ),
    ).rejects.toThrow('Topic does not exist');
    const retry = await postShipment(confirmation);

    expect(retry).toEqual({ status: 202, body: { shipmentId: confirmation.shipmentId, orderId: next.orderId } });
    await eventually(
      'the order shipped',
      async () => ((await lifecycles.load(next.orderId))?.state === 'shipped' ? true : undefined),
      20_000,
    );
    await probe.drain();
    expect(probe.distinct('ShipmentConfirmed').filter((event) => event.correlationId === next.orderId)).toHaveLength(1);
  });
});
