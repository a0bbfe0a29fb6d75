import { EventSource } from '#events/catalog';
import { orderVersionKey } from '#domain/orders/model';
import { PRICE_ORDER_CHECK_SCOPE } from '#domain/pricing/model';
import { keyedOn, type RoutingRule } from './rule';

/** Price windows that took effect to their distribution, and orders to the check of what they were charged. */
export const pricingRules: readonly RoutingRule[] = [
  {
    name: 'price-distribution',
    description:
      'Price and promotion windows that took effect, to the consumer that pushes effective prices to channels and writes store POS price files.',
    pattern: { source: [EventSource.pricing], 'detail-type': ['PriceChanged', 'PromotionActivated', 'PromotionEnded'] },
    // Channel price APIs are rate limited (eBay revises a listing at most 250 times a day): few consumers.
    target: {
      name: 'price-distribution',
      batchSize: 5,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 2,
    },
    consumer: 'price-distribution',
  },
  {
    name: 'price-order-check',
    description:
      'Canonical orders to the check of their line prices against the effective price when they were placed.',
    pattern: { source: [EventSource.intake], 'detail-type': ['OrderReceived'] },
    target: {
      name: 'price-order-check',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'price-order-check',
    processedOnce: keyedOn('OrderReceived', PRICE_ORDER_CHECK_SCOPE, ({ order }) => orderVersionKey(order)),
  },
];
