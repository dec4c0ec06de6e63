/// <reference lib="dom" />
/**
 * Debian's Chromium driven by playwright-core, with the flags this machine needs (no sandbox as
 * root, no GPU, and no background traffic: the network is closed). Missing Chromium is an error,
 * never a skip: `.ci/run` installs it.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** `extraArgs` are added to the flags, e.g. `--host-resolver-rules=MAP name 127.0.0.1`. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
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
      ...extraArgs,
    ],
  });
}

export interface PageWatch {
  /** Page errors, console errors and CSP violations seen so far. */
  problems: string[];
  dialogs: string[];
}

/**
 * Records what a user would see go wrong: script errors, CSP violations, dialogs. Dialogs are
 * dismissed, except that a prompt is answered with `promptAnswer` when one is given (the way a
 * user types the token the explorer asks for).
 */
export async function watchPage(
  page: Page,
  options: { promptAnswer?: string } = {},
): Promise<PageWatch> {
  const watch: PageWatch = { problems: [], dialogs: [] };
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (a write query's 400) is logged by Chromium itself; the UI shows it.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      watch.problems.push(`console error: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message());
    if (dialog.type() === 'prompt' && options.promptAnswer !== undefined)
      void dialog.accept(options.promptAnswer);
    else void dialog.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.sourceFile}`);
    });
  });
  return watch;
}

/** Pixels of a PNG that have a trust colour (the legend's scale), counted in the page (it can decode PNGs). */
export async function colouredPixels(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(
    async (dataUrl) => {
      const image = new Image();
      image.src = dataUrl;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      if (context === null) return 0;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const palette = [
        [0x00, 0x72, 0xb2],
        [0x56, 0xb4, 0xe9],
        [0xc9, 0xa8, 0x00],
        [0xe6, 0x9f, 0x00],
        [0xd5, 0x5e, 0x00],
      ];
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
        if (
          palette.some(
            ([pr, pg, pb]) =>
              Math.abs(r - (pr ?? 0)) + Math.abs(g - (pg ?? 0)) + Math.abs(b - (pb ?? 0)) < 30,
          )
        )
          count++;
      }
      return count;
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}
