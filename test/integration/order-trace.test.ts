import { PublishCommand } from '@aws-sdk/client-sns';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { traceOrder } from '../../scripts/ops/order';
import { postShopifyOrder, seedSampleCatalog, waitForOrder } from '../../scripts/sample/sample-traffic';
import { sampleShopifyOrder, seededRandom, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { DynamoEventTrail } from '#shared/adapters/event-trail';
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
