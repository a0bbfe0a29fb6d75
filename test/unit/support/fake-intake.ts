import { randomUUID } from 'node:crypto';
import type { ChannelWebhookAdapter, WebhookRequest } from '#domain/intake/channel-ports';
import type { ChannelSkuKey, SkuLookup } from '#domain/kernel/sku-cross-reference';
import type { SalesChannel } from '#domain/kernel/order';
import { type AcceptedDelivery, type WebhookIntakePorts, acceptWebhookDelivery } from '#domain/intake/webhook-delivery';
import { skuKeyId } from '#domain/kernel/sku-cross-reference';
import type { ArchivedDelivery, DeliveryVerdict } from '#domain/kernel/archive';
import type { FabricEvent } from '#domain/kernel/event';

/** A SKU lookup over a fixture's cross-reference, keyed the way the real one keys it. */
export function lookupFrom(skus: readonly { key: ChannelSkuKey; sku: string }[]): SkuLookup {
  const known = new Map(skus.map(({ key, sku }) => [skuKeyId(key), sku]));
  return (key) => known.get(skuKeyId(key));
}

/**
 * In-memory intake ports that honour their contracts (the deduplicator replays the first result of a
 * delivery key), for driving acceptWebhookDelivery with any channel adapter.
 */
export function fakeIntake(
  adapter: ChannelWebhookAdapter,
  secret: string,
  skus: readonly { key: ChannelSkuKey; sku: string }[] = [],
  maxBodyBytes = 256 * 1024,
) {
  const archived: ArchivedDelivery[] = [];
  const verdicts: DeliveryVerdict[] = [];
  const published: FabricEvent[] = [];
  const accepted = new Map<string, AcceptedDelivery>();
  const lookup = lookupFrom(skus);
  const ports: WebhookIntakePorts = {
    archive: {
      async archiveDelivery(delivery) {
        archived.push(delivery);
        return `${delivery.channel}/${delivery.requestId}`;
      },
      async recordVerdict(_key, verdict) {
        verdicts.push(verdict);
      },
    },
    publisher: {
      async publish(events) {
        published.push(...events);
      },
    },
    secrets: {
      async secretFor() {
        return secret;
      },
    },
    skus: {
      async resolveSkus(_channel, keys) {
        return new Map(
          keys.flatMap((key) => {
            const sku = lookup(key);
            return sku ? [[skuKeyId(key), sku] as [string, string]] : [];
          }),
        );
      },
    },
    deduplicator: {
      async once(deliveryKey, accept) {
        const earlier = accepted.get(deliveryKey);
        if (earlier) return { ...earlier, duplicate: true };
        const result = await accept();
        accepted.set(deliveryKey, result);
        return { ...result, duplicate: false };
      },
    },
  };
  return {
    archived,
    verdicts,
    published,
    ports,
    accept: (request: WebhookRequest) => acceptWebhookDelivery(request, adapter, ports, { maxBodyBytes }),
    /** The detail-types published so far, in order. */
    detailTypes: () => published.map((event) => event.detailType),
  };
}

/** A delivery as the channel sends it: raw bytes and lower-cased headers. */
export function webhookRequest(
  channel: SalesChannel,
  body: string | Buffer,
  headers: Record<string, string>,
  url?: string,
): WebhookRequest {
  return {
    channel,
    requestId: randomUUID(),
    receivedAt: new Date().toISOString(),
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    ...(url ? { url } : {}),
  };
}
