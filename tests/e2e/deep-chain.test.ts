/// <reference lib="dom" />
/**
 * The explorer stays responsive on a 5,000-deep dependency chain (issue 11): the what-if of the
 * deepest maintainer, who reaches every version, comes back within seconds as a bounded answer,
 * says it was cut, and the page keeps answering clicks. Screenshots go to tests/e2e/screenshots/.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { silentLogger } from '../../core/log.js';
import { createApp } from '../../server/app.js';
import { launchChromium, watchPage, type PageWatch } from '../helpers/browser.js';
import { writeScoredDeepChain, type DeepChain } from '../helpers/deep-chain.js';
import { CLIENT_DIR } from '../helpers/explorer-fixture.js';
import { tempDir } from '../helpers/temp.js';

const SHOTS = path.resolve(import.meta.dirname, 'screenshots');
/** What "within a few seconds" means here, on a 2-core machine with software WebGL. */
const PROMPT_MS = 5000;

let temp: { dir: string; cleanup: () => void };
let store: EmbeddedStore;
let server: Server;
let url: string;
let chain: DeepChain;
let browser: Browser;
let page: Page;
let watch: PageWatch;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  temp = tempDir('trustmap-deep-chain-e2e-');
  store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  chain = await writeScoredDeepChain(store, 5000);
  const app = createApp({
    store,
    config: {
      token: undefined,
      queryRowLimit: 1000,
      queryTimeoutMs: 5000,
      npmRegistry: 'http://127.0.0.1:9/',
    },
    logger: silentLogger,
    cwd: temp.dir,
    version: '0.0.0-test',
    clientDir: CLIENT_DIR,
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  watch = await watchPage(page);
}, 120_000);

afterAll(async () => {
  await browser.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  temp.cleanup();
});

describe('the explorer on a 5,000-deep chain', () => {
  it("shows the deepest maintainer's what-if within seconds and keeps answering", async () => {
    const query = new URLSearchParams({ root: chain.root, node: chain.deepest });
    await page.goto(`${url}/?${query.toString()}`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, {
      timeout: 30_000,
    });
    const compromise = page.getByRole('button', { name: 'What if this account were compromised?' });
    await compromise.waitFor({ timeout: 10_000 });

    const started = Date.now();
    await compromise.click();
    const verdict = page.locator('#whatif .verdict');
    await verdict.waitFor({ timeout: PROMPT_MS });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(PROMPT_MS);
    await expect(verdict.textContent()).resolves.toBe(
      'chain-4999 can publish 1 of the resolved versions. A compromised account would reach 5000 versions in this root.',
    );
    // The panel lists what it asked for and says the rest was left out; deep paths say how deep.
    const items = page.locator('#whatif ul.keys li');
    expect(await items.count()).toBe(200);
    await expect(page.locator('#whatif').textContent()).resolves.toContain(
      '200 of the 5000 are listed',
    );
    await expect(page.locator('#whatif').textContent()).resolves.toMatch(/› … \(\d+ hops\)/);
    await page.screenshot({ path: path.join(SHOTS, 'deep-chain-whatif.png') });

    // The page still answers: another tab opens at once and shows its panel.
    const tab = page.getByRole('tab', { name: 'Chokepoints' });
    const clicked = Date.now();
    await tab.click({ timeout: 2000 });
    await expect.poll(() => tab.getAttribute('aria-selected'), { timeout: 2000 }).toBe('true');
    await page
      .getByRole('list', { name: /Chokepoints/ })
      .getByRole('listitem')
      .first()
      .waitFor({ timeout: PROMPT_MS });
    expect(Date.now() - clicked).toBeLessThan(PROMPT_MS);
    await page.screenshot({ path: path.join(SHOTS, 'deep-chain-chokepoints.png') });
    expect(watch.problems).toEqual([]);
  });
});
