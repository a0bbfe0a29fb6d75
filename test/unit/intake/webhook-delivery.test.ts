import { createHash, randomUUID } from 'node:crypto';
import type { ChannelWebhookAdapter, WebhookRequest } from '#domain/intake/channel-ports';
import { shopifyWebhookAdapter } from '#shared/channels/shopify/shopify-webhook.adapter';
import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';
import { orderIdFor } from '#domain/kernel/order';
import { type AcceptedDelivery, type WebhookIntakePorts, acceptWebhookDelivery } from '#domain/intake/webhook-delivery';
import { skuKeyId } from '#domain/kernel/sku-cross-reference';
import { DeliveryInProgressError } from '#domain/kernel/ports';
import { type ArchivedDelivery, type DeliveryVerdict, UNVERIFIED_BODY_HEAD_BYTES } from '#domain/kernel/archive';
import type { FabricEvent } from '#domain/kernel/event';
import { readShopifyFixture } from '../../fixtures/shopify';
import { fixtureCrossReference } from '../builders';

const secret = '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';
const limits = { maxBodyBytes: 64 * 1024 };
const multiLineOrderId = orderIdFor('shopify', '5829743312345');

interface DeliveryOptions {
  topic?: string;
  eventId?: string;
  contentType?: string;
  /** Replaces the correct signature; null leaves the header out. */
  signature?: string | null;
}

/** A delivery as Shopify sends it: signed raw bytes, lower-cased headers, a fresh event id unless given. */
function shopifyDelivery(payload: unknown, options: DeliveryOptions = {}): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(payload));
  const signature = options.signature === undefined ? signBase64HmacSha256(rawBody, secret) : options.signature;
  return {
    channel: 'shopify',
    requestId: randomUUID(),
    receivedAt: new Date().toISOString(),
    rawBody,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-shopify-topic': options.topic ?? 'orders/create',
      'x-shopify-shop-domain': 'fabric-demo.myshopify.com',
      'x-shopify-api-version': '2025-07',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': options.eventId ?? randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      ...(signature === null ? {} : { 'x-shopify-hmac-sha256': signature }),
    },
  };
}

/**
 * In-memory fakes of the intake ports, each honouring its port's contract and logging its calls in
 * order, with the Shopify adapter's parse logged too so a test can see what ran before what.
 */
function fakeIntake() {
  const calls: string[] = [];
  const archived: { archiveKey: string; delivery: ArchivedDelivery }[] = [];
  const verdicts: { archiveKey: string; verdict: DeliveryVerdict }[] = [];
  const published: FabricEvent[] = [];
  const acceptedDeliveries = new Map<string, AcceptedDelivery | 'in progress'>();
  let publishing: Promise<void> | undefined;
  let publishStarted = () => {};

  const ports: WebhookIntakePorts = {
    archive: {
      async archiveDelivery(delivery) {
        calls.push('archiveDelivery');
        const archiveKey = `webhooks/${delivery.channel}/${delivery.receivedAt}_${delivery.requestId}`;
        archived.push({ archiveKey, delivery });
        return archiveKey;
      },
      async recordVerdict(archiveKey, verdict) {
        calls.push('recordVerdict');
        verdicts.push({ archiveKey, verdict });
      },
    },
    publisher: {
      async publish(events) {
        calls.push('publish');
        publishStarted();
        await publishing;
        published.push(...events);
      },
    },
    secrets: {
      async secretFor(channel) {
        return channel === 'shopify' ? secret : undefined;
      },
    },
    skus: {
      async resolveSkus(_channel, keys) {
        calls.push('resolveSkus');
        const ids = keys.map(skuKeyId).filter((id) => fixtureCrossReference.has(id));
        return new Map(ids.map((id) => [id, fixtureCrossReference.get(id)!]));
      },
    },
    deduplicator: {
      async once(deliveryKey, accept) {
        const earlier = acceptedDeliveries.get(deliveryKey);
        if (earlier === 'in progress') throw new DeliveryInProgressError(deliveryKey);
        if (earlier) return { ...earlier, duplicate: true };
        acceptedDeliveries.set(deliveryKey, 'in progress');
        try {
          const result = await accept();
          acceptedDeliveries.set(deliveryKey, result);
          return { ...result, duplicate: false };
        } catch (error) {
          // A failed first run leaves no record, so the channel's retry runs it again.
          acceptedDeliveries.delete(deliveryKey);
          throw error;
        }
      },
    },
  };
  const adapter: ChannelWebhookAdapter = {
    ...(shopifyWebhookAdapter as ChannelWebhookAdapter),
    parse(request, json) {
      calls.push('parse');
      return shopifyWebhookAdapter.parse(request, json);
    },
  };

  return {
    calls,
    archived,
    verdicts,
    published,
    accept: (request: WebhookRequest) => acceptWebhookDelivery(request, adapter, ports, limits),
    /** Holds every publish until released; `started` resolves once a publish is waiting. */
    holdPublishing() {
      let release = () => {};
      publishing = new Promise((resolve) => {
        release = resolve;
      });
      const started = new Promise<void>((resolve) => {
        publishStarted = resolve;
      });
      return { started, release };
    },
  };
}

