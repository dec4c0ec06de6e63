/**
 * The API on a 1M-relationship graph (issue 15 item 4): the generated, scored graph of
 * bench/large-graph.ts on the embedded store (the file cached between runs) and on a real Neo4j
 * (tests/neo4j's launcher), each served by the real server over loopback HTTP. Prints the cold
 * /api/graph for the ~50k-version root (cut by the store; and, for comparison, what the server did
 * before: load the whole graph, then the view), then p50/p95/p99 over `requests` sequential
 * requests for search, node details, the graph for a root (a neighbourhood, depth 2), chokepoints
 * for a root and what-if. Asserts nothing.
 *
 *   npx tsx bench/api.ts [embedded|neo4j|both=both] [requests=1000] [--before]
 *     [--rows=cold,search,node,graph,chokepoints,whatif] [--test-memory] [--format=compact|graphology]
 *     [--api-in-process] [--fresh-neo4j] [--neo4j-views=1]
 *
 * `--rows` runs only the rows named (all of them without it), so a run need not take 26 minutes.
 * `--before` also times what the server did before the cut (the whole graph loaded, then viewed).
 * On Neo4j the API is `trustmap serve` in a process of its own (run `npm run build` first), as users
 * run it; `--api-in-process` serves it from this process, whose heap holds the graph it wrote and
 * scored (what the bench did before 2026-12-03). The embedded store's API is served in-process:
 * the store's file has one owner, and this process holds nothing else when the file is cached.
 * The cold row is the first request for the 50k root of an API started for it, with no view cached.
 * On Neo4j, a server that has been up has run the cut's statements before; so, first, another
 * `trustmap serve` asks for another large root's view (`otherRoot`, printed as "the first view on
 * this Neo4j"), and the cold row is the new serve's first request on that Neo4j. `--neo4j-views=N`
 * has that serve ask for it N times ("the first N views on this Neo4j"), as a Neo4j that has served
 * views for a while has run the cut's statements many times (its JVM has compiled them:
 * docs/operations.md). `--fresh-neo4j` leaves that out: the cold row is then the first cut a fresh
 * Neo4j runs. (With `--api-in-process` all those views and the cold row are served by this
 * process, so the cold row's API is not new.)
 * `--format` is the cold request's (default compact, what the explorer asks for; the other format
 * is then fetched once, warm, for comparison). A cold time counts the fetch and the parse.
 * Neo4j runs sized as docs/operations.md sizes a server, scaled to this graph and machine (a 4 GiB
 * heap, a 2 GiB page cache: more than the store on disk, the G1 collector); `--test-memory` runs it
 * as the tests do (768 MiB, 128 MiB, serial).
 * Each row is printed as soon as it is measured, with the load average beside it.
 */
import os from 'node:os';
import { Neo4jStore } from '../graph/neo4j/neo4j-store.js';
import type { GraphStore } from '../graph/store.js';
import { graphView } from '../server/graph-view.js';
import { expandGraph } from '../shared/graph-wire.js';
import type { CompactGraph, SerializedGraph } from '../shared/wire-types.js';
import { loadTrustGraph } from '../trust/load.js';
import { readFlagSeverities } from '../trust/stored-scores.js';
import type { Neo4jConfig } from '../core/config.js';
import { listenApi, type TestApi } from '../tests/helpers/api-server.js';
import { serveCli } from '../tests/helpers/cli.js';
import { buildNeo4jLauncher, startNeo4j, type Neo4jMemory } from '../tests/helpers/neo4j.js';
import {
  DEFAULT_LARGE_FILE,
  openLargeEmbedded,
  writeLargeGraph,
  type LargeGraph,
} from './large-graph.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const which = args[0] ?? 'both';
const requests = Number(args[1] ?? 1000);
const timeBefore = process.argv.includes('--before');
const apiProcess = !process.argv.includes('--api-in-process');
const testMemory = process.argv.includes('--test-memory');
const freshNeo4j = process.argv.includes('--fresh-neo4j');
const viewsArg = process.argv
  .find((a) => a.startsWith('--neo4j-views='))
  ?.slice('--neo4j-views='.length);
