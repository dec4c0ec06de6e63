/// <reference lib="dom" />
/**
 * The explorer in a real browser (Debian's Chromium through playwright-core) against the yargs
 * fixture graph served by the real API: what a user sees and does. Screenshots go to
 * tests/e2e/screenshots/ (not committed).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { colouredPixels, launchChromium, watchPage, type PageWatch } from '../helpers/browser.js';
import {
  EVIL_DESCRIPTION,
  startExplorerFixture,
  type ExplorerFixture,
} from '../helpers/explorer-fixture.js';
import { addAttestedPackuments } from '../helpers/attested-packuments.js';
import { PACKUMENTS } from '../helpers/fixture-registry.js';
import {
  addFlaggedPackuments,
  FLAG_CONSUMER,
  FLAGGED_VERSION,
  HOSTILE_SCRIPT,
} from '../helpers/flagged-packuments.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores } from '../../trust/score.js';
import { writeScores } from '../../trust/write-scores.js';
import { waitUntil } from '../helpers/wait.js';

const SHOTS = path.resolve(import.meta.dirname, 'screenshots');
const ROOT = 'pkg:npm/yargs@16.1.0';

let fixture: ExplorerFixture;
let browser: Browser;
let page: Page;
let watch: PageWatch;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  fixture = await startExplorerFixture();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser.close();
  await fixture.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  watch = await watchPage(page);
  return async () => {
    await page.close();
  };
});

async function openExplorer(query = `?root=${encodeURIComponent(ROOT)}`): Promise<void> {
  await page.goto(`${fixture.url}/${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, {
    timeout: 30_000,
  });
}

/** The details panel's heading once it has loaded (polled until it has). */
function detailsHeading(): Promise<string | null> {
  return page
    .locator('aside[aria-label="Details"][aria-busy="false"] h2')
    .textContent({ timeout: 10_000 });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describe('the explorer', () => {
  it('draws the root graph coloured by trust, with a legend, and can export it as PNG', async () => {
    await openExplorer();
    await page.waitForFunction(() => document.body.dataset.graph === 'laid-out', null, {
      timeout: 30_000,
    });
    await shot('01-graph');
    const drawn = await colouredPixels(page, await page.locator('#graph').screenshot());
    expect(drawn).toBeGreaterThan(500);
    await expect(page.getByLabel('Legend').textContent()).resolves.toContain('Effective trust');
    await expect(page.getByLabel('Root').inputValue()).resolves.toBe(ROOT);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'PNG' }).click(),
    ]);
    const file = await download.path();
    const png = fs.readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(await colouredPixels(page, png)).toBeGreaterThan(500);
    expect(watch.problems).toEqual([]);
  });

  it('finds cliui by search and shows its details with its maintainers', async () => {
    await openExplorer();
    await page.keyboard.press('/');
    await page.keyboard.type('cliui');
    const option = page.locator('#search-list').getByRole('option', { name: /^cliui/ });
    await option.first().waitFor();
    await shot('02-search');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const details = page.getByRole('complementary', { name: 'Details' });
    await expect.poll(detailsHeading).toBe('cliui');
    const maintainers = (
      JSON.parse(fs.readFileSync(path.join(PACKUMENTS, 'cliui.json'), 'utf8')) as {
        maintainers: { name: string }[];
      }
    ).maintainers.map((m) => m.name);
    expect(maintainers.length).toBeGreaterThan(0);
    const text = await details.textContent();
    expect(text).toContain('Maintainers');
    for (const name of maintainers) expect(text).toContain(name);
    await expect(details.textContent()).resolves.toContain('Effective trust');
    expect(page.url()).toContain(`node=${encodeURIComponent('pkg:npm/cliui')}`);
    await shot('03-details');

    // The URL is shareable: opening it again shows the same node.
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await expect.poll(detailsHeading).toBe('cliui');
    expect(watch.problems).toEqual([]);
  });

  it("shows a repository's contributors and, for one of them, the identities linked with evidence", async () => {
    await openExplorer(
      `?root=${encodeURIComponent(ROOT)}&node=${encodeURIComponent('repo:github.com/yargs/cliui')}`,
    );
    const details = page.getByRole('complementary', { name: 'Details' });
    await expect.poll(detailsHeading).toBe('github.com/yargs/cliui');
    await expect(details.textContent()).resolves.toContain('Contributors (2)');
    // The Contributors layer (off at first) adds the repository's two committers to the graph.
    const size = (): Promise<string | null> => page.locator('.meta').first().textContent();
    const before = await size();
    await page.getByLabel('Contributors', { exact: true }).check();
    await expect.poll(size).not.toBe(before);
    const count = (text: string | null, what: string): number =>
      Number(new RegExp(`(\\d+) ${what}`).exec(text ?? '')?.[1]);
    const after = await size();
    expect(count(after, 'nodes') - count(before, 'nodes')).toBe(2);
    expect(count(after, 'edges') - count(before, 'edges')).toBe(2);
    const contributors = details.locator('h3:has-text("Contributors") + ul > li');
    expect(await contributors.allTextContents()).toEqual([
      'Benjamin E. Coe (git author) 2 commits, 2 in the last 12 months',
      'A Contributor (git author) 1 commit, 1 in the last 12 months',
    ]);
    // Its activity from the history: three commits, all in the last 90 days, by two people.
    const activity = await details.locator('h3:has-text("Activity") + dl').textContent();
    expect(activity).toContain('Commits in 90 days3');
    expect(activity).toContain('Active contributors (12 months)2');
    expect(await details.locator('h3:has-text("Hosts") + ul > li').allTextContents()).toEqual([
      'cliui',
    ]);
    await shot('11-repository');

    await contributors.first().getByRole('button').click();
    await expect.poll(detailsHeading).toBe('Benjamin E. Coe (git author)');
    expect(
      await details.locator('h3:has-text("Also known as") + ul > li').allTextContents(),
    ).toEqual(['bcoe (npm) (the same email in their commits, confidence 0.6)']);
    expect(
      await details.locator('h3:has-text("Contributes to") + ul > li').allTextContents(),
    ).toEqual(['github.com/yargs/cliui 2 commits, 2 in the last 12 months']);
    await shot('12-person-identities');

    // And back the other way: bcoe's npm account names the git identity.
    await details.getByRole('button', { name: 'bcoe (npm)' }).click();
    await expect.poll(detailsHeading).toBe('bcoe (npm)');
    expect(
      await details.locator('h3:has-text("Also known as") + ul > li').first().textContent(),
    ).toBe('Benjamin E. Coe (git author) (the same email in their commits, confidence 0.6)');
    expect(watch.problems).toEqual([]);
  });

  it('lists the chokepoints of the root and highlights the one chosen', async () => {
    await openExplorer();
    await page.getByRole('tab', { name: 'Chokepoints' }).click();
    const items = page.getByRole('list', { name: /Chokepoints/ }).getByRole('listitem');
    await items.first().waitFor();
    expect(await items.count()).toBeGreaterThan(0);
    const first = (await items.first().locator('.name').textContent()) ?? '';
    await items.first().getByRole('button').click();
    await expect.poll(detailsHeading).toBe(first);
    expect(page.url()).toContain('node=');
    await shot('04-chokepoints');
    expect(watch.problems).toEqual([]);
  });

  it('runs a saved investigation with its parameters and shows rows', async () => {
    await openExplorer();
    await page.getByRole('tab', { name: 'Cypher' }).click();
    await page.getByLabel('Saved investigation').selectOption('maintainers-of-root');
    await expect(page.locator('input[name="root"]').inputValue()).resolves.toBe(ROOT);
    await page.getByRole('button', { name: 'Run investigation' }).click();
    const rows = page.locator('.results tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    await expect(page.locator('.results').textContent()).resolves.toMatch(/\d+ rows? in/);
    await shot('05-investigation');
    expect(watch.problems).toEqual([]);
  });

  it('refuses a write query in the console with an error and changes nothing', async () => {
    const before = await fixture.store.counts();
    await openExplorer();
    await page.getByRole('tab', { name: 'Cypher' }).click();
    const editor = page.locator('.cm-content');
    await editor.click();
    // Clear through the editor's own commands: typing over a selection lets Chromium's native
    // editing add a style attribute, which the CSP blocks (harmless, but it would be noise here).
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type("CREATE (n:Package {key: 'pkg:npm/pwned'}) RETURN n");
    // Every key reaches the editor (a "/" must not jump to the search box).
    await expect(editor.textContent()).resolves.toBe(
      "CREATE (n:Package {key: 'pkg:npm/pwned'}) RETURN n",
    );
    await expect(page.getByRole('combobox', { name: 'Search' }).inputValue()).resolves.toBe('');
    await page.getByRole('button', { name: 'Run query' }).click();
    const alert = page.locator('#cypher [role="alert"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/READ_ONLY|read-only|write/i);
    await shot('06-write-refused');
    expect(await fixture.store.counts()).toEqual(before);
    expect(await fixture.store.node('pkg:npm/pwned')).toBeUndefined();
    expect(watch.problems).toEqual([]);
  });

  it('shows a hostile description as text: no element, no dialog', async () => {
    // Requests in flight, and every URL asked for: an <img src=x> would ask for /x.
    let inFlight = 0;
    const asked: string[] = [];
    page.on('request', (request) => {
      inFlight++;
      asked.push(new URL(request.url()).pathname);
    });
    const answered = (): void => {
      inFlight--;
    };
    page.on('requestfinished', answered);
    page.on('requestfailed', answered);
    await openExplorer();
    await page.getByRole('combobox', { name: 'Search' }).fill('evil-desc');
    await page
      .locator('#search-list')
      .getByRole('option', { name: /^evil-description/ })
      .first()
      .click();
    const details = page.getByRole('complementary', { name: 'Details' });
    const description = details.locator('.description');
    await description.waitFor();
    await expect(description.textContent()).resolves.toBe(EVIL_DESCRIPTION);
    expect(await details.locator('img').count()).toBe(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await description.locator('*').count()).toBe(0);
    // A dialog would come from an element's handler (an image's onerror once /x has failed):
    // none was asked for, every request is answered and a frame has been drawn since.
    await waitUntil('the page to have no request in flight', () => inFlight === 0);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(asked).not.toContain('/x');
    expect(watch.dialogs).toEqual([]);
    await shot('07-hostile-text');
    expect(watch.problems).toEqual([]);
  });

  it("shows what a person's compromised account reaches and brings it out in the graph", async () => {
    await openExplorer();
    await page.waitForFunction(() => document.body.dataset.graph === 'laid-out');
    await page.getByRole('tab', { name: 'What-if' }).click();
    await page.getByLabel('Person', { exact: true }).selectOption('person:npm:bcoe');
    await page.getByRole('button', { name: 'Compromise' }).click();
    const verdict = page.locator('#whatif .verdict');
    await verdict.waitFor();
    const report = (await (
      await fetch(
        `${fixture.url}/api/whatif?person=person:npm:bcoe&root=${encodeURIComponent(ROOT)}`,
      )
    ).json()) as { reaches: number; publishesInto: string[] };
    await expect(verdict.textContent()).resolves.toBe(
      `bcoe can publish ${report.publishesInto.length} of the resolved versions. A compromised account would reach ${report.reaches} versions in this root.`,
    );
    expect(await page.locator('#whatif ul.keys li').count()).toBe(report.reaches);
    await shot('09-whatif');
    expect(watch.problems).toEqual([]);
  });

  it('compares two roots: the people who can now publish, what to review first, the head shown', async () => {
    const evil = 'pkg:npm/evil-description@1.0.0';
    await openExplorer(`?root=${encodeURIComponent(evil)}`);
    await page.waitForFunction(() => document.body.dataset.graph === 'laid-out');
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByLabel('Base', { exact: true }).selectOption(evil);
    await page.getByLabel('Head', { exact: true }).selectOption(ROOT);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const verdict = page.locator('#compare .verdict');
    await verdict.waitFor();
    const diff = (await (
      await fetch(
        `${fixture.url}/api/diff?base=${encodeURIComponent(evil)}&head=${encodeURIComponent(ROOT)}`,
      )
    ).json()) as {
      added: string[];
      peopleAdded: { key: string; name: string }[];
      review: unknown[];
      paths: Record<string, string[]>;
    };
    expect(diff.added).toContain(ROOT);
    expect(diff.peopleAdded.length).toBeGreaterThan(0);
    await expect(verdict.textContent()).resolves.toMatch(
      new RegExp(
        `^${String(diff.added.length)} versions added, .* ${String(diff.peopleAdded.length)} (person|people) can now publish into the tree`,
      ),
    );
    expect(await page.locator('#compare ol.review li').count()).toBe(diff.review.length);
    const people = await page
      .getByRole('list', { name: 'People who can now publish into the tree' })
      .getByRole('listitem')
      .allTextContents();
    expect(people).toHaveLength(diff.peopleAdded.length);
    for (const p of diff.peopleAdded) expect(people.join('\n')).toContain(p.name);
    // The head is shown, with every added version reached by a path from it.
    await expect(page.locator('#root').inputValue()).resolves.toBe(ROOT);
    for (const key of diff.added) expect(diff.paths[key]?.[0], key).toBe(ROOT);
    await page.waitForFunction(() => document.body.dataset.graph === 'laid-out');
    await shot('13-compare');
    expect(watch.problems).toEqual([]);
  });

  it('exports the view as GEXF and GraphML with every node, and tables as CSV', async () => {
    // The explorer asks for the compact answer; the files hold what the graphology answer holds.
    const asked: URL[] = [];
    const listen = (request: { url: () => string }): void => {
      const url = new URL(request.url());
      if (url.pathname === '/api/graph') asked.push(url);
    };
    page.on('request', listen);
    await openExplorer();
    await page.waitForFunction(() => document.body.dataset.graph === 'laid-out');
    page.off('request', listen);
    expect(asked.length).toBeGreaterThan(0);
    for (const url of asked) expect(url.searchParams.get('format')).toBe('compact');
    const size = (await (
      await fetch(`${fixture.url}/api/graph?root=${encodeURIComponent(ROOT)}&limit=50000`)
    ).json()) as { nodes: unknown[]; edges: unknown[] };
    const save = async (name: string): Promise<string> => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name, exact: true }).click(),
      ]);
      return fs.readFileSync(await download.path(), 'utf8');
    };
    const gexf = await save('GEXF');
    expect(gexf).toContain('<gexf');
    expect(gexf.match(/<node /g)?.length).toBe(size.nodes.length);
    expect(gexf.match(/<edge /g)?.length).toBe(size.edges.length);
    // Edges are named by their place (the API sends none, and graphology's own keys are random).
    const edgeIds = (xml: string): string[] =>
      [...xml.matchAll(/<edge [^>]*?\bid="([^"]*)"/g)].map((m) => m[1] ?? '');
    const expectedIds = size.edges.map((_edge, i) => `e${i}`);
    expect(edgeIds(gexf)).toEqual(expectedIds);
    const graphml = await save('GraphML');
    expect(edgeIds(graphml)).toEqual(expectedIds);
    expect(await save('GEXF')).toBe(gexf);
    expect(graphml).toContain('<graphml xmlns="http://graphml.graphdrawing.org/xmlns"');
    expect(graphml.match(/<node /g)?.length).toBe(size.nodes.length);
    expect(graphml).toContain('id="pkg:npm/cliui@7.0.2"');

    await page.getByRole('tab', { name: 'Cypher' }).click();
    await page.getByRole('button', { name: 'Run query' }).click();
    await page.locator('.results tbody tr').first().waitFor();
    const csv = await save('Export CSV');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('person,packages');
    expect(lines.length).toBe(1 + (await page.locator('.results tbody tr').count()));
    expect(watch.problems).toEqual([]);
  });

  it('ingests a spec from the Ingest panel with live progress, then explores it', async () => {
    await openExplorer();
    await page.getByRole('tab', { name: 'Ingest' }).click();
    await page.getByLabel('Specs').fill('npm:chalk@4.1.0');
    await page.getByRole('button', { name: 'Ingest', exact: true }).click();
    const verdict = page.locator('#ingest .verdict');
    await verdict.waitFor({ timeout: 30_000 });
    await expect(verdict.textContent()).resolves.toMatch(/^Done: scored \d+ resolved versions/);
    await expect.poll(() => page.getByLabel('Root').inputValue()).toBe('pkg:npm/chalk@4.1.0');
    expect(page.url()).toContain(encodeURIComponent('pkg:npm/chalk@4.1.0'));
    await page.waitForFunction(() => document.body.dataset.graph === 'laid-out');
    await shot('10-ingested');
    expect(watch.problems).toEqual([]);
  });

  it('says in words when nothing is ingested and when a node does not exist', async () => {
    await openExplorer(
      `?root=${encodeURIComponent('pkg:npm/not-here@1.0.0')}&node=person:npm:nobody`,
    );
    await expect
      .poll(() => page.locator('#graph-empty').textContent())
      .toMatch(/did not load: .*not in the scored graph/);
    await expect
      .poll(() => page.getByRole('complementary', { name: 'Details' }).textContent())
      .toMatch(/no node person:npm:nobody/);
    await shot('08-errors');
  });
});

