import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder } from '../../scripts/sample/sample-traffic';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { ShipmentConfirmed } from '#domain/orders/events';
import { toWireEvent } from '#domain/kernel/event';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import type { Order } from '#domain/kernel/order';
import type { PosBatchSummary } from '#domain/pos/batch';
import { EventProbe, availability, postAdjustment, queueDepth } from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

/**
 * A store taking back a unit of a Shopify order, through the real path: the signed webhook, the
 * reservation, the ERP simulator and a shipment; then a CSV batch in the local POS bucket whose return
 * names the order, the ingest publishing ReturnReceived, return-intake, the order lifecycle and the
 * Shopify stub hearing of it; pos-stock-movements putting every returned unit back with its
 * transaction, so that a return naming an order nobody knows still brings its goods back on hand.
 */

let fabric: LocalFabric;
let probe: EventProbe;
let lifecycles: DynamoLifecycleStore;
// Shopify's order id is 5600000000000 + this; not a multiple of 4, so the sample order carries no discount.
const orderNumber = 4 * (20_000 + Math.floor(Math.random() * 10_000)) + 1;

beforeAll(async () => {
  fabric = await startTestFabric('pos-returns', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, { source: [EventSource.returns, EventSource.pos] });
  lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  const xref = new DynamoSkuCrossReference(
    fabric.resources.tables.crossReference,
    DynamoDBDocumentClient.from(fabric.clients.dynamodb),
  );
  await xref.mapSku('shopify', { channelSku: 'RET-TEE' }, 'POSRET-TEE');
  await xref.mapSku('pos', { channelSku: 'TEE-0420' }, 'POSRET-TEE');
  await xref.mapSku('pos', { channelSku: 'MUG-0420' }, 'POSRET-MUG');
  const receive = async (sku: string, locationId: string, quantity: number) =>
    expect(
      (
        await postAdjustment(fabric, {
          type: 'receipt',
          sku,
          locationId,
          quantity,
          reference: { kind: 'erp_document', id: `PO-${sku}-${locationId}` },
        })
      ).status,
    ).toBe(201);
  await receive('POSRET-TEE', 'wh-east', 5);
  await receive('POSRET-TEE', 'store-042', 3);
  await receive('POSRET-MUG', 'store-042', 2);
});

afterAll(async () => {
  await fabric?.stop();
});

/** A signed Shopify order of 2 x RET-TEE at 24.00, known to the Shopify stub, taken in, reserved, posted and shipped. */
async function shippedShopifyOrder(): Promise<Order> {
  const script = [0.1, 0, 0.5]; // one line, the only catalogue item, quantity 2
  const body = JSON.stringify(
    sampleShopifyOrder(orderNumber, () => script.shift() ?? 0, [
      { channelSku: 'RET-TEE', title: 'Return tee', price: '24.00', variantId: 49_000_000_000_001 },
    ]),
  );
  const answer = await postShopifyOrder(
    fabric.apiUrl,
    body,
    shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
  );
  expect(answer.status).toBe(202);
  const orderId = String(answer.body.orderId);
  await stateOf(orderId, 'posted_to_erp');
  const { order } = (await (await fetch(`${fabric.apiUrl}/orders/${orderId}`)).json()) as { order: Order };
  fabric.channelApis.outbound.addOrder('shopify', order.channelOrderId, {
    lines: order.lines.map((line) => ({ lineId: line.channelLineId, quantity: line.quantity })),
  });
  // The lifecycle takes a return only from a shipped order: the customer must have had the goods.
  const shipment = createEvent(
    ShipmentConfirmed,
    {
      shipment: {
        shipmentId: `shp-${orderId}`,
        orderId,
        locationId: 'wh-east',
        carrier: 'UPS',
        trackingNumber: `1Z${order.channelOrderId}`,
        shippedAt: new Date().toISOString(),
        lines: order.lines.map((line) => ({ lineId: line.lineId, sku: line.sku!, quantity: line.quantity })),
      },
    },
    { correlationId: orderId },
  );
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(shipment)) }),
  );
  await stateOf(orderId, 'shipped');
  return order;
}

function stateOf(orderId: string, state: string) {
  return eventually(
    `order ${orderId} ${state}`,
    async () => ((await lifecycles.load(orderId))?.state === state ? true : undefined),
    20_000,
  );
}

/** Puts a batch where store-042 would and waits for the summary of this upload (the `upload`th of the key). */
async function uploadBatch(batchId: string, csv: string, upload: number): Promise<PosBatchSummary> {
  await fabric.clients.s3.send(
    new PutObjectCommand({
      Bucket: fabric.resources.buckets.posBatches,
      Key: `incoming/store-042/2026-11-24/${batchId}.csv`,
      Body: csv,
    }),
  );
  return eventually(
    `upload ${upload} of ${batchId} processed`,
    async () => {
      const processed = (await probe.drain()).filter(
        (event) =>
          event.detailType === 'PosBatchProcessed' &&
          (event.data as { summary: PosBatchSummary }).summary.batchId === batchId,
      );
      return processed.length >= upload
        ? (processed[upload - 1].data as { summary: PosBatchSummary }).summary
        : undefined;
    },
    20_000,
  );
}

