import type { Browser, Page } from 'playwright-core';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { SAMPLE_CATALOG } from '../../scripts/sample/shopify-orders';
import { launchChromium, openConsole, screenshot } from './support/console-browser';
import { holdOrderForUnknownSku, startConsoleShop } from './support/console-shop';

/*
 * An operator's round trip in the console: an order held for a SKU the cross-reference does not know
 * shows under Exceptions, the operator maps the SKU from the exception's page, and the Orders page then
 * shows the order reserve its stock, its lines and its trace. The README's two console screenshots are
 * taken on the way.
 */

let fabric: LocalFabric;
let browser: Browser;

beforeAll(async () => {
  [fabric, browser] = await Promise.all([startConsoleShop('exceptions-and-orders'), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fabric?.stop();
});

/** Reads the page again with its Refresh button until `shown` is on it, rather than waiting out the polling. */
async function refreshUntil(page: Page, shown: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await shown())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await page.waitForTimeout(500);
  }
}

describe('exceptions and orders in the console', () => {
  it('lets an operator map the SKU a held order waits for, then shows the order reserve its stock, with its lines and trace', async () => {
    const channelSku = `E2E-LINEN-TEE-${Date.now() % 100_000}`;
    const held = await holdOrderForUnknownSku(fabric, channelSku);
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-operator', '#/exceptions');
    // Signing in lands on the Overview first: console-access.test.ts answers for every page, this test for these two.
    pageErrors.splice(0);

    const queueRow = page.getByRole('row').filter({ hasText: held.orderId });
    await refreshUntil(page, () => queueRow.isVisible(), 'the held order in the work queue');
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'console-exceptions');
    await queueRow.getByRole('link', { name: /OrderNeedsAttention/ }).click();

    await page.getByRole('heading', { name: 'OrderNeedsAttention UNKNOWN_SKU' }).waitFor();
    await page.getByRole('table', { name: 'Lines waiting for a SKU mapping' }).getByText(channelSku).waitFor();
    await page.getByLabel('Internal SKU').fill(SAMPLE_CATALOG[0].sku);
    await page.getByRole('button', { name: 'Map SKU' }).click();
    await page
      .getByRole('status')
      .getByText(`shopify ${channelSku} now maps to ${SAMPLE_CATALOG[0].sku}. 1 held item was sent through again.`)
      .waitFor();
    await page.getByRole('cell', { name: 'console:dev-operator' }).first().waitFor();

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByLabel('Order id', { exact: true }).fill(held.orderId);
    await page.getByRole('button', { name: 'Open order' }).click();
    await page.getByRole('heading', { name: /^Order shopify / }).waitFor();
    const reserved = page.getByRole('row', { name: /received → reserved/ });
    await refreshUntil(page, () => reserved.isVisible(), 'the order reaching reserved');

    const lines = page.getByRole('table', { name: 'Lines', exact: true });
    await lines.getByRole('row', { name: new RegExp(SAMPLE_CATALOG[0].sku) }).waitFor();
    expect(await lines.getByText('$24.00').count()).toBe(1);
    expect(await lines.getByText('UNMAPPED').count()).toBe(0);
    const trace = page.getByRole('list', { name: "The order's trace, oldest first" });
    await trace
      .getByText(/OrderReceived handled at \S*inventory-reservation/)
      .first()
      .waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'console-orders');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
