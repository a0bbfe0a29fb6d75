import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import type { FulfilmentRequest } from '#domain/fulfilment';
import type { Order } from '#domain/kernel/order';
import type { PosBatchSummary } from '#domain/pos/batch';
import {
  EventProbe,
  availability,
  orderReceivedBody,
  postAdjustment,
  queueDepth,
  stockOrder,
} from './support/inventory-support';
import { eventually, retryQuickly, startTestFabric } from './support/test-fabric';

/**
 * A WooCommerce pickup at the Portland store handed over at the till instead of against its code: the
 * order reserved at store-042, accepted and picked through the store tasks API, then store-042's POS
 * batch rings its items up on a sale line naming the order, settled with the prepaid tender. The
 * pickup is collected once (pos-pickup-collection), the order ships, the units come off hand once (not
 * again as a POS sale) and the journal books the order's revenue once (its sale), not the till's.
 */
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  locations: [
    { id: 'wh-east', name: 'East distribution centre', kind: 'warehouse' },
    {
      id: 'store-042',
      name: 'Portland store',
      kind: 'store',
      timeZone: 'America/New_York',
      channelLocationIds: { woocommerce: 'local_pickup:42' },
    },
  ],
  defaultChannel: {
    locations: ['store-042', 'wh-east'],
    onShortage: 'reject',
    reservationTtlMinutes: 72 * 60,
    exposure: { bufferUnits: 0, percentOfAvailable: 100 },
  },
  channels: {},
});

const SKU = `TILL-TEE-${Date.now().toString(36)}`;
let fabric: LocalFabric;
let probe: EventProbe;
let orders: DynamoOrderRepository;
let lifecycles: DynamoLifecycleStore;

beforeAll(async () => {
  fabric = await startTestFabric('pos-pickup', { scheduleIntervalMs: () => 0 });
  await retryQuickly(fabric, ['order-lifecycle', 'fulfilment-release', 'pos-pickup-collection']);
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.pos, EventSource.accounting, EventSource.orders, EventSource.fulfilment],
    'detail-type': ['PosBatchProcessed', 'JournalEntryPrepared', 'ShipmentConfirmed', 'PickupCollected'],
  });
  orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
  lifecycles = new DynamoLifecycleStore(fabric.resources.tables.orders);
  const xref = new DynamoSkuCrossReference(
    fabric.resources.tables.crossReference,
    DynamoDBDocumentClient.from(fabric.clients.dynamodb),
  );
  await xref.mapSku('pos', { channelSku: 'TEE-0426' }, SKU);
  const receipt = { type: 'receipt', sku: SKU, locationId: 'store-042', quantity: 5 };
  expect(
    (await postAdjustment(fabric, { ...receipt, reference: { kind: 'erp_document', id: 'PO-2612' } })).status,
  ).toBe(201);
});

afterAll(async () => {
  await fabric?.stop();
});

const lifecycleIs = (orderId: string, state: string) =>
  eventually(
    `order ${orderId} ${state}`,
    async () => ((await lifecycles.load(orderId))?.state === state ? true : undefined),
    30_000,
  );

async function requestsOf(orderId: string): Promise<FulfilmentRequest[]> {
  const response = await fetch(`${fabric.apiUrl}/orders/${orderId}/fulfilment`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { requests: FulfilmentRequest[] }).requests;
}

