import type { EventDataOf } from '#domain/kernel/event';
import type { ChannelOrderNotified } from './events';
import type { ChannelOrderMapper, OrderNotice } from './channel-ports';
import type { SalesChannel } from '#domain/kernel/order';
import type { FieldIssue } from '#domain/kernel/validation';
import { createEvent } from '#domain/kernel/event';
import { OrderNeedsAttention } from './events';
import { prepareChannelOrder } from './channel-order-intake';
import type { SkuCrossReference } from '#domain/kernel/sku-cross-reference';
import type { ReplayOutcome } from './webhook-delivery';
import type { EventPublisher, OnceRunner } from '#domain/kernel/ports';
import type { ArchivedDelivery, DeliveryArchive, DeliveryVerdict } from '#domain/kernel/archive';
import { orderFetchKey } from './model';

/** What a channel API answered for one order. `raw` is archived as received, whatever it was. */
export type FetchedOrder<TPayload> =
  | { kind: 'order'; payload: TPayload; raw: unknown }
  /** The order exists but is not an order the fabric takes yet (a Square DRAFT, an Amazon Pending order without prices). */
  | { kind: 'not_ready'; reason: string; raw: unknown }
  /** The answer does not match the channel's documented shape. */
  | { kind: 'invalid'; issues: FieldIssue[]; raw: unknown };

/** A channel API that can fetch one order by the id a notification named. */
export interface OrderSource<TPayload> {
  channel: SalesChannel;
  mapper: ChannelOrderMapper<TPayload>;
  /** Throws ChannelApiError (and ChannelRateLimitedError) for the queue to retry; never for a bad shape. */
  fetchOrder(notice: OrderNotice): Promise<FetchedOrder<TPayload>>;
  /**
   * Reads an answer the API gave, as `fetchOrder` archived it in `raw`, without calling the API: what
   * fetchOrder itself does with a fresh answer, so an archived one maps exactly as it did when fetched.
   */
  readAnswer(raw: unknown, notice: Pick<OrderNotice, 'channelAccount'>): FetchedOrder<TPayload>;
}

export type FetchOutcome = 'accepted' | 'needs_attention' | 'ignored';

export interface OrderFetchPorts {
  archive: DeliveryArchive;
  publisher: EventPublisher;
  skus: SkuCrossReference;
  once: OnceRunner;
}

/**
 * Handles one ChannelOrderNotified: fetches the order from the channel's API, archives the raw answer,
 * maps it and publishes OrderReceived (or OrderNeedsAttention), once per notification delivery. An
 * answer that does not match the channel's shape is held with OrderNeedsAttention(INVALID_PAYLOAD); an
 * order that is not ready is recorded and skipped, since the channel notifies again when it changes.
 * API failures (including rate limiting beyond what one call may wait) throw, so the queue retries the
 * notification and, after its receive count, parks it in the DLQ.
 */