describe('the explorer on a closure with a high change flag', () => {
  let flagged: ExplorerFixture;
  beforeAll(async () => {
    flagged = await startExplorerFixture();
    addFlaggedPackuments(flagged.registry);
    addAttestedPackuments(flagged.registry);
    await ingest({
      roots: [FLAG_CONSUMER, 'npm:sigstore@1.0.0'].map((r) => parseRootSpec(r, process.cwd())),
      store: flagged.store,
      registry: flagged.registry.url,
    });
    await writeScores(
      flagged.store,
      computeScores(await loadTrustGraph(flagged.store), { anchors: ['org:github:yargs'] }),
      new Date().toISOString(),
    );
  }, 120_000);
  afterAll(async () => {
    await flagged.close();
  });

  it("rings the flagged node, and its details lead with the flag and show the package's timeline", async () => {
    const root = 'pkg:npm/flag-consumer@2.0.0';
    await page.goto(
      `${flagged.url}/?root=${encodeURIComponent(root)}&node=${encodeURIComponent(FLAGGED_VERSION)}`,
    );
    await page.waitForFunction(() => document.body.dataset.graph === 'laid-out', null, {
      timeout: 30_000,
    });
    await expect.poll(detailsHeading).toBe('flag-victim@1.0.1');
    const details = page.getByRole('complementary', { name: 'Details' });
    const flags = details.getByRole('list', { name: 'Change flags' });
    const first = await flags.getByRole('listitem').first().textContent();
    expect(first).toMatch(
      /^high install-script-added: adds preinstall at install, absent in 1\.0\.0/,
    );
    // The script text is registry text: shown as text, never run or parsed as HTML.
    expect(first).toContain(HOSTILE_SCRIPT);
    await expect(page.locator('#details script').count()).resolves.toBe(0);
    // The flags come before the scores.
    const headings = await details.locator('h3').allTextContents();
    expect(headings.findIndex((t) => t.startsWith('Change flags'))).toBeLessThan(
      headings.indexOf('Scores'),
    );

    const timeline = details.getByRole('region', { name: 'Version timeline' });
    await expect
      .poll(() => timeline.locator('h3').textContent(), { timeout: 10_000 })
      .toBe('Version timeline (2 releases)');
    const releases = await timeline.getByRole('listitem').allTextContents();
    expect(releases).toHaveLength(2);
    expect(releases[0]).toMatch(
      /^2019-06-01 1\.0\.1 high install-script-added.* · by victim-dev · adds install scripts: preinstall · adds ansi-regex@\^5\.0\.0/,
    );
    expect(releases[1]).toBe('2019-01-01 1.0.0 by victim-dev');
    await expect(timeline.locator('li.flagged.high').count()).resolves.toBe(1);
    await expect(page.getByLabel('Legend').textContent()).resolves.toContain('a high change flag');
    await shot('10-flagged-details');
    expect(watch.problems).toEqual([]);
    expect(watch.dialogs).toEqual([]);
  });
  it('shows what a verified attestation proved, with the transparency-log entry', async () => {
    const version = 'pkg:npm/sigstore@1.0.0';
    await page.goto(
      `${flagged.url}/?root=${encodeURIComponent(version)}&node=${encodeURIComponent(version)}`,
    );
    await page.waitForFunction(() => document.body.dataset.graph === 'laid-out', null, {
      timeout: 30_000,
    });
    await expect.poll(detailsHeading).toBe('sigstore@1.0.0');
    const details = page.getByRole('complementary', { name: 'Details' });
    const verification = details.locator('h3:has-text("Verification") + ul > li');
    expect(await verification.allTextContents()).toEqual([
      'provenance verified: built from github.com/sigstore/sigstore-js at commit 06528997c3c8ab9f864fad9a3658446aca7fd86d, by GitHub Actions workflow publish.yml (transparency log: https://search.sigstore.dev/?logIndex=12988397)',
    ]);
    const log = details.getByRole('link', { name: 'Transparency-log entry' });
    expect(await log.getAttribute('href')).toBe('https://search.sigstore.dev/?logIndex=12988397');
    // The raw properties are said in words, not listed again.
    expect(await details.textContent()).not.toContain('provenanceCommit');
    await shot('14-verification');
    expect(watch.problems).toEqual([]);
  });
});