const neo4jViews = viewsArg === undefined ? 1 : Number(viewsArg);
if (!Number.isInteger(neo4jViews) || neo4jViews < 1)
  throw new Error(`--neo4j-views: "${viewsArg ?? ''}" is not a count of at least 1`);
const formatArg = process.argv.find((a) => a.startsWith('--format='))?.slice('--format='.length);
const format = formatArg ?? 'compact';
if (format !== 'compact' && format !== 'graphology')
  throw new Error(`--format: "${format}" is neither compact nor graphology`);
const ROWS = ['cold', 'search', 'node', 'graph', 'chokepoints', 'whatif'] as const;
const rowsArg = process.argv.find((a) => a.startsWith('--rows='));
const rows = new Set<string>(
  rowsArg === undefined ? ROWS : rowsArg.slice('--rows='.length).split(','),
);
for (const row of rows) {
  if (!(ROWS as readonly string[]).includes(row))
    throw new Error(`--rows: unknown row "${row}" (rows: ${ROWS.join(', ')})`);
}
// Views before the cold row are Neo4j's alone: the flag would change nothing otherwise.
if (viewsArg !== undefined) {
  if (freshNeo4j)
    throw new Error('--fresh-neo4j asks for no view before the cold row; --neo4j-views for some');
  if (which === 'embedded' || !rows.has('cold'))
    throw new Error(
      '--neo4j-views counts the views Neo4j serves before the cold row: it needs neo4j (or both) and the cold row',
    );
}
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const ms = (start: number): number => performance.now() - start;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function get(url: string): Promise<{ status: number; bytes: number; body: string }> {
  const response = await fetch(url);
  const body = await response.text();
  return { status: response.status, bytes: body.length, body };
}

async function measure(row: string, name: string, urls: (i: number) => string): Promise<void> {
  if (!rows.has(row)) return;
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const url = urls(i);
    const start = performance.now();
    const answer = await get(url);
    times.push(ms(start));
    if (answer.status !== 200)
      throw new Error(`${url}: ${answer.status} ${answer.body.slice(0, 300)}`);
    bytes += answer.bytes;
  }
  times.sort((a, b) => a - b);
  const cells = [50, 95, 99].map((p) => percentile(times, p).toFixed(1));
  console.log(
    `| ${name} | ${cells.join(' | ')} | ${(times[times.length - 1] ?? NaN).toFixed(0)} | ` +
      `${Math.round(bytes / requests).toLocaleString('en')} | ${load()} |`,
  );
}

/** The answer as graphology's format, parsed: a compact one expanded, as the explorer does. */
function parseGraph(body: string, expected: string): SerializedGraph {
  const parsed = JSON.parse(body) as SerializedGraph | CompactGraph;
  // A server built before format=compact ignores it: say so, not time the other format.
  if ('format' in parsed !== (expected === 'compact'))
    throw new Error(`asked for ${expected}, got another format (is dist/ built from this tree?)`);
  return 'format' in parsed ? expandGraph(parsed) : parsed;
}

