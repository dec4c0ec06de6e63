/// <reference lib="dom" />
/**
 * The pipeline on a real Neo4j beside the embedded store: the same closures (yargs 16.1.0,
 * rimraf 3.0.2) ingested in-process from the local fixture registry into both, scored from each,
 * every read statement and saved investigation of cypher/ run on both with real data, and the API
 * served over each. The two stores must give a user the same answers; where their Cypher differs,
 * the sibling file is listed in tests/unit/cypher-files.test.ts. Last, the built explorer in
 * Chromium over the Neo4j store (here rather than in tests/e2e/, to share this file's Neo4j).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { CypherLoader } from '../../graph/cypher-loader.js';
import { listInvestigations } from '../../graph/investigations.js';
import { text } from '../../graph/values.js';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store.js';
import type { GraphStore, Row, StreamedNode, StreamedRelationship } from '../../graph/store.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores, type ScoreResult } from '../../trust/score.js';
import { writeScores } from '../../trust/write-scores.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { listenApi } from '../helpers/api-server.js';
import { colouredPixels, launchChromium, watchPage } from '../helpers/browser.js';
import { CLIENT_DIR } from '../helpers/explorer-fixture.js';
import { canonicalRows } from '../helpers/graph-snapshot.js';
import { clearNeo4j, useNeo4j } from '../helpers/neo4j.js';
import { tempDir } from '../helpers/temp.js';

const neo4j = useNeo4j('Neo4j pipeline tests');
const skip = neo4j.skip;
const ROOTS = ['npm:yargs@16.1.0', 'npm:rimraf@3.0.2'];
const ANCHORS = ['org:github:isaacs', 'org:github:yargs'];
const NOW = new Date('2026-11-24T00:00:00Z');
const SCORED_AT = '2026-11-24T00:00:00.000Z';
const Q = { rowLimit: 100_000, timeoutMs: 30_000 };
/** Reads whose answer is about the store itself, not the graph: they must run, not agree. */
const STORE_SPECIFIC_READS = new Set(['read/schema-indexes', 'read/schema-constraints']);

async function graphOf(
  store: GraphStore,
): Promise<{ nodes: StreamedNode[]; relationships: StreamedRelationship[] }> {
  const nodes: StreamedNode[] = [];
  const relationships: StreamedRelationship[] = [];
  for await (const batch of store.stream()) {
    if (batch.kind === 'nodes') nodes.push(...batch.nodes);
    else relationships.push(...batch.relationships);
  }
  return { nodes, relationships };
}

/** An API answer without its timings: the rest must be the same, byte for byte, on both stores. */
function comparable(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body, (key, value: unknown) => (key === 'elapsedMs' ? undefined : value)),
  );
}