const deliveries = {
  oversized: () =>
    shopifyDelivery({ ...readShopifyFixture('orders-create-multi-line'), note: 'x'.repeat(limits.maxBodyBytes) }),
  notJson: () =>
    shopifyDelivery(readShopifyFixture('orders-create-multi-line'), {
      contentType: 'application/x-www-form-urlencoded',
    }),
  badlySigned: () =>
    shopifyDelivery(readShopifyFixture('orders-create-multi-line'), {
      signature: signBase64HmacSha256('other bytes', secret),
    }),
  schemaInvalid: () => shopifyDelivery({ ...readShopifyFixture('orders-create-multi-line'), line_items: [] }),
  ignoredTopic: () => shopifyDelivery({ id: 8123456789012, title: 'Classic Tee' }, { topic: 'products/update' }),
  accepted: () => shopifyDelivery(readShopifyFixture('orders-create-multi-line')),
  unknownSku: () => shopifyDelivery(readShopifyFixture('orders-create-unknown-sku')),
};

const scenarios = [
  { name: 'an oversized', request: deliveries.oversized, status: 413, outcome: 'rejected' },
  { name: 'a non-JSON', request: deliveries.notJson, status: 415, outcome: 'rejected' },
  { name: 'a badly signed', request: deliveries.badlySigned, status: 401, outcome: 'rejected' },
  { name: 'a schema-invalid', request: deliveries.schemaInvalid, status: 400, outcome: 'rejected' },
  { name: 'an ignored-topic', request: deliveries.ignoredTopic, status: 200, outcome: 'ignored' },
  { name: 'an accepted', request: deliveries.accepted, status: 202, outcome: 'accepted' },
  { name: 'an unknown-SKU', request: deliveries.unknownSku, status: 202, outcome: 'needs_attention' },
];

