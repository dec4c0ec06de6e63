/**
 * `ingest` against a local registry serving the real fixture packuments: the closure of yargs
 * 16.1.0 with its maintainers and publishers, idempotence, and faults injected by the registry.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { StoreError } from '../../core/errors.js';
import type { GraphStore } from '../../graph/store.js';
import { ingest, type IngestOptions } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

const YARGS_CLOSURE = [
  'yargs@16.1.0',
  'yargs-parser@20.2.2',
  'y18n@5.0.3',
  'string-width@4.2.0',
  'strip-ansi@6.0.0',
  'ansi-regex@5.0.0',
  'is-fullwidth-code-point@3.0.0',
  'emoji-regex@8.0.0',
  'require-directory@2.1.1',
  'get-caller-file@2.0.5',
  'escalade@3.1.1',
  'cliui@7.0.2',
  'wrap-ansi@7.0.0',
  'ansi-styles@4.3.0',
  'color-convert@2.0.1',
  'color-name@1.1.4',
]
  .map((v) => `pkg:npm/${v}`)
  .sort();

let registry: FixtureRegistry;
let store: GraphStore;
let cleanup: () => void;

beforeEach(async () => {
  registry = await startFixtureRegistry();
  const temp = tempDir();
  cleanup = temp.cleanup;
  store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
});
afterEach(async () => {
  await store.close();
  await registry.close();
  cleanup();
});

function run(specs: string[], extra: Partial<IngestOptions> = {}) {
  return ingest({
    roots: specs.map((s) => parseRootSpec(s, process.cwd())),
    store,
    registry: registry.url,
    concurrency: 4,
    client: { timeoutMs: 2000, backoffMs: 20, retries: 4 },
    ...extra,
  });
}

describe('ingest npm:yargs@16.1.0 from a registry', () => {
  it('resolves exactly the 16 packages of the closure, with maintainers and publishers', async () => {
    const summary = await run(['npm:yargs@16.1.0']);
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(YARGS_CLOSURE);
    expect(summary.roots).toEqual([{ spec: 'npm:yargs@16.1.0', resolved: 'pkg:npm/yargs@16.1.0' }]);
    expect(summary.coverage).toMatchObject({ packages: 16, maintainersKnown: 16, timesKnown: 16 });
    // Each packument is fetched once.
    expect([...registry.requests.values()].every((n) => n === 1)).toBe(true);
    expect(registry.requests.size).toBe(16);

    // Dev dependencies are recorded (as stubs: they are not followed), so count the packages fetched.
    const fetched = await store.query(
      'MATCH (p:Package) WHERE p.stub IS NULL RETURN count(p) AS n',
      {},
      { rowLimit: 1, timeoutMs: 10_000 },
    );
    expect(fetched.rows).toEqual([{ n: 16 }]);
    const maintainers = await store.query(
      'MATCH (p:Person)-[:MAINTAINS]->(:Package {key: $key}) RETURN p.key AS key ORDER BY key',
      { key: 'pkg:npm/yargs' },
      { rowLimit: 100, timeoutMs: 10_000 },
    );
    expect(maintainers.rows.length).toBeGreaterThan(0);
    const publisher = await store.query(
      'MATCH (p:Person)-[:PUBLISHED]->(:Version {key: $key}) RETURN p.key AS key',
      { key: 'pkg:npm/yargs@16.1.0' },
      { rowLimit: 10, timeoutMs: 10_000 },
    );
    expect(publisher.rows).toHaveLength(1);
    const resolves = await store.query(
      'MATCH (:Version {key: $key})-[r:RESOLVES_TO]->(v:Version) RETURN v.key AS key, r.root AS root, r.range AS range ORDER BY key',
      { key: 'pkg:npm/yargs@16.1.0' },
      { rowLimit: 100, timeoutMs: 10_000 },
    );
    expect(resolves.rows).toContainEqual({
      key: 'pkg:npm/yargs-parser@20.2.2',
      root: 'pkg:npm/yargs@16.1.0',
      range: '^20.2.2',
    });
  });

  it('leaves every count and property unchanged when run twice', async () => {
    await run(['npm:yargs@16.1.0']);
    const first = await store.counts();
    const firstNodes = await store.query(
      'MATCH (n) RETURN n.key AS key, properties(n) AS p ORDER BY key',
      {},
      { rowLimit: 100_000, timeoutMs: 20_000 },
    );
    await run(['npm:yargs@16.1.0']);
    expect(await store.counts()).toEqual(first);
    const secondNodes = await store.query(
      'MATCH (n) RETURN n.key AS key, properties(n) AS p ORDER BY key',
      {},
      { rowLimit: 100_000, timeoutMs: 20_000 },
    );
    expect(secondNodes.rows).toEqual(firstNodes.rows);
  });

  it('gives the same graph when the registry rate-limits, fails, stalls, and cuts bodies off', async () => {
    await run(['npm:yargs@16.1.0']);
    const clean = await store.counts();
    const cleanRows = await store.query(
      'MATCH (n)-[r]->(m) RETURN n.key AS a, type(r) AS t, m.key AS b, properties(r) AS p ORDER BY a, t, b',
      {},
      { rowLimit: 100_000, timeoutMs: 20_000 },
    );

    await store.close();
    const temp = tempDir();
    const previous = cleanup;
    cleanup = () => {
      previous();
      temp.cleanup();
    };
    store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    registry.requests.clear();
    registry.faults.set('yargs', ['rate-limit', 'server-error']);
    registry.faults.set('cliui', ['stall']);
    registry.faults.set('y18n', ['truncate', 'server-error']);
    registry.faults.set('ansi-regex', ['rate-limit']);
    const summary = await run(['npm:yargs@16.1.0']);
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(YARGS_CLOSURE);
    expect(await store.counts()).toEqual(clean);
    const faultyRows = await store.query(
      'MATCH (n)-[r]->(m) RETURN n.key AS a, type(r) AS t, m.key AS b, properties(r) AS p ORDER BY a, t, b',
      {},
      { rowLimit: 100_000, timeoutMs: 20_000 },
    );
    expect(faultyRows.rows).toEqual(cleanRows.rows);
    expect(registry.requests.get('yargs')).toBe(3);
    expect(registry.requests.get('cliui')).toBe(2);
  });

  it('records a missing package and a document that is not JSON, and goes on', async () => {
    registry.faults.set('y18n', ['not-json']);
    const summary = await run(['npm:yargs@16.1.0', 'npm:no-such-package-anywhere']);
    expect(summary.failures.map((f) => [f.name, f.code])).toEqual([
      ['no-such-package-anywhere', 'PACKAGE_MISSING'],
      ['y18n', 'PACKAGE_INVALID'],
    ]);
    expect(summary.resolved).toEqual(YARGS_CLOSURE.filter((k) => !k.includes('y18n')));
    expect(await store.node('pkg:npm/no-such-package-anywhere')).toMatchObject({
      properties: { missing: true },
    });
  });

  it("stops with the store's error when the store fails, instead of calling it a package failure", async () => {
    const failing = Object.create(store) as GraphStore;
    failing.upsertNodes = () => Promise.reject(new StoreError('disk full'));
    await expect(
      ingest({
        roots: [parseRootSpec('npm:chalk@4.1.0', '/')],
        store: failing,
        registry: registry.url,
        concurrency: 2,
      }),
    ).rejects.toMatchObject({ name: 'StoreError', message: 'disk full' });
  });

  it('follows no further than --depth', async () => {
    expect((await run(['npm:yargs@16.1.0'], { maxDepth: 0 })).resolved).toEqual([
      'pkg:npm/yargs@16.1.0',
    ]);
    const direct = await run(['npm:yargs@16.1.0'], { maxDepth: 1 });
    expect(direct.resolved).toEqual([
      'pkg:npm/cliui@7.0.2',
      'pkg:npm/escalade@3.1.1',
      'pkg:npm/get-caller-file@2.0.5',
      'pkg:npm/require-directory@2.1.1',
      'pkg:npm/string-width@4.2.0',
      'pkg:npm/y18n@5.0.3',
      'pkg:npm/yargs-parser@20.2.2',
      'pkg:npm/yargs@16.1.0',
    ]);
  });
});
