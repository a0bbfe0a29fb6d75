import type { Browser, Page } from 'playwright-core';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { postShopifyOrder } from '../../scripts/sample/sample-traffic';
import { SAMPLE_CATALOG, sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import type { StoreTasksAnswer } from '../../console/src/view/store-tasks';
import { postAdjustment } from '../integration/support/inventory-support';
import { eventually, retryQuickly } from '../integration/support/test-fabric';
import { launchChromium, openConsole } from './support/console-browser';
import { startConsoleShop } from './support/console-shop';

/*
 * A store's work in the console: an order the sample shop can only fill from the Portland store
 * becomes a store task there; the Store tasks page lists it with its acceptance deadline, an operator
 * accepts it, a viewer is offered nothing, and the order's page shows the part sent to the store and
 * the sourcing that chose it.
 */

const STORE = 'store-042';

// The sample shop's locations, the store with an acceptance deadline: its open task shows one.
process.env.FABRIC_INVENTORY_POLICY = JSON.stringify({
  locations: [
    { id: 'wh-east', name: 'East distribution centre', kind: 'warehouse' },
    { id: STORE, name: 'Portland store', kind: 'store', timeZone: 'America/New_York', acceptSlaMinutes: 30 },
  ],
});

/** Only the store has the tote: the warehouse's shelf is counted empty before the order comes in. */
const TOTE = SAMPLE_CATALOG.find((item) => item.sku === 'ACC-TOTE-002-NAT') ?? SAMPLE_CATALOG[0];

const TABLET = { width: 768, height: 1024 };

let fabric: LocalFabric;
let browser: Browser;
let order: { orderId: string; channelOrderId: string; taskId: string };

beforeAll(async () => {
  [fabric, browser] = await Promise.all([startConsoleShop('store-tasks'), launchChromium()]);
  await retryQuickly(fabric, ['fulfilment-release']);
  const counted = await postAdjustment(fabric, {
    type: 'count',
    sku: TOTE.sku,
    locationId: 'wh-east',
    countedOnHand: 0,
    reference: { kind: 'stock_count', id: 'store-tasks-e2e' },
  });
  if (counted.status >= 300) throw new Error(`the warehouse count failed: ${JSON.stringify(counted.body)}`);
  const payload = sampleShopifyOrder(80_000 + Math.floor(Math.random() * 10_000), () => 0, [TOTE], 1);
  const body = JSON.stringify(payload);
  const answer = await postShopifyOrder(
    fabric.apiUrl,
    body,
    shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify),
  );
  if (answer.status !== 202) throw new Error(`the order was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  const orderId = String(answer.body.orderId);
  const task = await eventually(
    "the order's store task",
    async () => {
      const listed = (await (await fetch(`${fabric.apiUrl}/stores/${STORE}/tasks`)).json()) as StoreTasksAnswer;
      return listed.tasks.find((candidate) => candidate.orderId === orderId);
    },
    30_000,
  );
  order = { orderId, channelOrderId: String(payload.id), taskId: task.requestId };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fabric?.stop();
});

async function openTask(page: Page): Promise<void> {
  const open = page.getByRole('table', { name: `Open: waiting to be accepted: tasks at ${STORE}, oldest first` });
  const row = open.getByRole('row').filter({ hasText: order.channelOrderId });
  await row.getByRole('cell', { name: /^accept within / }).waitFor();
  await row.getByRole('link', { name: order.taskId }).click();
  await page.getByRole('heading', { name: `Task ${order.taskId}` }).waitFor();
}

describe('store tasks in the console', () => {
  it('shows a viewer the open task with its deadline and no action to take, at tablet width', async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-viewer', '#/store-tasks', TABLET);
    await page.getByLabel('Store id').fill(STORE);
    await page.getByRole('button', { name: 'Show tasks' }).click();
    await page.getByRole('heading', { name: `Tasks at store ${STORE}` }).waitFor();

    await openTask(page);
    await page.getByText('Operators act on store tasks; a viewer sees them.').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
    expect(await page.getByRole('button', { name: /accept|reject|picked/i }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('lets an operator accept the task, then shows the accepted part on the order page', async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-operator', `#/store-tasks/${STORE}`);

    await openTask(page);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('status').getByText(`Task ${order.taskId} is accepted: being picked now.`).waitFor();
    const history = page.getByRole('table', { name: 'Every move of the task, oldest first' });
    await history
      .getByRole('row', { name: /open → accepted/ })
      .getByText('dev-operator')
      .waitFor();
    await page.getByRole('button', { name: 'Mark picked' }).waitFor();

    await page.getByRole('link', { name: `shopify ${order.channelOrderId}` }).click();
    const parts = page.getByRole('table', { name: /^The order's parts/ });
    const part = parts.getByRole('row').filter({ hasText: STORE });
    await part.getByText('Accepted: being picked').waitFor();
    await page.getByText(/chose, for ship:/).waitFor();
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
