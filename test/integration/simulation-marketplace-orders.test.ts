import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import {
  type MarketplaceChannel,
  type MarketplaceLine,
  type MarketplaceOrderExpectation,
  type SimulatedOrderRef,
  buildAmazonOrder,
  buildEbayOrder,
  buildWalmartOrder,
  marketplaceSkuKeys,
  walmartDelivery,
} from '../../scripts/simulation/marketplace-orders';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { eventually, startTestFabric } from './support/test-fabric';

const stub = new ChannelApiStub();
let fabric: LocalFabric;

const placedAt = '2026-11-23T10:15:00.000Z';
const ref = (index: number): SimulatedOrderRef => ({ seed: 7, run: 1, index });
// Three lines, so the Amazon fetch follows the stub's two-item getOrderItems pages.
const lines: MarketplaceLine[] = [
  { channelSku: 'MKT-TEE-RED-M', title: 'Organic Tee, Red, M', unitPriceMinor: 2400, quantity: 1 },
  { channelSku: 'MKT-MUG-WHT', title: 'Stoneware Mug, White', unitPriceMinor: 1050, quantity: 3 },
  { channelSku: 'MKT-SOCKS-3', title: 'Merino Socks, 3 pack', unitPriceMinor: 325, quantity: 2 },
];

beforeAll(async () => {
  await stub.start();
  // The eBay poller runs only when the test says so.
  fabric = await startTestFabric('marketplace-sim', { channelApiStub: stub, scheduleIntervalMs: () => 0 });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const channel of ['amazon', 'ebay', 'walmart'] as const) {
    for (const line of lines)
      await xref.mapSku(channel, marketplaceSkuKeys[channel](line.channelSku), `SIM-${line.channelSku}`);
  }
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

async function stored(built: MarketplaceOrderExpectation<MarketplaceChannel>): Promise<Record<string, any>> {
  return eventually(
    `${built.channel} order ${built.channelOrderId}`,
    async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/${built.channel}/${built.channelOrderId}`);
      return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
    },
    10_000,
  );
}

function expectAsBuilt(found: Record<string, any>, built: MarketplaceOrderExpectation<MarketplaceChannel>): void {
  expect(found.order).toMatchObject({
    channel: built.channel,
    channelOrderId: built.channelOrderId,
    status: 'received',
    currency: built.currency,
  });
  expect(found.order.totals.total).toEqual({ amountMinor: built.totalMinor, currency: 'USD' });
  const units: Record<string, number> = {};
  for (const line of found.order.lines as { channelSku: string; quantity: number }[])
    units[line.channelSku] = (units[line.channelSku] ?? 0) + line.quantity;
  expect(units).toEqual(built.unitsByChannelSku);
}

describe('simulated marketplace orders through the local fabric', () => {
  it('stores an Amazon order notified on the SQS destination, fetched and priced to the cent', async () => {
    const amazon = buildAmazonOrder({ ref: ref(0), placedAt, lines });
    stub.amazon.orders.set(amazon.channelOrderId, amazon.apiOrder);

    await fabric.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: fabric.resources.queues['amazon-notifications'].url,
        MessageBody: amazon.notification,
      }),
    );

    expectAsBuilt(await stored(amazon), amazon);
    expect(stub.callsTo(new RegExp(`^/orders/v0/orders/${amazon.channelOrderId}/orderItems`))).toHaveLength(2);
  });

  it('stores a Walmart order notified by a signed PO_CREATED, fetched and priced to the cent', async () => {
    const walmart = buildWalmartOrder({ ref: ref(1), placedAt, lines });
    stub.walmart.orders.set(walmart.channelOrderId, walmart.apiOrder);
    const { body, headers } = walmartDelivery(walmart, DEVELOPMENT_WEBHOOK_SECRETS.walmart);

    const answer = await fetch(`${fabric.apiUrl}/webhooks/walmart`, { method: 'POST', headers, body });

    expect(answer.status).toBe(202);
    expectAsBuilt(await stored(walmart), walmart);
  });

  it('stores an eBay order pulled by the scheduled catch-up once, priced to the cent', async () => {
    // Modified five minutes ago: inside the first window (3 days back to 2 minutes ago).
    const ebay = buildEbayOrder({
      ref: ref(2),
      placedAt,
      lines,
      lastModifiedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    stub.ebay.orders.set(ebay.channelOrderId, ebay.apiOrder);

    await fabric.runScheduled('channel-order-catch-up');
    const found = await stored(ebay);
    await fabric.runScheduled('channel-order-catch-up');
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expectAsBuilt(found, ebay);
    expect((await stored(ebay)).history).toHaveLength(1);
  });
});
