/**
 * The same root ingested again into the same store, as a daily re-run does. A generated closure
 * (bench/generated-registry.ts) is served on loopback and ingested in-process `--rounds` times into
 * one store, each round timed. The store is the embedded one (a new file in a temporary directory)
 * or a real Neo4j (tests/neo4j's launcher, sized as the tests run it). `--shape real` (the default)
 * gives the packuments as many versions as real ones have (a median of 25), so a package has many
 * versions and a maintainer publishes many of them; `--shape small` gives 1 to 12. Asserts nothing,
 * but stops when a round fails a version, or stores other counts (by label and by type) or
 * resolves other versions than the first: a re-run adds nothing.
 *
 *   npx tsx bench/reingest.ts [embedded|neo4j] [--packages 1500] [--rounds 3] [--shape real|small] [--seed 15]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { Neo4jStore } from '../graph/neo4j/neo4j-store.js';
import type { GraphCounts, GraphStore } from '../graph/store.js';
import { ingest } from '../ingest/run-ingest.js';
import { parseRootSpec } from '../ingest/spec.js';
import { buildNeo4jLauncher, startNeo4j } from '../tests/helpers/neo4j.js';
import { generateRegistry, serveGeneratedRegistry } from './generated-registry.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    packages: { type: 'string', default: '1500' },
    rounds: { type: 'string', default: '3' },
    shape: { type: 'string', default: 'real' },
    seed: { type: 'string', default: '15' },
  },
});
const which = positionals[0] ?? 'embedded';
if (which !== 'embedded' && which !== 'neo4j')
  throw new Error(`the store: "${which}" is neither embedded nor neo4j`);
const shape = args.shape;
if (shape !== 'real' && shape !== 'small')
  throw new Error(`--shape: "${shape}" is neither real nor small`);
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds: not a whole number of at least 1: ${args.rounds}`);
const seed = Number(args.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed: not a whole number: ${args.seed}`);

/** What a round stored, by label and by type, keys sorted: a re-run must store the same. */
function stored(counts: GraphCounts): string {
  const sorted = (record: Record<string, number>) =>
    Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    );
  return JSON.stringify({
    nodes: sorted(counts.nodes),
    relationships: sorted(counts.relationships),
  });
}

const sum = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);

/** Ingests the root `rounds` times into `store`, each round timed. */
async function run(store: GraphStore, url: string, root: string): Promise<void> {
  const roots = [parseRootSpec(`npm:${root}@latest`, process.cwd())];
  let first: { stored: string; resolved: number } | undefined;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const summary = await ingest({ roots, store, registry: url, concurrency: 16 });
    const seconds = (performance.now() - started) / 1000;
    const counts = await store.counts();
    console.log(
      `round ${round + 1}: ${seconds.toFixed(1)} s, ${summary.resolved.length.toLocaleString('en')} versions resolved, ` +
        `${summary.failures.length} failures; stored ${sum(counts.nodes).toLocaleString('en')} nodes, ` +
        `${sum(counts.relationships).toLocaleString('en')} relationships; load ${os.loadavg()[0]?.toFixed(1) ?? '?'}`,
    );
    if (summary.failures.length > 0)
      throw new Error(`round ${round + 1}: ${summary.failures.length} failures; its time is void`);
    const now = { stored: stored(counts), resolved: summary.resolved.length };
    first ??= now;
    if (now.stored !== first.stored || now.resolved !== first.resolved)
      throw new Error(
        `round ${round + 1} stored ${now.stored} (${now.resolved} resolved), the first ${first.stored} (${first.resolved})`,
      );
  }
}

const registry = generateRegistry(Number(args.packages), seed, shape);
const served = await serveGeneratedRegistry(registry);
try {
  console.log(
    `bench/reingest.ts ${new Date().toISOString()}: ${which}, ${registry.packages.length} packages ` +
      `(shape ${shape}, seed ${seed}), ${rounds} rounds; node ${process.version}, ` +
      `${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  if (which === 'neo4j') {
    const launcher = await buildNeo4jLauncher();
    if (launcher.kind !== 'built') throw new Error(`no Neo4j: ${launcher.reason}`);
    const server = await startNeo4j(launcher);
    try {
      console.log(`Neo4j ${server.version}`);
      const store = await Neo4jStore.open(server.config);
      try {
        await run(store, served.url, registry.root);
      } finally {
        await store.close();
      }
    } finally {
      await server.stop();
    }
  } else {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-reingest-'));
    try {
      const store = await EmbeddedStore.open(path.join(temp, 'graph.grafeo'));
      try {
        await run(store, served.url, registry.root);
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
} finally {
  await served.close();
}
