import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { sampleShopifyOrder, seededRandom, SAMPLE_CATALOG } from '../scripts/sample/shopify-orders';
import { opsPerSecond, report } from './harness';

/**
 * Canonical mapping and validation of Shopify orders on one core, against the ceiling of merely
 * parsing and serializing the same JSON: what the fabric's edge costs beyond touching the bytes.
 */
export function benchCanonicalMapping(): void {
  const random = seededRandom(42);
  const bodies = Array.from({ length: 500 }, (_, i) => JSON.stringify(sampleShopifyOrder(i, random)));
  const skus = new Map<string, string>(SAMPLE_CATALOG.map((item) => [item.channelSku, item.sku]));
  let i = 0;
  const mapping = opsPerSecond(() => {
    const payload = ShopifyOrderPayload.parse(JSON.parse(bodies[i++ % bodies.length]));
    JSON.stringify(mapShopifyOrder(payload, (key) => skus.get(key.channelSku)));
  });
  let j = 0;
  const ceiling = opsPerSecond(() => {
    JSON.stringify(JSON.parse(bodies[j++ % bodies.length]));
  });
  report({
    name: 'canonical mapping + validation (Shopify, per core)',
    unit: 'orders/s',
    value: mapping,
    ceilingName: 'JSON parse + serialize of the same payloads',
    ceiling,
  });
}
