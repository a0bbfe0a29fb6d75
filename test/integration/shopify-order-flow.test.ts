import { createHash } from 'node:crypto';
import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog, waitForOrder } from '../../scripts/sample/sample-traffic';
import { startTestFabric, eventually } from './support/test-fabric';

const secret = DEVELOPMENT_WEBHOOK_SECRETS.shopify;
let fabric: LocalFabric;
let orderNumber = 100;

beforeAll(async () => {
  process.env.FABRIC_WEBHOOK_MAX_BODY_BYTES = String(64 * 1024);
  fabric = await startTestFabric('shopify');
  await seedSampleCatalog(fabric.resources.tables.crossReference);
});

afterAll(async () => {
  await fabric?.stop();
});

function signedDelivery(payload: Record<string, unknown>, topic = 'orders/create') {
  const body = JSON.stringify(payload);
  return { body, headers: shopifyDeliveryHeaders(body, secret, topic) };
}

/** Verified deliveries are kept under webhooks/, what failed the checks before the signature's under unverified/. */
async function archivedDocuments(
  prefix = 'webhooks/shopify/',
): Promise<{ key: string; document: Record<string, any> }[]> {
  const bucket = fabric.resources.buckets.rawArchive;
  const { Contents = [] } = await fabric.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return Promise.all(
    Contents.map(async ({ Key }) => {
      const object = await fabric.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      return { key: Key!, document: JSON.parse(await object.Body!.transformToString()) };
    }),
  );
}

async function verdictsFor(requestBody: string, prefix?: string): Promise<Record<string, any>[]> {
  const documents = await archivedDocuments(prefix);
  const base64 = Buffer.from(requestBody).toString('base64');
  const sha256 = createHash('sha256').update(requestBody).digest('hex');
  const deliveries = documents.filter(
    (d) => d.key.endsWith('.delivery.json') && (d.document.bodyBase64 === base64 || d.document.bodySha256 === sha256),
  );
  return deliveries.map(
    (d) => documents.find((v) => v.key === d.key.replace('.delivery.json', '.verdict.json'))?.document ?? {},
  );
}

