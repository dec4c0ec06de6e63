/**
 * The same root ingested again into the same store, as a daily re-run does. A generated closure
 * (bench/generated-registry.ts) is served on loopback and ingested in-process `--rounds` times into
 * one store, each round timed. The store is the embedded one (a new file in a temporary directory)
 * or a real Neo4j (tests/neo4j's launcher, sized as the tests run it). `--shape real` (the default)
 * gives the packuments as many versions as real ones have (a median of 25), so a package has many
 * versions and a maintainer publishes many of them; `--shape small` gives 1 to 12. Asserts nothing,
 * but stops when a round stores other counts than the first: a re-run adds nothing.
 *
 *   npx tsx bench/reingest.ts [embedded|neo4j] [--packages 1500] [--rounds 3] [--shape real|small] [--seed 15]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { Neo4jStore } from '../graph/neo4j/neo4j-store.js';
import type { GraphStore } from '../graph/store.js';
import { ingest } from '../ingest/run-ingest.js';
import { parseRootSpec } from '../ingest/spec.js';
import { buildNeo4jLauncher, startNeo4j, type Neo4jServer } from '../tests/helpers/neo4j.js';
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
  throw new Error(`--rounds: not a whole number: ${args.rounds}`);

const sum = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);

const registry = generateRegistry(Number(args.packages), Number(args.seed), shape);
const served = await serveGeneratedRegistry(registry);
const roots = [parseRootSpec(`npm:${registry.root}@latest`, process.cwd())];
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-reingest-'));
let neo4jServer: Neo4jServer | undefined;
let store: GraphStore;
if (which === 'neo4j') {
  const launcher = await buildNeo4jLauncher();
  if (launcher.kind !== 'built') throw new Error(`no Neo4j: ${launcher.reason}`);
  neo4jServer = await startNeo4j(launcher);
  store = await Neo4jStore.open(neo4jServer.config);
  console.log(`Neo4j ${neo4jServer.version}`);
} else {
  store = await EmbeddedStore.open(path.join(temp, 'graph.grafeo'));
}
console.log(
  `bench/reingest.ts ${new Date().toISOString()}: ${which}, ${registry.packages.length} packages ` +
    `(shape ${shape}, seed ${args.seed}), ${rounds} rounds; node ${process.version}, ` +
    `${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
try {
  let first: string | undefined;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const summary = await ingest({ roots, store, registry: served.url, concurrency: 16 });
    const seconds = (performance.now() - started) / 1000;
    const counts = await store.counts();
    const stored = `${sum(counts.nodes).toLocaleString('en')} nodes, ${sum(counts.relationships).toLocaleString('en')} relationships`;
    console.log(
      `round ${round + 1}: ${seconds.toFixed(1)} s, ${summary.resolved.length.toLocaleString('en')} versions resolved, ` +
        `${summary.failures.length} failures; stored ${stored}; load ${os.loadavg()[0]?.toFixed(1) ?? '?'}`,
    );
    first ??= stored;
    if (stored !== first)
      throw new Error(`round ${round + 1} stored ${stored}, the first ${first}`);
  }
} finally {
  await store.close();
  await neo4jServer?.stop();
  await served.close();
  fs.rmSync(temp, { recursive: true, force: true });
}
