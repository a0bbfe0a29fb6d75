import type { Browser } from 'playwright-core';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { postShopifyOrder } from '../../scripts/sample/sample-traffic';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { launchChromium, openConsole } from './support/console-browser';
import { holdOrderForUnknownSku, startConsoleShop } from './support/console-shop';

/*
 * The overview as a person reads it: headline figures, each chart announced by what it shows with its
 * figures in a table beside it, and a window chosen from the page that the address keeps.
 */

let fabric: LocalFabric;
let browser: Browser;

beforeAll(async () => {
  [fabric, browser] = await Promise.all([startConsoleShop('console-overview'), launchChromium()]);
  const first = 30_000 + Math.floor(Math.random() * 20_000);
  for (const number of [first, first + 1]) {
    const body = JSON.stringify(sampleShopifyOrder(number));
    await postShopifyOrder(fabric.apiUrl, body, shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify));
  }
  await holdOrderForUnknownSku(fabric, 'E2E-OVERVIEW-TEE');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fabric?.stop();
});

describe('the overview page', () => {
  it('shows orders today, the open exception and DLQ depth, and charts each with its figures as a table', async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-viewer', '#/overview');

    const ordersToday = page.locator('article', { has: page.getByRole('heading', { name: 'Orders today' }) });
    await ordersToday.locator('.headline-figure', { hasText: '3' }).waitFor();
    const openExceptions = page.locator('article', { has: page.getByRole('heading', { name: 'Open exceptions' }) });
    await openExceptions.getByText('0 critical, 1 warning, 0 info').waitFor();
    const held = page.locator('article', { has: page.getByRole('heading', { name: 'Messages in DLQs' }) });
    await held.locator('.headline-figure', { hasText: '0' }).waitFor();

    const perHour = page.getByRole('img', {
      name: /^Orders received per hour by channel over the last 24 h: 3 in all/,
    });
    await perHour.waitFor();
    await page.getByRole('img', { name: /by current status: .*needs attention 1/ }).waitFor();
    await page
      .getByRole('img', { name: /^Exceptions open at the end of each hour by severity .*: 1 open now/ })
      .waitFor();
    await page.getByRole('img', { name: /^Mean and maximum propagation lag per channel/ }).waitFor();

    await page.getByText('Orders received per hour by channel, last 24 h: the figures').click();
    const table = page.getByRole('table', { name: 'Orders received per hour by channel, last 24 h' });
    await table.getByRole('columnheader', { name: 'Shopify' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(25);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('keeps the chosen window in the address and reads the charts for it', async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-viewer', '#/overview');

    await page.getByLabel('Window').selectOption({ label: 'last 6 h' });

    await page.waitForURL(/#\/overview\?hours=6$/);
    await page.getByRole('img', { name: /^Orders received per hour by channel over the last 6 h: 3 in all/ }).waitFor();
    await page.getByText('Orders received per hour by channel, last 6 h: the figures').click();
    const table = page.getByRole('table', { name: 'Orders received per hour by channel, last 6 h' });
    expect(await table.getByRole('row').count()).toBe(7);
    await page.reload();
    expect(await page.getByLabel('Window').inputValue()).toBe('6');
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
