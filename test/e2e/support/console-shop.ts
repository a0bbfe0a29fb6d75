import type { LocalFabric } from '../../../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder, shopifyDeliveryHeaders } from '../../../scripts/sample/shopify-orders';
import { postShopifyOrder, seedSampleCatalog } from '../../../scripts/sample/sample-traffic';
import { countSampleStock } from '../../../scripts/sample/sample-stock';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { retryQuickly, startTestFabric } from '../../integration/support/test-fabric';

/**
 * A local fabric with the sample shop (catalog, cross-reference, stock counted), its schedules run
 * only when a test asks, and failed records retried within a second: what a person sees in the
 * console after `npm start`, minus the sample orders.
 */
export async function startConsoleShop(name: string): Promise<LocalFabric> {
  const fabric = await startTestFabric(name, { scheduleIntervalMs: () => 0 });
  await retryQuickly(fabric, ['order-lifecycle', 'erp-sales-order-posting', 'exceptions', 'exceptions-order-moves']);
  await seedSampleCatalog(fabric.resources.tables.crossReference);
  await countSampleStock(fabric.apiUrl, fabric.resources.prefix);
  return fabric;
}

let orderNumber = 70_000 + Math.floor(Math.random() * 20_000);

/** A Shopify order of one item the cross-reference does not know: the fabric holds it for a person. */
export async function holdOrderForUnknownSku(
  fabric: LocalFabric,
  channelSku: string,
): Promise<{ orderId: string; channelOrderId: string }> {
  const number = orderNumber++;
  const payload = sampleShopifyOrder(number, () => 0, [
    { channelSku, title: 'Unlisted Tee', price: '24.00', variantId: 49_000_000_000_000 + number },
  ]);
  const body = JSON.stringify(payload);
  const answer = await postShopifyOrder(
    fabric.apiUrl,
    body,
    shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
  );
  if (answer.status !== 202 || !answer.body.needsAttention)
    throw new Error(`expected the order to be held, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return { orderId: String(answer.body.orderId), channelOrderId: String(payload.id) };
}
