/**
 * /api/graph cut by the store from the root (server/graph-cut.ts) gives the answer the whole
 * loaded graph gives (the view over `loadTrustGraph`, as the server answered before), on a
 * generated scored graph (bench/large-graph.ts, small) with parts the root cannot reach, on the
 * embedded store and on a real Neo4j.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeGraphRoots, writeLargeGraph, type LargeGraphShape } from '../../bench/large-graph.js';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store.js';
import type { GraphStore, Row } from '../../graph/store.js';
import { graphFromRoot } from '../../server/graph-cut.js';
import { graphView, type Layer } from '../../server/graph-view.js';
import { expandGraph } from '../../shared/graph-wire.js';
import type { CompactGraph, SerializedGraph } from '../../shared/wire-types.js';
import { loadTrustGraph } from '../../trust/load.js';
import { rootIndex } from '../../trust/report.js';
import { readFlagSeverities } from '../../trust/stored-scores.js';
import { listenApi, type TestApi } from '../helpers/api-server.js';
import { clearNeo4j, useNeo4j } from '../helpers/neo4j.js';
import { tempDir } from '../helpers/temp.js';

const SHAPE: LargeGraphShape = {
  packages: 300,
  versions: 3,
  deps: 4,
  window: 25,
  people: 120,
  orgs: 40,
  closure: 240,
};
const { closureRoot, smallRoot } = largeGraphRoots(SHAPE);
const ALL: Layer[] = ['deps', 'people', 'repos', 'orgs', 'contributors'];
const neo4j = useNeo4j('the graph cut on Neo4j');

async function fetchGraph(base: string, query: string): Promise<SerializedGraph> {
  const response = await fetch(`${base}/api/graph?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SerializedGraph;
}

/** The versions RESOLVES_TO reaches from `root` within `depth`, from the whole loaded graph. */
function reachable(
  resolves: Iterable<{ from: string; to: string }>,
  root: string,
  depth: number,
): Set<string> {
  const children = new Map<string, string[]>();
  for (const e of resolves) children.set(e.from, [...(children.get(e.from) ?? []), e.to]);
  const seen = new Set([root]);
  let frontier = [root];
  for (let d = 0; d < depth; d++) {
    const next = frontier.flatMap((k) => children.get(k) ?? []).filter((k) => !seen.has(k));
    for (const k of next) seen.add(k);
    frontier = [...new Set(next)];
  }
  return seen;
}

