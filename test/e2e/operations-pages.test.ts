import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { uploadSettlement } from '../../scripts/ops/reconcile';
import { eventually } from '../integration/support/test-fabric';
import { launchChromium, openConsole } from './support/console-browser';
import { startConsoleShop } from './support/console-shop';

/*
 * The Channels, Stores, Settlements and ERP pages as a viewer reads them, at laptop and tablet width,
 * over what the sample shop's fabric recorded: its stock published to the channels, a store's upload
 * with a bad line, and an Amazon settlement naming orders the fabric never took.
 */

let fabric: LocalFabric;
let browser: Browser;

const TABLET = { width: 768, height: 1024 };

beforeAll(async () => {
  [fabric, browser] = await Promise.all([startConsoleShop('console-operations'), launchChromium()]);
  const transaction = (sequence: number) =>
    JSON.stringify({
      storeId: 'store-042',
      registerId: 'R1',
      businessDay: '2026-12-05',
      sequence,
      endedAt: '2026-12-05T18:00:00-05:00',
      currency: 'USD',
      disposition: 'control',
      lines: [],
      tenders: [],
    });
  await fabric.clients.s3.send(
    new PutObjectCommand({
      Bucket: fabric.resources.buckets.posBatches,
      Key: 'incoming/store-042/2026-12-05/evening.jsonl',
      Body: [transaction(1), '{"storeId": "store-042", "sequence": ', transaction(3)].join('\n'),
    }),
  );
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await uploadSettlement(fabric.resources, fabric.clients, [
      path.join(__dirname, '..', 'fixtures', 'settlement', 'amazon-settlement-v2.tsv'),
      'amazon',
    ]);
  } finally {
    log.mockRestore();
  }
  await eventually(
    'the store upload and the settlement read',
    async () => {
      const [stores, settlements] = await Promise.all([
        fetch(`${fabric.apiUrl}/stores`).then((answer) => answer.json() as Promise<{ stores: unknown[] }>),
        fetch(`${fabric.apiUrl}/settlements`).then((answer) => answer.json() as Promise<{ settlements: unknown[] }>),
      ]);
      return stores.stores.length && settlements.settlements.length ? true : undefined;
    },
    20_000,
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fabric?.stop();
});

/** Nothing but the wide tables' own scroll boxes may be wider than the window. */
async function fitsTheWindow(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) === 0;
}

describe('the operations pages', () => {
  it("lists the channels the sample stock was published to, and one channel's SKUs with their lag", async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-viewer', '#/channels');

    const channels = page.getByRole('table', { name: /^Channels/ });
    await channels.getByRole('link', { name: 'shopify' }).waitFor();
    await channels.getByRole('link', { name: 'shopify' }).click();

    await page.getByRole('heading', { name: 'Channel shopify' }).waitFor();
    const subjects = page.getByRole('table', { name: /^What shopify was told per SKU/ });
    await subjects.getByRole('row').nth(1).waitFor();
    expect(await fitsTheWindow(page)).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it("shows a store's upload, its sequence gap and its quarantined line with the reason, at tablet width", async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-viewer', '#/stores', TABLET);

    await page
      .getByRole('table', { name: /^Stores/ })
      .getByRole('link', { name: 'store-042' })
      .click();

    await page.getByRole('heading', { name: 'Store store-042' }).waitFor();
    const gaps = page.getByRole('table', { name: /^Registers with sequence numbers still missing/ });
    await gaps.getByRole('cell', { name: '2', exact: true }).first().waitFor();
    const quarantined = page.getByRole('table', { name: 'Lines of batch evening that failed, with the reason' });
    await quarantined.getByText('{"storeId": "store-042", "sequence":').waitFor();
    expect(await fitsTheWindow(page)).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('shows a settlement with its amounts as money, and filters its orders by how they matched', async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-viewer', '#/settlements');

    const settlements = page.getByRole('table', { name: 'Reconciled settlements, newest first' });
    // The sample shop never took these Amazon orders: all three are unmatched.
    await settlements.getByText('3 · $75.00').waitFor();
    await settlements.getByRole('link', { name: '24681357901' }).click();
    await page.getByRole('heading', { name: 'amazon settlement 24681357901' }).waitFor();
    await page.getByLabel('Show orders').selectOption({ label: 'Unmatched' });

    await page.waitForURL(/#\/settlements\/24681357901\?status=unmatched$/);
    const orders = page.getByRole('table', { name: /^The settlement's orders/ });
    const unknown = orders.getByRole('row', { name: /^111-9999999-9999999 / });
    await unknown.getByRole('cell', { name: '$15.00' }).first().waitFor();
    expect(await orders.getByRole('row').count()).toBe(4);
    expect(await fitsTheWindow(page)).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it("shows the ERP connector's breaker, what waits and what the ERP DLQs hold", async () => {
    const { page, pageErrors } = await openConsole(browser, fabric, 'dev-viewer', '#/erp', TABLET);

    await page.getByRole('heading', { name: 'Circuit breaker' }).waitFor();
    await page.getByRole('link', { name: 'erp-sales-order-posting' }).waitFor();
    await page.getByText('The ERP has refused no document that is still open.').waitFor();
    expect(await fitsTheWindow(page)).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
