/**
 * The one acceptance suite every GraphStore backend passes. `open` gives a store over an empty
 * graph; each test opens its own, so no test depends on another's state.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CypherLoader } from '../../graph/cypher-loader.js';
import {
  NODE_LABELS,
  RELATIONSHIPS,
  RELATIONSHIP_TYPES,
  SCORED_LABELS,
  SCORE_PROPERTIES,
  type NodeLabel,
} from '../../graph/model.js';
import type {
  GraphBatch,
  GraphStore,
  Row,
  StreamedNode,
  StreamedRelationship,
} from '../../graph/store.js';

export interface StoreFixture {
  store: GraphStore;
  cleanup: () => Promise<void>;
}

interface Snapshot {
  nodes: StreamedNode[];
  relationships: StreamedRelationship[];
}

async function snapshot(store: GraphStore, batches?: GraphBatch[]): Promise<Snapshot> {
  const nodes: StreamedNode[] = [];
  const relationships: StreamedRelationship[] = [];
  for await (const batch of store.stream()) {
    batches?.push(batch);
    if (batch.kind === 'nodes') nodes.push(...batch.nodes);
    else relationships.push(...batch.relationships);
  }
  nodes.sort(
    (a, b) => a.key.localeCompare(b.key) || a.labels.join().localeCompare(b.labels.join()),
  );
  relationships.sort((a, b) =>
    `${a.type} ${a.from} ${a.to} ${JSON.stringify(a.properties)}`.localeCompare(
      `${b.type} ${b.from} ${b.to} ${JSON.stringify(b.properties)}`,
    ),
  );
  // Plain JSON: it survives a round trip through JSON unchanged.
  return JSON.parse(JSON.stringify({ nodes, relationships })) as Snapshot;
}

const QUICK = { rowLimit: 100, timeoutMs: 20_000 };

/** A complete directed graph of `n` packages: dense enough for runaway queries. */
async function denseGraph(store: GraphStore, n: number): Promise<void> {
  const keys = Array.from({ length: n }, (_, i) => `pkg:npm/dense-${i}`);
  await store.upsertNodes(
    'Package',
    keys.map((key) => ({ key, props: { name: key.slice(8) } })),
  );
  await store.upsertNodes(
    'Version',
    keys.map((key) => ({ key: `${key}@1.0.0`, props: { version: '1.0.0' } })),
  );
  const rows = [];
  for (const a of keys)
    for (const b of keys)
      if (a !== b) rows.push({ from: `${a}@1.0.0`, to: b, props: { kind: 'prod', range: '^1' } });
  await store.upsertRelationships('DEPENDS_ON', rows);
}

