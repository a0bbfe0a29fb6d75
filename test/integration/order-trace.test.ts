import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { traceOrder } from '../../scripts/ops/order';
import { postShopifyOrder, seedSampleCatalog, waitForOrder } from '../../scripts/sample/sample-traffic';
import { sampleShopifyOrder, seededRandom, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
import type { TrailEntry } from '#domain/kernel/event-trail';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { createEvent } from '#domain/kernel/event';
import { ShipmentConfirmed } from '#domain/orders/events';
import { toWireEvent } from '#domain/kernel/event';
import { eventually, startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;
let trail: DynamoEventTrail;

beforeAll(async () => {
  fabric = await startTestFabric('order-trace');
  trail = new DynamoEventTrail(fabric.resources.tables.eventTrail);
  await seedSampleCatalog(fabric.resources.tables.crossReference);
});

afterAll(async () => {
  await fabric?.stop();
});

describe('the event trail', () => {
  it('follows a webhook order through every queue that handled it, and order trace prints that path with timings', async () => {
    const body = JSON.stringify(sampleShopifyOrder(9101, seededRandom(9)));
    const answer = await postShopifyOrder(
      fabric.apiUrl,
      body,
      shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
    );
    const orderId = String(answer.body.orderId);
    expect(await waitForOrder(fabric.apiUrl, orderId)).toBeDefined();

    const consumers = ['order-intake', 'inventory-reservation', 'order-lifecycle'];
    const entries = await eventually(
      'the order-intake, reservation and lifecycle consumers in the trail',
      async () => {
        const found = await trail.forCorrelation(orderId);
        const queues = found
          .filter((entry) => entry.outcome === 'handled' && entry.detailType === 'OrderReceived')
          .map((entry) => entry.queue);
        return consumers.every((consumer) => queues.some((queue) => queue.endsWith(consumer)))
          ? found.filter((entry) => entry.detailType === 'OrderReceived')
          : undefined;
      },
      30_000,
    );
    for (const entry of entries)
      expect(Date.parse(entry.handledAt)).toBeGreaterThanOrEqual(Date.parse(entry.eventTime));

    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    await traceOrder(fabric.resources, [orderId]);
    log.mockRestore();

    expect(printed[0]).toContain(`${orderId}  shopify`);
    expect(printed.some((line) => /\+\d+ ms .* order created \(received\)/.test(line))).toBe(true);
    expect(printed.some((line) => /lifecycle none -> received on order_received/.test(line))).toBe(true);
    expect(printed.some((line) => /OrderReceived handled at \S*order-intake after \d+ ms/.test(line))).toBe(true);
    expect(printed.some((line) => /OrderReceived handled at \S*inventory-reservation after \d+ ms/.test(line))).toBe(
      true,
    );
  });

  it('keeps what one invocation did with each event about an order in one write, read back entry by entry as recorded', async () => {
    const orderId = `ord_trace_batch_${Date.now()}`;
    const otherOrderId = `${orderId}_other`;
    const handledAt = new Date().toISOString();
    const entry = (correlationId: string, eventId: string, receiveCount: number, reason?: string): TrailEntry => ({
      correlationId,
      eventId,
      detailType: 'OrderStateChanged',
      eventTime: '2026-12-07T09:00:00.000Z',
      queue: 'fabric-exceptions-order-moves',
      handledAt,
      outcome: reason ? 'failed' : 'handled',
      ...(reason ? { reason } : {}),
      receiveCount,
    });
    const batch = [
      entry(orderId, 'evt-b', 1),
      entry(otherOrderId, 'evt-c', 1),
      entry(orderId, 'evt-a', 2, 'ExceptionChangedError: exception x changed since version 3'),
    ];
    // A client of its own, so the fabric's other writes running beside this test are not counted.
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const written = jest.spyOn(client, 'send');

    await new DynamoEventTrail(fabric.resources.tables.eventTrail, client).record(batch);

    expect(written).toHaveBeenCalledTimes(1);
    const [write] = written.mock.calls[0] as unknown as [BatchWriteCommand];
    expect(write.input.RequestItems?.[fabric.resources.tables.eventTrail]).toHaveLength(2);
    expect(await trail.forCorrelation(orderId)).toEqual([batch[2], batch[0]]);
    expect(await trail.forCorrelation(otherOrderId)).toEqual([batch[1]]);
  });

  it('still reads entries stored one an item, as they were before entries shared one, until those expire', async () => {
    const entry: TrailEntry = {
      correlationId: `ord_trace_single_${Date.now()}`,
      eventId: 'evt-single',
      detailType: 'OrderReceived',
      eventTime: '2026-12-07T09:00:00.000Z',
      queue: 'fabric-order-intake',
      handledAt: '2026-12-07T09:00:00.040Z',
      outcome: 'handled',
      receiveCount: 1,
    };
    await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
      new PutCommand({
        TableName: fabric.resources.tables.eventTrail,
        Item: {
          pk: `TRAIL#${entry.correlationId}`,
          sk: `${entry.handledAt}#${entry.queue}#${entry.eventId}#${entry.receiveCount}`,
          ...entry,
          expiresAt: Math.floor(Date.now() / 1000) + 86_400,
        },
      }),
    );

    expect(await trail.forCorrelation(entry.correlationId)).toEqual([entry]);
  });

  it('records each failed attempt with its reason, so a held event says why without searching logs', async () => {
    const orderId = 'ord_trace_nothing_reserved';
    const shipment = createEvent(
      ShipmentConfirmed,
      {
        shipment: {
          shipmentId: 'SHP-TRACE-1',
          orderId,
          locationId: 'wh-east',
          carrier: 'UPS',
          trackingNumber: '1Z',
          shippedAt: '2026-11-28T09:00:00Z',
          lines: [{ lineId: '1', sku: 'TEE', quantity: 1 }],
        },
      },
      { correlationId: orderId },
    );

    await fabric.clients.sns.send(
      new PublishCommand({ TopicArn: fabric.resources.topicArn, Message: JSON.stringify(toWireEvent(shipment)) }),
    );

    const [failed] = await eventually('a failed attempt in the trail', async () => {
      const found = (await trail.forCorrelation(orderId)).filter((entry) =>
        entry.queue.endsWith('inventory-fulfilment'),
      );
      return found.length ? found : undefined;
    });
    expect(failed).toMatchObject({
      eventId: shipment.id,
      detailType: 'ShipmentConfirmed',
      outcome: 'failed',
      receiveCount: 1,
    });
    expect(failed.reason).toMatch(
      /^ReservationInProgressError: shipment SHP-TRACE-1: order ord_trace_nothing_reserved has no reservation decision yet/,
    );
  });
});
