/**
 * The explorer in headless Chromium on a synthetic graph (default 50,000 versions and 200,000
 * dependency edges, all reachable from one root): time to the first frame, the layout, and frame
 * times during a scripted pan and zoom. Chromium runs with --disable-gpu here, so WebGL is
 * software-rendered (SwiftShader): figures are a floor, not what a laptop GPU gives.
 *
 *   npx tsx bench/render.ts [nodes] [edges]
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import os from 'node:os';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { silentLogger } from '../core/log.js';
import { createApp } from '../server/app.js';
import { loadTrustGraph } from '../trust/load.js';
import { computeScores } from '../trust/score.js';
import { writeScores } from '../trust/write-scores.js';
import { CLIENT_DIR } from '../tests/helpers/explorer-fixture.js';
import { launchChromium } from '../tests/helpers/browser.js';
import { tempDir } from '../tests/helpers/temp.js';

const nodes = Number(process.argv[2] ?? 50_000);
const edges = Number(process.argv[3] ?? 200_000);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

// A seeded generator (mulberry32), so every run draws the same graph.
let seed = 42;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const temp = tempDir();
const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
const key = (i: number): string => `pkg:npm/synthetic-${i}@1.0.0`;
const root = key(0);
const started = performance.now();
await store.upsertNodes(
  'Version',
  Array.from({ length: nodes }, (_, i) => ({ key: key(i), props: { version: '1.0.0' } })),
);
// A tree first (every version reachable from the root, shallow), then random forward edges.
const pairs = new Set<string>();
const rows: { from: string; to: string; props: { root: string; range: string } }[] = [];
const add = (from: number, to: number): void => {
  const id = `${from} ${to}`;
  if (from === to || pairs.has(id)) return;
  pairs.add(id);
  rows.push({ from: key(from), to: key(to), props: { root, range: '^1.0.0' } });
};
for (let i = 1; i < nodes; i++) add(Math.floor(random() * Math.min(i, 1 + i / 4)), i);
while (rows.length < edges) {
  const a = Math.floor(random() * nodes);
  const b = Math.floor(random() * nodes);
  add(Math.min(a, b), Math.max(a, b));
}
await store.upsertRelationships('RESOLVES_TO', rows);
await writeScores(
  store,
  computeScores(await loadTrustGraph(store), { anchors: [] }),
  new Date().toISOString(),
);
console.log(
  `graph: ${nodes} versions, ${rows.length} edges, loaded and scored in ${seconds(performance.now() - started)}`,
);

const app = createApp({
  store,
  config: {
    token: undefined,
    queryRowLimit: 1000,
    queryTimeoutMs: 30_000,
    npmRegistry: 'http://127.0.0.1:9',
  },
  logger: silentLogger,
  cwd: process.cwd(),
  version: 'bench',
  clientDir: CLIENT_DIR,
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?root=${encodeURIComponent(root)}`;

// The API alone: the root's graph as the explorer asks for it.
{
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/graph?root=${encodeURIComponent(root)}&limit=50000`;
  const t0 = performance.now();
  const body = await (await fetch(api)).text();
  console.log(
    `GET /api/graph: ${seconds(performance.now() - t0)} for ${(body.length / 2 ** 20).toFixed(1)} MiB of JSON`,
  );
}

const browser = await launchChromium();
try {
  // The predicates below are strings (tsx would wrap functions in a helper the page lacks), and
  // Playwright evaluates strings with eval, which the explorer's CSP refuses: bypass it here only.
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  await page.goto(url);
  await page.waitForFunction(
    "performance.getEntriesByName('trustmap:first-frame').length > 0",
    null,
    { timeout: 300_000, polling: 50 },
  );
  // Strings, not functions: tsx's transform would wrap named functions in a helper the page lacks.
  const marks = await page.evaluate<{ fetched: number; firstFrame: number; imported: number }>(`({
    fetched: performance.getEntriesByName('trustmap:graph-fetched')[0]?.startTime ?? NaN,
    firstFrame: performance.getEntriesByName('trustmap:first-frame')[0]?.startTime ?? NaN,
    imported: performance.getEntriesByName('trustmap:graph-imported')[0]?.startTime ?? NaN,
  })`);

  console.log(`graph data in the page: ${seconds(marks.fetched)} after navigation`);
  console.log(`imported into graphology: ${seconds(marks.imported - marks.fetched)} later`);
  console.log(
    `first frame: ${seconds(marks.firstFrame)} after navigation (${seconds(marks.firstFrame - marks.fetched)} from data to pixels)`,
  );
  await page.waitForFunction("document.body.dataset.graph === 'laid-out'", null, {
    timeout: 600_000,
    polling: 500,
  });
  const laidOut = await page.evaluate<number>(
    "performance.getEntriesByName('trustmap:laid-out')[0]?.startTime ?? NaN",
  );
  console.log(
    `ForceAtlas2 in the worker settled ${seconds(laidOut - marks.firstFrame)} after the first frame`,
  );

  // Frame times while a user pans (drag) and zooms (wheel) over the graph.
  const box = await page.locator('#graph').boundingBox();
  if (box === null) throw new Error('no graph canvas');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const panAndZoom = async (label: string, rounds: number): Promise<void> => {
    await page.evaluate(`(() => {
      const times = [];
      window.frameTimes = times;
      const tick = (t) => { if (window.frameTimes === times) { times.push(t); requestAnimationFrame(tick); } };
      requestAnimationFrame(tick);
    })()`);
    for (let round = 0; round < rounds; round++) {
      await page.mouse.move(cx - 150, cy);
      await page.mouse.down();
      await page.mouse.move(cx + 150, cy + 80, { steps: 40 });
      await page.mouse.up();
      for (let i = 0; i < 8; i++) {
        await page.mouse.wheel(0, i < 4 ? -240 : 240);
        await page.waitForTimeout(60);
      }
    }
    await page.waitForTimeout(500);
    const times = await page.evaluate<number[]>('window.frameTimes');
    await page.evaluate('window.frameTimes = null');
    const deltas = times
      .slice(1)
      .map((t, i) => t - (times[i] ?? t))
      .sort((a, b) => a - b);
    const pct = (p: number): number =>
      deltas[Math.min(deltas.length - 1, Math.floor(p * deltas.length))] ?? NaN;
    const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
    console.log(
      `pan and zoom, ${label}: ${deltas.length} frames, median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${pct(1).toFixed(1)} ms (${(1000 / mean).toFixed(1)} fps on average)`,
    );
  };
  if (await page.getByLabel('All edges').isChecked()) {
    await panAndZoom('all edges drawn (hidden while dragging past 20,000)', 3);
  } else {
    await panAndZoom('only the edges of the node in focus (the default past 50,000 edges)', 3);
    await page.getByLabel('All edges').check();
    await page.waitForTimeout(1000);
    await panAndZoom('all edges drawn once the user asks (hidden while dragging)', 1);
  }
  console.log(
    `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Chromium --disable-gpu (software WebGL)`,
  );
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
  await store.close();
  temp.cleanup();
}