async function cold(big: string, store: GraphStore, graph: LargeGraph): Promise<void> {
  const url = (f: string) => (f === 'graphology' ? big : `${big}&format=${f}`);
  let start = performance.now();
  const answer = await get(url(format));
  if (answer.status !== 200)
    throw new Error(`${url(format)}: ${answer.status} ${answer.body.slice(0, 300)}`);
  const shown = parseGraph(answer.body, format);
  const coldMs = ms(start);
  start = performance.now();
  parseGraph((await get(url(format))).body, format);
  const warmMs = ms(start);
  const other = format === 'compact' ? 'graphology' : 'compact';
  start = performance.now();
  const otherAnswer = await get(url(other));
  const otherShown = parseGraph(otherAnswer.body, other);
  const otherMs = ms(start);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  console.log(
    `cold /api/graph as ${format} for ${graph.closureRoot} (depth 50, limit 50,000), fetched and parsed: ` +
      `${shown.nodes.length.toLocaleString('en')} nodes, ${shown.edges.length.toLocaleString('en')} edges, ` +
      `${mib(answer.bytes)} in ${(coldMs / 1000).toFixed(2)} s (again: ${(warmMs / 1000).toFixed(2)} s; ` +
      `then as ${other}: ${mib(otherAnswer.bytes)} in ${(otherMs / 1000).toFixed(2)} s, ` +
      `${JSON.stringify(otherShown) === JSON.stringify(shown) ? 'the same view' : 'A DIFFERENT VIEW'}), load ${load()}`,
  );
  if (timeBefore) {
    start = performance.now();
    const whole = await loadTrustGraph(store);
    const before = graphView(whole, graph.closureRoot, {
      depth: 50,
      layers: ['deps', 'people', 'repos', 'orgs'],
      limit: 50_000,
      flagSeverity: await readFlagSeverities(store),
    });
    console.log(
      `the whole graph loaded then viewed, as before: ${(ms(start) / 1000).toFixed(2)} s ` +
        `(${JSON.stringify(before) === JSON.stringify(shown) ? 'the same answer' : 'A DIFFERENT ANSWER'})`,
    );
  }
}

/**
 * `trustmap serve` (the build in dist/) in a process of its own over the Neo4j `config` names, as
 * users run it: the API's heap holds the API's work only, not this process's graph and scores.
 */
async function serveProcess(config: Neo4jConfig): Promise<TestApi> {
  const served = await serveCli(
    process.cwd(),
    {
      NEO4J_URI: config.uri,
      NEO4J_USER: config.user,
      NEO4J_PASSWORD: config.password,
      NEO4J_DATABASE: config.database,
    },
    { timeoutMs: 0 },
  );
  return {
    base: served.base,
    close: async () => {
      await served.stop();
    },
  };
}

/**
 * Neo4j's first views (`neo4jViews` of them, one unless asked), of another large root
 * (`otherRoot`), from a `trustmap serve` of its own: the first runs of the cut's statements on a
 * fresh Neo4j, which a server that has been up has had. The cold row then asks a new
 * `trustmap serve` for the 50k root.
 */
async function firstViews(
  config: Neo4jConfig,
  store: GraphStore,
  graph: LargeGraph,
): Promise<void> {
  const { otherRoot } = graph;
  const api = apiProcess
    ? await serveProcess(config)
    : await listenApi(store, { queryRowLimit: 1000, queryTimeoutMs: 60_000 });
  try {
    const url = `${api.base}/api/graph?root=${encodeURIComponent(otherRoot)}&depth=50&limit=50000&format=compact`;
    const times: string[] = [];
    let nodes = 0;
    for (let i = 0; i < neo4jViews; i++) {
      const start = performance.now();
      const answer = await get(url);
      if (answer.status !== 200)
        throw new Error(`${url}: ${answer.status} ${answer.body.slice(0, 300)}`);
      nodes = parseGraph(answer.body, 'compact').nodes.length;
      times.push((ms(start) / 1000).toFixed(2));
    }
    console.log(
      `the first ${neo4jViews === 1 ? 'view' : `${neo4jViews} views`} on this Neo4j, of ${otherRoot} ` +
        `(depth 50, limit 50,000), fetched and parsed: ${nodes.toLocaleString('en')} nodes in ` +
        `${times.join(', ')} s, load ${load()}`,
    );
  } finally {
    await api.close();
  }
}

