import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoOrderRepository, DynamoReceivedOrders } from '#shared/adapters/order-store';
import { orderIdFor } from '#domain/kernel/order';
import type { ExceptionsOverview, OrdersOverview } from '#shared/operations/overview-answer';
import { sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog, waitForOrder } from '../../scripts/sample/sample-traffic';
import {
  WOOCOMMERCE_SAMPLE_CATALOG,
  sampleWooCommerceOrder,
  wooCommerceDeliveryHeaders,
} from '../../scripts/sample/woocommerce-orders';
import { LOCAL_USER_HEADER } from '../../console/src/local-users';
import { balancedOrder } from '../unit/builders';
import { eventually, startTestFabric } from './support/test-fabric';

let fabric: LocalFabric;
const orderNumber = 20_000 + Math.floor(Math.random() * 20_000);

beforeAll(async () => {
  fabric = await startTestFabric('console-overview');
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  const xref = new DynamoSkuCrossReference(fabric.resources.tables.crossReference);
  for (const item of WOOCOMMERCE_SAMPLE_CATALOG)
    await xref.mapSku('woocommerce', { channelSku: item.channelSku }, item.sku);
});

afterAll(async () => {
  await fabric?.stop();
});

/** A console user's call, as the page makes it. */
async function consoleCall(path: string, user = 'dev-viewer', init: RequestInit = {}) {
  const response = await fetch(`${fabric.apiUrl}${path}`, {
    ...init,
    headers: { [LOCAL_USER_HEADER]: user, 'content-type': 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function shopifyOrder(payload: Record<string, unknown>): Promise<string> {
  const body = JSON.stringify(payload);
  const answer = await postShopifyOrder(
    fabric.apiUrl,
    body,
    shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
  );
  expect(answer.status).toBe(202);
  return String(answer.body.orderId);
}

/** Orders in the window per channel, and per status, summed over its hours. */
function totals(overview: OrdersOverview) {
  const byChannel: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const { counts } of overview.perHour)
    for (const { channel, status, orders } of counts) {
      byChannel[channel] = (byChannel[channel] ?? 0) + orders;
      byStatus[status] = (byStatus[status] ?? 0) + orders;
    }
  return { byChannel, byStatus };
}

const openNow = (overview: ExceptionsOverview) => overview.points.at(-1)?.open ?? [];

describe('GET /overview/orders and /overview/exceptions for the console', () => {
  it('counts the orders of two channels per hour, the held one as needs_attention, and the exception it raised until dismissed', async () => {
    const unmapped = sampleShopifyOrder(orderNumber + 2);
    (unmapped.line_items as { sku: string }[])[0].sku = `UNLISTED-${orderNumber}`;
    const shopifyIds = [
      await shopifyOrder(sampleShopifyOrder(orderNumber)),
      await shopifyOrder(sampleShopifyOrder(orderNumber + 1)),
      await shopifyOrder(unmapped),
    ];
    const wooBody = JSON.stringify(sampleWooCommerceOrder(orderNumber));
    const woo = await fetch(`${fabric.apiUrl}/webhooks/woocommerce`, {
      method: 'POST',
      headers: wooCommerceDeliveryHeaders(wooBody, DEVELOPMENT_WEBHOOK_SECRETS.woocommerce),
      body: wooBody,
    });
    expect(woo.status).toBe(202);
    const wooId = String(((await woo.json()) as { orderId: string }).orderId);
    for (const orderId of [...shopifyIds, wooId]) expect(await waitForOrder(fabric.apiUrl, orderId)).toBeDefined();

    const orders = await consoleCall('/overview/orders?hours=2');

    expect(orders.status).toBe(200);
    const overview = orders.body as OrdersOverview;
    expect(overview).toMatchObject({ hours: 2, to: expect.any(String), from: expect.stringMatching(/:00:00\.000Z$/) });
    expect(overview.perHour).toHaveLength(2);
    const { byChannel, byStatus } = totals(overview);
    expect(byChannel).toEqual({ shopify: 3, woocommerce: 1 });
    expect(byStatus.needs_attention).toBe(1);

    const held = await eventually('the held order raised an open exception', async () => {
      const answer = await consoleCall('/overview/exceptions?hours=2');
      const cell = openNow(answer.body as ExceptionsOverview).find((open) => open.kind === 'OrderNeedsAttention');
      return cell ? { answer, cell } : undefined;
    });
    expect(held.answer.body).toMatchObject({ hours: 2, points: expect.any(Array) });
    expect((held.answer.body as ExceptionsOverview).points).toHaveLength(2);
    expect(held.cell).toEqual({ severity: 'warning', kind: 'OrderNeedsAttention', exceptions: 1 });

    const listed = await consoleCall('/exceptions?kind=OrderNeedsAttention&status=open');
    const exceptionId = String(listed.body.exceptions[0].id);
    const dismissed = await consoleCall(`/exceptions/${encodeURIComponent(exceptionId)}/dismiss`, 'dev-operator', {
      method: 'POST',
      body: JSON.stringify({ reason: 'the shop cancelled it by phone' }),
    });
    expect(dismissed.status).toBe(200);

    const after = await consoleCall('/overview/exceptions?hours=2');
    expect(
      openNow(after.body as ExceptionsOverview).find((open) => open.kind === 'OrderNeedsAttention'),
    ).toBeUndefined();
  });

  it.each([
    ['0', 'must be at least 1'],
    ['169', 'must be at most 168 (a week)'],
    ['1.5', 'must be a whole number of hours'],
    ['six', 'must be a whole number of hours'],
  ])('answers hours=%s with a 400 naming hours', async (hours, message) => {
    for (const route of ['/overview/orders', '/overview/exceptions']) {
      const answer = await consoleCall(`${route}?hours=${hours}`);

      expect(answer).toEqual({ status: 400, body: { message: 'invalid query', errors: [{ path: 'hours', message }] } });
    }
  });

  it('counts an order held and later mapped once, when it was held', async () => {
    const channelOrderId = `HELD-${orderNumber}`;
    const orderId = orderIdFor('ebay', channelOrderId);
    const repository = new DynamoOrderRepository(
      fabric.resources.tables.orders,
      fabric.resources.tables.crossReference,
    );
    const heldAt = new Date(Date.now() - 90 * 60_000).toISOString();
    await repository.holdOrder({
      orderId,
      channel: 'ebay',
      channelOrderId,
      reason: 'TOTALS_MISMATCH',
      details: [{ path: 'totals.total', message: 'does not add up' }],
      heldAt,
    });
    await repository.holdOrder({
      orderId,
      channel: 'ebay',
      channelOrderId,
      reason: 'TOTALS_MISMATCH',
      details: [],
      heldAt: new Date().toISOString(),
    });
    const received = new DynamoReceivedOrders(fabric.resources.tables.orders);
    const window = (): [Date, Date] => [new Date(Date.now() - 2 * 3_600_000), new Date(Date.now() + 1000)];

    const whileHeld = (await received.receivedBetween(...window())).filter((order) => order.orderId === orderId);
    await repository.recordOrder(balancedOrder({ orderId, channel: 'ebay', channelOrderId }), {
      eventId: `evt-${channelOrderId}`,
      deliveryId: `dlv-${channelOrderId}`,
    });
    const mapped = (await received.receivedBetween(...window())).filter((order) => order.orderId === orderId);

    expect(whileHeld).toEqual([{ orderId, channel: 'ebay', receivedAt: heldAt, status: 'needs_attention' }]);
    expect(mapped).toEqual([{ orderId, channel: 'ebay', receivedAt: heldAt, status: 'received' }]);
  });
});
