import { DetailType, EventSource, eventCatalog } from './catalog';
import type { FabricEvent } from '../shared/domain/kernel/event';
import type { Order } from '../shared/domain/kernel/order';
import { ORDER_INTAKE_SCOPE, orderVersionKey } from '../shared/domain/orders/model';
import { ORDER_FETCH_SCOPE, orderFetchKey } from '../shared/domain/intake/order-fetch';
import { LIFECYCLE_DETAIL_TYPES } from '../shared/domain/orders/lifecycle-events';
import { ACCOUNTING_JOURNAL_SCOPE, journalEntryIdFor } from '../shared/domain/accounting/model';
import { RETURN_INTAKE_SCOPE } from '../shared/domain/returns/model';
import { PRICE_ORDER_CHECK_SCOPE } from '../shared/domain/pricing/model';
import {
  CANCELLATION_SYNC_SCOPE, OVERSELL_CHECK_SCOPE, RETURN_SYNC_SCOPE, SHIPMENT_SYNC_SCOPE,
  cancellationSyncKey, oversellCheckKey, returnSyncKey, shipmentSyncKey,
} from '../shared/domain/channel-sync/model';
import { EXCEPTION_KINDS, RESOLVING_EVENTS } from '../shared/domain/exceptions/model';

/**
 * The subset of EventBridge's event-pattern language that SNS body filter policies also understand,
 * so one pattern drives the real bus in AWS and the local topic's subscriptions alike.
 */
export type PatternMatcher =
  | string
  | number
  | { prefix: string }
  | { 'anything-but': string | string[] }
  | { exists: boolean }
  | { numeric: (string | number)[] };

export interface EventPattern {
  source?: string[];
  'detail-type'?: DetailType[];
  detail?: { [key: string]: PatternMatcher[] | EventPattern['detail'] };
}

/** Consumer queue settings: mirrors a Lambda SQS event-source mapping and its queue. */
export interface QueueTarget {
  /** Logical name; the physical name adds the stack or local prefix. */
  name: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Receives before a message is given up on and moved to the queue's DLQ. */
  maxReceiveCount: number;
  /** At least six times the consumer's timeout, per AWS's guidance for Lambda event sources. */
  visibilityTimeoutSeconds: number;
  /** Caps concurrent consumers, e.g. to stay within a downstream API's limit. */
  maxConcurrency?: number;
}

export interface RoutingRule {
  name: string;
  description: string;
  pattern: EventPattern;
  target: QueueTarget;
  /** The function (see shared/config/topology.ts) that consumes the target queue. */
  consumer: string;
  /**
   * How the consumer makes itself idempotent: its Powertools idempotency scope and the business key it
   * derives from an event. Ops use it to tell, before a redrive, whether a held message was in fact
   * processed already (a timeout after the write, say).
   */
  processedOnce?: { scope: string; businessKey: (event: FabricEvent) => string | undefined };
}

