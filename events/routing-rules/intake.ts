import { EventSource } from '#events/catalog';
import { ORDER_FETCH_SCOPE, orderFetchKey } from '#domain/intake/model';
import { ORDER_INTAKE_SCOPE, orderVersionKey } from '#domain/orders/model';
import { keyedOn, type RoutingRule } from './rule';

/** Canonical orders to the order store, and thin channel notifications to the fetch that turns them into orders. */
export const intakeRules: readonly RoutingRule[] = [
  {
    name: 'order-intake',
    description: 'Canonical orders from every channel to the order store.',
    pattern: { source: [EventSource.intake], 'detail-type': ['OrderReceived'] },
    target: {
      name: 'order-intake',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 180,
    },
    consumer: 'order-intake',
    processedOnce: keyedOn('OrderReceived', ORDER_INTAKE_SCOPE, ({ order }) => orderVersionKey(order)),
  },
  {
    name: 'channel-catch-up-requests',
    description: "Operators' requests for a channel's catch-up pull now, to the catch-up function.",
    pattern: { source: [EventSource.intake], 'detail-type': ['ChannelCatchUpRequested'] },
    target: {
      name: 'channel-catch-up-requests',
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxReceiveCount: 2,
      // A one-off window may page through a long stretch of orders at the channel's rate.
      visibilityTimeoutSeconds: 1800,
    },
    consumer: 'channel-order-catch-up',
  },
  // One fetch queue per channel whose notifications are thin: each channel's API budget, failures and
  // DLQ stay its own, and maxConcurrency bounds how many containers share the channel's rate limit.
  ...(['square', 'amazon', 'ebay', 'walmart'] as const).map(
    (channel): RoutingRule => ({
      name: `${channel}-order-fetch`,
      description: `${channel} order notifications to the consumer that fetches the order from the ${channel} API.`,
      pattern: {
        source: [EventSource.intake],
        'detail-type': ['ChannelOrderNotified'],
        detail: { data: { channel: [channel] } },
      },
      target: {
        name: `${channel}-order-fetch`,
        // Amazon grants getOrder and getOrderItems half a request a second: small batches fit the timeout.
        batchSize: channel === 'amazon' ? 5 : 10,
        maxBatchingWindowSeconds: 1,
        maxReceiveCount: 5,
        visibilityTimeoutSeconds: 360,
        maxConcurrency: 2,
      },
      consumer: 'channel-order-fetch',
      // The fetch consumer runs once per notification delivery.
      processedOnce: keyedOn('ChannelOrderNotified', ORDER_FETCH_SCOPE, ({ deliveryId }) =>
        deliveryId ? orderFetchKey(channel, deliveryId) : undefined,
      ),
    }),
  ),
];