function suite(
  name: string,
  open: () => Promise<{ store: GraphStore; close: () => Promise<void> }>,
) {
  describe(`/api/graph cut from the root (${name})`, () => {
    let store: GraphStore;
    let close: () => Promise<void>;
    let api: TestApi;

    beforeAll(async () => {
      ({ store, close } = await open());
      await writeLargeGraph(store, SHAPE);
      api = await listenApi(store);
    }, 120_000);
    afterAll(async () => {
      await api.close();
      await close();
    });

    it.each([
      ['the whole closure, every layer', closureRoot, 50, ALL, 50_000],
      [
        'the default layers, cut at 100 nodes',
        closureRoot,
        20,
        ['deps', 'people', 'repos', 'orgs'],
        100,
      ],
      ['three levels of dependencies only', closureRoot, 3, ['deps'], 5000],
      ['cut at 7 nodes', closureRoot, 50, ALL, 7],
      ['a small root', smallRoot, 50, ALL, 5000],
    ] as const)('gives the whole graph view: %s', async (_what, root, depth, layers, limit) => {
      const whole = await loadTrustGraph(store);
      const expected = graphView(whole, root, {
        depth,
        layers,
        limit,
        flagSeverity: await readFlagSeverities(store),
      });
      const cut = await fetchGraph(
        api.base,
        new URLSearchParams({
          root,
          depth: String(depth),
          layers: layers.join(','),
          limit: String(limit),
        }).toString(),
      );
      expect(cut).toEqual(expected);
      expect(cut.nodes.length).toBeGreaterThan(Math.min(limit, 5) - 1);
    });

    it.each([
      ['every layer', ALL, 50_000],
      ['the default layers, cut at 300 nodes', ['deps', 'people', 'repos', 'orgs'], 300],
      ['dependencies only', ['deps'], 50_000],
    ] as const)(
      'gives the same view read in batches of 7 keys, several at once: %s',
      async (_what, layers, limit) => {
        const whole = await loadTrustGraph(store);
        const options = { depth: 50, layers, limit };
        const expected = graphView(whole, closureRoot, {
          ...options,
          flagSeverity: await readFlagSeverities(store),
        });
        let reads = 0;
        let inFlight = 0;
        let most = 0;
        const counted: GraphStore = Object.create(store) as GraphStore;
        counted.read = async (name, params) => {
          reads++;
          most = Math.max(most, ++inFlight);
          try {
            return await store.read(name, params);
          } finally {
            inFlight--;
          }
        };
        // The levels walked (on Neo4j the closure would come in one statement, as tested below).
        expect(
          expandGraph(
            await graphFromRoot(counted, closureRoot, { ...options, batch: 7, closure: false }),
          ),
        ).toEqual(expected);
        expect(reads).toBeGreaterThan(20);
        expect(most).toBeGreaterThan(1);
      },
    );

    it(`reads the closure ${name === 'neo4j' ? 'in one statement, and a larger one by level without reading a version twice' : 'by level'}`, async () => {
      const whole = await loadTrustGraph(store);
      const names: string[] = [];
      let closureKeys: string[] = [];
      const levelKeys: string[] = [];
      const counted: GraphStore = Object.create(store) as GraphStore;
      let lastRows = false;
      counted.read = async (statement, params) => {
        names.push(statement);
        let rows: Row[];
        if (statement === 'read/graph-cut-closure' && lastRows) {
          // The statement may give any limit + 1 versions of a larger closure: here the last ones
          // (the farthest from the root), not the first ones it happens to give.
          const all = await store.read(statement, { ...params, cap: 100_000 });
          rows = all.slice(-Number(params?.cap));
        } else rows = await store.read(statement, params);
        if (statement === 'read/graph-cut-closure')
          closureKeys = rows.flatMap((r) => (typeof r.key === 'string' ? [r.key] : []));
        if (statement.startsWith('read/graph-cut-versions'))
          levelKeys.push(...((params?.keys ?? []) as string[]));
        return rows;
      };
      // The closure's rows, streamed on Neo4j, go through the counted read here.
      counted.readEach = async (statement, params, each) => {
        for (const row of await counted.read(statement, params)) each(row);
      };
      const levels = (n: string[]) => n.filter((s) => s.startsWith('read/graph-cut-versions'));
      // The last cases' limits are below the closure's size: the levels are walked after all.
      const closure = reachable(whole.resolves.values(), closureRoot, 50).size;
      expect(closure).toBeGreaterThan(100);
      for (const [depth, limit, last] of [
        [50, 50_000, false],
        [4, 50_000, false],
        [50, 40, false],
        [50, 40, true],
        [50, 100, false],
        [50, 100, true],
      ] as const) {
        lastRows = last;
        names.length = 0;
        levelKeys.length = 0;
        closureKeys = [];
        const options = { depth, layers: ALL, limit };
        const expected = graphView(whole, closureRoot, {
          ...options,
          flagSeverity: await readFlagSeverities(store),
        });
        expect(expandGraph(await graphFromRoot(counted, closureRoot, options))).toEqual(expected);
        expect(names.includes('read/graph-cut-closure')).toBe(name === 'neo4j');
        if (name !== 'neo4j') expect(levels(names).length).toBeGreaterThan(0);
        else if (closure <= limit) expect(levels(names)).toEqual([]);
        else {
          expect(closureKeys).toHaveLength(limit + 1);
          // What the statement gave is not read again by level, nor a version read twice, and
          // every version shown was given or read.
          expect(levelKeys.filter((k) => closureKeys.includes(k))).toEqual([]);
          expect(new Set(levelKeys).size).toBe(levelKeys.length);
          const given = new Set([...closureKeys, ...levelKeys]);
          const shown = expected.nodes.filter((n) => n.attributes.kind === 'version');
          expect(shown.filter((n) => !given.has(n.key))).toEqual([]);
        }
      }
    });

    it('gives the same view when the packages are read while the closure still comes', async () => {
      const whole = await loadTrustGraph(store);
      const options = { depth: 50, layers: ALL, limit: 50_000 };
      const expected = graphView(whole, closureRoot, {
        ...options,
        flagSeverity: await readFlagSeverities(store),
      });
      let streaming = false;
      let packageReadsMeanwhile = 0;
      const counted: GraphStore = Object.create(store) as GraphStore;
      counted.read = async (statement, params) => {
        if (statement === 'read/graph-cut-packages' && streaming) packageReadsMeanwhile++;
        return store.read(statement, params);
      };
      counted.readEach = async (statement, params, each) => {
        streaming = true;
        try {
          await store.readEach(statement, params, each);
        } finally {
          streaming = false;
        }
      };
      expect(
        expandGraph(await graphFromRoot(counted, closureRoot, { ...options, batch: 7 })),
      ).toEqual(expected);
      // On Neo4j the closure's rows are taken as they come, 7 new packages asking for a read.
      if (name === 'neo4j') expect(packageReadsMeanwhile).toBeGreaterThan(3);
      else expect(packageReadsMeanwhile).toBe(0);
    });

    it('holds every version reachable from the root and none other', async () => {
      const whole = await loadTrustGraph(store);
      const cut = await fetchGraph(
        api.base,
        `root=${closureRoot}&depth=50&layers=deps&limit=50000`,
      );
      const versions = new Set(cut.nodes.map((n) => n.key));
      const want = reachable(whole.resolves.values(), closureRoot, 50);
      expect(versions).toEqual(want);
      // The generated graph has packages before the root's, which it cannot reach.
      expect(whole.versions.size).toBeGreaterThan(want.size + 100);
      expect(cut.attributes.truncated).toBe(false);
    });

    it('sends the explorer the same view compact, in under half the bytes', async () => {
      const query = `root=${closureRoot}&depth=50&layers=${ALL.join(',')}&limit=50000`;
      const graphology = await (await fetch(`${api.base}/api/graph?${query}`)).text();
      const response = await fetch(`${api.base}/api/graph?${query}&format=compact`);
      expect(response.status).toBe(200);
      const compact = await response.text();
      const expanded = expandGraph(JSON.parse(compact) as CompactGraph);
      expect(expanded).toEqual(JSON.parse(graphology));
      expect(expanded.edges.length).toBeGreaterThan(500);
      expect(compact.length).toBeLessThan(graphology.length / 2);
      const refused = await fetch(`${api.base}/api/graph?${query}&format=csv`);
      expect(refused.status).toBe(400);
    });

    it('picks the root from a spec as the whole graph did, and 404s an unknown one', async () => {
      const whole = await loadTrustGraph(store);
      const resolved = [...new Set([...whole.resolves.values()].flatMap((e) => [e.from, e.to]))];
      for (const spec of ['npm:large-290', 'npm:large-299@~1.0.0', 'pkg:npm/large-250@^1.1.0']) {
        const cut = await fetchGraph(
          api.base,
          new URLSearchParams({ root: spec, depth: '1' }).toString(),
        );
        expect(cut.attributes.root).toBe(resolved[rootIndex(resolved, spec)]);
      }
      for (const spec of ['npm:nothere', 'npm:large-290@^9', 'npm:__proto__']) {
        const response = await fetch(
          `${api.base}/api/graph?${new URLSearchParams({ root: spec })}`,
        );
        expect(response.status, spec).toBe(404);
      }
    });
  });
}

suite('embedded', async () => {
  const temp = tempDir();
  const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  return {
    store,
    close: async () => {
      await store.close();
      temp.cleanup();
    },
  };
});

describe.skipIf(neo4j.skip !== undefined)('on Neo4j', () => {
  suite('neo4j', async () => {
    await clearNeo4j(neo4j.config());
    const store = await Neo4jStore.open(neo4j.config());
    return { store, close: () => store.close() };
  });
});
