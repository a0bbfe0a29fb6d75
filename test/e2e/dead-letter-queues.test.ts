import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser } from 'playwright-core';
import { OrderReceived } from '#domain/intake/events';
import { createEvent, toWireEvent } from '#domain/kernel/event';
import { mapShopifyOrder } from '#shared/channels/shopify/shopify-webhook.adapter';
import { ShopifyOrderPayload } from '#shared/channels/shopify/shopify-order.schema';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder } from '../../scripts/sample/shopify-orders';
import { eventually, startTestFabric } from '../integration/support/test-fabric';
import { launchChromium, openConsole } from './support/console-browser';

/*
 * An operator finds a message held in the order-intake DLQ, previews the redrive (a dry run that moves
 * nothing) and redrives it from the page; the message leaves the DLQ and the order is stored.
 */

let fabric: LocalFabric;
let browser: Browser;

beforeAll(async () => {
  [fabric, browser] = await Promise.all([
    startTestFabric('console-dlq', { scheduleIntervalMs: () => 0 }),
    launchChromium(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fabric?.stop();
});

async function holdInOrderIntakeDlq(): Promise<string> {
  const order = mapShopifyOrder(
    ShopifyOrderPayload.parse(sampleShopifyOrder(80_000 + Math.floor(Math.random() * 10_000))),
    (key) => `SKU-${key.channelSku}`,
  );
  const event = createEvent(
    OrderReceived,
    { order, deliveryId: `delivery-${order.channelOrderId}` },
    { correlationId: order.orderId },
  );
  await fabric.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: fabric.resources.queues['order-intake'].dlqUrl,
      MessageBody: JSON.stringify(toWireEvent(event)),
    }),
  );
  return order.orderId;
}

async function heldFor(orderId: string): Promise<unknown[]> {
  const response = await fetch(
    `${fabric.apiUrl}/dead-letter-queues/order-intake/messages?orderId=${encodeURIComponent(orderId)}`,
  );
  return ((await response.json()) as { messages: unknown[] }).messages;
}

it('lets an operator preview a redrive, then redrive the held message from the page', async () => {
  const orderId = await holdInOrderIntakeDlq();
  // Straight to the queue, filtered: the list page peeks every DLQ for its oldest message, which hides
  // the held messages from a read made in that instant.
  const { page, pageErrors } = await openConsole(
    browser,
    fabric,
    'dev-operator',
    `#/dead-letter-queues/order-intake?orderId=${encodeURIComponent(orderId)}`,
  );
  await page.getByRole('heading', { level: 1, name: 'order-intake dead-letter queue' }).waitFor();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: orderId }) });
  await row.getByText('Not processed').first().waitFor();

  await page.getByRole('button', { name: 'Preview redrive' }).click();
  await page.getByText('Would move 1 message of').waitFor();
  expect(await heldFor(orderId)).toHaveLength(1);

  await page.getByRole('button', { name: 'Redrive 1 message' }).click();
  await page.getByText('Moved 1 message back to order-intake').waitFor();
  expect(await page.getByText('as console:dev-operator').count()).toBe(1);

  expect(await heldFor(orderId)).toEqual([]);
  await eventually('the redriven order stored', async () =>
    (await fetch(`${fabric.apiUrl}/orders/${orderId}`)).status === 200 ? true : undefined,
  );
  expect(pageErrors).toEqual([]);
  await page.context().close();
});

it('shows a viewer the held messages but no redrive', async () => {
  const orderId = await holdInOrderIntakeDlq();
  const { page, pageErrors } = await openConsole(
    browser,
    fabric,
    'dev-viewer',
    `#/dead-letter-queues/order-intake?orderId=${encodeURIComponent(orderId)}`,
  );

  await page.getByRole('link', { name: orderId }).first().waitFor();

  expect(await page.getByRole('button', { name: /redrive/i }).count()).toBe(0);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});
