import { type ChannelOrderMapper, OrderMappingError, type TillTransaction } from './channel-ports';
import { type ChannelSkuKey, skuKeyId, type SkuCrossReference } from '#domain/kernel/sku-cross-reference';
import { recordedTransactionEvents } from '#domain/pos';
import { orderIdFor, type Order, type SalesChannel } from '#domain/kernel/order';
import type { FieldIssue } from '#domain/kernel/validation';
import type { FabricEvent } from '#domain/kernel/event';
import { createEvent, createEventOfValidPayload } from '#domain/kernel/event';
import { OrderNeedsAttention, OrderReceived, RefundReported } from './events';

/** What one channel order payload becomes: the events to publish, once, for the delivery that carried it. */
export interface PreparedOrder {
  orderId: string;
  channelOrderId: string;
  outcome: 'accepted' | 'needs_attention';
  publish: FabricEvent[];
  reason?: string;
  /** The store transaction the payload was recorded as, when it was rung up at a store's till. */
  storeTransactionId?: string;
}

/**
 * Maps a channel order payload, from a webhook, an API fetch or a pull alike, into the events the
 * fabric publishes for it:
 * - OrderReceived, plus OrderNeedsAttention(UNKNOWN_SKU) when a channel SKU is not in the
 *   cross-reference (the order is kept, the line unresolved, never dropped or guessed);
 * - OrderNeedsAttention(MAPPING_ERROR) alone when the money does not balance or a rule refuses the
 *   payload (the raw delivery stays in the archive for a person to look at);
 * - RefundReported for each refund the payload reports;
 * - or, for an in-person sale or return at one of our stores' tills (Square POS at a mapped location),
 *   the store transaction's events instead (PosTransactionRecorded, see recordTillTransaction).
 * Every event is correlated by the order id and caused by the delivery. Throws only for infrastructure
 * failures of the cross-reference; mapping problems are answers, not exceptions.
 */
export async function prepareChannelOrder<TPayload>(
  channel: SalesChannel,
  mapper: ChannelOrderMapper<TPayload>,
  payload: TPayload,
  deliveryId: string,
  skus: SkuCrossReference,
  archiveKey?: string,
): Promise<PreparedOrder> {
  const channelOrderId = mapper.channelOrderId(payload);
  const orderId = orderIdFor(channel, channelOrderId);
  const trace = { correlationId: orderId, causationId: `${channel}:${deliveryId}` };
  // The archive key lets a fix map the order again from what the channel sent, without a resend.
  const attention = (reason: string, details: FieldIssue[], channelSkus?: string[]) =>
    createEvent(
      OrderNeedsAttention,
      {
        channel,
        channelOrderId,
        orderId,
        reason,
        details,
        ...(archiveKey ? { archiveKey } : {}),
        ...(channelSkus ? { channelSkus } : {}),
      },
      trace,
    );

  const skuKeys = mapper.skuKeys(payload);
  const known = await skus.resolveSkus(channel, skuKeys);
  const lookupSku = (key: ChannelSkuKey) => known.get(skuKeyId(key));
  let order: Order;
  let refunds: FabricEvent[];
  try {
    const till = mapper.tillTransaction?.(payload, lookupSku);
    if (till) return recordTillTransaction(channel, channelOrderId, orderId, till, trace);
    order = mapper.toCanonicalOrder(payload, lookupSku);
    refunds = (mapper.refunds?.(payload) ?? []).map((refund) => createEvent(RefundReported, { refund }, trace));
  } catch (error) {
    if (!(error instanceof OrderMappingError)) throw error;
    const details = error.details.length ? error.details : [{ path: '(order)', message: error.message }];
    return {
      orderId,
      channelOrderId,
      outcome: 'needs_attention',
      publish: [attention('MAPPING_ERROR', details)],
      reason: error.message,
    };
  }
  const unresolved = order.lines.flatMap((line, index) =>
    line.sku === null
      ? [{ path: `lines.${index}.channelSku`, message: `"${line.channelSku}" is not in the cross-reference` }]
      : [],
  );
  // Mapped from a payload validated once at the edge, the order is valid by toCanonicalOrder's contract.
  const received = createEventOfValidPayload(OrderReceived, { order, deliveryId }, trace);
  if (unresolved.length === 0) return { orderId, channelOrderId, outcome: 'accepted', publish: [received, ...refunds] };
  const unknownKeys = [...new Set(skuKeys.map(skuKeyId).filter((key) => !known.has(key)))];
  return {
    orderId,
    channelOrderId,
    outcome: 'needs_attention',
    publish: [received, attention('UNKNOWN_SKU', unresolved, unknownKeys), ...refunds],
    reason: 'unknown SKU',
  };
}

/**
 * A till transaction is recorded exactly as a store's batch upload records one (recordedTransactionEvents),
 * so it follows the POS path: pos-stock-movements moves the store's stock, accounting-journal books it
 * by tender and erp-posting posts the entry; an unknown item is held as a POS line needing attention.
 * Its batch reference names the channel and the order version it was read from. No OrderReceived: the
 * sale is not an online order, so no reservation, no sales order and no refund report. An order not
 * completed yet publishes nothing; its completion arrives as a newer version.
 */
function recordTillTransaction(
  channel: SalesChannel,
  channelOrderId: string,
  orderId: string,
  till: TillTransaction,
  trace: { correlationId: string; causationId: string },
): PreparedOrder {
  if (till.kind === 'not_completed')
    return { orderId, channelOrderId, outcome: 'accepted', publish: [], reason: till.reason };
  const { transaction } = till;
  const batch = {
    storeId: transaction.key.storeId,
    businessDate: transaction.key.businessDay,
    batchId: channel,
    uploadId: `${channelOrderId}@${till.version}`,
  };
  const publish = recordedTransactionEvents(transaction, batch, 1, {
    correlationId: transaction.transactionId,
    causationId: trace.causationId,
  });
  const unknown = transaction.lines.some((line) => line.sku === null);
  return {
    orderId,
    channelOrderId,
    outcome: unknown ? 'needs_attention' : 'accepted',
    publish,
    storeTransactionId: transaction.transactionId,
    ...(unknown ? { reason: 'unknown SKU on a store transaction' } : {}),
  };
}
