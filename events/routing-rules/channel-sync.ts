import { EventSource } from '#events/catalog';
import {
  CANCELLATION_SYNC_SCOPE,
  PICKUP_SYNC_SCOPE,
  RETURN_SYNC_SCOPE,
  SHIPMENT_SYNC_SCOPE,
  cancellationSyncKey,
  pickupSyncKey,
  returnSyncKey,
  shipmentSyncKey,
} from '#domain/channel-sync/model';
import { keyedOn, type RoutingRule } from './rule';

/** What the channels are told: availability per channel, and shipments, pickups ready, cancellations and returns. */
export const channelSyncRules: readonly RoutingRule[] = [
  // One availability queue per channel the fabric publishes to: each channel's rate budget, failures
  // and DLQ stay its own. Large batches over a short window are what lets a burst coalesce per SKU;
  // ordering and once-only publication come from the ledger's version checks, not from the queue.
  ...(['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart', 'square'] as const).map(
    (channel): RoutingRule => ({
      name: `${channel}-availability-sync`,
      description: `What ${channel} may list of a SKU, to the consumer that publishes it through the ${channel} inventory API.`,
      pattern: {
        source: [EventSource.inventory],
        'detail-type': ['AvailabilityChanged'],
        detail: { data: { channel: [channel] } },
      },
      target: {
        name: `${channel}-availability-sync`,
        batchSize: 100,
        maxBatchingWindowSeconds: 2,
        maxReceiveCount: 8,
        visibilityTimeoutSeconds: 360,
        maxConcurrency: 2,
      },
      consumer: 'channel-availability-sync',
    }),
  ),
  {
    name: 'channel-shipment-sync',
    description:
      'Confirmed shipments to the consumer that tells the originating channel (carrier, tracking, lines), once per shipment.',
    pattern: { source: [EventSource.fulfilment], 'detail-type': ['ShipmentConfirmed'] },
    target: {
      name: 'channel-shipment-sync',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 8,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 2,
    },
    consumer: 'channel-order-sync',
    processedOnce: keyedOn('ShipmentConfirmed', SHIPMENT_SYNC_SCOPE, ({ shipment }) =>
      shipmentSyncKey(shipment.shipmentId),
    ),
  },
  {
    name: 'channel-cancellation-sync',
    description:
      'Orders the fabric cancelled, for want of stock or because a pickup was never collected, to the consumer that asks their channel to cancel and refund them (never a cancellation the channel sent).',
    pattern: {
      source: [EventSource.orders],
      'detail-type': ['OrderStateChanged'],
      detail: { data: { to: ['cancelled'], on: ['stock_refused', 'pickup_expired'] } },
    },
    target: {
      name: 'channel-cancellation-sync',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 8,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 2,
    },
    consumer: 'channel-order-sync',
    processedOnce: keyedOn('OrderStateChanged', CANCELLATION_SYNC_SCOPE, ({ orderId }) => cancellationSyncKey(orderId)),
  },
  {
    name: 'channel-pickup-sync',
    description:
      "Pickups waiting at a store, to the consumer that tells the order's channel (prepared for pickup, with the pickup code), once per order and store.",
    pattern: { source: [EventSource.fulfilment], 'detail-type': ['PickupReady'] },
    target: {
      name: 'channel-pickup-sync',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 8,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 2,
    },
    consumer: 'channel-order-sync',
    processedOnce: keyedOn('PickupReady', PICKUP_SYNC_SCOPE, ({ orderId, locationId }) =>
      pickupSyncKey(orderId, locationId),
    ),
  },
  {
    name: 'channel-return-sync',
    description:
      "Returns received anywhere, to the consumer that tells the order's channel of those it did not take itself (lines, quantities, restocked or not), once per return.",
    pattern: { source: [EventSource.returns], 'detail-type': ['ReturnReceived'] },
    target: {
      name: 'channel-return-sync',
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      maxReceiveCount: 8,
      visibilityTimeoutSeconds: 360,
      maxConcurrency: 2,
    },
    consumer: 'channel-order-sync',
    processedOnce: keyedOn('ReturnReceived', RETURN_SYNC_SCOPE, ({ customerReturn }) =>
      returnSyncKey(customerReturn.returnId),
    ),
  },
];