export function graphStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`GraphStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: GraphStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const express = {
      key: 'pkg:npm/express',
      props: {
        ecosystem: 'npm',
        name: 'express',
        latest: '5.1.0',
        deprecated: false,
        keywords: ['web', 'http'],
      },
    };
    const expressVersion = {
      key: 'pkg:npm/express@5.1.0',
      props: {
        version: '5.1.0',
        license: 'MIT',
        hasInstallScripts: false,
        publishedAt: '2025-03-31T14:00:00.000Z',
      },
    };

    it('upserting the same batch twice leaves identical counts and properties', async () => {
      const write = async (): Promise<void> => {
        await store.upsertNodes('Package', [express]);
        await store.upsertNodes('Version', [expressVersion]);
        await store.upsertRelationships('HAS_VERSION', [
          { from: express.key, to: expressVersion.key, props: {} },
        ]);
        await store.upsertRelationships('MAINTAINS', [
          { from: 'person:npm:wesleytodd', to: express.key, props: {} },
        ]);
      };
      await write();
      const counts = await store.counts();
      const first = await snapshot(store);
      await write();
      expect(await store.counts()).toEqual(counts);
      expect(await snapshot(store)).toEqual(first);
      expect(counts.nodes).toEqual({ Package: 1, Version: 1, Person: 1 });
      expect(counts.relationships).toEqual({ HAS_VERSION: 1, MAINTAINS: 1 });
      const node = first.nodes.find((n) => n.key === express.key);
      expect(node?.properties).toEqual({ key: express.key, ...express.props });
    });

    it('an upsert sets the given properties, removes those set to null and keeps the rest', async () => {
      await store.upsertNodes('Package', [express]);
      await store.upsertNodes('Package', [
        { key: express.key, props: { latest: '5.2.0', deprecated: null } },
      ]);
      const node = await store.node(express.key);
      expect(node?.properties).toEqual({
        key: express.key,
        ecosystem: 'npm',
        name: 'express',
        latest: '5.2.0',
        keywords: ['web', 'http'],
      });
    });

    it('a relationship between existing keys creates no node; one to a missing key creates a stub of the right label', async () => {
      await store.upsertNodes('Version', [expressVersion]);
      await store.upsertNodes('Package', [{ key: 'pkg:npm/accepts', props: { name: 'accepts' } }]);
      const existing = await store.upsertRelationships('DEPENDS_ON', [
        {
          from: expressVersion.key,
          to: 'pkg:npm/accepts',
          props: { kind: 'prod', range: '^2.0.0' },
        },
      ]);
      expect(existing).toEqual({ rows: 1, nodesCreated: 0, relationshipsCreated: 1 });

      const missing = await store.upsertRelationships('DEPENDS_ON', [
        {
          from: expressVersion.key,
          to: 'pkg:npm/body-parser',
          props: { kind: 'prod', range: '^2.2.0' },
        },
      ]);
      expect(missing).toEqual({ rows: 1, nodesCreated: 1, relationshipsCreated: 1 });
      const stub = await store.node('pkg:npm/body-parser');
      expect(stub).toEqual({
        key: 'pkg:npm/body-parser',
        labels: ['Package'],
        properties: { key: 'pkg:npm/body-parser', stub: true },
      });

      // When the package's own upsert arrives, it stops being a stub and keeps its relationship.
      await store.upsertNodes('Package', [
        { key: 'pkg:npm/body-parser', props: { name: 'body-parser' } },
      ]);
      expect((await store.node('pkg:npm/body-parser'))?.properties).toEqual({
        key: 'pkg:npm/body-parser',
        name: 'body-parser',
      });
      expect((await store.counts()).relationships).toEqual({ DEPENDS_ON: 2 });
    });

    it('an identity property makes two relationships between the same nodes; without it the row is refused', async () => {
      const rel = (kind: string, range: string) => ({
        from: expressVersion.key,
        to: 'pkg:npm/debug',
        props: { kind, range },
      });
      await store.upsertRelationships('DEPENDS_ON', [
        rel('prod', '^4'),
        rel('dev', '^3'),
        rel('prod', '^4.4'),
      ]);
      const { relationships } = await snapshot(store);
      const kinds = relationships
        .map((r) => r.properties)
        .sort((a, b) => JSON.stringify(a.kind).localeCompare(JSON.stringify(b.kind)));
      expect(kinds).toEqual([
        { kind: 'dev', range: '^3' },
        { kind: 'prod', range: '^4.4' },
      ]);
      await expect(
        store.upsertRelationships('DEPENDS_ON', [
          { from: expressVersion.key, to: 'pkg:npm/ms', props: { range: '^2' } },
        ]),
      ).rejects.toMatchObject({ name: 'InvalidInputError', code: 'INVALID_INPUT' });
      expect(await store.node('pkg:npm/ms')).toBeUndefined();
    });

    it('refuses hostile rows with a clear error and writes nothing of the batch', async () => {
      const bad = [
        { key: 'pkg:npm/ok', props: { name: 'ok' } },
        JSON.parse('{"key":"pkg:npm/evil","props":{"__proto__":{"polluted":true}}}') as {
          key: string;
          props: Record<string, string>;
        },
      ];
      await expect(store.upsertNodes('Package', bad)).rejects.toMatchObject({
        name: 'InvalidInputError',
      });
      await expect(
        store.upsertNodes('Package', [{ key: 'pkg:npm/x', props: { nested: { a: 1 } as never } }]),
      ).rejects.toMatchObject({
        name: 'InvalidInputError',
      });
      await expect(
        store.upsertNodes('Package', [{ key: 'pkg:npm/x', props: { n: Number.NaN } }]),
      ).rejects.toMatchObject({
        name: 'InvalidInputError',
      });
      await expect(store.upsertNodes('Package', [{ key: '', props: {} }])).rejects.toMatchObject({
        name: 'InvalidInputError',
      });
      await expect(
        store.upsertNodes('Package', [{ key: 'pkg:npm/x', props: { key: 'other' } }]),
      ).rejects.toMatchObject({
        name: 'InvalidInputError',
      });
      // A name is what search is made of: a string, and no longer than a TEXT index takes.
      await expect(
        store.upsertNodes('Person', [{ key: 'person:npm:x', props: { name: 42 } }]),
      ).rejects.toMatchObject({ name: 'InvalidInputError', message: /name must be a string/ });
      await expect(
        store.upsertNodes('Person', [{ key: 'person:npm:x', props: { name: 'x'.repeat(40_000) } }]),
      ).rejects.toMatchObject({ name: 'InvalidInputError', message: /name is longer than/ });
      expect(await store.counts()).toEqual({ nodes: {}, relationships: {} });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('keeps registry text exactly, whatever it holds', async () => {
      const hostile = `"}) DETACH DELETE n //\n<script>alert(1)</script> ' \\ \u0000 ✓ ${'x'.repeat(10_000)}`;
      await store.upsertNodes('Package', [
        { key: 'pkg:npm/hostile', props: { description: hostile } },
      ]);
      expect((await store.node('pkg:npm/hostile'))?.properties.description).toBe(hostile);
    });

    /** express with two versions (HAS_VERSION); returns the older one. */
    async function expressWithTwoVersions(): Promise<{ key: string; props: { version: string } }> {
      const older = { key: 'pkg:npm/express@3.0.0', props: { version: '3.0.0' } };
      await store.upsertNodes('Package', [express]);
      await store.upsertNodes('Version', [expressVersion, older]);
      await store.upsertRelationships('HAS_VERSION', [
        { from: express.key, to: expressVersion.key, props: {} },
        { from: express.key, to: older.key, props: {} },
      ]);
      return older;
    }

    it('answers named reads: node by key, neighbours, counts; an unknown name is an error', async () => {
      const older = await expressWithTwoVersions();
      await store.upsertRelationships('MAINTAINS', [
        { from: 'person:npm:dougwilson', to: express.key, props: { role: 'owner' } },
      ]);
      expect(await store.node(express.key)).toMatchObject({
        key: express.key,
        labels: ['Package'],
      });
      expect(await store.node('pkg:npm/nothing')).toBeUndefined();
      const maintainer = {
        type: 'MAINTAINS',
        outgoing: false,
        key: 'person:npm:dougwilson',
        labels: ['Person'],
        name: null,
        properties: { role: 'owner' },
      };
      const version = (key: string) => ({
        type: 'HAS_VERSION',
        outgoing: true,
        key,
        labels: ['Version'],
        name: null,
        properties: {},
      });
      expect(await store.neighbours(express.key, 10)).toEqual([
        version(older.key),
        version(expressVersion.key),
        maintainer,
      ]);
      // The limit is per type and direction: versions do not crowd out the maintainer.
      expect(await store.neighbours(express.key, 1)).toEqual([version(older.key), maintainer]);
      expect(await store.read('neighbour-counts', { key: express.key })).toEqual([
        { type: 'HAS_VERSION', outgoing: true, count: 2 },
        { type: 'MAINTAINS', outgoing: false, count: 1 },
      ]);
      expect(await store.read('counts-by-label')).toEqual([
        { label: 'Package', count: 1 },
        { label: 'Person', count: 1 },
        { label: 'Version', count: 2 },
      ]);
      await expect(store.read('no-such-read')).rejects.toMatchObject({
        name: 'UnknownStatementError',
        code: 'STATEMENT_UNKNOWN',
      });
      await expect(store.read('../../etc/passwd')).rejects.toMatchObject({
        name: 'UnknownStatementError',
      });
    });

    it("hands a read's rows over one at a time, as read gives them; a handler that throws, or an unknown name, rejects", async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `pkg:npm/each-${i}@1.0.0`);
      await store.upsertNodes(
        'Version',
        keys.map((key, i) => ({ key, props: { version: '1.0.0', trust: i / 40 } })),
      );
      await store.upsertRelationships(
        'RESOLVES_TO',
        keys.slice(1).map((to, i) => ({
          from: keys[i] as string,
          to,
          props: { root: 'pkg:npm/each-0@1.0.0' },
        })),
      );
      const params = { keys: [...keys].reverse() };
      const handed: Row[] = [];
      await store.readEach('graph-cut-versions', params, (row) => handed.push(row));
      const rows = await store.read('graph-cut-versions', params);
      expect(rows).toHaveLength(40);
      expect(handed).toEqual(rows);
      let seen = 0;
      await expect(
        store.readEach('graph-cut-versions', params, () => {
          if (++seen === 3) throw new Error('the handler gave up');
        }),
      ).rejects.toThrow('the handler gave up');
      expect(seen).toBe(3);
      expect(await store.read('graph-cut-versions', params)).toEqual(rows);
      // On Neo4j the first rows are handed over while the rest still come: other work runs
      // between them (a callback queued at the first row runs before the read resolves).
      const many = Array.from({ length: 5000 }, (_, i) => `pkg:npm/many-${i}@1.0.0`);
      await store.upsertNodes(
        'Version',
        many.map((key) => ({ key, props: { version: '1.0.0' } })),
      );
      let count = 0;
      let ranMeanwhile = false;
      let done = false;
      await store.readEach('graph-cut-versions', { keys: many }, () => {
        if (count++ === 0)
          setImmediate(() => {
            ranMeanwhile = !done;
          });
      });
      done = true;
      expect(count).toBe(5000);
      expect(ranMeanwhile).toBe(store.kind === 'neo4j');
      await expect(store.readEach('no-such-read', {}, () => undefined)).rejects.toMatchObject({
        name: 'UnknownStatementError',
      });
    });

    it('searches packages, people, organisations and repositories by key or name, whatever the case: names starting with it first, then shorter ones', async () => {
      await store.upsertNodes('Package', [
        { key: 'pkg:npm/cliui', props: { name: 'cliui' } },
        { key: 'pkg:npm/yargs-cli', props: { name: 'yargs-cli' } },
        { key: 'pkg:npm/cli', props: { name: 'CLI' } },
      ]);
      await store.upsertNodes('Person', [
        { key: 'person:npm:clint', props: { name: 'Clint' } },
        { key: 'person:npm:nobody', props: {} },
      ]);
      await store.upsertNodes('Organisation', [
        { key: 'org:github:acme', props: { name: 'ACME' } },
      ]);
      // A version, and a stub the search must leave out.
      await store.upsertNodes('Version', [
        { key: 'pkg:npm/cli@1.0.0', props: { version: '1.0.0' } },
      ]);
      await store.upsertRelationships('MAINTAINS', [
        { from: 'person:npm:clinton', to: 'pkg:npm/cli', props: {} },
      ]);
      await store.writeScores('Package', [
        { key: 'pkg:npm/cliui', scores: { trust: 0.75, scoredAt: '2026-11-24T00:00:00.000Z' } },
      ]);

      const hits = await store.search('CLI', 10);
      expect(hits).toEqual([
        { key: 'pkg:npm/cli', label: 'Package', name: 'CLI', trust: null },
        { key: 'person:npm:clint', label: 'Person', name: 'Clint', trust: null },
        { key: 'pkg:npm/cliui', label: 'Package', name: 'cliui', trust: 0.75 },
        { key: 'pkg:npm/yargs-cli', label: 'Package', name: 'yargs-cli', trust: null },
      ]);
      expect(await store.search('cli', 2)).toEqual(hits.slice(0, 2));
      // A node without a name is found by its key and named by it.
      expect(await store.search('NOBODY', 10)).toEqual([
        { key: 'person:npm:nobody', label: 'Person', name: 'person:npm:nobody', trust: null },
      ]);
      expect(await store.search('acme', 10)).toMatchObject([{ label: 'Organisation' }]);
      // By a name's middle, and by a part of the key only (no name has it), whatever the case.
      expect(await store.search('ArGs-C', 10)).toMatchObject([{ key: 'pkg:npm/yargs-cli' }]);
      expect(await store.search('NPM/CLIU', 10)).toMatchObject([{ key: 'pkg:npm/cliui' }]);
      expect(await store.search('npm:clin', 10)).toMatchObject([{ key: 'person:npm:clint' }]);
      // Not across the name and the key: 'cliui pkg' is in neither.
      expect(await store.search('cliui pkg', 10)).toEqual([]);
      expect(await store.search('no such thing', 10)).toEqual([]);
      await expect(store.search('cli', 0)).rejects.toMatchObject({ name: 'InvalidInputError' });
    });

    it("counts a node's relationships by type and direction; an unknown key has none", async () => {
      await expressWithTwoVersions();
      await store.upsertRelationships('MAINTAINS', [
        { from: 'person:npm:dougwilson', to: express.key, props: {} },
        { from: 'person:npm:wesleytodd', to: express.key, props: {} },
      ]);
      await store.upsertRelationships('DEPENDS_ON', [
        { from: expressVersion.key, to: express.key, props: { kind: 'dev', range: '*' } },
      ]);
      const counts = await store.neighbourCounts(express.key);
      expect(counts).toEqual({
        DEPENDS_ON: { outgoing: 0, incoming: 1 },
        HAS_VERSION: { outgoing: 2, incoming: 0 },
        MAINTAINS: { outgoing: 0, incoming: 2 },
      });
      expect(Object.keys(counts)).toEqual(['DEPENDS_ON', 'HAS_VERSION', 'MAINTAINS']);
      expect(await store.neighbourCounts(expressVersion.key)).toEqual({
        DEPENDS_ON: { outgoing: 1, incoming: 0 },
        HAS_VERSION: { outgoing: 0, incoming: 1 },
      });
      expect(await store.neighbourCounts('pkg:npm/nothing')).toEqual({});
    });

    it('reports coverage over fetched packages and registry versions, leaving out stubs, missing packages and lockfile projects', async () => {
      expect(await store.coverage()).toEqual({
        packages: 0,
        maintainersKnown: 0,
        timesKnown: 0,
        versions: 0,
        publishersKnown: 0,
      });
      await store.upsertNodes('Package', [
        { key: 'pkg:npm/a', props: { name: 'a', maintainersKnown: true, timesKnown: true } },
        { key: 'pkg:npm/b', props: { name: 'b', maintainersKnown: true, timesKnown: false } },
        { key: 'pkg:npm/c', props: { name: 'c' } },
        { key: 'pkg:npm/gone', props: { name: 'gone', missing: true, maintainersKnown: true } },
      ]);
      await store.upsertNodes('Version', [
        { key: 'pkg:npm/a@1.0.0', props: { version: '1.0.0', publisherKnown: true } },
        { key: 'pkg:npm/a@2.0.0', props: { version: '2.0.0', publisherKnown: false } },
        { key: 'pkg:npm/b@1.0.0', props: { version: '1.0.0' } },
        {
          key: 'project:app@0.0.0',
          props: { version: '0.0.0', project: true, publisherKnown: true },
        },
      ]);
      // A dependency on a package never fetched leaves a stub, which is not counted.
      await store.upsertRelationships('DEPENDS_ON', [
        { from: 'pkg:npm/a@1.0.0', to: 'pkg:npm/stub', props: { kind: 'prod', range: '^1' } },
      ]);
      expect(await store.coverage()).toEqual({
        packages: 3,
        maintainersKnown: 2,
        timesKnown: 1,
        versions: 3,
        publishersKnown: 1,
      });
    });

    it('runs every statement of cypher/ that this store has', async () => {
      const loader = new CypherLoader();
      for (const label of NODE_LABELS) {
        // A dated version, so that the reads of releases over time have a row to return.
        const dated = label === 'Version' ? { publishedAt: '2026-01-01T00:00:00.000Z' } : {};
        await store.upsertNodes(label, [{ key: `${label}:a`, props: { name: 'a', ...dated } }]);
      }
      for (const type of RELATIONSHIP_TYPES) {
        const spec: { from: NodeLabel; to: NodeLabel; identity?: string } = RELATIONSHIPS[type];
        const props = spec.identity === undefined ? {} : { [spec.identity]: 'x' };
        const summary = await store.upsertRelationships(type, [
          { from: `${spec.from}:a`, to: `${spec.to}:a`, props },
        ]);
        expect(summary.relationshipsCreated, type).toBe(1);
        expect(summary.nodesCreated, type).toBe(0);
      }
      const scoredAt = '2026-11-24T00:00:00.000Z';
      for (const label of SCORED_LABELS) {
        expect(
          await store.writeScores(label, [
            {
              key: `${label}:a`,
              // A flagged version, so that the reads of flags have a row to return.
              scores: {
                trust: 0.5,
                scoredAt,
                ...(label === 'Version' ? { flagSeverity: 'high' } : {}),
              },
            },
          ]),
        ).toBe(1);
        expect(await store.clearScores(label, scoredAt)).toBe(0);
      }
      const reads = loader.names('read', store.kind);
      const params = {
        key: 'Package:a',
        // Every node: each statement that takes `keys` reads those of its own label.
        keys: NODE_LABELS.map((label) => `${label}:a`),
        q: 'a',
        limit: 10,
        // The reads of releases over time take an instant to stop at, or null for none.
        until: null,
        labels: [...NODE_LABELS],
        types: [...RELATIONSHIP_TYPES],
      };
      // Statements whose parameters are not the shared ones: the graph cut's root.
      const own: Record<string, Record<string, string | number>> = {
        'read/graph-cut-root-key': { key: 'Version:a' },
        'read/graph-cut-closure': { root: 'Version:a', cap: 10 },
        'read/graph-cut-root-versions': { package: 'Package:a' },
      };
      for (const name of reads) {
        const rows = await store.read(name, { ...params, ...own[name] });
        expect(rows.length, name).toBeGreaterThan(0);
      }
      expect((await store.counts()).nodes).toEqual(
        Object.fromEntries(NODE_LABELS.map((l) => [l, 1])),
      );
    });

    it('a re-score replaces the scores; it does not accumulate', async () => {
      await store.upsertNodes('Package', [
        express,
        { key: 'pkg:npm/left-pad', props: { name: 'left-pad' } },
      ]);
      const first = '2026-11-01T00:00:00.000Z';
      await store.writeScores('Package', [
        {
          key: express.key,
          scores: { trust: 0.8, reach: 12, explanation: '{"why":"first"}', scoredAt: first },
        },
        { key: 'pkg:npm/left-pad', scores: { trust: 0.2, fragility: 0.9, scoredAt: first } },
      ]);
      const second = '2026-11-02T00:00:00.000Z';
      expect(
        await store.writeScores('Package', [
          { key: express.key, scores: { trust: 0.7, scoredAt: second } },
        ]),
      ).toBe(1);
      expect(await store.clearScores('Package', second)).toBe(1);
      expect((await store.node(express.key))?.properties).toEqual({
        key: express.key,
        ...express.props,
        trust: 0.7,
        scoredAt: second,
      });
      expect((await store.node('pkg:npm/left-pad'))?.properties).toEqual({
        key: 'pkg:npm/left-pad',
        name: 'left-pad',
      });
      expect(
        await store.writeScores('Package', [
          { key: 'pkg:npm/unknown', scores: { trust: 1, scoredAt: second } },
        ]),
      ).toBe(0);
      await expect(
        store.writeScores('Package', [{ key: express.key, scores: { name: 'x' } }]),
      ).rejects.toMatchObject({
        name: 'InvalidInputError',
      });
      expect(SCORE_PROPERTIES).toContain('explanation');
    });

    it('streams the whole graph or a subgraph in batches', async () => {
      await denseGraph(store, 12);
      const batches: GraphBatch[] = [];
      for await (const batch of store.stream({ batchSize: 5 })) batches.push(batch);
      const nodes = batches.flatMap((b) => (b.kind === 'nodes' ? b.nodes : []));
      const relationships = batches.flatMap((b) =>
        b.kind === 'relationships' ? b.relationships : [],
      );
      expect(nodes).toHaveLength(24);
      expect(relationships).toHaveLength(132);
      expect(
        batches.every((b) => (b.kind === 'nodes' ? b.nodes.length : b.relationships.length) <= 5),
      ).toBe(true);
      // Nodes come before relationships, so a consumer can build its index first.
      const firstRel = batches.findIndex((b) => b.kind === 'relationships');
      expect(batches.slice(firstRel).every((b) => b.kind === 'relationships')).toBe(true);
      expect(relationships[0]).toMatchObject({
        type: 'DEPENDS_ON',
        properties: { kind: 'prod', range: '^1' },
      });

      const versionsOnly: StreamedNode[] = [];
      let relCount = 0;
      for await (const batch of store.stream({ labels: ['Version'], types: [] })) {
        if (batch.kind === 'nodes') versionsOnly.push(...batch.nodes);
        else relCount += batch.relationships.length;
      }
      expect(versionsOnly).toHaveLength(12);
      expect(versionsOnly.every((n) => n.labels.includes('Version'))).toBe(true);
      expect(relCount).toBe(0);
    });

    it("gives a user's query column named __proto__ back as data, not as the row's prototype", async () => {
      const result = await store.query('RETURN 1 AS `__proto__`, 2 AS x', {}, QUICK);
      expect(result.columns).toEqual(['__proto__', 'x']);
      const [row] = result.rows;
      expect(Object.keys(row ?? {})).toEqual(['__proto__', 'x']);
      expect(JSON.stringify(result.rows)).toBe('[{"__proto__":1,"x":2}]');
    });

    it('runs a read-only query with parameters and returns plain JSON for nodes, relationships and paths', async () => {
      await store.upsertNodes('Package', [express]);
      await store.upsertNodes('Version', [expressVersion]);
      await store.upsertRelationships('HAS_VERSION', [
        { from: express.key, to: expressVersion.key, props: {} },
      ]);
      const result = await store.query(
        'MATCH p = (a:Package {key: $key})-[r:HAS_VERSION]->(v) RETURN a, r, v, p, 9007199254740993 AS big, 42 AS n, [1, 2] AS list, {x: "y"} AS map',
        { key: express.key },
        QUICK,
      );
      expect(result.columns).toEqual(['a', 'r', 'v', 'p', 'big', 'n', 'list', 'map']);
      expect(result.truncated).toBe(false);
      expect(result.rows).toHaveLength(1);
      const row = result.rows[0] ?? {};
      expect(JSON.parse(JSON.stringify(row))).toEqual(row);
      expect(row.a).toMatchObject({
        kind: 'node',
        labels: ['Package'],
        properties: { key: express.key, name: 'express' },
      });
      expect(row.r).toMatchObject({ kind: 'relationship', type: 'HAS_VERSION', properties: {} });
      const a = row.a as { id: string };
      const v = row.v as { id: string };
      expect(row.r).toMatchObject({ start: a.id, end: v.id });
      expect(row.p).toMatchObject({
        kind: 'path',
        nodes: [{ id: a.id }, { id: v.id }],
        relationships: [{ type: 'HAS_VERSION' }],
      });
      expect(row.big).toBe('9007199254740993');
      expect(row.n).toBe(42);
      expect(row.list).toEqual([1, 2]);
      expect(row.map).toEqual({ x: 'y' });
    });

    it('stops at the row limit and says so', async () => {
      await denseGraph(store, 5);
      const result = await store.query(
        'MATCH (v:Version)-[r:DEPENDS_ON]->(p) RETURN v.key AS v, p.key AS p',
        {},
        { rowLimit: 7, timeoutMs: 10_000 },
      );
      expect(result.rows).toHaveLength(7);
      expect(result.truncated).toBe(true);
      const all = await store.query(
        'MATCH (v:Version)-[r:DEPENDS_ON]->(p) RETURN count(*) AS c',
        {},
        QUICK,
      );
      expect(all.rows).toEqual([{ c: 20 }]);
      expect(all.truncated).toBe(false);
    });

    it.each([
      ['CREATE', 'CREATE (:Package {key: "pkg:npm/evil"})'],
      ['MERGE', 'MERGE (:Package {key: "pkg:npm/evil"})'],
      ['SET', 'MATCH (n:Package) SET n.name = "evil"'],
      ['DELETE', 'MATCH (n:Package) DETACH DELETE n'],
      ['REMOVE', 'MATCH (n:Package) REMOVE n.name'],
      ['CALL {} with a write', 'MATCH (n:Package) CALL (n) { SET n.evil = true } RETURN n'],
      ['a write procedure', 'CALL db.createLabel("Evil")'],
    ])('rejects an ad-hoc write (%s) and leaves the graph unchanged', async (_, query) => {
      await store.upsertNodes('Package', [express]);
      const before = await snapshot(store);
      await expect(store.query(query, {}, QUICK)).rejects.toMatchObject({
        name: 'ReadOnlyViolationError',
        code: 'QUERY_NOT_READ_ONLY',
      });
      expect(await snapshot(store)).toEqual(before);
    });

    it("reports a query it cannot run as the query's fault, with the reason", async () => {
      await expect(store.query('MATCH (n RETURN n', {}, QUICK)).rejects.toMatchObject({
        name: 'QueryError',
        code: 'QUERY_INVALID',
      });
      expect(await store.counts()).toEqual({ nodes: {}, relationships: {} });
    });

    it('stops a runaway query at its time limit with a clear error, and keeps answering', async () => {
      await denseGraph(store, 30);
      const started = performance.now();
      // It reads every row: Neo4j answers a bare count(*) of a product from its count store.
      const runaway = store.query(
        'MATCH (a:Package), (b:Package), (c:Package), (d:Package), (e:Package), (f:Package), (g:Package), (h:Package) RETURN sum(size(a.name) + size(h.name)) AS n',
        {},
        { rowLimit: 10, timeoutMs: 1500 },
      );
      // A write sent while the runaway query runs still lands.
      const write = store.upsertNodes('Package', [express]);
      await expect(runaway).rejects.toMatchObject({
        name: 'QueryTimeoutError',
        code: 'QUERY_TIMEOUT',
        timeoutMs: 1500,
      });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      expect(elapsed).toBeLessThan(10_000);
      await write;
      expect((await store.counts()).nodes).toEqual({ Package: 31, Version: 30 });
      const after = await store.query(
        'MATCH (n:Package {key: $key}) RETURN n.name AS name',
        { key: express.key },
        QUICK,
      );
      expect(after.rows).toEqual([{ name: 'express' }]);
    });
  });
}
