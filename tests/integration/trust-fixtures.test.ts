/**
 * The trust engine on real closures (yargs 16.1.0, rimraf 3.0.2) ingested from the local fixture
 * registry: reach and maintainer reach against brute force over the stored graph, and scores that
 * survive a round trip through the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../graph/store.js';
import { text } from '../../graph/values.js';
import { listInvestigations } from '../../graph/investigations.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores, type ScoreResult } from '../../trust/score.js';
import { writeScores } from '../../trust/write-scores.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { ingestedStore } from '../helpers/fixture-store.js';

let registry: FixtureRegistry;
let store: GraphStore;
let cleanup: () => void;
let result: ScoreResult;
const Q = { rowLimit: 100_000, timeoutMs: 30_000 };

beforeAll(async () => {
  registry = await startFixtureRegistry();
  ({ store, cleanup } = await ingestedStore(
    ['npm:yargs@16.1.0', 'npm:rimraf@3.0.2'],
    registry.url,
  ));
  result = computeScores(await loadTrustGraph(store), {
    anchors: ['org:github:isaacs', 'org:github:yargs'],
    now: new Date('2026-11-24T00:00:00Z'),
  });
});
afterAll(async () => {
  await store.close();
  await registry.close();
  cleanup();
});

/** Dependents of every version, by walking RESOLVES_TO in the store from each version. */
async function bruteForceDependents(): Promise<Map<string, Set<string>>> {
  const rows = await store.query(
    'MATCH (a:Version)-[:RESOLVES_TO]->(b:Version) RETURN DISTINCT a.key AS a, b.key AS b',
    {},
    Q,
  );
  const edges = rows.rows.map((r) => [text(r.a), text(r.b)] as const);
  const versions = new Set(edges.flatMap(([a, b]) => [a, b]));
  const out = new Map<string, Set<string>>();
  for (const target of versions) {
    const found = new Set<string>();
    for (const start of versions) {
      if (start === target) continue;
      const seen = new Set([start]);
      const stack = [start];
      while (stack.length > 0) {
        const v = stack.pop() as string;
        for (const [a, b] of edges) {
          if (a !== v || seen.has(b)) continue;
          if (b === target) found.add(start);
          seen.add(b);
          stack.push(b);
        }
      }
    }
    out.set(target, found);
  }
  return out;
}

