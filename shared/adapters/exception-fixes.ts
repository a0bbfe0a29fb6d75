import type { ChannelWebhookAdapter } from '#domain/intake/channel-ports';
import type { SalesChannel } from '#domain/kernel/order';
import type { EventData } from '#events/catalog';
import { createEvent } from '#domain/kernel/event';
import { OrderStateChanged } from '#domain/orders/events';
import { PosTransactionRecorded } from '#domain/pos/events';
import { replayArchivedDelivery, type ReplayOutcome, type WebhookSecrets } from '#domain/intake/webhook-delivery';
import { skuKeyId, type SkuCrossReference } from '#domain/kernel/sku-cross-reference';
import type { EventPublisher } from '#domain/kernel/ports';
import type { ArchivedOrderReprocessor, ErpPostingRetry, HeldPosTransactions } from '#domain/exceptions';
import type { LifecycleStore } from '#domain/orders/lifecycle';
import { remapFetchedOrder, type OrderSource } from '#domain/intake/order-fetch';
import type { S3DeliveryArchive } from './raw-archive';

/**
 * Maps a held order again from what its channel sent, as archived, with today's adapter and
 * cross-reference, and publishes the OrderReceived it now makes (no resend by the channel): a webhook
 * delivery through the channel's webhook adapter (a replay limited to the one delivery and the one
 * event), an answer a fetch archived (api-responses/) through the channel's order source, without
 * calling the channel API again.
 */
export class ArchivedDeliveryReprocessor implements ArchivedOrderReprocessor {
  constructor(
    private readonly archive: Pick<S3DeliveryArchive, 'entryAt'>,
    private readonly adapters: Partial<Record<SalesChannel, ChannelWebhookAdapter>>,
    private readonly ports: { publisher: EventPublisher; skus: SkuCrossReference },
    private readonly sources: Partial<Record<SalesChannel, () => OrderSource<unknown>>>,
  ) {}

  async reprocess(archiveKey: string): Promise<{ outcome: 'republished' | 'skipped'; detail: string }> {
    const fetched = archiveKey.startsWith('api-responses/');
    if (!archiveKey.startsWith('webhooks/') && !fetched)
      return { outcome: 'skipped', detail: `${archiveKey} is neither a webhook delivery nor a fetched API answer` };
    const entry = await this.archive.entryAt(archiveKey);
    if (!entry) return { outcome: 'skipped', detail: `nothing is archived at ${archiveKey}` };
    // Without a verdict the delivery was never shown to be the channel's; `ops replay` verifies it again with the secret.
    if (!entry.verdict)
      return { outcome: 'skipped', detail: `${archiveKey} has no verdict; replay it with npm run ops -- replay` };
    const { channel } = entry.delivery;
    let replayed: ReplayOutcome;
    if (fetched) {
      const source = this.sources[channel];
      if (!source) return { outcome: 'skipped', detail: `no order source for ${channel}` };
      replayed = await remapFetchedOrder(entry.delivery, entry.verdict, source(), archiveKey, this.ports);
    } else {
      const adapter = this.adapters[channel];
      if (!adapter) return { outcome: 'skipped', detail: `no webhook adapter for ${channel}` };
      replayed = await replayArchivedDelivery(
        entry.delivery,
        entry.verdict,
        adapter,
        { ...this.ports, secrets: NO_SECRETS },
        { detailTypes: ['OrderReceived'] },
      );
    }
    return replayed.outcome === 'republished'
      ? { outcome: 'republished', detail: `${replayed.orderId} mapped again from ${archiveKey}` }
      : { outcome: 'skipped', detail: replayed.reason };
  }
}

/**
 * Records a held POS transaction again, its item codes resolved with today's cross-reference:
 * pos-stock-movements moves stock for its newly mapped lines under the same per-line adjustment ids as
 * before (lines already applied change nothing), and accounting keys its entry on the transaction.
 */
export class HeldPosTransactionRemapper implements HeldPosTransactions {
  constructor(
    private readonly skus: SkuCrossReference,
    private readonly publisher: EventPublisher,
  ) {}

  async reapply(
    recorded: EventData<'PosTransactionRecorded'>,
  ): Promise<{ outcome: 'republished' | 'skipped'; detail: string; stillUnmapped: string[] }> {
    const { transaction } = recorded;
    const known = await this.skus.resolveSkus(
      'pos',
      transaction.lines.filter((line) => line.sku === null).map((line) => ({ channelSku: line.itemCode })),
    );
    const lines = transaction.lines.map((line) =>
      line.sku === null ? { ...line, sku: known.get(skuKeyId({ channelSku: line.itemCode })) ?? null } : line,
    );
    const still = lines.filter((line) => line.sku === null).map((line) => line.itemCode);
    if (lines.every((line, i) => line.sku === transaction.lines[i].sku))
      return {
        outcome: 'skipped',
        detail: `no held item code is mapped yet (${still.join(', ')})`,
        stillUnmapped: still,
      };
    await this.publisher.publish([
      createEvent(
        PosTransactionRecorded,
        { ...recorded, transaction: { ...transaction, lines } },
        {
          correlationId: transaction.transactionId,
          causationId: `exception-reprocess:${transaction.transactionId}`,
        },
      ),
    ]);
    return {
      outcome: 'republished',
      detail: `${transaction.transactionId} recorded again${still.length ? `; still unmapped: ${still.join(', ')}` : ''}`,
      stillUnmapped: still,
    };
  }
}

/** A delivery with a verdict is not verified again, so the replay never asks for a secret. */
const NO_SECRETS: WebhookSecrets = { secretFor: async () => undefined };

/**
 * Retries a rejected sales-order posting by telling the ERP connector again that the order is
 * reserved, at its current lifecycle version: the connector looks the document up by the order id
 * before it posts, so the retry posts once or finds what a previous attempt posted.
 */
export class ReservedOrderRepost implements ErpPostingRetry {
  constructor(
    private readonly lifecycles: Pick<LifecycleStore, 'load'>,
    private readonly publisher: EventPublisher,
  ) {}

  async retrySalesOrder(orderId: string): Promise<void> {
    const lifecycle = await this.lifecycles.load(orderId);
    if (lifecycle?.state !== 'reserved')
      throw new Error(`order ${orderId} is ${lifecycle?.state ?? 'unknown'}, not reserved: nothing to post`);
    await this.publisher.publish([
      createEvent(
        OrderStateChanged,
        { orderId, from: 'reserved', to: 'reserved', version: lifecycle.version, on: 'stock_reserved' },
        { correlationId: orderId, causationId: `exception-retry:${orderId}` },
      ),
    ]);
  }
}
