import type { Browser } from 'playwright-core';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { LOCAL_USER_HEADER } from '../../console/src/local-users';
import { launchChromium, openConsole } from './support/console-browser';
import { holdOrderForUnknownSku, startConsoleShop } from './support/console-shop';

// Expressions run in the page are given as strings: this project's TypeScript has no DOM types.

/*
 * The console as the local fabric serves it: the page and /health, sign-in as a development user per
 * group, every page at laptop and tablet width with no script error, and a viewer who is shown no
 * action and refused one by the API all the same.
 */

let fabric: LocalFabric;
let browser: Browser;
let held: { orderId: string; channelOrderId: string };

const PAGES = [
  'overview',
  'exceptions',
  'orders',
  'dead-letter-queues',
  'inventory',
  'channels',
  'stores',
  'store-tasks',
  'settlements',
  'erp',
];
/** What only an operator may do; a viewer must not be offered any of it. */
const ACTIONS = /map sku|retry|dismiss|redrive/i;

beforeAll(async () => {
  [fabric, browser] = await Promise.all([startConsoleShop('console-access'), launchChromium()]);
  held = await holdOrderForUnknownSku(fabric, 'E2E-ACCESS-TEE');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fabric?.stop();
});

describe('the console on the local fabric', () => {
  it('is served at /console beside the API, / leads there, and /health reports the emulators and the ERP simulator', async () => {
    const page = await fetch(`${fabric.apiUrl}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<div id="console">');
    expect((await fetch(`${fabric.apiUrl}/`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');

    const health = await fetch(`${fabric.apiUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      healthy: true,
      emulators: { dynamodbLocal: { up: true }, fauxqs: { sqs: { up: true }, s3: { up: true } } },
      erpSimulator: { up: true, outage: false },
    });

    fabric.erp.startOutage();
    try {
      const down = await fetch(`${fabric.apiUrl}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ healthy: false, erpSimulator: { up: false, outage: true } });
    } finally {
      fabric.erp.endOutage();
    }
  });

  it('refuses an unknown development user and a viewer calling an operator route, as IAM would in AWS', async () => {
    const asViewer = await fetch(`${fabric.apiUrl}/exceptions/anything/dismiss`, {
      method: 'POST',
      headers: { [LOCAL_USER_HEADER]: 'dev-viewer', 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'a viewer tries' }),
    });
    expect(asViewer.status).toBe(403);
    expect(await asViewer.json()).toEqual({
      message: 'dev-viewer (viewer) is not authorized to POST /exceptions/{exceptionId}/dismiss',
    });

    const stranger = await fetch(`${fabric.apiUrl}/exceptions`, { headers: { [LOCAL_USER_HEADER]: 'mallory' } });
    expect(stranger.status).toBe(401);
    expect(await stranger.json()).toMatchObject({ errors: [{ path: LOCAL_USER_HEADER }] });

    const read = await fetch(`${fabric.apiUrl}/exceptions`, { headers: { [LOCAL_USER_HEADER]: 'dev-viewer' } });
    expect(read.status).toBe(200);
  });

  it.each([
    ['laptop', { width: 1280, height: 800 }],
    ['tablet', { width: 768, height: 1024 }],
  ])('opens every page at %s width without a script error or a page wider than the screen', async (_, viewport) => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-operator', '', viewport);
    for (const id of PAGES) {
      await page.goto(`${fabric.apiUrl}/console/#/${id}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect({ page: id, overflow }).toEqual({ page: id, overflow: 0 });
    }
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('shows a viewer the held order and its cause, with no action to take on any page', async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-viewer', '#/exceptions');
    await page.getByText(held.orderId).first().waitFor();
    await page
      .getByRole('link', { name: /OrderNeedsAttention/ })
      .first()
      .click();
    await page.getByText('E2E-ACCESS-TEE').first().waitFor();
    expect(await page.getByRole('button', { name: ACTIONS }).count()).toBe(0);
    for (const id of PAGES) {
      await page.goto(`${fabric.apiUrl}/console/#/${id}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect({ page: id, actions: await page.getByRole('button', { name: ACTIONS }).count() }).toEqual({
        page: id,
        actions: 0,
      });
    }
    expect(pageErrors).toEqual([]);

    const operator = await openConsole(browser, fabric, 'dev-operator', '#/exceptions');
    await operator.page.getByText(held.orderId).first().waitFor();
    await operator.page
      .getByRole('link', { name: /OrderNeedsAttention/ })
      .first()
      .click();
    await operator.page
      .getByRole('button', { name: /dismiss/i })
      .first()
      .waitFor();
  });

  it('lets a person reach every page from the keyboard', async () => {
    const { page } = await openConsole(browser, fabric, 'dev-viewer');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      reached.push(String(await page.evaluate('document.activeElement?.textContent?.trim()')));
    }
    expect(reached).toEqual(expect.arrayContaining(['Overview', 'Exceptions', 'Orders', 'Dead-letter queues', 'ERP']));
    await page.keyboard.press('Enter');
  });
});
