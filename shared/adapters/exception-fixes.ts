import type { ChannelWebhookAdapter } from '../channels/channel-adapter';
import type { SalesChannel } from '../domain/order';
import { createEvent, type EventData } from '../../events/catalog';
import { replayArchivedDelivery, skuKeyId, type EventPublisher, type SkuCrossReference, type WebhookSecrets } from '../domain/webhook-delivery';
import type { ArchivedOrderReprocessor, ErpPostingRetry, FixPorts, HeldPosTransactions } from '../domain/exceptions';
import type { LifecycleStore } from '../domain/order-lifecycle';
import { webhookAdapters } from '../channels/registry';
import { channelApisFromEnv } from '../channels/channel-apis';
import { S3DeliveryArchive } from './raw-archive';
import { DynamoSkuCrossReference } from './cross-reference';
import { DynamoExceptionStore } from './exception-store';
import { DynamoLifecycleStore } from './order-lifecycle-store';
import { eventPublisherFromEnv } from './event-publisher';

/**
 * Maps a held order again from its archived webhook delivery, with today's adapter and cross-reference,
 * and publishes the OrderReceived it now makes (a replay limited to the one delivery and the one event).
 * Order data a fetch or a pull archived (api-responses/) is not a webhook: those are left to `replay`.
 */
export class ArchivedWebhookReprocessor implements ArchivedOrderReprocessor {
  constructor(
    private readonly archive: Pick<S3DeliveryArchive, 'entryAt'>,
    private readonly adapters: Partial<Record<SalesChannel, ChannelWebhookAdapter>>,
    private readonly ports: { publisher: EventPublisher; skus: SkuCrossReference },
  ) {}

  async reprocess(archiveKey: string): Promise<{ outcome: 'republished' | 'skipped'; detail: string }> {
    if (!archiveKey.startsWith('webhooks/')) return { outcome: 'skipped', detail: `${archiveKey} is not a webhook delivery; replay it with the channel's fetch` };
    const entry = await this.archive.entryAt(archiveKey);
    if (!entry) return { outcome: 'skipped', detail: `nothing is archived at ${archiveKey}` };
    // Without a verdict the delivery was never shown to be the channel's; `ops replay` verifies it again with the secret.
    if (!entry.verdict) return { outcome: 'skipped', detail: `${archiveKey} has no verdict; replay it with npm run ops -- replay` };
    const adapter = this.adapters[entry.delivery.channel];
    if (!adapter) return { outcome: 'skipped', detail: `no webhook adapter for ${entry.delivery.channel}` };
    const replayed = await replayArchivedDelivery(entry.delivery, entry.verdict, adapter, { ...this.ports, secrets: NO_SECRETS }, { detailTypes: ['OrderReceived'] });
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
  constructor(private readonly skus: SkuCrossReference, private readonly publisher: EventPublisher) {}

  async reapply(recorded: EventData<'PosTransactionRecorded'>): Promise<{ outcome: 'republished' | 'skipped'; detail: string; stillUnmapped: string[] }> {
    const { transaction } = recorded;
    const known = await this.skus.resolveSkus('pos', transaction.lines.filter((line) => line.sku === null).map((line) => ({ channelSku: line.itemCode })));
    const lines = transaction.lines.map((line) => (line.sku === null ? { ...line, sku: known.get(skuKeyId({ channelSku: line.itemCode })) ?? null } : line));
    const still = lines.filter((line) => line.sku === null).map((line) => line.itemCode);
    if (lines.every((line, i) => line.sku === transaction.lines[i].sku)) return { outcome: 'skipped', detail: `no held item code is mapped yet (${still.join(', ')})`, stillUnmapped: still };
    await this.publisher.publish([createEvent('PosTransactionRecorded', { ...recorded, transaction: { ...transaction, lines } }, {
      correlationId: transaction.transactionId, causationId: `exception-reprocess:${transaction.transactionId}`,
    })]);
    return { outcome: 'republished', detail: `${transaction.transactionId} recorded again${still.length ? `; still unmapped: ${still.join(', ')}` : ''}`, stillUnmapped: still };
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
  constructor(private readonly lifecycles: Pick<LifecycleStore, 'load'>, private readonly publisher: EventPublisher) {}

  async retrySalesOrder(orderId: string): Promise<void> {
    const lifecycle = await this.lifecycles.load(orderId);
    if (lifecycle?.state !== 'reserved') throw new Error(`order ${orderId} is ${lifecycle?.state ?? 'unknown'}, not reserved: nothing to post`);
    await this.publisher.publish([createEvent('OrderStateChanged', { orderId, from: 'reserved', to: 'reserved', version: lifecycle.version, on: 'stock_reserved' }, { correlationId: orderId, causationId: `exception-retry:${orderId}` })]);
  }
}

/** The fixes' ports as the API and the CLI build them: the exceptions table, the raw archive, the cross-reference and the bus. */
export function exceptionFixPortsFromEnv(names: { exceptionsTable: string; crossReferenceTable: string; rawArchiveBucket: string; ordersTable?: string }): FixPorts {
  const publisher = eventPublisherFromEnv();
  const reprocessor = new ArchivedWebhookReprocessor(new S3DeliveryArchive(names.rawArchiveBucket), webhookAdapters(channelApisFromEnv()), {
    publisher, skus: new DynamoSkuCrossReference(names.crossReferenceTable),
  });
  const erp: ErpPostingRetry = names.ordersTable
    ? new ReservedOrderRepost(new DynamoLifecycleStore(names.ordersTable), publisher)
    : { retrySalesOrder: async (orderId) => { throw new Error(`retrying ${orderId}'s ERP posting needs the orders table`); } };
  const posTransactions = new HeldPosTransactionRemapper(new DynamoSkuCrossReference(names.crossReferenceTable), publisher);
  return { store: new DynamoExceptionStore(names.exceptionsTable), reprocessor, posTransactions, erp };
}
