/**
 * The closure is the tree npm places (ingest/npm-tree.ts), on a registry served on loopback with
 * packuments built for each rule: a peer the tree already satisfies (the babel-preset case of
 * issue 14), a peer auto-installed, two majors of one package nested, a bundled dependency, and
 * an optional dependency for another platform. Real HTTP, the real embedded store. Each expected
 * closure is what npm 11.19.1 writes with --package-lock-only for the same packuments, served to
 * it the same way, except the bundled case: npm reads bundler's tarball and lists inner@1.0.0 as
 * `inBundle`, which trustmap, reading no tarballs, records as a bundled dependency
 * (docs/decisions/010-npm-tree.md).
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { GraphStore } from '../../graph/store.js';
import { ingestWithWorkers, startIngestWorker } from '../../ingest/queue/distributed.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { randomQueueName, REDIS_URL, requireRedis } from '../helpers/redis-queue.js';
import { tempDir } from '../helpers/temp.js';

type Manifest = Record<string, unknown>;

/** A packument of `versions` (each a manifest's extra fields); `latest` defaults to the last. */
function packument(name: string, versions: Record<string, Manifest>, latest?: string): unknown {
  const keys = Object.keys(versions);
  return {
    name,
    'dist-tags': { latest: latest ?? keys[keys.length - 1] },
    versions: Object.fromEntries(
      keys.map((version) => [version, { name, version, ...versions[version] }]),
    ),
    time: Object.fromEntries(
      keys.map((version, i) => [version, new Date(Date.UTC(2024, 0, 1 + i)).toISOString()]),
    ),
  };
}

const PACKUMENTS = [
  // A peer the tree satisfies: `preset`'s peer accepts core 7 or 8; the tree has core@7 (the
  // root asks for ^7), so core@8 (the latest) and its own dependency are never installed.
  packument('peer-app', {
    '1.0.0': { dependencies: { core: '^7.0.0', middle: '^1.0.0' } },
  }),
  packument('middle', { '1.0.0': { dependencies: { preset: '^1.0.0' } } }),
  packument('preset', { '1.0.0': { peerDependencies: { core: '^7.0.0 || ^8.0.0-0' } } }),
  packument('core', {
    '7.1.0': {},
    '8.0.0': { dependencies: { 'core-eight-only': '^1.0.0' } },
  }),
  packument('core-eight-only', { '1.0.0': {} }),
  // A peer auto-installed: nothing in the tree provides `host`, so npm 7+ installs the highest 2.x;
  // an optional peer nobody else asks for is not installed.
  packument('plugin-app', { '1.0.0': { dependencies: { plugin: '^1.0.0' } } }),
  packument('plugin', {
    '1.0.0': {
      peerDependencies: { host: '^2.0.0', typescript: '>=5' },
      peerDependenciesMeta: { typescript: { optional: true } },
    },
  }),
  packument('host', { '1.0.0': {}, '2.0.0': {}, '2.1.0': {}, '3.0.0': {} }),
  packument('typescript', { '5.4.0': {} }),
  // Two majors: the root's lib@1 at the top, tool's lib@2 nested under tool, each with its deps.
  packument('nest-app', { '1.0.0': { dependencies: { lib: '^1.0.0', tool: '^1.0.0' } } }),
  packument('tool', { '1.0.0': { dependencies: { lib: '^2.0.0' } } }),
  packument('lib', {
    '1.0.0': {},
    '2.0.0': { dependencies: { leaf: '^1.0.0' } },
  }),
  packument('leaf', { '1.0.0': {}, '1.2.0': {} }),
  // A bundled dependency: in bundler's tarball, so not fetched (the registry does not even have it).
  packument('bundle-app', { '1.0.0': { dependencies: { bundler: '^1.0.0' } } }),
  packument('bundler', {
    '1.0.0': {
      dependencies: { inner: '^1.0.0', leaf: '^1.0.0' },
      bundleDependencies: ['inner'],
    },
  }),
  // Optional platform binaries: npm's lockfile lists the one for another platform too (npm skips
  // it when installing there); one the registry does not have is left out, and fails nothing.
  packument('native-app', {
    '1.0.0': {
      dependencies: { leaf: '1.0.0' },
      optionalDependencies: { 'native-darwin-arm64': '1.0.0', 'native-win32-x64': '1.0.0' },
    },
  }),
  packument('native-darwin-arm64', { '1.0.0': { os: ['darwin'], cpu: ['arm64'] } }),
  // An optional peer the tree has in a version it refuses (react-scripts@5's yaml): its dependent
  // stays nested under the package that needs it, with the version it accepts beside it.
  packument('opt-peer-app', { '1.0.0': { dependencies: { conf: '^1.0.0', styler: '^1.0.0' } } }),
  packument('styler', { '1.0.0': { dependencies: { loader: '^6.0.0' } } }),
  packument('loader', {
    '6.0.0': {
      peerDependencies: { conf: '>=2.0.0' },
      peerDependenciesMeta: { conf: { optional: true } },
    },
  }),
  packument('conf', { '1.0.0': {}, '2.0.0': {} }),
  // A version placed first and then replaced: dep-a's ^1.0.0 takes the latest tag (1.0.0);
  // dep-b's ^1.5.0 needs 1.5.0, which dep-a accepts too, so it takes 1.0.0's place.
  packument('replace-app', { '1.0.0': { dependencies: { 'dep-a': '^1.0.0', 'dep-b': '^1.0.0' } } }),
  packument('dep-a', { '1.0.0': { dependencies: { shared: '^1.0.0' } } }),
  packument('dep-b', { '1.0.0': { dependencies: { shared: '^1.5.0' } } }),
  packument('shared', { '1.0.0': {}, '1.5.0': {} }, '1.0.0'),
  // An alias: the dependent's name for the package is not its name.
  packument('alias-app', { '1.0.0': { dependencies: { 'my-leaf': 'npm:leaf@^1.0.0' } } }),
];

