import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { EventSource } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { ReturnReceived } from '#domain/returns/events';
import { toWireEvent } from '#domain/kernel/event';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import type { CustomerReturn } from '#domain/returns/model';
import {
  EventProbe,
  availability,
  orderReceivedBody,
  postAdjustment,
  queueDepth,
  stockOrder,
} from './support/inventory-support';
import { eventually, startTestFabric } from './support/test-fabric';

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
let fabric: LocalFabric;
let probe: EventProbe;

beforeAll(async () => {
  fabric = await startTestFabric('returns', { scheduleIntervalMs: () => 0 });
  probe = await EventProbe.subscribe(fabric, {
    source: [EventSource.returns],
    'detail-type': ['ReturnNeedsAttention'],
  });
});

afterAll(async () => {
  await fabric?.stop();
});

async function publishReturn(customerReturn: CustomerReturn): Promise<void> {
  const body = JSON.stringify(
    toWireEvent(
      createEvent(
        ReturnReceived,
        { customerReturn },
        { correlationId: customerReturn.orderId ?? customerReturn.returnId },
      ),
    ),
  );
  await fabric.clients.sns.send(new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: body }));
}

async function returnsSettled(): Promise<void> {
  await eventually('the return-intake queue to drain', async () =>
    (await queueDepth(fabric, fabric.resources.queues['return-intake'].url)) === 0 ? true : undefined,
  );
}

it('takes an in-store return of a marketplace order back into stock, restocked or damaged by reason, once however often it is delivered', async () => {
  expect(
    (
      await postAdjustment(fabric, {
        type: 'receipt',
        sku: 'RET-TEE',
        locationId: 'store-042',
        quantity: 5,
        reference: { kind: 'erp_document', id: 'PO-1' },
      })
    ).status,
  ).toBe(201);
  const order = stockOrder('amazon', '111-5550001-0000001', [{ sku: 'RET-TEE', quantity: 2 }]);
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
  );
  const orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
  await eventually('the order and its cross-reference', async () =>
    (await orders.findOrderId('amazon', order.channelOrderId)) ? true : undefined,
  );
  const customerReturn: CustomerReturn = {
    returnId: 'RMA-STORE-1',
    receivedThrough: 'pos',
    soldThrough: 'amazon',
    channelOrderId: order.channelOrderId,
    locationId: 'store-042',
    receivedAt: '2026-11-23T12:00:00-05:00',
    lines: [
      { sku: 'RET-TEE', quantity: 1, reasonCode: 'WRONG_SIZE', condition: 'sellable', refund: usd(1000) },
      { sku: 'RET-TEE', quantity: 1, reasonCode: 'DEFECTIVE', condition: 'sellable', refund: usd(1000) },
    ],
  };

  await publishReturn(customerReturn);
  await eventually('the returned units on hand', async () =>
    (await availability(fabric, 'RET-TEE')).locations.find((l: { locationId: string }) => l.locationId === 'store-042')
      ?.damaged === 1
      ? true
      : undefined,
  );
  await returnsSettled();
  await publishReturn(customerReturn);
  await returnsSettled();

  const store = (await availability(fabric, 'RET-TEE')).locations.find(
    (l: { locationId: string }) => l.locationId === 'store-042',
  );
  expect(store).toMatchObject({ onHand: 7, damaged: 1, sellableOnHand: 6 });
  await probe.drain();
  expect(probe.distinct('ReturnNeedsAttention').filter((event) => event.data.returnId === 'RMA-STORE-1')).toEqual([]);
});

it('raises ReturnNeedsAttention for a return that matches no order, and moves no stock', async () => {
  await publishReturn({
    returnId: 'RMA-STORE-2',
    receivedThrough: 'pos',
    soldThrough: 'amazon',
    channelOrderId: '111-0000000-NOPE',
    locationId: 'store-042',
    receivedAt: '2026-11-23T12:30:00-05:00',
    lines: [{ sku: 'RET-MUG', quantity: 1, reasonCode: 'CHANGED_MIND', condition: 'sellable', refund: usd(1200) }],
  });

  const [exception] = await eventually('a ReturnNeedsAttention', async () => {
    await probe.drain();
    const found = probe.distinct('ReturnNeedsAttention').filter((event) => event.data.returnId === 'RMA-STORE-2');
    return found.length ? found : undefined;
  });
  expect(exception.data).toMatchObject({
    reason: 'UNMATCHED_ORDER',
    receivedThrough: 'pos',
    lines: [{ position: 1, sku: 'RET-MUG', quantity: 1 }],
  });
  expect((await availability(fabric, 'RET-MUG')).total.onHand).toBe(0);
});

it('raises UNMATCHED_LINE for an item the order does not have and NO_LOCATION when nobody said where the return was received', async () => {
  const order = stockOrder('shopify', 'RET-SHOP-3', [{ sku: 'RET-CAP', quantity: 1 }]);
  await fabric.clients.sns.send(
    new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: orderReceivedBody(order) }),
  );
  const orders = new DynamoOrderRepository(fabric.resources.tables.orders, fabric.resources.tables.crossReference);
  await eventually('the order stored', async () => (await orders.getOrder(order.orderId)) ?? undefined);

  await publishReturn({
    returnId: 'RMA-WH-3',
    orderId: order.orderId,
    receivedThrough: 'shopify',
    receivedAt: '2026-11-23T13:00:00Z',
    lines: [
      { sku: 'RET-CAP', quantity: 1, reasonCode: 'CHANGED_MIND', condition: 'sellable', refund: usd(1000) },
      {
        lineId: '9',
        sku: 'RET-SCARF',
        quantity: 1,
        reasonCode: 'CHANGED_MIND',
        condition: 'sellable',
        refund: usd(500),
      },
    ],
  });

  const raised = await eventually('two ReturnNeedsAttention', async () => {
    await probe.drain();
    const found = probe.distinct('ReturnNeedsAttention').filter((event) => event.data.returnId === 'RMA-WH-3');
    return found.length >= 2 ? found : undefined;
  });
  expect(
    raised
      .map((event) => [event.data.reason, event.data.lines.map((line: { position: number }) => line.position)])
      .sort(),
  ).toEqual([
    ['NO_LOCATION', [1]],
    ['UNMATCHED_LINE', [2]],
  ]);
  expect((await availability(fabric, 'RET-CAP')).total.onHand).toBe(0);
});
