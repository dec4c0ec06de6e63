/// <reference lib="dom" />
/**
 * Debian's Chromium driven by playwright-core, with the flags this machine needs (no sandbox as
 * root, no GPU, and no background traffic: the network is closed). Missing Chromium is an error,
 * never a skip: `.ci/run` installs it.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install -y chromium)`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export interface PageWatch {
  /** Page errors, console errors and CSP violations seen so far. */
  problems: string[];
  dialogs: string[];
}

/** Records what a user would see go wrong: script errors, CSP violations, dialogs. */
export async function watchPage(page: Page): Promise<PageWatch> {
  const watch: PageWatch = { problems: [], dialogs: [] };
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (a write query's 400) is logged by Chromium itself; the UI shows it.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      watch.problems.push(`console error: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.sourceFile}`);
    });
  });
  return watch;
}
