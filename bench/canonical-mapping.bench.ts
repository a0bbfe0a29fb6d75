import type { WebhookRequest } from '#domain/intake/channel-ports';
import { prepareChannelOrder } from '#domain/intake/channel-order-intake';
import { toWireEvent } from '#domain/kernel/event';
import { parseJsonExactly } from '#domain/kernel/exact-json';
import { type ChannelSkuKey, type SkuCrossReference, skuKeyId } from '#domain/kernel/sku-cross-reference';
import type { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { shopifyWebhookAdapter } from '#shared/channels/shopify/shopify-webhook.adapter';
import { sampleShopifyOrder, seededRandom, SAMPLE_CATALOG } from '../scripts/sample/shopify-orders';
import { compile, compileOrderPayloads } from '#domain/kernel/schema';
import { report } from './harness';

/** How long each side is measured in all, as opsPerSecond does, and in how many alternating rounds. */
const MEASURE_MS = 2000;
const ROUNDS = 8;

/**
 * Canonical mapping and validation of Shopify orders on one core, against the ceiling of merely
 * parsing and serializing the same JSON: what the fabric's edge costs beyond touching the bytes. The
 * measured work is what the webhook does with a verified body: parseJsonExactly, the adapter's parse
 * (the payload's one validation), prepareChannelOrder (cross-reference lookup, mapping, events) and
 * the serialization of every event it publishes as the bus carries it. The cross-reference answers
 * from memory, so only the fabric's own work is timed.
 */
export async function benchCanonicalMapping(): Promise<void> {
  // As the marketplace webhook has it at load (functions/marketplace-webhook/handler.ts).
  compileOrderPayloads(compile);
  const random = seededRandom(42);
  const bodies = Array.from({ length: 500 }, (_, i) => JSON.stringify(sampleShopifyOrder(i, random)));
  const request = { channel: 'shopify', headers: { 'x-shopify-topic': 'orders/create' } } as unknown as WebhookRequest;
  let i = 0;
  const mapOrder = async () => {
    const json = parseJsonExactly(bodies[i++ % bodies.length]);
    const parsed = shopifyWebhookAdapter.parse(request, json);
    if (!parsed.ok || parsed.value.kind !== 'order') throw new Error('a sample order did not parse');
    const prepared = await prepareChannelOrder(
      'shopify',
      shopifyWebhookAdapter.orders as NonNullable<typeof shopifyWebhookAdapter.orders>,
      parsed.value.payload as ShopifyOrderPayload,
      `delivery-${i}`,
      sampleCrossReference,
    );
    for (const event of prepared.publish) JSON.stringify(toWireEvent(event));
  };
  let j = 0;
  const touchBytes = () => {
    JSON.stringify(JSON.parse(bodies[j++ % bodies.length]));
  };
  const [mapping, ceiling] = await interleavedOpsPerSecond(mapOrder, touchBytes);
  report({
    name: 'canonical mapping + validation (Shopify, per core)',
    unit: 'orders/s',
    value: mapping,
    ceilingName: 'JSON parse + serialize of the same payloads',
    ceiling,
  });
}

const SAMPLE_SKUS = new Map<string, string>(
  SAMPLE_CATALOG.map((item) => [skuKeyId({ channelSku: item.channelSku }), item.sku]),
);

/** The sample shop's cross-reference, answering from memory as the DynamoDB one answers from its table. */
const sampleCrossReference: SkuCrossReference = {
  async resolveSkus(_channel, keys: readonly ChannelSkuKey[]) {
    const known = new Map<string, string>();
    for (const key of keys) {
      const sku = SAMPLE_SKUS.get(skuKeyId(key));
      if (sku) known.set(skuKeyId(key), sku);
    }
    return known;
  },
};

/**
 * Operations per second of each of two works, measured in alternating rounds (which goes first
 * alternates too) for MEASURE_MS each in all: on a shared machine a burst of other load then falls on
 * both sides of the ratio instead of on whichever was being measured at the time. Work that awaits
 * is awaited one operation after another, as one webhook invocation takes its orders; work that does
 * not is called without an await, so the ceiling pays no promise.
 */
async function interleavedOpsPerSecond(
  first: () => Promise<void> | void,
  second: () => Promise<void> | void,
): Promise<[number, number]> {
  const works = [first, second];
  const counts = [0, 0];
  const nanos = [0n, 0n];
  for (const work of works) for (let k = 0; k < 200; k += 1) await work(); // warm the JIT before measuring
  const roundLimit = (BigInt(MEASURE_MS) * 1_000_000n) / BigInt(ROUNDS);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const started = process.hrtime.bigint();
      let elapsed = 0n;
      while (elapsed < roundLimit) {
        const pending = works[side]();
        if (pending) await pending;
        counts[side] += 1;
        elapsed = process.hrtime.bigint() - started;
      }
      nanos[side] += elapsed;
    }
  }
  return [counts[0] / (Number(nanos[0]) / 1e9), counts[1] / (Number(nanos[1]) / 1e9)];
}