/** Every route from the bus to a consumer. Read by the CDK event backbone and by the local runtime. */
export const routingRules: readonly RoutingRule[] = [
  {
    name: 'order-intake',
    description: 'Canonical orders from every channel to the order store.',
    pattern: { source: [EventSource.intake], 'detail-type': ['OrderReceived'] },
    target: { name: 'order-intake', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 180 },
    consumer: 'order-intake',
    processedOnce: { scope: ORDER_INTAKE_SCOPE, businessKey: (event) => orderVersionKey((event.data as { order: Order }).order) },
  },
  // One fetch queue per channel whose notifications are thin: each channel's API budget, failures and
  // DLQ stay its own, and maxConcurrency bounds how many containers share the channel's rate limit.
  ...(['square', 'amazon', 'ebay', 'walmart'] as const).map((channel): RoutingRule => ({
    name: `${channel}-order-fetch`,
    description: `${channel} order notifications to the consumer that fetches the order from the ${channel} API.`,
    pattern: { source: [EventSource.intake], 'detail-type': ['ChannelOrderNotified'], detail: { data: { channel: [channel] } } },
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
    // The fetch consumer runs once per notification delivery (shared/domain/intake/order-fetch.ts).
    processedOnce: { scope: ORDER_FETCH_SCOPE, businessKey: (event) => { const data = event.data as { deliveryId?: string }; return data.deliveryId ? orderFetchKey(channel, data.deliveryId) : undefined; } },
  })),
  {
    name: 'inventory-reservation',
    description: 'Canonical orders to the stock reservation consumer: reserve once per order, release on cancellation.',
    pattern: { source: [EventSource.intake], 'detail-type': ['OrderReceived'] },
    // Bounded concurrency: a flash sale's orders queue here rather than pile transactions onto one SKU.
    target: { name: 'inventory-reservation', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 180, maxConcurrency: 10 },
    consumer: 'inventory-reservation',
  },
  {
    name: 'inventory-fulfilment',
    description: 'Confirmed shipments to the reservation consumer that takes shipped units off hand.',
    pattern: { source: [EventSource.fulfilment], 'detail-type': ['ShipmentConfirmed'] },
    target: { name: 'inventory-fulfilment', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 180 },
    consumer: 'inventory-fulfilment',
  },
  {
    name: 'pos-batch-continuation',
    description: 'A POS batch too large for one invocation back to the ingest function, which resumes it from its checkpoint.',
    pattern: { source: [EventSource.pos], 'detail-type': ['PosBatchContinuationRequested'] },
    // One upload per invocation; the visibility timeout covers the function's 900 s timeout six times over.
    target: { name: 'pos-batch-continuation', batchSize: 1, maxBatchingWindowSeconds: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 5400 },
    consumer: 'pos-batch-ingest',
  },
  {
    name: 'pos-stock-movements',
    description: 'Completed POS transactions to the consumer that moves store stock through inventory adjustments.',
    pattern: { source: [EventSource.pos], 'detail-type': ['PosTransactionRecorded'], detail: { data: { transaction: { disposition: ['completed'] } } } },
    target: { name: 'pos-stock-movements', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 180, maxConcurrency: 10 },
    consumer: 'pos-stock-movements',
  },
  {
    name: 'order-lifecycle',
    description: 'Every event that moves an order (received, reserved, posted to the ERP, shipped, returned, refunded, cancelled) to the order lifecycle.',
    pattern: {
      source: [EventSource.intake, EventSource.inventory, EventSource.erp, EventSource.fulfilment, EventSource.returns],
      'detail-type': [...LIFECYCLE_DETAIL_TYPES],
    },
    // An event that arrives before the step it needs (a shipment before the ERP posting) is retried, not
    // refused: twenty receives three minutes apart let it wait out an hour of ERP outage before the DLQ holds it.
    target: { name: 'order-lifecycle', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 20, visibilityTimeoutSeconds: 180 },
    consumer: 'order-lifecycle',
  },
  {
    name: 'erp-sales-order-posting',
    description: 'Orders the lifecycle has reserved, to the ERP connector that posts each as a sales order exactly once; and cancelled ones, whose sales order it deletes.',
    // One queue for both, so that a cancellation and the posting it overtakes meet the same consumers and the same document lease.
    pattern: { source: [EventSource.orders], 'detail-type': ['OrderStateChanged'], detail: { data: { to: ['reserved', 'cancelled'] } } },
    // Business Central serves 6,000 requests per five minutes per service principal (20 a second) and
    // at most 100 simultaneous requests per environment, shared with its users. A posting is a lookup
    // and a post of a few hundred ms each: 3 consumers here and 2 on journals keep the fabric at about
    // 20 requests a second and 5 simultaneous. While the breaker is open, ten receives six minutes
    // apart hold the backlog for an hour before the DLQ does.
    target: { name: 'erp-sales-order-posting', batchSize: 5, maxBatchingWindowSeconds: 1, maxReceiveCount: 10, visibilityTimeoutSeconds: 360, maxConcurrency: 3 },
    consumer: 'erp-posting',
  },
  {
    name: 'erp-journal-posting',
    description: 'Journal entries accounting prepared, to the ERP connector that posts each exactly once.',
    pattern: { source: [EventSource.accounting], 'detail-type': ['JournalEntryPrepared'] },
    target: { name: 'erp-journal-posting', batchSize: 5, maxBatchingWindowSeconds: 1, maxReceiveCount: 10, visibilityTimeoutSeconds: 360, maxConcurrency: 2 },
    consumer: 'erp-posting',
  },
  {
    name: 'price-distribution',
    description: 'Price and promotion windows that took effect, to the consumer that pushes effective prices to channels and writes store POS price files.',
    pattern: { source: [EventSource.pricing], 'detail-type': ['PriceChanged', 'PromotionActivated', 'PromotionEnded'] },
    // Channel price APIs are rate limited (eBay revises a listing at most 250 times a day): few consumers.
    target: { name: 'price-distribution', batchSize: 5, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 360, maxConcurrency: 2 },
    consumer: 'price-distribution',
  },
  {
    name: 'price-order-check',
    description: 'Canonical orders to the check of their line prices against the effective price when they were placed.',
    pattern: { source: [EventSource.intake], 'detail-type': ['OrderReceived'] },
    target: { name: 'price-order-check', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 180 },
    consumer: 'price-order-check',
    processedOnce: { scope: PRICE_ORDER_CHECK_SCOPE, businessKey: (event) => orderVersionKey((event.data as { order: Order }).order) },
  },
  {
    name: 'return-intake',
    description: 'Returns received anywhere to the consumer that takes them back into stock against their order.',
    pattern: { source: [EventSource.returns], 'detail-type': ['ReturnReceived'] },
    target: { name: 'return-intake', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 180 },
    consumer: 'return-intake',
    processedOnce: { scope: RETURN_INTAKE_SCOPE, businessKey: (event) => (event.data as { customerReturn?: { returnId: string } }).customerReturn?.returnId },
  },
  {
    name: 'accounting-journal',
    description: 'Shipments, POS transactions and channel refunds to the consumer that prepares their journal entries for the ERP.',
    pattern: {
      source: [EventSource.fulfilment, EventSource.pos, EventSource.intake],
      'detail-type': ['ShipmentConfirmed', 'PosTransactionRecorded', 'RefundReported'],
    },
    target: { name: 'accounting-journal', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 180 },
    consumer: 'accounting-journal',
    processedOnce: { scope: ACCOUNTING_JOURNAL_SCOPE, businessKey: journalEntryIdFor },
  },
  // One availability queue per channel the fabric publishes to: each channel's rate budget, failures
  // and DLQ stay its own. Large batches over a short window are what lets a burst coalesce per SKU;
  // ordering and once-only publication come from the ledger's version checks, not from the queue.
  ...(['shopify', 'amazon', 'ebay', 'woocommerce'] as const).map((channel): RoutingRule => ({
    name: `${channel}-availability-sync`,
    description: `What ${channel} may list of a SKU, to the consumer that publishes it through the ${channel} inventory API.`,
    pattern: { source: [EventSource.inventory], 'detail-type': ['AvailabilityChanged'], detail: { data: { channel: [channel] } } },
    target: { name: `${channel}-availability-sync`, batchSize: 100, maxBatchingWindowSeconds: 2, maxReceiveCount: 8, visibilityTimeoutSeconds: 360, maxConcurrency: 2 },
    consumer: 'channel-availability-sync',
  })),
  {
    name: 'channel-oversell-check',
    description: 'Channel orders, checked against the zeros each channel had acknowledged for their SKUs (OversellIncident).',
    pattern: { source: [EventSource.intake], 'detail-type': ['OrderReceived'] },
    target: { name: 'channel-oversell-check', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 360 },
    consumer: 'channel-availability-sync',
    processedOnce: { scope: OVERSELL_CHECK_SCOPE, businessKey: (event) => oversellCheckKey((event.data as { order: Order }).order.orderId) },
  },
  {
    name: 'channel-shipment-sync',
    description: 'Confirmed shipments to the consumer that tells the originating channel (carrier, tracking, lines), once per shipment.',
    pattern: { source: [EventSource.fulfilment], 'detail-type': ['ShipmentConfirmed'] },
    target: { name: 'channel-shipment-sync', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 8, visibilityTimeoutSeconds: 360, maxConcurrency: 2 },
    consumer: 'channel-order-sync',
    processedOnce: { scope: SHIPMENT_SYNC_SCOPE, businessKey: (event) => shipmentSyncKey((event.data as { shipment: { shipmentId: string } }).shipment.shipmentId) },
  },
  {
    name: 'channel-cancellation-sync',
    description: 'Orders the fabric cancelled for want of stock, to the consumer that asks their channel to cancel them (never a cancellation the channel sent).',
    pattern: { source: [EventSource.orders], 'detail-type': ['OrderStateChanged'], detail: { data: { to: ['cancelled'], on: ['stock_refused'] } } },
    target: { name: 'channel-cancellation-sync', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 8, visibilityTimeoutSeconds: 360, maxConcurrency: 2 },
    consumer: 'channel-order-sync',
    processedOnce: { scope: CANCELLATION_SYNC_SCOPE, businessKey: (event) => cancellationSyncKey((event.data as { orderId: string }).orderId) },
  },
  {
    name: 'channel-return-sync',
    description: 'Returns received anywhere, to the consumer that tells the order\'s channel of those it did not take itself (lines, quantities, restocked or not), once per return.',
    pattern: { source: [EventSource.returns], 'detail-type': ['ReturnReceived'] },
    target: { name: 'channel-return-sync', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 8, visibilityTimeoutSeconds: 360, maxConcurrency: 2 },
    consumer: 'channel-order-sync',
    processedOnce: { scope: RETURN_SYNC_SCOPE, businessKey: (event) => returnSyncKey((event.data as { customerReturn: { returnId: string } }).customerReturn.returnId) },
  },
  {
    name: 'exceptions',
    description: 'Every event a person must look at, to the one exceptions work queue; and order moves, which resolve the exceptions they end.',
    pattern: {
      source: [...new Set([...EXCEPTION_KINDS, ...RESOLVING_EVENTS].map((detailType) => eventCatalog[detailType].source))],
      'detail-type': [...EXCEPTION_KINDS, ...RESOLVING_EVENTS],
    },
    // A row raced by another writer is read again on the next receive; ten receives ride out a burst on one order.
    target: { name: 'exceptions', batchSize: 10, maxBatchingWindowSeconds: 1, maxReceiveCount: 10, visibilityTimeoutSeconds: 180 },
    consumer: 'exception-queue',
  },
];

const SUPPORTED_OPERATORS = new Set(['prefix', 'anything-but', 'exists', 'numeric']);

/**
 * Renders a rule's pattern as an SNS filter policy (MessageBody scope). Throws on an operator SNS
 * cannot evaluate, so a rule that would behave differently locally fails at startup, not silently.
 */
export function toSnsFilterPolicy(pattern: EventPattern): string {
  assertPortable(pattern, 'pattern');
  return JSON.stringify(pattern);
}

function assertPortable(node: unknown, path: string): void {
  if (Array.isArray(node)) {
    for (const matcher of node) {
      if (matcher !== null && typeof matcher === 'object') {
        for (const operator of Object.keys(matcher)) {
          if (!SUPPORTED_OPERATORS.has(operator)) {
            throw new Error(`${path}: operator "${operator}" is not portable between EventBridge and SNS`);
          }
        }
      }
    }
    return;
  }
  if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) assertPortable(child, `${path}.${key}`);
  }
}
