import { mapShopifyRefund, shopifyWebhookAdapter } from '#shared/channels/shopify/shopify-webhook.adapter';
import { ShopifyRefundPayload } from '#shared/channels/shopify/shopify-order.schema';
import { signBase64HmacSha256 } from '#shared/channels/webhook-signature';
import { orderIdFor } from '#domain/kernel/order';
import { fakeIntake, webhookRequest } from '../support/fake-intake';
import { money } from '../builders';

/** A refunds/create payload: one of two tees refunded with its tax, plus shipping, as Shopify sends it. */
const refund = {
  id: 926374819234,
  admin_graphql_api_id: 'gid://shopify/Refund/926374819234',
  order_id: 5829743312345,
  created_at: '2025-03-20T11:02:44-05:00',
  processed_at: '2025-03-20T11:02:44-05:00',
  note: 'One tee arrived torn',
  restock: true,
  user_id: 88123,
  refund_line_items: [
    {
      id: 409981234,
      line_item_id: 14392874000001,
      location_id: 71234567,
      quantity: 1,
      restock_type: 'return',
      subtotal: 22.5,
      subtotal_set: {
        shop_money: { amount: '22.50', currency_code: 'USD' },
        presentment_money: { amount: '22.50', currency_code: 'USD' },
      },
      total_tax: 1.86,
      total_tax_set: {
        shop_money: { amount: '1.86', currency_code: 'USD' },
        presentment_money: { amount: '1.86', currency_code: 'USD' },
      },
    },
  ],
  transactions: [
    {
      id: 7012345678,
      order_id: 5829743312345,
      kind: 'refund',
      gateway: 'shopify_payments',
      status: 'success',
      amount: '24.36',
      currency: 'USD',
    },
    {
      id: 7012345679,
      order_id: 5829743312345,
      kind: 'refund',
      gateway: 'shopify_payments',
      status: 'failure',
      amount: '24.36',
      currency: 'USD',
    },
  ],
  order_adjustments: [],
};

describe('Shopify refunds/create', () => {
  test("reports the refunded money from successful refund transactions, with each line's subtotal plus tax", () => {
    expect(mapShopifyRefund(ShopifyRefundPayload.parse(refund))).toEqual({
      channel: 'shopify',
      channelOrderId: '5829743312345',
      orderId: orderIdFor('shopify', '5829743312345'),
      channelRefundId: '926374819234',
      refundedAt: '2025-03-20T16:02:44.000Z',
      amount: money(2436),
      lines: [
        {
          channelLineId: '14392874000001',
          quantity: 1,
          goods: money(2250),
          tax: money(186),
          restockType: 'return',
          restockLocationId: '71234567',
        },
      ],
      reason: 'One tee arrived torn',
    });
  });

  test('reports a shipping refund apart, with its tax, and other adjustments as given back', () => {
    const withShipping = {
      ...refund,
      order_adjustments: [
        {
          id: 5120398,
          kind: 'shipping_refund',
          reason: 'Shipping refund',
          amount: '-5.00',
          tax_amount: '-0.41',
          amount_set: { shop_money: { amount: '-5.00', currency_code: 'USD' } },
          tax_amount_set: { shop_money: { amount: '-0.41', currency_code: 'USD' } },
        },
        {
          id: 5120399,
          kind: 'refund_discrepancy',
          reason: 'Refund discrepancy',
          amount: '-1.25',
          tax_amount: '0.00',
          amount_set: { shop_money: { amount: '-1.25', currency_code: 'USD' } },
          tax_amount_set: { shop_money: { amount: '0.00', currency_code: 'USD' } },
        },
      ],
      transactions: [{ ...refund.transactions[0], amount: '31.02' }],
    };

    const mapped = mapShopifyRefund(ShopifyRefundPayload.parse(withShipping));

    expect(mapped.amount).toEqual(money(3102));
    expect(mapped.shipping).toEqual({ amount: money(500), tax: money(41) });
    expect(mapped.adjustments).toEqual([
      { kind: 'refund_discrepancy', amount: money(125), tax: money(0), reason: 'Refund discrepancy' },
    ]);
  });

  test('refuses a shipping refund stated as a positive amount, naming the field', () => {
    const positive = {
      ...refund,
      order_adjustments: [
        {
          kind: 'shipping_refund',
          amount_set: { shop_money: { amount: '5.00', currency_code: 'USD' } },
          tax_amount_set: { shop_money: { amount: '0.00', currency_code: 'USD' } },
        },
      ],
    };

    expect(() => mapShopifyRefund(ShopifyRefundPayload.parse(positive))).toThrow(
      expect.objectContaining({
        details: [expect.objectContaining({ path: 'order_adjustments.0.amount_set.shop_money.amount' })],
      }),
    );
  });

  test.each([
    ['fulfilled', 'return'],
    [null, 'cancel'],
  ])('reads legacy_restock on a line whose fulfillment status is %s as %s', (fulfillment, restockType) => {
    const legacy = {
      ...refund,
      refund_line_items: [
        {
          ...refund.refund_line_items[0],
          restock_type: 'legacy_restock',
          line_item: { fulfillment_status: fulfillment },
        },
      ],
    };

    expect(mapShopifyRefund(ShopifyRefundPayload.parse(legacy)).lines[0].restockType).toBe(restockType);
  });

  test('names no restock location for a line that is not restocked', () => {
    const kept = { ...refund, refund_line_items: [{ ...refund.refund_line_items[0], restock_type: 'no_restock' }] };

    expect(mapShopifyRefund(ShopifyRefundPayload.parse(kept)).lines[0]).not.toHaveProperty('restockLocationId');
  });

  test('publishes RefundReported once per event id', async () => {
    const secret = 'shpss_refund_test';
    const intake = fakeIntake(shopifyWebhookAdapter, secret);
    const body = JSON.stringify(refund);
    const headers = {
      'content-type': 'application/json',
      'x-shopify-topic': 'refunds/create',
      'x-shopify-event-id': 'evt-refund-1',
      'x-shopify-hmac-sha256': signBase64HmacSha256(body, secret),
    };

    const first = await intake.accept(webhookRequest('shopify', body, headers));
    const again = await intake.accept(webhookRequest('shopify', body, headers));

    expect(first).toEqual({ status: 202, body: { orderId: orderIdFor('shopify', '5829743312345') } });
    expect(again.body).toMatchObject({ duplicate: true });
    expect(intake.detailTypes()).toEqual(['RefundReported']);
  });
});
