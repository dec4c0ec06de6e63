/**
 * OSV advisories over real HTTP from a local server with the fixture records: which versions they
 * hit (checked against each record's ranges, not just taken from the server), malicious-package
 * advisories, paging, idempotence, and what the trust engine makes of them.
 */
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../graph/store.js';
import { text } from '../../graph/values.js';
import { ingestAdvisories } from '../../ingest/advisories.js';
import { affects } from '../../ingest/sources/osv/affected.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores } from '../../trust/score.js';
import { runCli } from '../helpers/cli.js';
import { startFixtureOsv, type FixtureOsv } from '../helpers/fixture-osv.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';
import { ingestedStore } from '../helpers/fixture-store.js';

let registry: FixtureRegistry;
let osv: FixtureOsv;
let store: GraphStore;
let cleanup: () => void;

/** The versions each advisory hits, as the graph says. */
async function affectedBy(): Promise<Record<string, string[]>> {
  const result = await store.query(
    'MATCH (v:Version)-[:AFFECTED_BY]->(a:Vulnerability) RETURN a.key AS advisory, v.key AS version ORDER BY advisory, version',
    {},
    { rowLimit: 1000, timeoutMs: 10_000 },
  );
  const out: Record<string, string[]> = {};
  for (const row of result.rows) (out[text(row.advisory)] ??= []).push(text(row.version));
  return out;
}

beforeAll(async () => {
  registry = await startFixtureRegistry();
  osv = await startFixtureOsv();
  ({ store, cleanup } = await ingestedStore(
    ['npm:yargs@16.1.0', 'npm:rimraf@3.0.2'],
    registry.url,
  ));
  // Versions no fixture closure reaches: a fixed ansi-regex, the malicious packages, and the PyPI
  // versions of the fixtures README, written directly so this test needs no PyPI server.
  const versions = [
    'pkg:npm/ansi-regex@5.0.1',
    'pkg:npm/flatmap-stream@0.1.1',
    'pkg:pypi/0requests@0.0.1',
    'pkg:pypi/requests@2.18.4',
    'pkg:pypi/requests@2.31.0',
    'pkg:pypi/py@1.5.3',
  ];
  await store.upsertNodes(
    'Version',
    versions.map((key) => ({ key, props: { version: key.slice(key.lastIndexOf('@') + 1) } })),
  );
  await store.upsertRelationships(
    'HAS_VERSION',
    versions.map((key) => ({ from: key.slice(0, key.lastIndexOf('@')), to: key, props: {} })),
  );
  // An application whose resolved tree pulled in the malicious version (as event-stream's did).
  await store.upsertNodes('Version', [{ key: 'pkg:npm/app@1.0.0', props: { version: '1.0.0' } }]);
  await store.upsertRelationships('RESOLVES_TO', [
    {
      from: 'pkg:npm/app@1.0.0',
      to: 'pkg:npm/flatmap-stream@0.1.1',
      props: { root: 'pkg:npm/app@1.0.0', range: '0.1.1' },
    },
  ]);
}, 60_000);
afterAll(async () => {
  await store.close();
  await registry.close();
  await osv.close();
  cleanup();
});

describe('OSV advisories', () => {
  it('hits exactly the versions the records cover, and marks malicious packages', async () => {
    const summary = await ingestAdvisories({ store, osvUrl: osv.url });
    const hit = await affectedBy();
    expect(Object.keys(hit)).toEqual([
      'osv:GHSA-93q8-gq69-wqmw',
      'osv:GHSA-f8q6-p94x-37v3',
      'osv:GHSA-j8r2-6x86-q33q',
      'osv:GHSA-w596-4wvx-j9j6',
      'osv:MAL-2025-20690',
      'osv:MAL-2026-15859',
    ]);
    // The versions the fixtures README names, and every published version in the graph that the
    // ranges cover (the ingest keeps each package's versions), nothing else.
    expect(hit['osv:GHSA-93q8-gq69-wqmw']).toContain('pkg:npm/ansi-regex@5.0.0');
    expect(hit['osv:GHSA-93q8-gq69-wqmw']).not.toContain('pkg:npm/ansi-regex@5.0.1');
    expect(hit['osv:GHSA-93q8-gq69-wqmw']).not.toContain('pkg:npm/ansi-regex@2.1.1');
    expect(hit['osv:GHSA-f8q6-p94x-37v3']).toContain('pkg:npm/minimatch@3.0.4');
    expect(hit['osv:GHSA-f8q6-p94x-37v3']).not.toContain('pkg:npm/minimatch@3.0.5');
    expect(
      hit['osv:GHSA-f8q6-p94x-37v3']?.every((key) =>
        semver.lt(key.slice(key.lastIndexOf('@') + 1), '3.0.5'),
      ),
    ).toBe(true);
    expect(hit['osv:GHSA-j8r2-6x86-q33q']).toEqual(['pkg:pypi/requests@2.18.4']);
    expect(hit['osv:GHSA-w596-4wvx-j9j6']).toEqual(['pkg:pypi/py@1.5.3']);
    expect(hit['osv:MAL-2025-20690']).toEqual(['pkg:npm/flatmap-stream@0.1.1']);
    expect(hit['osv:MAL-2026-15859']).toEqual(['pkg:pypi/0requests@0.0.1']);
    // The loose server named every version of these packages; the ranges kept the right ones.
    expect(summary.unconfirmed).toBeGreaterThan(0);
    expect(summary.affected).toBe(Object.values(hit).flat().length);
    expect(summary.malicious).toEqual(['pkg:npm/flatmap-stream', 'pkg:pypi/0requests']);
    expect(summary.advisories).toBe(6);
    expect((await store.node('pkg:npm/flatmap-stream'))?.properties.malicious).toBe(true);
    expect((await store.node('pkg:npm/ansi-regex'))?.properties.malicious).toBeUndefined();
    const ghsa = await store.node('osv:GHSA-93q8-gq69-wqmw');
    expect(ghsa?.labels).toEqual(['Vulnerability']);
    expect(ghsa?.properties).toMatchObject({
      severity: 'high',
      malicious: false,
      aliases: 'CVE-2021-3807',
      summary: 'Inefficient Regular Expression Complexity in chalk/ansi-regex',
    });
    expect((await store.node('osv:MAL-2025-20690'))?.properties.malicious).toBe(true);
    // Every version went out in one batch.
    expect(osv.batches.at(-1)).toBe(summary.versions);
  });

  it('changes nothing when run again, and follows page tokens', async () => {
    const before = await store.counts();
    osv.pageSize = 1;
    try {
      await ingestAdvisories({ store, osvUrl: osv.url });
    } finally {
      osv.pageSize = 1000;
    }
    expect(await store.counts()).toEqual(before);
    expect(Object.keys(await affectedBy())).toHaveLength(6);
  });

  it('feeds the trust engine: malicious means L = 0, an advisory lowers L', async () => {
    const result = computeScores(await loadTrustGraph(store), { anchors: [] });
    const mal = result.versions.get('pkg:npm/flatmap-stream@0.1.1');
    // TRUST-MODEL.md 2.1: a known-malicious version's local score L is 0, whatever its signals.
    expect(mal?.local.value).toBe(0);
    expect(mal?.local.capped).toBe('known malicious');
    const hit = result.versions.get('pkg:npm/ansi-regex@5.0.0');
    const clean = result.versions.get('pkg:npm/ansi-styles@4.3.0');
    const signal = (v: typeof hit, name: string) =>
      v?.local.contributions.find((c) => c.signal === name);
    expect(signal(hit, 'advisories')?.raw).toBe('high');
    expect(signal(clean, 'advisories')?.raw).toBe('');
    expect(signal(hit, 'advisories')?.norm).toBeLessThan(signal(clean, 'advisories')?.norm ?? 0);
  });
});