let registry: FixtureRegistry;
let store: GraphStore;
let cleanup: () => void;

beforeEach(async () => {
  registry = await startFixtureRegistry();
  for (const doc of PACKUMENTS) registry.overrides.set((doc as { name: string }).name, doc);
  const temp = tempDir();
  cleanup = temp.cleanup;
  store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
});
afterEach(async () => {
  await store.close();
  await registry.close();
  cleanup();
});

function run(spec: string) {
  return ingest({
    roots: [parseRootSpec(spec, process.cwd())],
    store,
    registry: registry.url,
    concurrency: 4,
    client: { timeoutMs: 2000, backoffMs: 20, retries: 1 },
  });
}

const key = (nameAtVersion: string): string => `pkg:npm/${nameAtVersion}`;

/** The RESOLVES_TO edges of a root: `from -> to (range)`, sorted. */
async function resolvesTo(root: string): Promise<string[]> {
  const result = await store.query(
    'MATCH (a:Version)-[r:RESOLVES_TO]->(b:Version) WHERE r.root = $root RETURN a.key AS a, b.key AS b, r.range AS range ORDER BY a, b',
    { root: key(root) },
    { rowLimit: 1000, timeoutMs: 10_000 },
  );
  const short = (value: unknown): string =>
    typeof value === 'string' ? value.replace('pkg:npm/', '') : JSON.stringify(value);
  return result.rows.map((row) => `${short(row.a)} -> ${short(row.b)} (${short(row.range)})`);
}

describe('the npm closure is the tree npm places', () => {
  it('satisfies a peer with the version the tree provides, not the latest its range accepts', async () => {
    const summary = await run('npm:peer-app@1.0.0');
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(
      ['core@7.1.0', 'middle@1.0.0', 'peer-app@1.0.0', 'preset@1.0.0'].map(key),
    );
    expect(await resolvesTo('peer-app@1.0.0')).toEqual([
      'middle@1.0.0 -> preset@1.0.0 (^1.0.0)',
      'peer-app@1.0.0 -> core@7.1.0 (^7.0.0)',
      'peer-app@1.0.0 -> middle@1.0.0 (^1.0.0)',
      'preset@1.0.0 -> core@7.1.0 (^7.0.0 || ^8.0.0-0)',
    ]);
    // core@8's dependency was never looked at.
    expect(registry.requests.has('core-eight-only')).toBe(false);
  });

  it('installs a peer nothing in the tree provides, and leaves an optional peer out', async () => {
    const summary = await run('npm:plugin-app@1.0.0');
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(['host@2.1.0', 'plugin-app@1.0.0', 'plugin@1.0.0'].map(key));
    expect(await resolvesTo('plugin-app@1.0.0')).toEqual([
      'plugin-app@1.0.0 -> plugin@1.0.0 (^1.0.0)',
      'plugin@1.0.0 -> host@2.1.0 (^2.0.0)',
    ]);
    // The optional peer is recorded as a dependency, not installed.
    const peers = await store.query(
      "MATCH (:Version {key: $from})-[d:DEPENDS_ON]->(p:Package) WHERE d.kind = 'peer' RETURN p.key AS p, d.`optional` AS isOptional ORDER BY p",
      { from: key('plugin@1.0.0') },
      { rowLimit: 10, timeoutMs: 10_000 },
    );
    expect(peers.rows).toEqual([
      { p: 'pkg:npm/host', isOptional: null },
      { p: 'pkg:npm/typescript', isOptional: true },
    ]);
  });

  it('keeps two majors of one package, each resolved from the version that needs it', async () => {
    const summary = await run('npm:nest-app@1.0.0');
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(
      ['leaf@1.2.0', 'lib@1.0.0', 'lib@2.0.0', 'nest-app@1.0.0', 'tool@1.0.0'].map(key),
    );
    expect(await resolvesTo('nest-app@1.0.0')).toEqual([
      'lib@2.0.0 -> leaf@1.2.0 (^1.0.0)',
      'nest-app@1.0.0 -> lib@1.0.0 (^1.0.0)',
      'nest-app@1.0.0 -> tool@1.0.0 (^1.0.0)',
      'tool@1.0.0 -> lib@2.0.0 (^2.0.0)',
    ]);
  });

  it('records a bundled dependency as bundled and does not fetch it', async () => {
    const summary = await run('npm:bundle-app@1.0.0');
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(['bundle-app@1.0.0', 'bundler@1.0.0', 'leaf@1.2.0'].map(key));
    expect(registry.requests.has('inner')).toBe(false);
    const deps = await store.query(
      'MATCH (:Version {key: $from})-[d:DEPENDS_ON]->(p:Package) RETURN p.key AS p, d.range AS range, d.bundled AS bundled ORDER BY p',
      { from: key('bundler@1.0.0') },
      { rowLimit: 10, timeoutMs: 10_000 },
    );
    expect(deps.rows).toEqual([
      { p: 'pkg:npm/inner', range: '^1.0.0', bundled: true },
      { p: 'pkg:npm/leaf', range: '^1.0.0', bundled: null },
    ]);
  });

  it("lists an optional dependency for another platform, as npm's lockfile does", async () => {
    const summary = await run('npm:native-app@1.0.0');
    expect(summary.resolved).toEqual(
      ['leaf@1.0.0', 'native-app@1.0.0', 'native-darwin-arm64@1.0.0'].map(key),
    );
    // The one the registry does not have is an optional failure: reported, not fatal.
    expect(summary.failures.map((f) => [f.name, f.code, f.optional])).toEqual([
      ['native-win32-x64', 'PACKAGE_MISSING', true],
    ]);
    expect(await resolvesTo('native-app@1.0.0')).toEqual([
      'native-app@1.0.0 -> leaf@1.0.0 (1.0.0)',
      'native-app@1.0.0 -> native-darwin-arm64@1.0.0 (1.0.0)',
    ]);
  });
});

