/**
 * A graph stored before the search property (decision 013) has nodes without `search`; applying
 * the schema, which every store does when it opens, writes it, so search finds them. On both
 * stores: the old nodes are made with the store's own engine, outside the GraphStore.
 */
import path from 'node:path';
import { GrafeoDB } from '@grafeo-db/js';
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { CypherLoader } from '../../graph/cypher-loader.js';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store.js';
import type { GraphStore } from '../../graph/store.js';
import { clearNeo4j, useNeo4j } from '../helpers/neo4j.js';
import { tempDir } from '../helpers/temp.js';

/** What an older trustmap wrote: nodes with a name and a key, no search property; a stub. */
const OLD_GRAPH = `
CREATE (:Package {key: 'pkg:npm/left-pad', name: 'Left-Pad'}),
       (:Person {key: 'person:npm:azer'}),
       (:Organisation {key: 'org:github:stevemao', name: 'SteveMao'}),
       (:Repository {key: 'repo:github:stevemao/left-pad', name: 'stevemao/left-pad'}),
       (:Person {key: 'person:npm:padder', stub: true})`;

async function expectFound(store: GraphStore): Promise<void> {
  expect(await store.search('PAD', 10)).toEqual([
    { key: 'pkg:npm/left-pad', label: 'Package', name: 'Left-Pad', trust: null },
    {
      key: 'repo:github:stevemao/left-pad',
      label: 'Repository',
      name: 'stevemao/left-pad',
      trust: null,
    },
  ]);
  expect(await store.search('azer', 10)).toMatchObject([{ key: 'person:npm:azer' }]);
  expect(await store.search('stevemao', 10)).toMatchObject([
    { key: 'org:github:stevemao' },
    { key: 'repo:github:stevemao/left-pad' },
  ]);
  // The search property stays the store's own: no node shows it.
  expect((await store.node('pkg:npm/left-pad'))?.properties).not.toHaveProperty('search');
}

describe('a graph stored before the search property', () => {
  it('is searchable once the embedded store opens it', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'graph.grafeo');
      const old = GrafeoDB.create(file);
      await old.executeCypher(OLD_GRAPH);
      old.close();
      const store = await EmbeddedStore.open(file);
      try {
        await expectFound(store);
      } finally {
        await store.close();
      }
    } finally {
      cleanup();
    }
  });

  const server = useNeo4j('the search backfill on Neo4j', { allowExternal: true });
  it.skipIf(server.skip !== undefined)('is searchable once Neo4j is opened', async () => {
    const config = server.config();
    await clearNeo4j(config);
    const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
    try {
      await driver.executeQuery(OLD_GRAPH, {}, { database: config.database });
    } finally {
      await driver.close();
    }
    const store = await Neo4jStore.open(config);
    try {
      await expectFound(store);
    } finally {
      await store.close();
    }
  });

  it.skipIf(server.skip !== undefined)(
    "searches on Neo4j through the four labels' TEXT indexes, not a scan",
    async () => {
      const config = server.config();
      const store = await Neo4jStore.open(config);
      await store.close();
      const search = new CypherLoader().statement('read/search', 'neo4j');
      const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
      try {
        const { summary } = await driver.executeQuery(
          `EXPLAIN ${search}`,
          { q: 'pad', limit: 10 },
          { database: config.database },
        );
        const operators: string[] = [];
        const walk = (plan: { operatorType: string; children: unknown[] }): void => {
          operators.push(plan.operatorType);
          for (const child of plan.children) walk(child as typeof plan);
        };
        if (summary.plan !== false) walk(summary.plan);
        expect(operators.filter((o) => o.startsWith('NodeIndexContainsScan'))).toHaveLength(4);
        expect(operators.some((o) => o.includes('LabelScan') || o.includes('AllNodesScan'))).toBe(
          false,
        );
      } finally {
        await driver.close();
      }
    },
  );

  it.skipIf(server.skip !== undefined)(
    'opens from several processes at once, though they all create the indexes',
    async () => {
      const config = server.config();
      const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
      try {
        for (const label of ['package', 'person', 'organisation', 'repository'])
          await driver.executeQuery(
            `DROP INDEX ${label}_search IF EXISTS`,
            {},
            {
              database: config.database,
            },
          );
      } finally {
        await driver.close();
      }
      // As workers starting together do: each applies the schema on a database without the indexes.
      const stores = await Promise.all([1, 2, 3, 4].map(() => Neo4jStore.open(config)));
      try {
        expect(stores).toHaveLength(4);
        await expectFound(stores[0] as Neo4jStore);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    },
  );
});
