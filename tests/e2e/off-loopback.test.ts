/// <reference lib="dom" />
/**
 * The explorer served the way the README's `--host 0.0.0.0` set-up serves it: plain http, a name
 * that is not loopback, TRUSTMAP_TOKEN set. Chromium resolves `trustmap.test` to the loopback
 * fixture server (its host resolver only: nothing leaves the machine), so the page's origin is
 * `http://trustmap.test:<port>`, where the browser honours `upgrade-insecure-requests` (it ignores
 * it for loopback names, which is why the other explorer tests cannot see it).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colouredPixels, launchChromium, watchPage } from '../helpers/browser.js';
import { startExplorerFixture, type ExplorerFixture } from '../helpers/explorer-fixture.js';

const SHOTS = path.resolve(import.meta.dirname, 'screenshots');
const ROOT = 'pkg:npm/yargs@16.1.0';
const NAME = 'trustmap.test';
const TOKEN = 'off-loopback-test-token-0123456789';

let fixture: ExplorerFixture;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  fixture = await startExplorerFixture({ token: TOKEN });
  browser = await launchChromium([`--host-resolver-rules=MAP ${NAME} 127.0.0.1`]);
}, 120_000);
afterAll(async () => {
  await browser.close();
  await fixture.close();
});

/**
 * Opens `url` and resolves when the explorer has started; rejects on the first request the browser
 * gave up on (a script or stylesheet asked for over https, for one), so a blank page fails fast
 * and says why.
 */
async function openExplorer(page: Page, url: string): Promise<void> {
  let failure: ((request: Request) => void) | undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    failure = (request) => {
      reject(
        new Error(
          `the browser could not load ${request.url()} (${request.failure()?.errorText ?? 'failed'})`,
        ),
      );
    };
    page.on('requestfailed', failure);
  });
  try {
    const response = await Promise.race([page.goto(url), failed]);
    expect(response?.status()).toBe(200);
    await Promise.race([
      page.waitForFunction(() => document.body.dataset.ready === 'true', null, {
        timeout: 30_000,
      }),
      failed,
    ]);
  } finally {
    if (failure !== undefined) page.off('requestfailed', failure);
  }
}

/**
 * Chromium notes on every http origin that is not loopback that it ignores
 * Cross-Origin-Opener-Policy there; the header stays for https and loopback, where it applies.
 */
const COOP_IGNORED = /Cross-Origin-Opener-Policy header has been ignored/;

describe('the explorer off loopback', () => {
  it('draws the graph over plain http on a name that is not loopback, after asking for the token', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const watch = await watchPage(page, { promptAnswer: TOKEN });
    const port = new URL(fixture.url).port;
    const url = `http://${NAME}:${port}/?root=${encodeURIComponent(ROOT)}`;
    try {
      await openExplorer(page, url);
      await page.waitForFunction(() => document.body.dataset.graph === 'laid-out', null, {
        timeout: 30_000,
      });
      await page.screenshot({ path: path.join(SHOTS, '21-off-loopback-http.png') });

      // The page stayed on plain http at that name, and the user was asked for the token.
      expect(new URL(page.url()).origin).toBe(`http://${NAME}:${port}`);
      expect(watch.dialogs.length).toBeGreaterThan(0);
      expect(watch.dialogs.every((text) => text.includes('TRUSTMAP_TOKEN'))).toBe(true);
      // The graph is drawn in trust colours, and nothing went wrong on the way.
      const drawn = await colouredPixels(page, await page.locator('#graph').screenshot());
      expect(drawn).toBeGreaterThan(500);
      await expect(page.getByLabel('Root').inputValue()).resolves.toBe(ROOT);
      expect(watch.problems.filter((problem) => !COOP_IGNORED.test(problem))).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