describe('optional peers', () => {
  it('installs a version an optional peer accepts when the tree has one it refuses, nested', async () => {
    const summary = await run('npm:opt-peer-app@1.0.0');
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(
      ['conf@1.0.0', 'conf@2.0.0', 'loader@6.0.0', 'opt-peer-app@1.0.0', 'styler@1.0.0'].map(key),
    );
    expect(await resolvesTo('opt-peer-app@1.0.0')).toEqual([
      'loader@6.0.0 -> conf@2.0.0 (>=2.0.0)',
      'opt-peer-app@1.0.0 -> conf@1.0.0 (^1.0.0)',
      'opt-peer-app@1.0.0 -> styler@1.0.0 (^1.0.0)',
      'styler@1.0.0 -> loader@6.0.0 (^6.0.0)',
    ]);
  });
});

describe('placement', () => {
  it('replaces a version placed first with a newer one every dependent accepts', async () => {
    const summary = await run('npm:replace-app@1.0.0');
    expect(summary.failures).toEqual([]);
    // The range-by-range walk had shared@1.0.0 too.
    expect(summary.resolved).toEqual(
      ['dep-a@1.0.0', 'dep-b@1.0.0', 'replace-app@1.0.0', 'shared@1.5.0'].map(key),
    );
    expect(await resolvesTo('replace-app@1.0.0')).toContain('dep-a@1.0.0 -> shared@1.5.0 (^1.0.0)');
  });

  it('resolves an alias to the package it names', async () => {
    const summary = await run('npm:alias-app@1.0.0');
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(['alias-app@1.0.0', 'leaf@1.2.0'].map(key));
    expect(await resolvesTo('alias-app@1.0.0')).toEqual(['alias-app@1.0.0 -> leaf@1.2.0 (^1.0.0)']);
  });
});

describe('with --workers, the initiator places the tree and workers record it', () => {
  it('records the tree npm places: the peer the tree satisfies, not the latest', async () => {
    await requireRedis();
    const cleanups: (() => Promise<void>)[] = [];
    const queueName = randomQueueName((cleanup) => cleanups.push(cleanup));
    const worker = startIngestWorker({ redisUrl: REDIS_URL, queueName, store, concurrency: 4 });
    try {
      const summary = await ingestWithWorkers({
        redisUrl: REDIS_URL,
        queueName,
        roots: [parseRootSpec('npm:peer-app@1.0.0', process.cwd())],
        registry: registry.url,
        pollMs: 20,
        timeoutMs: 30_000,
      });
      expect(summary.failures).toEqual([]);
      expect(summary.resolved).toEqual(
        ['core@7.1.0', 'middle@1.0.0', 'peer-app@1.0.0', 'preset@1.0.0'].map(key),
      );
      expect(await resolvesTo('peer-app@1.0.0')).toContain(
        'preset@1.0.0 -> core@7.1.0 (^7.0.0 || ^8.0.0-0)',
      );
      expect(registry.requests.has('core-eight-only')).toBe(false);
    } finally {
      await worker.close();
      for (const cleanup of cleanups) await cleanup();
    }
  }, 60_000);
});
