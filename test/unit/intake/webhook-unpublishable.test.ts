import { randomUUID } from 'node:crypto';
import { shopifyWebhookAdapter } from '#shared/channels/shopify/shopify-webhook.adapter';
import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';
import { UnpublishableEventError } from '#domain/kernel/ports';
import { readShopifyFixture, shopifyFixtureSkus } from '../../fixtures/shopify';
import { fakeIntake, webhookRequest } from '../support/fake-intake';

const secret = 'shpss_unpublishable';

function signedDelivery(payload: unknown, topic = 'orders/create') {
  const body = JSON.stringify(payload);
  return webhookRequest('shopify', body, {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': 'fabric-demo.myshopify.com',
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-event-id': randomUUID(),
    'x-shopify-hmac-sha256': signBase64HmacSha256(body, secret),
  });
}

/** Intake whose bus can never carry `refused` detail-types, as a bus with no claim-check bucket cannot carry a huge order. */
function intake(refused: readonly string[]) {
  const fabric = fakeIntake(shopifyWebhookAdapter, secret, shopifyFixtureSkus, 1024 * 1024);
  fabric.ports.publisher = {
    async publish(events) {
      const unpublishable = events.filter((event) => refused.includes(event.detailType));
      fabric.published.push(...events.filter((event) => !refused.includes(event.detailType)));
      if (unpublishable.length)
        throw new UnpublishableEventError(`${unpublishable[0].detailType} is 300000 bytes; the bus takes 262144`);
    },
  };
  return fabric;
}

describe('a verified delivery the bus can never carry', () => {
  test('holds the order: 202 with needsAttention, OrderNeedsAttention naming why and the archived delivery, and the verdict recorded', async () => {
    const fabric = intake(['OrderReceived']);

    const answer = await fabric.accept(signedDelivery(readShopifyFixture('orders-create-multi-line')));

    expect(answer).toEqual({ status: 202, body: { orderId: expect.stringMatching(/^ord_/), needsAttention: true } });
    const held = fabric.published.find((event) => event.detailType === 'OrderNeedsAttention');
    expect(held?.data).toMatchObject({
      orderId: answer.body.orderId,
      reason: 'NOT_PUBLISHABLE',
      archiveKey: expect.stringMatching(/^shopify\//),
      details: [{ path: '(order)', message: expect.stringContaining('262144') }],
    });
    expect(fabric.verdicts).toEqual([
      expect.objectContaining({
        outcome: 'needs_attention',
        status: 202,
        reason: expect.stringContaining('OrderReceived is 300000 bytes'),
      }),
    ]);
  });

  test('answers the same when the channel delivers it again', async () => {
    const fabric = intake(['OrderReceived']);
    const delivery = signedDelivery(readShopifyFixture('orders-create-multi-line'));

    await fabric.accept(delivery);
    const again = await fabric.accept(delivery);

    expect(again).toEqual({ status: 200, body: { orderId: expect.stringMatching(/^ord_/), duplicate: true } });
    expect(fabric.published.filter((event) => event.detailType === 'OrderNeedsAttention')).toHaveLength(1);
  });

  test('answers a delivery that carries no order 422 with the reason, recorded, never 500', async () => {
    const fabric = intake(['RefundReported']);

    const refund = {
      id: 926374819234,
      order_id: 5829743312345,
      created_at: '2025-03-20T11:02:44-05:00',
      processed_at: '2025-03-20T11:02:44-05:00',
      restock: false,
      refund_line_items: [],
      transactions: [
        {
          id: 7012345678,
          order_id: 5829743312345,
          kind: 'refund',
          gateway: 'shopify_payments',
          status: 'success',
          amount: '5.00',
          currency: 'USD',
        },
      ],
      order_adjustments: [],
    };

    const answer = await fabric.accept(signedDelivery(refund, 'refunds/create'));

    expect(answer.status).toBe(422);
    expect(answer.body.message).toMatch(/cannot carry this delivery: RefundReported is 300000 bytes/);
    expect(fabric.verdicts).toEqual([expect.objectContaining({ outcome: 'rejected', status: 422 })]);
  });
});