describe('Shopify orders/create through the local fabric', () => {
  it('accepts a signed order with 202 and makes it readable by fabric id and by channel id within 2 s', async () => {
    const delivery = signedDelivery(sampleShopifyOrder(orderNumber++));

    const answer = await postShopifyOrder(fabric.apiUrl, delivery.body, delivery.headers);

    expect(answer.status).toBe(202);
    expect(answer.body.orderId).toMatch(/^ord_/);
    // The creation's history entry is written just after the order (not in one transaction with it).
    const stored = await eventually(
      'the order readable with its creation in the history',
      async () => {
        const found = await waitForOrder(fabric.apiUrl, String(answer.body.orderId), 2000);
        return found?.history.length ? found : undefined;
      },
      2000,
    );
    expect(stored?.order).toMatchObject({ channel: 'shopify', status: 'received', currency: 'USD' });
    expect(stored?.history).toEqual([expect.objectContaining({ change: 'created', status: 'received' })]);
    const byChannel = await fetch(`${fabric.apiUrl}/orders/by-channel/shopify/${stored?.order.channelOrderId}`);
    expect(byChannel.status).toBe(200);
    expect(((await byChannel.json()) as { order: { orderId: string } }).order.orderId).toBe(answer.body.orderId);
  });

  it('answers a redelivery of the same event with 200 duplicate and changes nothing', async () => {
    const delivery = signedDelivery(sampleShopifyOrder(orderNumber++));
    const first = await postShopifyOrder(fabric.apiUrl, delivery.body, delivery.headers);
    const before = await waitForOrder(fabric.apiUrl, String(first.body.orderId), 2000);

    const repeats = await Promise.all(
      [1, 2, 3, 4].map(() => postShopifyOrder(fabric.apiUrl, delivery.body, delivery.headers)),
    );

    expect(repeats.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(repeats[0].body).toEqual({ orderId: first.body.orderId, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await waitForOrder(fabric.apiUrl, String(first.body.orderId));
    // The order's own lifecycle moves on meanwhile (no stock here: it is cancelled), and with it its
    // reservation and ERP documents; what the redelivery must leave alone is the stored order and its versions.
    const stored = (view: Record<string, unknown> | undefined) => ({
      ...view,
      status: undefined,
      lifecycle: undefined,
      reservation: undefined,
      erpDocuments: undefined,
    });
    expect(stored(after)).toEqual(stored(before));
  });

  it('rejects a wrong signature with 401 and writes nothing but the unverified archive record', async () => {
    const payload = sampleShopifyOrder(orderNumber++);
    const delivery = signedDelivery(payload);

    const answer = await postShopifyOrder(fabric.apiUrl, delivery.body, {
      ...delivery.headers,
      'x-shopify-hmac-sha256': 'bm90IHRoZSBzaWduYXR1cmU=',
    });

    expect(answer.status).toBe(401);
    expect(await verdictsFor(delivery.body, 'unverified/shopify/')).toEqual([
      expect.objectContaining({ outcome: 'rejected', status: 401 }),
    ]);
    expect(await verdictsFor(delivery.body)).toEqual([]);
    const byChannel = await fetch(`${fabric.apiUrl}/orders/by-channel/shopify/${payload.id}`);
    expect(byChannel.status).toBe(404);
    const queue = await fabric.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: fabric.resources.queues['order-intake'].url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(queue.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('rejects a missing signature with 401', async () => {
    const delivery = signedDelivery(sampleShopifyOrder(orderNumber++));
    const { 'x-shopify-hmac-sha256': _removed, ...unsigned } = delivery.headers;

    const answer = await postShopifyOrder(fabric.apiUrl, delivery.body, unsigned);

    expect(answer.status).toBe(401);
  });

  it('answers 400 naming the failing fields of a malformed order, and archives it with that verdict', async () => {
    const payload = sampleShopifyOrder(orderNumber++);
    delete payload.currency;
    (payload.line_items as Record<string, unknown>[])[0].quantity = 'two';
    const delivery = signedDelivery(payload);

    const answer = await postShopifyOrder(fabric.apiUrl, delivery.body, delivery.headers);

    expect(answer.status).toBe(400);
    const paths = (answer.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['currency', 'line_items.0.quantity']));
    expect(await verdictsFor(delivery.body)).toEqual([
      expect.objectContaining({ outcome: 'rejected', status: 400, reason: expect.stringContaining('currency') }),
    ]);
  });

  it('answers 415 to a body that is not JSON', async () => {
    const body = 'webhook_id=42';
    const headers = { ...shopifyDeliveryHeaders(body, secret), 'content-type': 'application/x-www-form-urlencoded' };

    const answer = await postShopifyOrder(fabric.apiUrl, body, headers);

    expect(answer.status).toBe(415);
  });

  it('answers 413 over the size limit and archives the headers, hash and first 4 KiB, not the body', async () => {
    const payload = sampleShopifyOrder(orderNumber++);
    payload.note = 'x'.repeat(70 * 1024);
    const delivery = signedDelivery(payload);

    const answer = await postShopifyOrder(fabric.apiUrl, delivery.body, delivery.headers);

    expect(answer.status).toBe(413);
    const oversized = (await archivedDocuments('unverified/shopify/')).filter(
      (d) => d.key.endsWith('.delivery.json') && d.document.sizeBytes === Buffer.byteLength(delivery.body),
    );
    expect(oversized).toHaveLength(1);
    expect(oversized[0].document.bodyBase64).toBeUndefined();
    expect(
      Buffer.from(oversized[0].document.bodyHeadBase64, 'base64').equals(Buffer.from(delivery.body).subarray(0, 4096)),
    ).toBe(true);
  });

  it('archives an accepted delivery byte for byte before recording its verdict', async () => {
    const delivery = signedDelivery(sampleShopifyOrder(orderNumber++));

    const answer = await postShopifyOrder(fabric.apiUrl, delivery.body, delivery.headers);

    const verdicts = await verdictsFor(delivery.body);
    expect(verdicts).toEqual([
      expect.objectContaining({ outcome: 'accepted', status: 202, orderId: answer.body.orderId }),
    ]);
  });

  it('applies a newer orders/updated and ignores an older one that arrives late', async () => {
    const original = sampleShopifyOrder(orderNumber++);
    const created = await postShopifyOrder(
      fabric.apiUrl,
      ...(Object.values(signedDelivery(original)) as [string, Record<string, string>]),
    );
    await waitForOrder(fabric.apiUrl, String(created.body.orderId), 2000);
    const later = new Date(Date.now() + 60_000).toISOString();
    const earlier = new Date(Date.now() - 60_000).toISOString();

    const cancelled = signedDelivery({ ...original, updated_at: later, cancelled_at: later }, 'orders/cancelled');
    await postShopifyOrder(fabric.apiUrl, cancelled.body, cancelled.headers);
    const stale = signedDelivery({ ...original, updated_at: earlier, financial_status: 'pending' }, 'orders/updated');
    await postShopifyOrder(fabric.apiUrl, stale.body, stale.headers);

    const history = await eventually('both updates in the history', async () => {
      const found = await waitForOrder(fabric.apiUrl, String(created.body.orderId));
      return found && found.history.length === 3 ? found : undefined;
    });
    expect(history.order.status).toBe('cancelled');
    expect(history.history.map((h: { change: string }) => h.change).sort()).toEqual([
      'created',
      'stale_update_ignored',
      'updated',
    ]);
  });

  it('holds an order with an unmapped SKU in needs_attention instead of dropping the line', async () => {
    const payload = sampleShopifyOrder(orderNumber++);
    (payload.line_items as Record<string, unknown>[])[0].sku = 'NOT-IN-XREF';
    const delivery = signedDelivery(payload);

    const answer = await postShopifyOrder(fabric.apiUrl, delivery.body, delivery.headers);

    expect(answer.status).toBe(202);
    const stored = await waitForOrder(fabric.apiUrl, String(answer.body.orderId), 2000);
    expect(stored?.order.status).toBe('needs_attention');
    expect(stored?.order.lines[0]).toMatchObject({ sku: null, channelSku: 'NOT-IN-XREF' });
  });

  it('answers 404 for an order it does not know, and 400 for an unknown channel', async () => {
    expect((await fetch(`${fabric.apiUrl}/orders/ord_aaaaaaaaaaaaaaaaaaaaaaaaaa`)).status).toBe(404);
    const unknownChannel = await fetch(`${fabric.apiUrl}/orders/by-channel/etsy/1`);
    expect(unknownChannel.status).toBe(400);
    expect(await unknownChannel.json()).toMatchObject({ errors: [{ path: 'channel' }] });
  });
});