describe.skipIf(skip !== undefined)('the pipeline on Neo4j and on the embedded store', () => {
  let registry: FixtureRegistry;
  let embedded: EmbeddedStore;
  let onNeo4j: Neo4jStore;
  let cleanup: () => void;
  const scores = new Map<string, ScoreResult>();

  // Both stores get the same ingest, then the same scoring run written back.
  beforeAll(async () => {
    registry = await startFixtureRegistry();
    const temp = tempDir();
    cleanup = temp.cleanup;
    embedded = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    await clearNeo4j(neo4j.config());
    onNeo4j = await Neo4jStore.open(neo4j.config());
    for (const [name, store] of [
      ['embedded', embedded],
      ['neo4j', onNeo4j],
    ] as const) {
      const roots = ROOTS.map((s) => parseRootSpec(s, '/'));
      await ingest({ roots, store, registry: registry.url });
      // One contribution (the ingest reads no repositories here), so that the reads of
      // contributors have a row to answer alike, on both stores.
      await store.upsertRelationships('CONTRIBUTES_TO', [
        { from: 'person:npm:bcoe', to: 'repo:github.com/yargs/yargs', props: { commits: 3 } },
      ]);
      // And one scope (the closures have no scoped package), for the reads of scopes.
      await store.upsertRelationships('IN_SCOPE', [
        { from: 'pkg:npm/yargs', to: 'org:npm:@yargs', props: {} },
      ]);
      const result = computeScores(await loadTrustGraph(store), { anchors: ANCHORS, now: NOW });
      scores.set(name, result);
      await writeScores(store, result, SCORED_AT);
    }
  }, 120_000);
  afterAll(async () => {
    await onNeo4j.close();
    await embedded.close();
    await registry.close();
    cleanup();
  });

  it('an in-process ingest and a scoring run store the same graph in both: every node, property and relationship', async () => {
    const [a, b] = await Promise.all([graphOf(embedded), graphOf(onNeo4j)]);
    expect(b.nodes.length).toBeGreaterThan(100);
    expect(b.relationships.length).toBeGreaterThan(200);
    expect(canonicalRows(b.nodes)).toEqual(canonicalRows(a.nodes));
    expect(canonicalRows(b.relationships)).toEqual(canonicalRows(a.relationships));
    expect(await onNeo4j.counts()).toEqual(await embedded.counts());
  });

  it('scores the same from either store, and keeps what was written', async () => {
    const a = scores.get('embedded');
    const b = scores.get('neo4j');
    expect(b?.versions.size).toBe(28);
    expect(canonicalRows([...(b?.versions.values() ?? [])])).toEqual(
      canonicalRows([...(a?.versions.values() ?? [])]),
    );
    const yargs = await onNeo4j.node('pkg:npm/yargs@16.1.0');
    expect(yargs?.properties.scoredAt).toBe(SCORED_AT);
    expect(yargs?.properties.trust).toBeGreaterThan(0);
    expect(yargs?.properties.trust).toBe(
      (await embedded.node('pkg:npm/yargs@16.1.0'))?.properties.trust,
    );
  });

  it('answers every read statement of cypher/ alike, with rows', async () => {
    const loader = new CypherLoader();
    // Every node's key: each statement that takes `keys` reads those of its own label.
    const keys = (await onNeo4j.query('MATCH (n) RETURN n.key AS key', {}, Q)).rows.map((r) =>
      text(r.key),
    );
    const params = {
      key: 'pkg:npm/yargs',
      keys,
      q: 'ya',
      limit: 50,
      until: '2100-01-01T00:00:00.000Z',
      labels: ['Package', 'Version', 'Person'],
      types: ['DEPENDS_ON', 'MAINTAINS'],
    };
    const names = loader.names('read', 'neo4j');
    // The embedded store's own reads (max-*-id) are its way of streaming; Neo4j streams by driver.
    expect(names).toEqual(
      loader.names('read', 'embedded').filter((n) => !n.startsWith('read/max-')),
    );
    // Statements whose parameters are not the shared ones.
    const ownParams: Record<string, Record<string, string | number>> = {
      'read/graph-cut-closure': { root: 'pkg:npm/yargs@16.1.0', cap: 1000 },
      'read/graph-cut-root-key': { key: 'pkg:npm/yargs@16.1.0' },
      'read/graph-cut-root-versions': { package: 'pkg:npm/yargs' },
    };
    for (const name of names) {
      const these = { ...params, ...ownParams[name] };
      const [a, b] = await Promise.all([embedded.read(name, these), onNeo4j.read(name, these)]);
      expect(b.length, name).toBeGreaterThan(0);
      // The graph cut's lists (a version's children) are sets: collected in no set order.
      const rows = (r: Row[]) =>
        name.startsWith('read/graph-cut-')
          ? r.map((row) =>
              Object.fromEntries(
                Object.entries(row).map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v]),
              ),
            )
          : r;
      if (!STORE_SPECIFIC_READS.has(name))
        expect(canonicalRows(rows(b)), name).toEqual(canonicalRows(rows(a)));
    }
  });

  it('answers every saved investigation alike on the scored graph', async () => {
    const values: Record<string, string | number> = {
      root: 'pkg:npm/yargs@16.1.0',
      package: 'pkg:npm/ansi-regex',
      limit: 1000,
    };
    const onEmbedded = listInvestigations('embedded');
    const investigations = listInvestigations('neo4j');
    expect(investigations.map((i) => i.name)).toEqual(onEmbedded.map((i) => i.name));
    const empty: string[] = [];
    for (const investigation of investigations) {
      const params = Object.fromEntries(
        investigation.params.map((p) => [p.name, values[p.name] ?? p.example]),
      );
      const other = onEmbedded.find((i) => i.name === investigation.name);
      const [a, b] = await Promise.all([
        embedded.query(other?.cypher ?? '', params, Q),
        onNeo4j.query(investigation.cypher, params, Q),
      ]);
      expect(b.columns, investigation.name).toEqual(a.columns);
      expect(canonicalRows(b.rows), investigation.name).toEqual(canonicalRows(a.rows));
      if (b.rows.length === 0) empty.push(investigation.name);
    }
    // No advisories were ingested, and nothing in these closures is deprecated.
    expect(empty).toEqual(['deprecated-in-closure', 'packages-with-advisories']);
    const chokepoints = investigations.find((i) => i.name === 'single-maintainer-chokepoints');
    const answer = await onNeo4j.query(chokepoints?.cypher ?? '', { limit: 10 }, Q);
    expect(answer.rows[0]).toMatchObject({ version: 'pkg:npm/color-name@1.1.4', reach: 5 });
  });
  it('serves the same API answers over Neo4j as over the embedded store', async () => {
    const apis = await Promise.all(
      [embedded, onNeo4j].map((store) => listenApi(store, { npmRegistry: registry.url })),
    );
    try {
      const cliui = encodeURIComponent('pkg:npm/cliui@7.0.2');
      const requests: [string, unknown?][] = [
        ['/api/search?q=ya'],
        ['/api/search?q=ansi'],
        [`/api/nodes/${cliui}`],
        [`/api/nodes/${encodeURIComponent('pkg:npm/yargs')}`],
        [`/api/nodes/${encodeURIComponent('person:npm:bcoe')}`],
        [`/api/packages/${encodeURIComponent('pkg:npm/yargs')}/timeline`],
        ['/api/chokepoints?root=npm:yargs&limit=10'],
        ['/api/chokepoints'],
        ['/api/whatif?person=person:npm:bcoe&root=pkg:npm/yargs@16.1.0'],
        ['/api/roots'],
        ['/api/investigations'],
        [
          '/api/investigations/dependents',
          { params: { package: 'pkg:npm/ansi-regex', limit: 50 } },
        ],
        [
          '/api/cypher',
          { query: 'MATCH (v:Version) RETURN v.key AS key, v.trust AS trust ORDER BY key' },
        ],
        ['/api/cypher', { query: "CREATE (:Package {key: 'evil'})" }],
        ['/api/graph?root=npm:yargs&layers=deps,people,repos,orgs'],
      ];
      for (const [url, body] of requests) {
        const [a, b] = await Promise.all(
          apis.map(async (api) => {
            const response = await fetch(
              `${api.base}${url}`,
              body === undefined
                ? {}
                : {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify(body),
                  },
            );
            return { status: response.status, body: comparable(await response.json()) };
          }),
        );
        // Every request is answered, but the write the console refuses.
        expect(a?.status, url).toBe(JSON.stringify(body ?? {}).includes('CREATE') ? 403 : 200);
        expect(b?.status, url).toBe(a?.status);
        expect(b?.body, url).toEqual(a?.body);
      }
    } finally {
      await Promise.all(apis.map((api) => api.close()));
    }
  });
  it('shows the explorer over Neo4j in a browser: the root graph drawn, cliui found and detailed', async () => {
    const api = await listenApi(onNeo4j, { npmRegistry: registry.url, clientDir: CLIENT_DIR });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const watch = await watchPage(page);
      await page.goto(`${api.base}/?root=${encodeURIComponent('pkg:npm/yargs@16.1.0')}`);
      await page.waitForFunction(() => document.body.dataset.graph === 'laid-out', null, {
        timeout: 30_000,
      });
      expect(await colouredPixels(page, await page.locator('#graph').screenshot())).toBeGreaterThan(
        500,
      );
      await page.keyboard.press('/');
      await page.keyboard.type('cliui');
      await page
        .locator('#search-list')
        .getByRole('option', { name: /^cliui/ })
        .first()
        .waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const heading = page.locator('aside[aria-label="Details"][aria-busy="false"] h2');
      await expect.poll(() => heading.textContent({ timeout: 10_000 })).toBe('cliui');
      const details = await page.getByRole('complementary', { name: 'Details' }).textContent();
      expect(details).toContain('Maintainers');
      expect(details).toContain('Effective trust');
      expect(watch.problems).toEqual([]);
    } finally {
      await browser.close();
      await api.close();
    }
  }, 90_000);
});
