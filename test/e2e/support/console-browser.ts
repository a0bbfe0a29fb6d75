import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LocalFabric } from '../../../scripts/local-fabric/local-fabric';
import { CONSOLE_PATH } from '../../../scripts/local-fabric/console-site';
import { DEVELOPMENT_CONSOLE_USERS } from '../../../console/src/local-users';

/**
 * Debian's chromium package (`.ci/run` installs it): browsers cannot be downloaded here. Its
 * /usr/bin/chromium is a shell wrapper; playwright drives the binary itself.
 */
export const CHROMIUM_PATH = process.env.FABRIC_CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export type ConsoleUser = (typeof DEVELOPMENT_CONSOLE_USERS)[number]['name'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface ConsoleTab {
  page: Page;
  /** Errors the page threw or logged: a test ends by expecting none. */
  pageErrors: string[];
}

/**
 * A new tab at laptop width (or `viewport`), signed in to the fabric's console as a development user
 * through the sign-in page, as a person would, then at `hash` (e.g. `#/exceptions`).
 */
export async function openConsole(
  browser: Browser,
  fabric: LocalFabric,
  user: ConsoleUser,
  hash = '',
  viewport = { width: 1280, height: 800 },
): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  // Signing in reloads the page where it is, so the tab opens straight on `hash`.
  await page.goto(`${fabric.apiUrl}${CONSOLE_PATH}/${hash}`);
  const group = DEVELOPMENT_CONSOLE_USERS.find((candidate) => candidate.name === user)?.group;
  await page.getByRole('button', { name: `${user} (${group})` }).click();
  await page.getByRole('navigation', { name: 'Console pages' }).waitFor();
  return { page, pageErrors };
}

/**
 * The README's screenshots are retaken into docs/images with FABRIC_UPDATE_SCREENSHOTS=1
 * (`FABRIC_UPDATE_SCREENSHOTS=1 npm run test:e2e`); any other run writes them to a temporary folder,
 * so a test run leaves the checkout as it found it.
 */
const IMAGES = process.env.FABRIC_UPDATE_SCREENSHOTS
  ? path.resolve(__dirname, '..', '..', '..', 'docs', 'images')
  : path.join(tmpdir(), 'fabric-console-screenshots');

/** Saves what the page shows now as <name>.png: in docs/images when the README's screenshots are being retaken. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(IMAGES, { recursive: true });
  const file = path.join(IMAGES, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
