import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { amazonOrderChange } from '../../scripts/sample/channel-samples';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { type AmazonFixtureName, amazonFixtureSkus, readAmazonFixture } from '../fixtures/amazon';
import { startTestFabric, eventually } from './support/test-fabric';

const stub = new ChannelApiStub();
let fabric: LocalFabric;

beforeAll(async () => {
  await stub.start();
  fabric = await startTestFabric('amazon', { channelApiStub: stub });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const { key, sku } of amazonFixtureSkus) await xref.mapSku('amazon', key, sku);
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

function amazonHolds(fixture: AmazonFixtureName, amazonOrderId: string): void {
  const { order, items } = readAmazonFixture(fixture);
  stub.amazon.orders.set(amazonOrderId, { order: { ...order, AmazonOrderId: amazonOrderId }, items });
}

/** What SP-API does: write the notification to the SQS destination. */
async function deliver(body: string): Promise<void> {
  await fabric.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: fabric.resources.queues['amazon-notifications'].url, MessageBody: body }),
  );
}

async function byChannel(id: string, timeoutMs = 10_000) {
  return eventually(
    `amazon order ${id}`,
    async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/amazon/${id}`);
      return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
    },
    timeoutMs,
  );
}

describe('Amazon ORDER_CHANGE through the local fabric', () => {
  it('fetches the order with getOrder and every page of getOrderItems, and stores it to the cent', async () => {
    const { order, items } = readAmazonFixture('order-us-multi-line');
    // Three items, so the stub's two-per-page getOrderItems needs a NextToken.
    stub.amazon.orders.set('111-0000001-0000001', {
      order: { ...order, AmazonOrderId: '111-0000001-0000001', OrderTotal: { CurrencyCode: 'USD', Amount: '85.51' } },
      items: [...items, { ...items[1], OrderItemId: '62818943151299' }],
    });

    await deliver(amazonOrderChange('111-0000001-0000001', 'Unshipped'));

    const stored = await byChannel('111-0000001-0000001');
    expect(stored.order).toMatchObject({ channel: 'amazon', channelAccount: 'A3TH9S8BH6GOGM', status: 'received' });
    expect(stored.order.lines).toHaveLength(3);
    expect(stored.order.totals.total).toEqual({ amountMinor: 8551, currency: 'USD' });
    expect(stub.callsTo(/^\/orders\/v0\/orders\/111-0000001-0000001\/orderItems/).map((call) => call.path)).toEqual([
      '/orders/v0/orders/111-0000001-0000001/orderItems',
      '/orders/v0/orders/111-0000001-0000001/orderItems?NextToken=2',
    ]);
  });

  it('turns one notification delivered 5 times into one fetch and one order', async () => {
    amazonHolds('order-de-vat-inclusive', '302-0000002-0000002');
    const notification = amazonOrderChange('302-0000002-0000002', 'Unshipped');

    for (let i = 0; i < 5; i += 1) await deliver(notification);

    const stored = await byChannel('302-0000002-0000002');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await byChannel('302-0000002-0000002')).history).toHaveLength(1);
    expect(stored.order).toMatchObject({ currency: 'EUR', taxesIncluded: true });
    expect(stub.callsTo(/^\/orders\/v0\/orders\/302-0000002-0000002$/)).toHaveLength(1);
  });

  it('waits out SP-API QuotaExceeded (429) and still stores the order', async () => {
    amazonHolds('order-us-canceled', '114-0000003-0000003');
    stub.fail({
      method: 'GET',
      path: /^\/orders\/v0\/orders\/114-0000003-0000003$/,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] },
    });

    await deliver(amazonOrderChange('114-0000003-0000003', 'Canceled'));

    expect((await byChannel('114-0000003-0000003')).order.status).toBe('cancelled');
  });

  it('skips a Pending order (no prices yet) and stores it once Amazon notifies it as Unshipped', async () => {
    amazonHolds('order-us-pending', '113-0000004-0000004');
    await deliver(amazonOrderChange('113-0000004-0000004', 'Pending'));
    await eventually('the Pending fetch', async () =>
      stub.callsTo(/^\/orders\/v0\/orders\/113-0000004-0000004$/).length ? true : undefined,
    );
    expect((await fetch(`${fabric.apiUrl}/orders/by-channel/amazon/113-0000004-0000004`)).status).toBe(404);

    amazonHolds('order-us-multi-line', '113-0000004-0000004');
    await deliver(amazonOrderChange('113-0000004-0000004', 'Unshipped'));

    expect((await byChannel('113-0000004-0000004')).order.status).toBe('received');
  });
});
