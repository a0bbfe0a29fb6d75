import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startLocalFabric } from '../scripts/local-fabric/local-fabric';
import { buildConsole } from '../scripts/console/build-console';
import { CONSOLE_PATH } from '../scripts/local-fabric/console-site';
import { launchChromium } from '../test/e2e/support/console-browser';
import { report } from './harness';

const LOADS = 5;
/** What the issue asks of the page on the local fabric. */
const TARGET_MS = 1_000;

/**
 * The ops console as a person opens it on `npm start`'s shop (the sample traffic sent): a fresh load
 * of a page in headless Chromium, from navigation to the page showing what it is for (the held order
 * in the queue, an order with its trace, the overview's charts), HTML, script, config and API reads
 * included. The median of five loads stands beside the target of a second. In a process of its own,
 * as every local-fabric bench: handler modules bind to the first fabric of a process.
 */
async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  await buildConsole();
  const fabric = await startLocalFabric({ prefix: `bench-console-${randomUUID().slice(0, 6)}`, apiPort: 0 });
  const browser = await launchChromium();
  try {
    // Loaded after the fabric has set the environment its adapters read when first loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sendSampleTraffic } =
      require('../scripts/sample/sample-traffic') as typeof import('../scripts/sample/sample-traffic');
    await sendSampleTraffic(fabric.apiUrl, () => undefined, fabric.channelApis);
    const answer = (await (await fetch(`${fabric.apiUrl}/exceptions?status=open`)).json()) as {
      exceptions: { orderId?: string }[];
    };
    const heldOrder = answer.exceptions.find((exception) => exception.orderId)?.orderId;
    if (!heldOrder) throw new Error('the sample traffic left no held order to open');

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${fabric.apiUrl}${CONSOLE_PATH}/`);
    await page.getByRole('button', { name: 'dev-operator (operator)' }).click();
    await page.getByRole('navigation', { name: 'Console pages' }).waitFor();

    const pages: { name: string; hash: string; shown: (tab: Page) => Promise<unknown> }[] = [
      {
        name: 'Exceptions (the held sample order listed)',
        hash: '#/exceptions',
        shown: (tab) =>
          tab
            .getByRole('link', { name: /OrderNeedsAttention/ })
            .first()
            .waitFor(),
      },
      {
        name: 'Orders (an order with its lines and trace)',
        hash: `#/orders/${heldOrder}`,
        shown: (tab) =>
          tab.getByRole('list', { name: "The order's trace, oldest first" }).locator('li').first().waitFor(),
      },
      {
        name: 'Overview (headline figures and four charts)',
        hash: '#/overview',
        shown: (tab) => tab.locator('canvas').nth(3).waitFor(),
      },
    ];
    for (const { name, hash, shown } of pages) {
      const loads: number[] = [];
      for (let i = 0; i < LOADS; i += 1) {
        await page.goto('about:blank');
        const started = performance.now();
        await page.goto(`${fabric.apiUrl}${CONSOLE_PATH}/${hash}`, { waitUntil: 'commit' });
        await shown(page);
        loads.push(performance.now() - started);
      }
      const median = [...loads].sort((a, b) => a - b)[Math.floor(LOADS / 2)];
      report({
        name: `Ops console load, ${name}`,
        unit: 'ms',
        value: median,
        ceilingName: 'the target: a second',
        ceiling: TARGET_MS,
        notes: `median of ${LOADS} fresh loads in headless Chromium on the local fabric; slowest ${Math.round(Math.max(...loads))} ms`,
      });
    }
  } finally {
    await browser.close();
    await fabric.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