describe('trust on the yargs and rimraf closures', () => {
  it('scores every resolved version of both closures', () => {
    expect(result.versions.size).toBe(28);
    for (const score of result.versions.values()) {
      for (const value of [score.trust, score.ownTrust, score.exposure, score.local.value]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(score.trust).toBeLessThanOrEqual(score.ownTrust + 1e-12);
    }
  });

  it('computes reach equal to a brute-force walk over the stored graph', async () => {
    const dependents = await bruteForceDependents();
    for (const [key, score] of result.versions)
      expect(score.reach, key).toBe(dependents.get(key)?.size ?? 0);
    expect(result.versions.get('pkg:npm/ansi-regex@5.0.0')?.reach).toBe(5);
  });

  it('explains reputation by anchor shares and the best walk from an anchor', () => {
    const isaacs = result.persons.get('person:npm:isaacs');
    expect(isaacs?.walk[0]).toMatch(/^org:github:(isaacs|yargs)$/);
    expect(isaacs?.walk.at(-1)).toBe('person:npm:isaacs');
    const shares = isaacs?.anchorShares ?? [];
    expect(shares.length).toBeGreaterThan(0);
    expect(shares.reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(1, 2);
    // Reputation comes mostly from the anchor next to him.
    expect(shares[0]?.anchor).toBe('org:github:isaacs');
  });

  it('computes maintainer reach equal to brute force', async () => {
    const dependents = await bruteForceDependents();
    const owners = await store.query(
      'MATCH (p:Person)-[:MAINTAINS]->(:Package)-[:HAS_VERSION]->(v:Version) RETURN p.key AS person, v.key AS version UNION MATCH (p:Person)-[:PUBLISHED]->(v:Version) RETURN p.key AS person, v.key AS version',
      {},
      Q,
    );
    const byPerson = new Map<string, Set<string>>();
    for (const row of owners.rows) {
      const version = text(row.version);
      if (!result.versions.has(version)) continue;
      const set = byPerson.get(text(row.person)) ?? new Set<string>();
      set.add(version);
      byPerson.set(text(row.person), set);
    }
    expect(byPerson.size).toBeGreaterThan(5);
    for (const [person, versions] of byPerson) {
      const reached = new Set<string>();
      for (const v of versions) {
        reached.add(v);
        for (const d of dependents.get(v) ?? []) reached.add(d);
      }
      expect(result.persons.get(person)?.maintainerReach, person).toBe(reached.size);
    }
  });

  it('writes scores that survive a round trip, and a re-score replaces them', async () => {
    const first = '2026-11-24T00:00:00.000Z';
    const written = await writeScores(store, result, first);
    expect(written.versions).toBe(28);
    const stored = await store.query(
      'MATCH (v:Version) WHERE v.scoredAt = $at RETURN v.key AS key, v.trust AS trust, v.reach AS reach, v.explanation AS explanation',
      { at: first },
      Q,
    );
    expect(stored.rows).toHaveLength(28);
    for (const row of stored.rows) {
      const score = result.versions.get(text(row.key));
      expect(row.trust).toBeCloseTo(score?.trust ?? -1, 12);
      expect(row.reach).toBe(score?.reach);
      expect(JSON.parse(text(row.explanation))).toMatchObject({
        node: row.key,
        metric: 'E',
        formula: 'weakest-link/v1',
      });
    }
    // Score only yargs' closure: rimraf's versions lose their scores instead of keeping stale ones.
    const second = '2026-11-25T00:00:00.000Z';
    const partial: ScoreResult = {
      ...result,
      versions: new Map(
        [...result.versions].filter(
          ([key]) =>
            !/rimraf|glob|minimatch|brace|balanced|concat|inflight|once|wrappy|inherits|fs\.realpath|path-is-absolute/.test(
              key,
            ),
        ),
      ),
    };
    await writeScores(store, partial, second);
    const stale = await store.query(
      'MATCH (v:Version) WHERE v.scoredAt = $at RETURN count(v) AS n',
      { at: first },
      Q,
    );
    expect(stale.rows).toEqual([{ n: 0 }]);
    const rimraf = await store.node('pkg:npm/rimraf@3.0.2');
    expect(rimraf?.properties.trust).toBeUndefined();
  });
});

describe('saved investigations', () => {
  const investigations = listInvestigations();

  it('has the eight of the issue, each with a title, a description and its parameters declared', () => {
    expect(investigations.map((i) => i.name).sort()).toEqual([
      'dependents',
      'deprecated-in-closure',
      'maintainers-of-root',
      'new-publisher-latest',
      'packages-with-advisories',
      'paths-to-unprovenanced-single-maintainer',
      'single-maintainer-chokepoints',
      'unverified-repositories',
    ]);
    for (const investigation of investigations) {
      expect(investigation.title, investigation.name).not.toBe('');
      expect(investigation.description, investigation.name).not.toBe('');
      const used = [
        ...new Set(
          [...investigation.cypher.replace(/^\/\/.*$/gm, '').matchAll(/\$(\w+)/g)].map((m) => m[1]),
        ),
      ].sort();
      expect(investigation.params.map((p) => p.name).sort(), investigation.name).toEqual(used);
    }
  });

  it('runs each on the scored closures, read-only, with answers that make sense', async () => {
    await writeScores(store, result, new Date().toISOString());
    const values: Record<string, string | number> = {
      root: 'pkg:npm/yargs@16.1.0',
      package: 'pkg:npm/ansi-regex',
      limit: 50,
    };
    const answers = new Map<string, Record<string, unknown>[]>();
    for (const investigation of investigations) {
      const params = Object.fromEntries(
        investigation.params.map((p) => [p.name, values[p.name] ?? p.example]),
      );
      const answer = await store.query(investigation.cypher, params, Q);
      answers.set(investigation.name, answer.rows);
    }
    expect(answers.get('single-maintainer-chokepoints')?.[0]).toMatchObject({
      version: 'pkg:npm/color-name@1.1.4',
      reach: 5,
    });
    expect(answers.get('unverified-repositories')?.length).toBe(28);
    const share = answers.get('maintainers-of-root') ?? [];
    expect(share[0]).toMatchObject({ maintainer: 'person:npm:sindresorhus', total: 16 });
    const paths = answers.get('paths-to-unprovenanced-single-maintainer') ?? [];
    const toColorName = paths.find((r) => r.version === 'pkg:npm/color-name@1.1.4');
    expect(toColorName?.hops).toBe(5);
    expect((toColorName?.path as string[])[0]).toBe('pkg:npm/yargs@16.1.0');
    expect((toColorName?.path as string[]).at(-1)).toBe('pkg:npm/color-name@1.1.4');
    expect(answers.get('dependents')?.map((r) => r.dependent)).toContain(
      'pkg:npm/strip-ansi@6.0.0',
    );
    expect(answers.get('packages-with-advisories')).toEqual([]);
  });
});
