import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { secretEnvVar, tableEnvVar } from '#shared/config/topology';
import type { ChannelApiStub } from '../channel-stubs/channel-api-stub';
import { squareDeliveryHeaders, squareOrderEvent, walmartDeliveryHeaders, walmartOrderEvent } from './channel-samples';
import { channelOrderLines } from './shopify-orders';
import { describeAnswer } from './delivery-answer';
import { WOOCOMMERCE_SAMPLE_CATALOG, sampleWooCommerceOrder, wooCommerceDeliveryHeaders } from './woocommerce-orders';

const SQUARE_FIXTURE = path.resolve(
  __dirname,
  '..',
  '..',
  'test',
  'fixtures',
  'square',
  'retrieve-order-online-multi-line-usd.json',
);
const WALMART_FIXTURE = path.resolve(
  __dirname,
  '..',
  '..',
  'test',
  'fixtures',
  'walmart',
  'get-order-multi-line-usd.json',
);

/**
 * The channels beyond Shopify in `npm start`'s sample traffic: a signed WooCommerce order.created, a
 * Square order.updated and a Walmart PO_CREATED whose orders the fabric then fetches from the channel
 * API stub. Returns the channel ids to look up once the orders are stored.
 */
export async function sendChannelSampleTraffic(
  apiUrl: string,
  stub: ChannelApiStub,
  print: (line: string) => void,
): Promise<{ channel: string; channelOrderId: string }[]> {
  const xref = new DynamoSkuCrossReference(process.env[tableEnvVar('crossReference')]!);
  for (const item of WOOCOMMERCE_SAMPLE_CATALOG)
    await xref.mapSku('woocommerce', { channelSku: item.channelSku }, item.sku);
  await xref.mapSku('square', { channelSku: '', variantId: 'W62UWFY35CWMYGVWK6TWJDNI' }, 'APP-TSHIRT-001-RED-M');
  await xref.mapSku('square', { channelSku: '', variantId: 'AII2R6W4NFQGVXHO6IQ6OMSW' }, 'HOME-MUG-010-WHT');
  await xref.mapSku('walmart', { channelSku: 'WM-TEE-RED-M' }, 'APP-TSHIRT-001-RED-M');
  await xref.mapSku('walmart', { channelSku: 'WM-MUG-WHT' }, 'HOME-MUG-010-WHT');
  await xref.mapSku('walmart', { channelSku: 'WM-TOTE-CNV' }, 'ACC-TOTE-002-NAT');

  const orderNumber = 70000 + (Math.floor(Date.now() / 1000) % 10000);
  const wooOrder = sampleWooCommerceOrder(orderNumber);
  stub.outbound.addOrder('woocommerce', String(orderNumber), channelOrderLines(wooOrder));
  stub.saveState();
  const wooBody = JSON.stringify(wooOrder);
  const wooSecret = process.env[secretEnvVar('woocommerce')] ?? DEVELOPMENT_WEBHOOK_SECRETS.woocommerce;
  const woo = await fetch(`${apiUrl}/webhooks/woocommerce`, {
    method: 'POST',
    headers: wooCommerceDeliveryHeaders(wooBody, wooSecret),
    body: wooBody,
  });
  print(
    `${`woocommerce order.created #${orderNumber}`.padEnd(37)}-> ${describeAnswer(woo.status, (await woo.json()) as Record<string, unknown>)}`,
  );

  const squareOrderId = `SAMPLE${orderNumber}SQ`;
  const { order } = JSON.parse(readFileSync(SQUARE_FIXTURE, 'utf8')) as { order: Record<string, unknown> };
  stub.square.orders.set(squareOrderId, { ...order, id: squareOrderId, updated_at: new Date().toISOString() });
  const url = `${apiUrl}/webhooks/square`;
  const event = squareOrderEvent(squareOrderId, 'L8RR7W3ZQ4V1B');
  const squareKey = process.env[secretEnvVar('square')] ?? DEVELOPMENT_WEBHOOK_SECRETS.square;
  const square = await fetch(url, {
    method: 'POST',
    headers: squareDeliveryHeaders(event, squareKey, url),
    body: event,
  });
  print(
    `${'square order.updated (order fetched)'.padEnd(37)}-> ${describeAnswer(square.status, (await square.json()) as Record<string, unknown>)}`,
  );

  const purchaseOrderId = `1088${orderNumber}00`;
  const walmart = JSON.parse(readFileSync(WALMART_FIXTURE, 'utf8')) as { order: Record<string, unknown> };
  stub.walmart.orders.set(purchaseOrderId, { ...walmart.order, purchaseOrderId, orderDate: Date.now() });
  const poCreated = walmartOrderEvent(purchaseOrderId);
  const walmartSecret = process.env[secretEnvVar('walmart')] ?? DEVELOPMENT_WEBHOOK_SECRETS.walmart;
  const walmartAnswer = await fetch(`${apiUrl}/webhooks/walmart`, {
    method: 'POST',
    headers: walmartDeliveryHeaders(poCreated, walmartSecret),
    body: poCreated,
  });
  print(
    `${'walmart PO_CREATED (order fetched)'.padEnd(37)}-> ${describeAnswer(walmartAnswer.status, (await walmartAnswer.json()) as Record<string, unknown>)}`,
  );

  return [
    { channel: 'woocommerce', channelOrderId: String(orderNumber) },
    { channel: 'square', channelOrderId: squareOrderId },
    { channel: 'walmart', channelOrderId: purchaseOrderId },
  ];
}
