import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { formatDecimalMoney } from '#domain/kernel/money';
import { secretEnvVar, tableEnvVar } from '#shared/config/topology';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { SAMPLE_CATALOG, channelOrderLines, sampleShopifyOrder, shopifyDeliveryHeaders } from './shopify-orders';
import { availabilityAfter, countSampleStock } from './sample-stock';
import type { ChannelApiStub } from '../channel-stubs/channel-api-stub';
import { sendChannelSampleTraffic } from './channel-sample-traffic';
import { describeAnswer } from './delivery-answer';

/**
 * Maps the sample shop's SKUs in the cross-reference, as `npm run ops -- xref map-sku` would: its
 * Shopify SKUs, which its stores' tills ring up as item codes too (the POS batches in docs/pos-upload.md use them).
 */
export async function seedSampleCatalog(crossReferenceTable: string): Promise<void> {
  const xref = new DynamoSkuCrossReference(crossReferenceTable);
  for (const item of SAMPLE_CATALOG) {
    await xref.mapSku('shopify', { channelSku: item.channelSku }, item.sku);
    await xref.mapSku('pos', { channelSku: item.channelSku }, item.sku);
  }
}

export async function postShopifyOrder(
  apiUrl: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${apiUrl}/webhooks/shopify`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls the order API until the order is stored, or gives up after `timeoutMs`. */
export async function waitForOrder(
  apiUrl: string,
  orderId: string,
  timeoutMs = 5000,
): Promise<Record<string, any> | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${apiUrl}/orders/${orderId}`);
    if (response.status === 200) return (await response.json()) as Record<string, any>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/**
 * What `npm start` sends so a newcomer sees the fabric work: shelf counts, signed Shopify orders (which
 * reserve stock), a redelivery, a forged delivery and an order with a SKU nobody mapped, each with the
 * answer the fabric gave.
 */
export async function sendSampleTraffic(
  apiUrl: string,
  print: (line: string) => void,
  channelApis: ChannelApiStub,
): Promise<void> {
  await seedSampleCatalog(process.env[tableEnvVar('crossReference')]!);
  // The order the signed test webhook of docs/local-runtime.md sends (#1001, line item 1, one unit), so that the
  // shipment confirmation of docs/orders-and-erp.md is told to a Shopify order that exists.
  channelApis.outbound.addOrder('shopify', '5600000000001', { lines: [{ lineId: '1', quantity: 1 }] });
  const secret = process.env[secretEnvVar('shopify')] ?? DEVELOPMENT_WEBHOOK_SECRETS.shopify;
  const firstNumber = Math.floor(Date.now() / 1000) % 100000;
  const stock = await countSampleStock(apiUrl, String(firstNumber));
  print(`POST /inventory/adjustments (counts)  -> ${stock.summary}`);

  const sent: { body: string; headers: Record<string, string>; orderId: string }[] = [];
  for (let i = 0; i < 3; i += 1) {
    const order = sampleShopifyOrder(firstNumber + i);
    // Placed on Shopify first, so that Shopify knows the order when its shipment is confirmed.
    channelApis.outbound.addOrder('shopify', String(order.id), channelOrderLines(order));
    channelApis.saveState();
    const body = JSON.stringify(order);
    const headers = shopifyDeliveryHeaders(body, secret);
    const answer = await postShopifyOrder(apiUrl, body, headers);
    print(`shopify orders/create #${1000 + firstNumber + i}      -> ${describeAnswer(answer.status, answer.body)}`);
    sent.push({ body, headers, orderId: String(answer.body.orderId) });
  }

  const repeat = await postShopifyOrder(apiUrl, sent[0].body, sent[0].headers);
  print(`same delivery again (Shopify retry)  -> ${describeAnswer(repeat.status, repeat.body)}`);

  const forged = await postShopifyOrder(apiUrl, sent[1].body, {
    ...sent[1].headers,
    'x-shopify-hmac-sha256': 'Zm9yZ2VkIHNpZ25hdHVyZQ==',
  });
  print(`forged signature                     -> ${describeAnswer(forged.status, forged.body)}`);

  const unmapped = sampleShopifyOrder(firstNumber + 3);
  (unmapped.line_items as { sku: string }[])[0].sku = 'NEW-SEASON-SKU';
  const unmappedBody = JSON.stringify(unmapped);
  const held = await postShopifyOrder(apiUrl, unmappedBody, shopifyDeliveryHeaders(unmappedBody, secret));
  print(`order with an unmapped SKU           -> ${describeAnswer(held.status, held.body)}`);

  // WooCommerce, Square and Walmart (whose thin events make the fabric fetch the order from the API stub).
  const others = await sendChannelSampleTraffic(apiUrl, channelApis, print);

  const started = Date.now();
  const stored = await waitForOrder(apiUrl, sent[0].orderId);
  if (!stored) {
    print(`order ${sent[0].orderId} was not readable within 5 s: check the log above`);
    return;
  }
  print(
    `GET /orders/${sent[0].orderId} -> ${stored.status}, ${stored.order.lines.length} line(s), total ${formatDecimalMoney(stored.order.totals.total)} ${stored.order.currency}, readable after ${Date.now() - started} ms`,
  );
  const byChannel = await fetch(`${apiUrl}/orders/by-channel/shopify/${stored.order.channelOrderId}`);
  print(`GET /orders/by-channel/shopify/${stored.order.channelOrderId} -> ${byChannel.status}`);
  const sku = stored.order.lines[0].sku!;
  const view = await availabilityAfter(apiUrl, sku, stock.versions[sku] ?? 0);
  print(
    `GET /availability/${sku} -> on hand ${view.total.onHand}, reserved ${view.total.reserved}, available-to-sell ${view.total.availableToSell}; ${view.channels.map((c: { channel: string; listed: number }) => `${c.channel} lists ${c.listed}`).join(', ')}`,
  );
  for (const { channel, channelOrderId } of others) {
    let status = 404;
    for (let i = 0; i < 50 && status === 404; i += 1) {
      status = (await fetch(`${apiUrl}/orders/by-channel/${channel}/${channelOrderId}`)).status;
      if (status === 404) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    print(`GET /orders/by-channel/${channel}/${channelOrderId} -> ${status}`);
  }
}
