/**
 * Answer sizes and times on a generated dependency chain (default 5,000 deep, see
 * tests/helpers/deep-chain.ts), over real HTTP from the API with its default configuration: the
 * what-if of the deepest maintainer (who reaches the whole chain), the chokepoints, and every
 * saved investigation. Answers that carry a path per row grow with the square of the depth unless
 * they are bounded. Prints a table; asserts nothing.
 *
 *   npx tsx bench/deep-chain.ts [depth=5000]
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadConfig } from '../core/config.js';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { listInvestigations } from '../graph/investigations.js';
import { silentLogger } from '../core/log.js';
import { createApp } from '../server/app.js';
import { loadTrustGraph } from '../trust/load.js';
import { computeScores } from '../trust/score.js';
import { writeScores } from '../trust/write-scores.js';
import { writeDeepChain } from '../tests/helpers/deep-chain.js';
import { tempDir } from '../tests/helpers/temp.js';

const depth = Number(process.argv[2] ?? 5000);
const temp = tempDir();
const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
const started = performance.now();
const chain = await writeDeepChain(store, depth);
await writeScores(
  store,
  computeScores(await loadTrustGraph(store), { anchors: [] }),
  new Date().toISOString(),
);
console.log(
  `chain of ${depth} versions written and scored in ${((performance.now() - started) / 1000).toFixed(1)} s, node ${process.version}`,
);

const config = loadConfig({}, temp.dir);
const app = createApp({
  store,
  config,
  answers: config,
  logger: silentLogger,
  cwd: temp.dir,
  version: 'bench',
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const rows: string[][] = [];
async function measure(label: string, url: string, body?: unknown): Promise<void> {
  const t0 = performance.now();
  const response = await fetch(`${base}${url}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - t0;
  let said: string;
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { truncated?: unknown; error?: unknown };
    said =
      json.error !== undefined
        ? `error ${JSON.stringify(json.error).slice(0, 60)}`
        : `truncated: ${String(json.truncated)}`;
  } catch {
    said = 'not JSON';
  }
  rows.push([
    label,
    String(response.status),
    (bytes.length / 2 ** 20).toFixed(2),
    (ms / 1000).toFixed(2),
    said,
  ]);
}

const person = encodeURIComponent(chain.deepest);
const root = encodeURIComponent(chain.root);
// The first whole-graph view loads and scores the graph; the rest share that load.
await measure('GET /api/roots (loads the graph)', '/api/roots');
await measure(
  'GET /api/whatif?root&limit=10000',
  `/api/whatif?person=${person}&root=${root}&limit=10000`,
);
await measure('GET /api/whatif?limit=10000 (no root)', `/api/whatif?person=${person}&limit=10000`);
await measure(
  'GET /api/whatif?root (default limit, 500)',
  `/api/whatif?person=${person}&root=${root}`,
);
await measure(
  "GET /api/whatif?root&limit=200 (the explorer's)",
  `/api/whatif?person=${person}&root=${root}&limit=200`,
);
await measure('GET /api/chokepoints?root&limit=1000', `/api/chokepoints?root=${root}&limit=1000`);
await measure('GET /api/chokepoints?limit=1000 (no root)', '/api/chokepoints?limit=1000');
const values: Record<string, string | number> = {
  root: chain.root,
  package: `pkg:npm/chain-${Math.floor(depth / 2)}`,
  limit: 1_000_000,
};
for (const investigation of listInvestigations()) {
  const params = Object.fromEntries(
    investigation.params.map((p) => [p.name, values[p.name] ?? p.example]),
  );
  await measure(
    `POST /api/investigations/${investigation.name}`,
    `/api/investigations/${investigation.name}`,
    {
      params,
    },
  );
}

const header = ['answer', 'status', 'MiB', 's', 'says'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]): string =>
  `| ${cells.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
console.log(line(header));
console.log(
  `|${widths.map((w, i) => (i >= 1 && i <= 3 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
);
for (const row of rows) console.log(line(row));

server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await store.close();
temp.cleanup();