async function act(taskId: string, action: string): Promise<FulfilmentRequest> {
  const response = await fetch(`${fabric.apiUrl}/store-tasks/${encodeURIComponent(taskId)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { task: FulfilmentRequest }).task;
}

async function stockAtStore(): Promise<{ onHand: number; reserved: number }> {
  const { locations } = await availability(fabric, SKU);
  const { onHand, reserved } = locations.find((l: { locationId: string }) => l.locationId === 'store-042');
  return { onHand, reserved };
}

/** Puts the batch where store-042's POS would, and waits for the summary of this upload (the `upload`th of the key). */
async function uploadBatch(batchId: string, csv: string, upload: number): Promise<PosBatchSummary> {
  await fabric.clients.s3.send(
    new PutObjectCommand({
      Bucket: fabric.resources.buckets.posBatches,
      Key: `incoming/store-042/2026-12-07/${batchId}.csv`,
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

/** Every consumer the batch and the collection reach has nothing left to do. */
async function settled(): Promise<void> {
  for (const queue of ['pos-stock-movements', 'pos-pickup-collection', 'order-lifecycle', 'accounting-journal']) {
    await eventually(
      `the ${queue} queue to drain`,
      async () => ((await queueDepth(fabric, fabric.resources.queues[queue].url)) === 0 ? true : undefined),
      20_000,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await probe.drain();
}

it('collects a pickup handed over at the till once: shipped, off hand once, its revenue booked once', async () => {
  const order: Order = {
    ...stockOrder('woocommerce', `TILL-${Date.now().toString(36)}`, [{ sku: SKU, quantity: 2 }]),
    delivery: { method: 'pickup', channelLocationId: 'local_pickup:42' },
  };
  await orders.recordOrder(order, { eventId: `test-${order.orderId}`, deliveryId: `test-${order.channelOrderId}` });
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
  );
  const [task] = await eventually(
    'the pickup task at store-042',
    async () => {
      const requests = await requestsOf(order.orderId);
      return requests.length ? requests : undefined;
    },
    20_000,
  );
  expect(task).toMatchObject({ locationId: 'store-042', method: 'pickup', route: 'store_task', status: 'open' });
  await act(task.requestId, 'accept');
  expect((await act(task.requestId, 'picked')).status).toBe('ready_for_pickup');
  await lifecycleIs(order.orderId, 'posted_to_erp');
  expect(await stockAtStore()).toEqual({ onHand: 5, reserved: 2 });

  // The till rings the order's two tees up at their price, naming the order, settled as paid online.
  const key = 'store-042,R3,2026-12-07,4101,2026-12-07T11:15:00-05:00,USD';
  const csv = [
    'store_id,register_id,business_day,sequence,ended_at,currency,record_type,item_code,quantity,unit_price,amount,reason_code,tender_method,original_order',
    `${key},sale,TEE-0426,2,10.00,20.00,,,woocommerce:${order.channelOrderId}`,
    `${key},tender,,,,20.00,,prepaid,`,
  ].join('\n');

  expect(await uploadBatch('pickup-1', csv, 1)).toMatchObject({ counts: { accepted: 1, rejected: 0 } });

  await lifecycleIs(order.orderId, 'shipped');
  await settled();
  const [collected] = await requestsOf(order.orderId);
  expect(collected).toMatchObject({ requestId: task.requestId, status: 'collected' });
  expect(collected.history.at(-1)).toMatchObject({ from: 'ready_for_pickup', to: 'collected', by: 'pos:store-042:R3' });
  expect(await stockAtStore()).toEqual({ onHand: 3, reserved: 0 });
  const about = (detailType: string) => probe.distinct(detailType).filter((e) => e.correlationId === order.orderId);
  expect(about('ShipmentConfirmed').map((e) => e.data.shipment.shipmentId)).toEqual([`${task.requestId}.collected`]);
  expect(about('PickupCollected')).toHaveLength(1);
  const revenue = () =>
    probe
      .distinct('JournalEntryPrepared')
      .filter((e) => e.data.orderId === order.orderId || String(e.data.entry.entryId).includes('store-042:R3'))
      .map((e) => ({
        kind: e.data.kind,
        revenue: (e.data.entry.lines as { account: string; creditMinor: number; debitMinor: number }[])
          .filter((line) => line.account === '4000')
          .reduce((sum, line) => sum + line.creditMinor - line.debitMinor, 0),
      }));
  // The order's own sale, when its collection shipped it; the till's ring-up books nothing.
  await eventually('the sale entry of the collected order', async () => {
    await probe.drain();
    return revenue().length ? true : undefined;
  });
  expect(revenue()).toEqual([{ kind: 'sale', revenue: 2000 }]);

  // The store uploads the same batch again: a duplicate, and nothing ships, moves or books twice.
  expect(await uploadBatch('pickup-1', csv, 2)).toMatchObject({ counts: { accepted: 0, duplicates: 1 } });
  await settled();

  expect(await stockAtStore()).toEqual({ onHand: 3, reserved: 0 });
  expect(about('ShipmentConfirmed')).toHaveLength(1);
  expect(about('PickupCollected')).toHaveLength(1);
  expect(revenue()).toEqual([{ kind: 'sale', revenue: 2000 }]);
  expect((await lifecycles.load(order.orderId))?.state).toBe('shipped');
});
