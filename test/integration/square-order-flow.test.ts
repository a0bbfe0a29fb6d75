import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { ChannelApiStub } from '../../scripts/channel-stubs/channel-api-stub';
import { squareDeliveryHeaders, squareOrderEvent } from '../../scripts/sample/channel-samples';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { readSquareFixture, squareFixtureSkus } from '../fixtures/square';
import { startTestFabric, eventually } from './support/test-fabric';

const signatureKey = DEVELOPMENT_WEBHOOK_SECRETS.square;
const stub = new ChannelApiStub();
let fabric: LocalFabric;

beforeAll(async () => {
  await stub.start();
  fabric = await startTestFabric('square', { channelApiStub: stub });
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const { key, sku } of squareFixtureSkus) await xref.mapSku('square', key, sku);
});

afterAll(async () => {
  await fabric?.stop();
  await stub.stop();
});

/** Puts an order in the Square API stub under a fresh id, as Square would hold it. */
function squareHolds(fixture: Parameters<typeof readSquareFixture>[0], id: string): Record<string, any> {
  const order = { ...readSquareFixture(fixture).order, id };
  stub.square.orders.set(id, order);
  return order;
}

async function notify(body: string) {
  const url = `${fabric.apiUrl}/webhooks/square`;
  const response = await fetch(url, { method: 'POST', headers: squareDeliveryHeaders(body, signatureKey, url), body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function byChannel(id: string, timeoutMs = 8000) {
  return eventually(
    `square order ${id}`,
    async () => {
      const response = await fetch(`${fabric.apiUrl}/orders/by-channel/square/${id}`);
      return response.status === 200 ? ((await response.json()) as Record<string, any>) : undefined;
    },
    timeoutMs,
  );
}

describe('Square orders through the local fabric', () => {
  it('acknowledges a signed order.updated, fetches the order from the Orders API and stores it', async () => {
    squareHolds('retrieve-order-online-multi-line-usd', 'SQ-ONLINE-0001');

    const answer = await notify(squareOrderEvent('SQ-ONLINE-0001', 'L8RR7W3ZQ4V1B'));

    expect(answer.status).toBe(202);
    const stored = await byChannel('SQ-ONLINE-0001');
    expect(stored.order).toMatchObject({
      orderId: answer.body.orderId,
      channel: 'square',
      channelAccount: 'L8RR7W3ZQ4V1B',
      status: 'received',
    });
    expect(stored.order.totals).toEqual({
      lines: { amountMinor: 6450, currency: 'USD' },
      shipping: { amountMinor: 695, currency: 'USD' },
      discounts: { amountMinor: 645, currency: 'USD' },
      tax: { amountMinor: 577, currency: 'USD' },
      total: { amountMinor: 7077, currency: 'USD' },
    });
  });

  // No Square location is mapped to a store here: the point-of-sale order stays an online order, stored
  // as shipped (square-store-sales.test.ts maps its location, where it is the store's sale instead).
  it('turns one event delivered 5 times into one fetch and one order', async () => {
    squareHolds('retrieve-order-pos-vat-inclusive-gbp', 'SQ-POS-0002');
    const event = squareOrderEvent('SQ-POS-0002', 'LBX9V0JZ1G7MN');

    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await notify(event));

    expect(answers.map((a) => a.status)).toEqual([202, 200, 200, 200, 200]);
    const stored = await byChannel('SQ-POS-0002');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await byChannel('SQ-POS-0002')).history).toHaveLength(1);
    expect(stored.order.status).toBe('shipped');
    expect(stub.callsTo(/^\/v2\/orders\/SQ-POS-0002/)).toHaveLength(1);
  });

  it('waits out a 429 with Retry-After from the Orders API, then stores the order', async () => {
    squareHolds('retrieve-order-cancelled-jpy', 'SQ-JPY-0003');
    stub.fail({
      method: 'GET',
      path: /^\/v2\/orders\/SQ-JPY-0003$/,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' }] },
    });

    await notify(squareOrderEvent('SQ-JPY-0003', 'LJP2K8T0Q9H3E'));

    const stored = await byChannel('SQ-JPY-0003');
    expect(stored.order).toMatchObject({ status: 'cancelled', currency: 'JPY' });
    expect(stub.callsTo(/^\/v2\/orders\/SQ-JPY-0003$/).map((call) => call.status)).toEqual([429, 200]);
  });

  it('rejects an event signed over the body alone (not URL + body) with 401', async () => {
    const body = squareOrderEvent('SQ-NEVER', 'L8RR7W3ZQ4V1B');
    const headers = { ...squareDeliveryHeaders(body, signatureKey, 'https://somewhere.else/hook') };

    const response = await fetch(`${fabric.apiUrl}/webhooks/square`, { method: 'POST', headers, body });

    expect(response.status).toBe(401);
  });
});
