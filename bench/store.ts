/**
 * Embedded store throughput through the GraphStore interface (what ingest and the trust engine
 * see): batched node and relationship upserts, a re-upsert of the same data, streaming the whole
 * graph, ad-hoc queries (the read-only copy and the query host), reopening the file, and
 * recovering from a runaway query. Prints figures; asserts nothing.
 *
 *   npm run bench -- [packages=20000] [depsPerVersion=8]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import type { NodeRow, RelationshipRow } from '../graph/store.js';

const packages = Number(process.argv[2] ?? 20_000);
const depsPerVersion = Number(process.argv[3] ?? 8);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-bench-'));
const file = path.join(dir, 'graph.grafeo');

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

function report(what: string, count: number, elapsed: number): void {
  console.log(
    `${what.padEnd(44)} ${String(count).padStart(9)} in ${elapsed.toFixed(2).padStart(6)} s  ${Math.round(
      count / elapsed,
    )
      .toLocaleString('en')
      .padStart(9)}/s`,
  );
}

const packageRows: NodeRow[] = [];
const versionRows: NodeRow[] = [];
const hasVersion: RelationshipRow[] = [];
const dependsOn: RelationshipRow[] = [];
let seed = 42;
const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
for (let i = 0; i < packages; i++) {
  const key = `pkg:npm/bench-${i}`;
  packageRows.push({
    key,
    props: { ecosystem: 'npm', name: `bench-${i}`, latest: '1.0.0', deprecated: false },
  });
  versionRows.push({
    key: `${key}@1.0.0`,
    props: { version: '1.0.0', license: 'MIT', hasInstallScripts: false },
  });
  hasVersion.push({ from: key, to: `${key}@1.0.0`, props: {} });
  for (let d = 0; d < depsPerVersion; d++) {
    const target = Math.floor(random() * packages);
    if (target !== i)
      dependsOn.push({
        from: `${key}@1.0.0`,
        to: `pkg:npm/bench-${target}`,
        props: { kind: 'prod', range: '^1.0.0' },
      });
  }
}

console.log(
  `trustmap embedded store bench: ${packages} packages, ${packages} versions, ~${depsPerVersion} deps each`,
);
console.log(
  `node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
);

let start = performance.now();
const store = await EmbeddedStore.open(file);
report('open (new file, schema)', 1, seconds(start));

start = performance.now();
await store.upsertNodes('Package', packageRows);
await store.upsertNodes('Version', versionRows);
report('upsert nodes', packageRows.length + versionRows.length, seconds(start));

start = performance.now();
await store.upsertRelationships('HAS_VERSION', hasVersion);
await store.upsertRelationships('DEPENDS_ON', dependsOn);
report('upsert relationships', hasVersion.length + dependsOn.length, seconds(start));

start = performance.now();
await store.upsertNodes('Package', packageRows);
await store.upsertRelationships('DEPENDS_ON', dependsOn);
report(
  're-upsert the same rows (idempotent)',
  packageRows.length + dependsOn.length,
  seconds(start),
);

start = performance.now();
let streamed = 0;
for await (const batch of store.stream())
  streamed += batch.kind === 'nodes' ? batch.nodes.length : batch.relationships.length;
report('stream the whole graph', streamed, seconds(start));

const top10 =
  'MATCH (v:Version)-[:DEPENDS_ON]->(p:Package) RETURN p.key AS key, count(v) AS dependents ORDER BY dependents DESC LIMIT 10';
const limits = { rowLimit: 10, timeoutMs: 60_000 };
start = performance.now();
await store.query('RETURN 1 AS one', {}, limits);
report('first ad-hoc query (copy + query host start)', 1, seconds(start));
start = performance.now();
const result = await store.query(top10, {}, limits);
report('ad-hoc query: top 10 by dependents', result.rows.length, seconds(start));
start = performance.now();
for (let i = 0; i < 20; i++) await store.query('RETURN 1 AS one', {}, limits);
report('ad-hoc RETURN 1 (parser + plan + run), x20', 20, seconds(start));
await store.upsertNodes('Package', [{ key: 'pkg:npm/bench-extra', props: {} }]);
start = performance.now();
await store.query('RETURN 1 AS one', {}, limits);
report('ad-hoc query after a write (new copy, new host)', 1, seconds(start));

start = performance.now();
await store
  .query(
    'MATCH (a:Package), (b:Package), (c:Package), (d:Package) RETURN count(*)',
    {},
    { rowLimit: 1, timeoutMs: 1000 },
  )
  .catch(() => undefined);
const counts = await store.counts();
report('runaway query stopped at 1 s, then counts', 1, seconds(start));
start = performance.now();
await store.query('RETURN 1 AS one', {}, limits);
report('ad-hoc query after the stop (new query host)', 1, seconds(start));
await store.close();

start = performance.now();
const reopened = await EmbeddedStore.open(file);
await reopened.counts();
report('reopen and count', 1, seconds(start));
await reopened.close();
console.log('counts', JSON.stringify(counts));
console.log(`file size ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB`);
fs.rmSync(dir, { recursive: true, force: true });