describe('acceptWebhookDelivery', () => {
  test.each(scenarios)('archives $name delivery once, before anything parses it', async ({ request }) => {
    const intake = fakeIntake();

    await intake.accept(request());

    expect(intake.calls[0]).toBe('archiveDelivery');
    expect(intake.archived).toHaveLength(1);
  });

  test.each(scenarios)(
    'records the verdict of $name delivery beside its archive',
    async ({ request, status, outcome }) => {
      const intake = fakeIntake();

      await intake.accept(request());

      expect(intake.calls.at(-1)).toBe('recordVerdict');
      expect(intake.verdicts).toEqual([
        { archiveKey: intake.archived[0].archiveKey, verdict: expect.objectContaining({ status, outcome }) },
      ]);
    },
  );

  test.each([
    ['an oversized', deliveries.oversized, 413],
    ['a non-JSON', deliveries.notJson, 415],
    ['a badly signed', deliveries.badlySigned, 401],
  ] as const)(
    'keeps only the headers, hash and first 4 KiB of %s request, under the expiring unverified prefix',
    async (_name, delivery, status) => {
      const intake = fakeIntake();
      const request = delivery();

      const answer = await intake.accept(request);

      expect(answer.status).toBe(status);
      expect(request.rawBody.length).toBeGreaterThan(UNVERIFIED_BODY_HEAD_BYTES);
      expect(intake.archived[0].delivery).toEqual({
        channel: 'shopify',
        requestId: request.requestId,
        receivedAt: request.receivedAt,
        headers: request.headers,
        sizeBytes: request.rawBody.length,
        source: 'unverified',
        bodySha256: createHash('sha256').update(request.rawBody).digest('hex'),
        bodyHeadBase64: request.rawBody.subarray(0, UNVERIFIED_BODY_HEAD_BYTES).toString('base64'),
      });
      expect(intake.calls).not.toContain('parse');
    },
  );

  test('archives a verified delivery whole, raw, under webhooks', async () => {
    const intake = fakeIntake();
    const request = deliveries.accepted();

    await intake.accept(request);

    expect(intake.archived[0].delivery).not.toHaveProperty('source');
    expect(Buffer.from(intake.archived[0].delivery.bodyBase64!, 'base64').equals(request.rawBody)).toBe(true);
  });

  test('answers 415 to a body not declared as JSON', async () => {
    const intake = fakeIntake();

    const answer = await intake.accept(deliveries.notJson());

    expect(answer).toEqual({
      status: 415,
      body: { message: 'content-type must be application/json, received "application/x-www-form-urlencoded"' },
    });
    expect(intake.calls).not.toContain('parse');
  });

  test.each([
    ['does not match the body', signBase64HmacSha256('{"id":1}', secret)],
    ['is missing', null],
  ])('answers 401 and publishes nothing when the signature %s', async (_case, signature) => {
    const intake = fakeIntake();

    const answer = await intake.accept(shopifyDelivery(readShopifyFixture('orders-create-multi-line'), { signature }));

    expect(answer).toEqual({ status: 401, body: { message: 'signature is missing or does not match the body' } });
    expect(intake.published).toEqual([]);
    expect(intake.calls).not.toContain('parse');
  });

  test('answers 400 with the failing field paths for a payload that is not a Shopify order', async () => {
    const intake = fakeIntake();
    const { line_items: _omitted, ...withoutLines } = readShopifyFixture('orders-create-multi-line');

    const answer = await intake.accept(shopifyDelivery({ ...withoutLines, total_price: 70.36 }));

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'total_price' }),
        expect.objectContaining({ path: 'line_items' }),
      ]),
    );
    expect(intake.published).toEqual([]);
  });

  test('holds an order whose lines do not reproduce total_price: 202, OrderNeedsAttention naming the difference, no OrderReceived', async () => {
    const intake = fakeIntake();

    const answer = await intake.accept(shopifyDelivery(readShopifyFixture('orders-create-total-mismatch')));

    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ orderId: expect.stringMatching(/^ord_/), needsAttention: true });
    expect(intake.published).toEqual([
      expect.objectContaining({
        detailType: 'OrderNeedsAttention',
        data: expect.objectContaining({
          reason: 'MAPPING_ERROR',
          details: [{ path: 'total_price', message: 'differs by -0.01 USD' }],
        }),
      }),
    ]);
  });

  test('answers 202 with the order id and publishes OrderReceived correlated by it', async () => {
    const intake = fakeIntake();
    const eventId = randomUUID();

    const answer = await intake.accept(shopifyDelivery(readShopifyFixture('orders-create-multi-line'), { eventId }));

    expect(answer).toEqual({ status: 202, body: { orderId: multiLineOrderId } });
    expect(intake.published).toEqual([
      expect.objectContaining({
        detailType: 'OrderReceived',
        source: 'fabric.intake',
        correlationId: multiLineOrderId,
        causationId: `shopify:${eventId}`,
        data: {
          deliveryId: eventId,
          order: expect.objectContaining({ orderId: multiLineOrderId, status: 'received' }),
        },
      }),
    ]);
  });

  test('answers a repeated X-Shopify-Event-Id with the first order id and publishes nothing again', async () => {
    const intake = fakeIntake();
    const eventId = randomUUID();
    await intake.accept(shopifyDelivery(readShopifyFixture('orders-create-multi-line'), { eventId }));

    const repeat = await intake.accept(shopifyDelivery(readShopifyFixture('orders-create-multi-line'), { eventId }));

    expect(repeat).toEqual({ status: 200, body: { orderId: multiLineOrderId, duplicate: true } });
    expect(intake.published).toHaveLength(1);
    expect(intake.verdicts.map(({ verdict }) => verdict.outcome)).toEqual(['accepted', 'duplicate']);
  });

  test('answers 409 to a repeat that arrives while the first delivery is still publishing', async () => {
    const intake = fakeIntake();
    const eventId = randomUUID();
    const { started, release } = intake.holdPublishing();
    const first = intake.accept(shopifyDelivery(readShopifyFixture('orders-create-multi-line'), { eventId }));
    await started;

    const repeat = await intake.accept(shopifyDelivery(readShopifyFixture('orders-create-multi-line'), { eventId }));
    release();

    expect(repeat.status).toBe(409);
    expect(await first).toEqual({ status: 202, body: { orderId: multiLineOrderId } });
  });

  test('acknowledges a topic that carries no order with 200 and publishes nothing', async () => {
    const intake = fakeIntake();

    const answer = await intake.accept(deliveries.ignoredTopic());

    expect(answer).toEqual({ status: 200, body: { ignored: true, topic: 'products/update' } });
    expect(intake.published).toEqual([]);
  });

  test('accepts an order with an unknown SKU as needs_attention and publishes OrderNeedsAttention beside it', async () => {
    const intake = fakeIntake();
    const orderId = orderIdFor('shopify', '5829743319002');

    const answer = await intake.accept(deliveries.unknownSku());

    expect(answer).toEqual({ status: 202, body: { orderId, needsAttention: true } });
    expect(intake.published).toMatchObject([
      { detailType: 'OrderReceived', correlationId: orderId, data: { order: { status: 'needs_attention' } } },
      {
        detailType: 'OrderNeedsAttention',
        correlationId: orderId,
        data: {
          orderId,
          channelOrderId: '5829743319002',
          reason: 'UNKNOWN_SKU',
          details: [{ path: 'lines.1.channelSku', message: '"POSTER-A2-LTD" is not in the cross-reference' }],
        },
      },
    ]);
  });
});
