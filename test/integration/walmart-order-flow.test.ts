import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { walmartDeliveryHeaders, walmartOrderEvent } from '../../scripts/sample/channel-samples';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { readWalmartFixture, walmartFixtureSkus } from '../fixtures/walmart';
import { startTestFabric, eventually } from './support/test-fabric';

const clientSecret = DEVELOPMENT_WEBHOOK_SECRETS.walmart;
const stub = new ChannelApiStub();
let fabric: LocalFabric;

beforeAll(async () => {
  await stub.start();
  fabric = await startTestFabric('walmart', { channelApiStub: stub });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const { key, sku } of walmartFixtureSkus) await xref.mapSku('walmart', key, sku);
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

/** Puts a purchase order in the Walmart API stub under a fresh id, as Orders v3 would answer it. */
function walmartHolds(fixture: Parameters<typeof readWalmartFixture>[0], purchaseOrderId: string): Record<string, any> {
  const order = { ...readWalmartFixture(fixture).order, purchaseOrderId };
  stub.walmart.orders.set(purchaseOrderId, order);
  return order;
}

async function notify(body: string, secret = clientSecret) {
  const response = await fetch(`${fabric.apiUrl}/webhooks/walmart`, {
    method: 'POST',
    headers: walmartDeliveryHeaders(body, secret),
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function byChannel(id: string, ready: (found: Record<string, any>) => boolean = () => true) {
  return eventually(
    `walmart order ${id}`,
    async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/walmart/${id}`);
      const found = response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
      return found && ready(found) ? found : undefined;
    },
    8000,
  );
}

describe('Walmart orders through the local fabric', () => {
  it('acknowledges a signed PO_CREATED, fetches the purchase order from Orders v3 and stores it to the cent', async () => {
    walmartHolds('get-order-multi-line-usd', '208800000000101');

    const answer = await notify(walmartOrderEvent('208800000000101'));

    expect(answer.status).toBe(202);
    const stored = await byChannel('208800000000101');
    expect(stored.order).toMatchObject({
      orderId: answer.body.orderId,
      channel: 'walmart',
      channelOrderNumber: '200012345678901',
      status: 'received',
    });
    expect(stored.order.totals).toEqual({
      lines: { amountMinor: 10048, currency: 'USD' },
      shipping: { amountMinor: 599, currency: 'USD' },
      discounts: { amountMinor: 145, currency: 'USD' },
      tax: { amountMinor: 866, currency: 'USD' },
      total: { amountMinor: 11368, currency: 'USD' },
    });
  });

  it('turns one notification delivered 5 times into one fetch and one order', async () => {
    walmartHolds('get-order-partially-shipped-refund-usd', '208800000000102');
    const event = walmartOrderEvent('208800000000102');

    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await notify(event));

    expect(answers.map((a) => a.status)).toEqual([202, 200, 200, 200, 200]);
    const stored = await byChannel('208800000000102');
    expect(stored.order.status).toBe('partially_shipped');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await byChannel('208800000000102')).history).toHaveLength(1);
    expect(stub.callsTo(/^\/v3\/orders\/208800000000102$/)).toHaveLength(1);
  });

  it('applies a newer ORDER_UPDATES (auto-cancelled) and ignores an older answer that arrives late', async () => {
    const cancelled = walmartHolds('get-order-cancelled-usd', '208800000000103');
    const line = cancelled.orderLines.orderLine[0];
    const at = (status: string, minutes: number) => ({
      ...cancelled,
      orderLines: {
        orderLine: [
          {
            ...line,
            statusDate: cancelled.orderDate + minutes * 60_000,
            orderLineStatuses: {
              orderLineStatus: [{ status, statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' } }],
            },
          },
        ],
      },
    });
    stub.walmart.orders.set('208800000000103', at('Created', 0));
    await notify(walmartOrderEvent('208800000000103'));
    await byChannel('208800000000103');

    stub.walmart.orders.set('208800000000103', cancelled);
    await notify(
      walmartOrderEvent('208800000000103', { eventType: 'ORDER_UPDATES', subEventType: 'PO_LINE_AUTOCANCELLED' }),
    );
    await byChannel('208800000000103', (found) => found.history.length === 2);
    // An answer from before the cancellation (the acknowledgement), fetched only now.
    stub.walmart.orders.set('208800000000103', at('Acknowledged', 10));
    await notify(
      walmartOrderEvent('208800000000103', { eventType: 'ORDER_UPDATES', subEventType: 'INTENT_TO_CANCEL' }),
    );

    const found = await byChannel('208800000000103', (candidate) => candidate.history.length === 3);
    expect(found.order.status).toBe('cancelled');
    expect(found.history.map((h: { change: string }) => h.change).sort()).toEqual([
      'created',
      'stale_update_ignored',
      'updated',
    ]);
  });

  it('rejects a notification signed with another secret with 401 and fetches nothing', async () => {
    walmartHolds('get-order-multi-line-usd', '208800000000104');

    const answer = await notify(walmartOrderEvent('208800000000104'), 'not-the-subscription-secret');

    expect(answer.status).toBe(401);
    expect(stub.callsTo(/^\/v3\/orders\/208800000000104$/)).toEqual([]);
  });
});