export async function fetchNotifiedOrder<TPayload>(
  notification: EventDataOf<typeof ChannelOrderNotified>,
  source: OrderSource<TPayload>,
  ports: OrderFetchPorts,
): Promise<{ outcome: FetchOutcome; duplicate: boolean }> {
  const { channel, channelOrderId, orderId, deliveryId } = notification;
  return ports.once(orderFetchKey(channel, deliveryId), async () => {
    const fetched = await source.fetchOrder({
      channelOrderId,
      ...(notification.channelAccount ? { channelAccount: notification.channelAccount } : {}),
    });
    const body = Buffer.from(JSON.stringify(fetched.raw ?? null));
    const archiveKey = await ports.archive.archiveDelivery({
      channel,
      source: 'api-responses',
      requestId: `${channelOrderId}-${deliveryId}`.replace(/[^A-Za-z0-9._-]/g, '_'),
      receivedAt: new Date().toISOString(),
      // What mapping the answer again needs besides the body (see remapFetchedOrder).
      headers: {
        'x-fabric-notification': deliveryId,
        ...(notification.channelAccount ? { 'x-fabric-channel-account': notification.channelAccount } : {}),
      },
      sizeBytes: body.length,
      bodyBase64: body.toString('base64'),
    });
    const verdict = (outcome: 'accepted' | 'needs_attention' | 'ignored', reason?: string) =>
      ports.archive.recordVerdict(archiveKey, {
        outcome,
        status: 200,
        decidedAt: new Date().toISOString(),
        deliveryId,
        orderId,
        ...(reason ? { reason } : {}),
      });
    if (fetched.kind === 'not_ready') {
      await verdict('ignored', fetched.reason);
      return { orderId, outcome: 'ignored' as FetchOutcome };
    }
    if (fetched.kind === 'invalid') {
      const trace = { correlationId: orderId, causationId: `${channel}:${deliveryId}` };
      await ports.publisher.publish([
        createEvent(
          OrderNeedsAttention,
          { channel, channelOrderId, orderId, reason: 'INVALID_PAYLOAD', details: fetched.issues, archiveKey },
          trace,
        ),
      ]);
      await verdict('needs_attention', 'the API answer does not match the channel schema');
      return { orderId, outcome: 'needs_attention' as FetchOutcome };
    }
    const prepared = await prepareChannelOrder(
      channel,
      source.mapper,
      fetched.payload,
      deliveryId,
      ports.skus,
      archiveKey,
    );
    await ports.publisher.publish(prepared.publish);
    await verdict(prepared.outcome, prepared.reason);
    return { orderId, outcome: prepared.outcome as FetchOutcome };
  });
}

/**
 * Maps an order again from the API answer its fetch archived (after a SKU or a mapping rule was fixed),
 * with the source's own reading and mapper and today's cross-reference, and publishes the OrderReceived
 * that makes, under the fetch's delivery id: the order keeps the channel version it had, so the store
 * lets it replace the held version once and ignores it after that; the channel API is not called. The
 * fetch's once-per-notification key is not used, since running again is what a fix is for.
 */
export async function remapFetchedOrder<TPayload>(
  delivery: ArchivedDelivery,
  verdict: DeliveryVerdict | undefined,
  source: Pick<OrderSource<TPayload>, 'channel' | 'mapper' | 'readAnswer'>,
  archiveKey: string,
  ports: Pick<OrderFetchPorts, 'publisher' | 'skus'>,
): Promise<ReplayOutcome> {
  if (delivery.source !== 'api-responses' || !delivery.bodyBase64)
    return { outcome: 'skipped', reason: 'not an archived API answer' };
  const deliveryId = verdict?.deliveryId ?? delivery.headers['x-fabric-notification'];
  if (!deliveryId) return { outcome: 'skipped', reason: 'the answer names no notification it was fetched for' };
  const channelAccount = delivery.headers['x-fabric-channel-account'];
  const fetched = source.readAnswer(
    JSON.parse(Buffer.from(delivery.bodyBase64, 'base64').toString('utf8')),
    channelAccount ? { channelAccount } : {},
  );
  if (fetched.kind === 'not_ready') return { outcome: 'skipped', reason: fetched.reason };
  if (fetched.kind === 'invalid')
    return { outcome: 'skipped', reason: fetched.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') };
  const prepared = await prepareChannelOrder(
    source.channel,
    source.mapper,
    fetched.payload,
    deliveryId,
    ports.skus,
    archiveKey,
  );
  // A sale rung up at a store's till is its store transaction's events; they key on the transaction.
  const received = prepared.storeTransactionId
    ? prepared.publish
    : prepared.publish.filter((event) => event.detailType === 'OrderReceived');
  if (received.length === 0) return { outcome: 'skipped', reason: prepared.reason ?? 'the answer maps to no order' };
  await ports.publisher.publish(received);
  return { outcome: 'republished', orderId: prepared.orderId, events: received };
}
