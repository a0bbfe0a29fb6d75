import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { SAMPLE_CATALOG, sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder } from '../../scripts/sample/sample-traffic';
import { LOCAL_USER_HEADER } from '../../console/src/local-users';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { holdOrderForUnknownSku, startConsoleShop } from '../e2e/support/console-shop';
import { eventually } from './support/test-fabric';

/*
 * The routes behind the console's Exceptions and Orders pages, called as the console calls them
 * through the local gateway with a development user: what they answer, what they refuse, and the SKU
 * mapping that releases a held order, audited as the person who made it.
 */

let fabric: LocalFabric;
let run = Date.now() % 100_000;

beforeAll(async () => {
  fabric = await startConsoleShop('console-exceptions-orders');
}, 120_000);

afterAll(async () => {
  await fabric?.stop();
});

async function call(
  path: string,
  init: { user?: string; method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${fabric.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      [LOCAL_USER_HEADER]: init.user ?? 'dev-viewer',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const heldException = (orderId: string) =>
  eventually(
    `the exception holding ${orderId}`,
    async () =>
      (await call('/exceptions?status=open&channel=shopify')).body.exceptions?.find(
        (row: { orderId?: string }) => row.orderId === orderId,
      ),
    20_000,
  );

const standing = (orderId: string, states: readonly string[]) =>
  eventually(
    `order ${orderId} in ${states.join(' or ')}`,
    async () => {
      const found = await call(`/orders/${orderId}`);
      return found.status === 200 && states.includes(found.body.status) ? found.body : undefined;
    },
    30_000,
  );

describe('the exceptions routes', () => {
  it('lists a held order by channel and age and shows what it waits for: the order line, its channel SKU and the order held back', async () => {
    const channelSku = `API-TEE-${run++}`;
    const held = await holdOrderForUnknownSku(fabric, channelSku);

    const listed = await heldException(held.orderId);
    const elsewhere = await call('/exceptions?status=open&channel=amazon');
    const older = await call('/exceptions?status=open&channel=shopify&olderThanMinutes=60');
    const shown = await call(`/exceptions/${encodeURIComponent(listed.id)}`);

    expect(listed).toMatchObject({ kind: 'OrderNeedsAttention', reasonCode: 'UNKNOWN_SKU', channel: 'shopify' });
    expect(elsewhere.body.exceptions.map((row: { id: string }) => row.id)).not.toContain(listed.id);
    expect(older.body.exceptions.map((row: { id: string }) => row.id)).not.toContain(listed.id);
    expect(shown).toMatchObject({
      status: 200,
      body: {
        id: listed.id,
        fixes: ['map-sku', 'reprocess', 'dismiss'],
        skusToMap: [{ channel: 'shopify', channelSku }],
        blocks: {
          orderId: held.orderId,
          status: 'needs_attention',
          channelOrderId: held.channelOrderId,
          total: { amountMinor: expect.any(Number), currency: 'USD' },
          waitingLines: [{ channelSku, quantity: 1 }],
        },
        payload: {
          source: 'order',
          fields: [{ path: 'lines.0.channelSku', value: channelSku, line: expect.objectContaining({ sku: null }) }],
        },
      },
    });
    expect(shown.body.eventIds).toBeUndefined();
  });

  it('shows the failing field of an order it could not map as the channel sent it, from the archived delivery', async () => {
    const payload = sampleShopifyOrder(80_000 + run++, () => 0, [SAMPLE_CATALOG[0]]);
    (payload.line_items as Record<string, unknown>[])[0].price = '24.001';
    const body = JSON.stringify(payload);
    const answer = await postShopifyOrder(
      fabric.apiUrl,
      body,
      shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
    );
    const listed = await heldException(String(answer.body.orderId));

    const shown = await call(`/exceptions/${encodeURIComponent(listed.id)}`);

    expect(shown.body).toMatchObject({
      reasonCode: 'MAPPING_ERROR',
      skusToMap: [],
      blocks: { orderId: answer.body.orderId, status: 'needs_attention', waitingLines: [] },
      payload: {
        source: 'archived-delivery',
        archiveKey: expect.stringMatching(/^webhooks\/shopify\//),
        fields: [
          {
            path: 'line_items.0.price',
            value: '24.001',
            line: expect.objectContaining({ sku: SAMPLE_CATALOG[0].channelSku, price: '24.001' }),
          },
        ],
      },
    });
  });

  it('refuses a query or a mapping it cannot use with a 400 naming the field, and a viewer mapping a SKU with a 403', async () => {
    const badChannel = await call('/exceptions?channel=myspace');
    const badAge = await call('/exceptions?olderThanMinutes=-5');
    const noSku = await call('/sku-mappings', {
      user: 'dev-operator',
      method: 'POST',
      body: { channel: 'shopify', channelSku: 'ANY' },
    });
    const notJson = await fetch(`${fabric.apiUrl}/sku-mappings`, {
      method: 'POST',
      headers: { [LOCAL_USER_HEADER]: 'dev-operator', 'content-type': 'application/json' },
      body: '{"channel":',
    });
    const dismissNotJson = await fetch(`${fabric.apiUrl}/exceptions/anything/dismiss`, {
      method: 'POST',
      headers: { [LOCAL_USER_HEADER]: 'dev-operator', 'content-type': 'application/json' },
      body: '{"reason":',
    });
    const asViewer = await call('/sku-mappings', {
      method: 'POST',
      body: { channel: 'shopify', channelSku: 'ANY', sku: SAMPLE_CATALOG[0].sku },
    });

    expect(badChannel).toMatchObject({ status: 400, body: { errors: [{ path: 'channel' }] } });
    expect(badAge).toMatchObject({ status: 400, body: { errors: [{ path: 'olderThanMinutes' }] } });
    expect(noSku).toMatchObject({ status: 400, body: { message: 'invalid SKU mapping', errors: [{ path: 'sku' }] } });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errors: [{ path: '(body)' }] });
    expect(dismissNotJson.status).toBe(400);
    expect(await dismissNotJson.json()).toMatchObject({ errors: [{ path: '(body)' }] });
    expect(asViewer.status).toBe(403);
  });

  it("maps the held order's SKU as the operator: audited on the mapping's exception, and the order released to reserve its stock", async () => {
    const channelSku = `API-MAP-${run++}`;
    const held = await holdOrderForUnknownSku(fabric, channelSku);
    const exception = await heldException(held.orderId);

    const mapped = await call('/sku-mappings', {
      user: 'dev-operator',
      method: 'POST',
      body: { channel: 'shopify', channelSku, sku: SAMPLE_CATALOG[2].sku, reason: 'new mug colour listed today' },
    });

    expect(mapped).toMatchObject({
      status: 200,
      body: {
        channel: 'shopify',
        channelSku,
        sku: SAMPLE_CATALOG[2].sku,
        reprocessed: [{ id: exception.id, outcome: expect.stringMatching(/^republished/) }],
        left: [],
      },
    });
    const released = await standing(held.orderId, ['reserved', 'posted_to_erp']);
    expect(released.order.lines).toEqual([expect.objectContaining({ sku: SAMPLE_CATALOG[2].sku, channelSku })]);
    const audited = await call(`/exceptions/${encodeURIComponent(exception.id)}`);
    expect(audited.body.actions).toContainEqual(
      expect.objectContaining({
        action: 'reprocessed',
        by: 'console:dev-operator',
        why: 'new mug colour listed today',
      }),
    );
    expect(audited.body.skusToMap).toEqual([{ channel: 'shopify', channelSku, mappedTo: SAMPLE_CATALOG[2].sku }]);
  }, 60_000);
});

describe('the order routes', () => {
  it('shows an order with its lifecycle, reserved stock and ERP sales order, its trace, and finds it by SKU', async () => {
    const payload = sampleShopifyOrder(80_000 + run++, () => 0, [SAMPLE_CATALOG[3]]);
    const body = JSON.stringify(payload);
    const answer = await postShopifyOrder(
      fabric.apiUrl,
      body,
      shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
    );
    const orderId = String(answer.body.orderId);

    const posted = await eventually(
      'the ERP sales order',
      async () => {
        const found = await call(`/orders/${orderId}`);
        return found.body.erpDocuments?.[0]?.erpDocumentNumber ? found.body : undefined;
      },
      30_000,
    );
    const byChannel = await call(`/orders/by-channel/shopify/${payload.id}`);
    const trace = await call(`/orders/${orderId}/trace`);
    const bySku = await call(`/orders?sku=${encodeURIComponent(SAMPLE_CATALOG[3].sku)}&limit=100`);

    expect(posted).toMatchObject({
      orderId,
      order: { channel: 'shopify', lines: [{ sku: SAMPLE_CATALOG[3].sku, quantity: 1 }] },
      lifecycle: { moves: expect.arrayContaining([expect.objectContaining({ from: 'none', to: 'received' })]) },
      reservation: {
        status: 'reserved',
        units: [expect.objectContaining({ sku: SAMPLE_CATALOG[3].sku, quantity: 1, locationId: expect.any(String) })],
      },
      erpDocuments: [{ erp: 'business-central', documentType: 'sales_order', key: orderId }],
    });
    expect(byChannel.body.orderId).toBe(orderId);
    expect(trace.status).toBe(200);
    expect(trace.body.steps.map((step: { what: string }) => step.what)).toEqual(
      expect.arrayContaining([
        'order created (received)',
        expect.stringMatching(/^OrderReceived handled at \S*order-intake after \d+ ms/),
      ]),
    );
    const offsets = trace.body.steps.map((step: { sinceStartMs: number }) => step.sinceStartMs);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(bySku.body.orders).toContainEqual(
      expect.objectContaining({
        orderId,
        channel: 'shopify',
        channelOrderId: String(payload.id),
        quantity: 1,
        total: posted.order.totals.total,
      }),
    );
  }, 60_000);

  it('answers 400 naming the field for a search without a SKU or with a bad limit, and 404 for an order it knows nothing of', async () => {
    const noSku = await call('/orders');
    const badLimit = await call('/orders?sku=MUG&limit=0');
    const unknownTrace = await call('/orders/ord_nothing_known/trace');
    const unknown = await call('/orders/ord_nothing_known');
    const nothingSold = await call('/orders?sku=NEVER-SOLD');

    expect(noSku).toMatchObject({ status: 400, body: { errors: [{ path: 'sku' }] } });
    expect(badLimit).toMatchObject({ status: 400, body: { errors: [{ path: 'limit' }] } });
    expect(unknownTrace.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(nothingSold).toMatchObject({ status: 200, body: { sku: 'NEVER-SOLD', orders: [], more: false } });
  });
});