async function storeOnHand(sku: string): Promise<number> {
  return (
    (await availability(fabric, sku)).locations.find(
      (location: { locationId: string }) => location.locationId === 'store-042',
    )?.onHand ?? 0
  );
}

/** Every consumer the batch reaches (or those named) has nothing left to do. */
async function settled(
  queues = ['pos-stock-movements', 'return-intake', 'order-lifecycle', 'channel-return-sync'],
): Promise<void> {
  for (const queue of queues) {
    await eventually(
      `the ${queue} queue to drain`,
      async () => ((await queueDepth(fabric, fabric.resources.queues[queue].url)) === 0 ? true : undefined),
      20_000,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

it('takes back a unit of a Shopify order at a store once: the order is partially returned, Shopify records it, the store restocks it once', async () => {
  const order = await shippedShopifyOrder();
  const key = 'store-042,R7,2026-11-24,3001,2026-11-24T15:00:00-05:00,USD';
  const csv = [
    'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit_price,amount,reason_code,tender_method,original_order',
    `${key},return,TEE-0420,1,24.00,24.00,WRONG_SIZE,,shopify:${order.channelOrderId}`,
    `${key},return,MUG-0420,1,12.00,12.00,,,`,
    `${key},tax,,,,-2.88,,,`,
    `${key},tender,,,,-38.88,,card,`,
  ].join('\n');
  const shopifyReturns = () =>
    fabric.channelApis.outbound.returns.filter(
      (sent) => sent.channel === 'shopify' && sent.channelOrderId === order.channelOrderId,
    );

  expect(await uploadBatch('returns-1', csv, 1)).toMatchObject({ counts: { accepted: 1, rejected: 0 } });

  await stateOf(order.orderId, 'partially_returned');
  await eventually(
    'Shopify to hear of the return',
    async () => (shopifyReturns().length > 0 ? true : undefined),
    20_000,
  );
  await settled();
  // Each unit came back once, with its transaction (pos-stock-movements); return-intake moved nothing again.
  expect([await storeOnHand('POSRET-TEE'), await storeOnHand('POSRET-MUG')]).toEqual([4, 3]);
  expect(shopifyReturns()[0].body).toMatchObject({
    orderId: `gid://shopify/Order/${order.channelOrderId}`,
    refundLineItems: [
      { lineItemId: `gid://shopify/LineItem/${order.lines[0].channelLineId}`, quantity: 1, restockType: 'NO_RESTOCK' },
    ],
  });

  // The store uploads the same batch again: the transaction is a duplicate and nothing moves twice.
  expect(await uploadBatch('returns-1', csv, 2)).toMatchObject({ counts: { accepted: 0, duplicates: 1 } });
  await settled();

  expect([await storeOnHand('POSRET-TEE'), await storeOnHand('POSRET-MUG')]).toEqual([4, 3]);
  expect(shopifyReturns()).toHaveLength(1);
  expect(await lifecycles.load(order.orderId)).toMatchObject({
    state: 'partially_returned',
    facts: { returnedUnits: 1 },
  });
  await probe.drain();
  expect(probe.distinct('ReturnReceived').map((event) => event.data.customerReturn)).toEqual([
    expect.objectContaining({
      orderId: order.orderId,
      receivedThrough: 'pos',
      soldThrough: 'shopify',
      locationId: 'store-042',
      restockedOnReceipt: true,
      lines: [expect.objectContaining({ sku: 'POSRET-TEE', quantity: 1 })],
    }),
  ]);
  expect(probe.distinct('ReturnNeedsAttention')).toEqual([]);
});

it('puts the goods of a return naming an order nobody knows back on hand at the store, and raises UNMATCHED_ORDER naming it', async () => {
  await settled();
  const before = await storeOnHand('POSRET-TEE');
  const key = 'store-042,R7,2026-11-24,3002,2026-11-24T16:00:00-05:00,USD';
  const csv = [
    'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit_price,amount,reason_code,tender_method,original_order',
    `${key},return,TEE-0420,1,24.00,24.00,,,shopify:5699999999999`,
    `${key},tax,,,,-1.92,,,`,
    `${key},tender,,,,-25.92,,card,`,
  ].join('\n');

  expect(await uploadBatch('returns-2', csv, 1)).toMatchObject({ counts: { accepted: 1, rejected: 0 } });

  const raised = await eventually(
    'the unmatched return to be raised',
    async () => {
      await probe.drain();
      return probe.distinct('ReturnNeedsAttention').find((event) => event.data.reason === 'UNMATCHED_ORDER');
    },
    20_000,
  );
  expect(raised.data).toMatchObject({
    receivedThrough: 'pos',
    lines: [{ position: 1, sku: 'POSRET-TEE', quantity: 1 }],
  });
  expect(String(raised.data.detail)).toContain('shopify order 5699999999999');
  expect(String(raised.data.detail)).toContain('back in stock at store-042');
  // The lifecycle and the channel sync keep the return for an order that may yet arrive, then their DLQs hold it.
  await settled(['pos-stock-movements', 'return-intake']);
  expect(await storeOnHand('POSRET-TEE')).toBe(before + 1);
});