describe('affected ranges', () => {
  const record = (events: Record<string, string>[], ecosystem = 'npm', versions?: string[]) => ({
    affected: [
      {
        package: { ecosystem, name: 'x' },
        ranges: [{ type: 'ECOSYSTEM', events }],
        ...(versions ? { versions } : {}),
      },
    ],
  });
  it('reads introduced, fixed and last_affected the ecosystem way', () => {
    const fixed = record([{ introduced: '1.2.0' }, { fixed: '1.4.0' }]);
    expect(affects(fixed, 'npm', 'x', '1.1.9')).toBe(false);
    expect(affects(fixed, 'npm', 'x', '1.2.0')).toBe(true);
    expect(affects(fixed, 'npm', 'x', '1.3.10')).toBe(true);
    expect(affects(fixed, 'npm', 'x', '1.4.0')).toBe(false);
    expect(affects(fixed, 'npm', 'y', '1.3.0')).toBe(false);
    const last = record([{ introduced: '0' }, { last_affected: '1.11.0' }], 'PyPI');
    expect(affects(last, 'PyPI', 'x', '1.11.0')).toBe(true);
    expect(affects(last, 'PyPI', 'x', '1.11.0.post1')).toBe(false);
    expect(affects(last, 'PyPI', 'x', '1.9')).toBe(true);
    expect(affects(last, 'PyPI', 'X', '1.2.0rc1')).toBe(true);
    const open = record([{ introduced: '0' }]);
    expect(affects(open, 'npm', 'x', '0.0.1')).toBe(true);
    const twice = record([{ introduced: '1.0.0' }, { fixed: '1.0.5' }, { introduced: '2.0.0' }]);
    expect(affects(twice, 'npm', 'x', '1.5.0')).toBe(false);
    expect(affects(twice, 'npm', 'x', '2.3.0')).toBe(true);
    expect(affects(record([], 'PyPI', ['0.0.1']), 'PyPI', 'x', '0.0.1')).toBe(true);
    expect(affects(null, 'npm', 'x', '1.0.0')).toBe(false);
  });
});

describe('trustmap advisories and ingest --advisories', () => {
  it('records advisories from the command line, and says what it did', async () => {
    const work = tempDir('trustmap-cli-osv-');
    try {
      const env = { NPM_REGISTRY: registry.url, OSV_URL: osv.url };
      const ingested = await runCli(
        ['ingest', 'npm:rimraf@3.0.2', '--advisories', '--no-repos'],
        work.dir,
        env,
      );
      expect(ingested.code).toBe(0);
      expect(ingested.stdout).toMatch(/^advisories: 1 hit \d+ of \d+ versions/m);
      const again = await runCli(['advisories', '--json'], work.dir, env);
      expect(again.code).toBe(0);
      const summary = JSON.parse(again.stdout) as { advisories: number; malicious: string[] };
      expect(summary).toMatchObject({ advisories: 1, malicious: [] });
      const query = await runCli(
        [
          'query',
          'MATCH (v:Version {key: $key})-[:AFFECTED_BY]->(a) RETURN a.key AS advisory',
          '-p',
          'key=pkg:npm/minimatch@3.0.4',
          '--format',
          'json',
        ],
        work.dir,
        env,
      );
      expect(query.stdout).toContain('osv:GHSA-f8q6-p94x-37v3');
    } finally {
      work.cleanup();
    }
  });
});