async function bench(
  label: string,
  store: GraphStore,
  graph: LargeGraph,
  neo4jConfig?: Neo4jConfig,
): Promise<void> {
  const counts = await store.counts();
  const nodes = Object.values(counts.nodes).reduce((a, b) => a + b, 0);
  const relationships = Object.values(counts.relationships).reduce((a, b) => a + b, 0);
  console.log(
    `\n## ${label}: ${nodes.toLocaleString('en')} nodes, ${relationships.toLocaleString('en')} relationships` +
      ` (written in ${(graph.writeMs / 1000).toFixed(1)} s, scored in ${(graph.scoreMs / 1000).toFixed(1)} s)`,
  );
  if (neo4jConfig !== undefined && rows.has('cold') && !freshNeo4j)
    await firstViews(neo4jConfig, store, graph);
  const api =
    neo4jConfig !== undefined && apiProcess
      ? await serveProcess(neo4jConfig)
      : await listenApi(store, { queryRowLimit: 1000, queryTimeoutMs: 60_000 });
  try {
    const root = encodeURIComponent(graph.closureRoot);
    const big = `${api.base}/api/graph?root=${root}&depth=50&limit=50000`;
    if (rows.has('cold')) await cold(big, store, graph);
    const { sampleKeys, samplePeople, samplePhrases } = graph;
    const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
    const shape = graph.shape;
    console.log(
      `\n| ${label} (${requests} requests each) | p50 ms | p95 ms | p99 ms | max ms | bytes | load |`,
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    await measure('search', 'search', (i) => `${api.base}/api/search?q=${pick(samplePhrases, i)}`);
    await measure(
      'node',
      'node details',
      (i) => `${api.base}/api/nodes/${encodeURIComponent(pick(sampleKeys, i))}`,
    );
    await measure('graph', 'graph for a root (depth 2)', (i) => {
      const p = (i * 7919) % shape.packages;
      return `${api.base}/api/graph?root=npm:large-${p}&depth=2`;
    });
    await measure('chokepoints', 'chokepoints for a root', (i) => {
      const p = shape.packages - 1 - ((i * 7919) % Math.ceil(shape.closure / shape.versions));
      return `${api.base}/api/chokepoints?root=npm:large-${p}&limit=20`;
    });
    await measure(
      'whatif',
      'what-if',
      (i) => `${api.base}/api/whatif?person=${encodeURIComponent(pick(samplePeople, i))}&limit=100`,
    );
  } finally {
    await api.close();
  }
}

console.log(
  `bench/api.ts ${new Date().toISOString()}: node ${process.version}, ${os.cpus().length} cores, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${load()}`,
);
if (which === 'embedded' || which === 'both') {
  const start = performance.now();
  const { store, graph } = await openLargeEmbedded(DEFAULT_LARGE_FILE, {
    log: (line) => {
      console.error(line);
    },
  });
  console.log(`embedded file ${DEFAULT_LARGE_FILE} ready in ${(ms(start) / 1000).toFixed(1)} s`);
  try {
    await bench('embedded', store, graph);
  } finally {
    await store.close();
  }
}
if (which === 'neo4j' || which === 'both') {
  const launcher = await buildNeo4jLauncher();
  if (launcher.kind !== 'built') throw new Error(`no Neo4j: ${launcher.reason}`);
  const memory: Neo4jMemory = testMemory
    ? { heapMiB: 768, pageCacheMiB: 128, serialGC: true }
    : { heapMiB: 4096, pageCacheMiB: 2048, serialGC: false };
  const server = await startNeo4j(launcher, memory);
  console.log(
    `\nNeo4j ${server.version} started in ${(server.startMs / 1000).toFixed(1)} s: heap ${memory.heapMiB} MiB, ` +
      `page cache ${memory.pageCacheMiB} MiB, ${memory.serialGC ? 'serial' : 'G1'} collector`,
  );
  const store = await Neo4jStore.open(server.config);
  try {
    await store.applySchema();
    const graph = await writeLargeGraph(store, undefined, (line) => {
      console.error(line);
    });
    await bench(`Neo4j ${server.version}`, store, graph, server.config);
  } finally {
    await store.close();
    await server.stop();
  }
}
console.log(`\nload average at the end ${load()} (${new Date().toISOString()})`);
