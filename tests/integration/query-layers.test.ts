/**
 * The embedded store's layers under the parser (graph/read-only-guard.ts, tested on its own in
 * tests/unit/read-only-guard.test.ts), each tested without the ones above it: queries here reach
 * the query host, or Grafeo, without passing the parser first.
 */
import fs from 'node:fs';
import path from 'node:path';
import grafeo from '@grafeo-db/js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { SchemaStatements } from '../../graph/embedded/protocol.js';
import { checkPlan, planOperators } from '../../graph/embedded/query-plan.js';
import { QueryRunner } from '../../graph/embedded/query-runner.js';
import { assertSchemaUnchanged, runRolledBack, schemaOf } from '../../graph/embedded/user-query.js';
import { CypherLoader } from '../../graph/cypher-loader.js';
import { silentLogger } from '../../core/log.js';
import { tempDir } from '../helpers/temp.js';

const { GrafeoDB } = grafeo;
const loader = new CypherLoader();
const schema: SchemaStatements = {
  indexes: loader.statement('read/schema-indexes', 'embedded'),
  constraints: loader.statement('read/schema-constraints', 'embedded'),
};
const CANARY = 'canary-0c4e71d2';

let work: { dir: string; cleanup: () => void };
let copy: string;
let canary: string;

beforeAll(async () => {
  work = tempDir();
  canary = path.join(work.dir, 'canary.csv');
  fs.writeFileSync(canary, `${CANARY}\n`);
  const db = GrafeoDB.create(path.join(work.dir, 'graph.grafeo'));
  await db.executeCypher(
    "CREATE (:Package {key: 'pkg:npm/a'})-[:HAS_VERSION]->(:Version {key: 'v'})",
  );
  copy = path.join(work.dir, 'copy.grafeo');
  db.save(copy);
  db.close();
});
afterAll(() => {
  work.cleanup();
});

describe("layer 2: Grafeo's plan must hold only read operators (the query host, no parser)", () => {
  let runner: QueryRunner;
  beforeAll(() => {
    runner = new QueryRunner({
      logger: silentLogger,
      memoryMb: 1024,
      openTimeoutMs: 30_000,
      schema,
      snapshot: () => Promise.resolve({ path: copy, epoch: '0' }),
    });
  });
  afterAll(async () => {
    await runner.close();
  });
  const run = (statement: string) =>
    runner.run({ op: 'query', statement, params: {}, rowLimit: 100 }, 20_000);

  it('answers a read', async () => {
    const result = await run('MATCH (p:Package)-[:HAS_VERSION]->(v) RETURN p.key AS p, v.key AS v');
    expect(result.rows).toEqual([{ p: 'pkg:npm/a', v: 'v' }]);
  });

  it.each([
    ["LOAD CSV FROM 'CANARY_PATH' AS r RETURN r", /operator LoadCsv/],
    ["WITH 1 AS x WHERE x < 1e9LOAD CSV FROM 'CANARY_PATH' AS r RETURN r", /LoadCsv|syntax/],
    ['CALL grafeo.pagerank() YIELD node_id RETURN node_id', /procedure grafeo\.pagerank/],
    ['CALL grafeo.procedures() YIELD name RETURN name', /procedure grafeo\.procedures/],
    ["CREATE (:Package {key: 'x'})", /operator Create/],
    ["MERGE (:Package {key: 'x'})", /operator Merge/],
    ['MATCH (n) SET n.x = 1', /operator SetProperty/],
    ['MATCH (n) DETACH DELETE n', /operator DeleteNode/],
    ['FOREACH (i IN [1] | CREATE (:X))', /operator Create/],
    ['CREATE INDEX FOR (n:Package) ON (n.name)', /Schema commands|not a read|syntax/i],
  ])('refuses %s, and no file is read', async (statement, reason) => {
    const error = await run(statement.replace('CANARY_PATH', canary)).then(
      (result) => new Error(`answered ${JSON.stringify(result.rows)}`),
      (e: unknown) => e as Error,
    );
    expect(['ReadOnlyViolationError', 'QueryError']).toContain(error.name);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain(CANARY);
  });

  it('reads plans operator by operator', () => {
    expect(planOperators("Return (row)\n  LoadCsv ('/x' AS row)\n")).toEqual([
      { operator: 'Return', detail: 'row' },
      { operator: 'LoadCsv', detail: "'/x' AS row" },
    ]);
    expect(() => {
      checkPlan('Limit (3)\n  Sort (k ASC)\n    NodeScan (n:Package)\n');
    }).not.toThrow();
    expect(() => {
      checkPlan('Return (x)\n  SomeNewOperator (x)\n');
    }).toThrow(/operator SomeNewOperator, which is not a read/);
    expect(() => {
      checkPlan('');
    }).toThrow(/no plan/);
    // Grafeo prints a backticked name as it is: a line break in it splits the operator's line.
    expect(() => {
      checkPlan('Return (1 AS a\nb)\n  Empty\n');
    }).toThrow(/plan of this query could not be read at "b\)"/);
    expect(() => {
      checkPlan(
        'Return DISTINCT (a.key AS a)\n  Filter (n.key Eq "a") [index: key]\n    NodeScan (n:Package)\n',
      );
    }).not.toThrow();
  });
});

describe('layer 3: the copy is read-only (Grafeo refuses writes on it)', () => {
  it('refuses writes and schema changes on the copy the host writes for queries', async () => {
    const { dir, cleanup } = tempDir();
    const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
    try {
      await store.upsertNodes('Package', [{ key: 'pkg:npm/a', props: {} }]);
      await store.query('RETURN 1 AS one', {}, { rowLimit: 1, timeoutMs: 20_000 });
      const [written] = fs.readdirSync(`${store.location}.snapshots`);
      expect(written).toBeDefined();
      const readOnly = GrafeoDB.openReadOnly(
        path.join(`${store.location}.snapshots`, written ?? ''),
      );
      try {
        for (const statement of [
          "CREATE (:Package {key: 'x'})",
          'MATCH (n) DETACH DELETE n',
          'CREATE INDEX FOR (n:Package) ON (n.name)',
        ]) {
          await expect(readOnly.executeCypher(statement)).rejects.toThrow(/read-only/);
        }
        expect((await readOnly.executeCypher('MATCH (n) RETURN count(n) AS c')).toArray()).toEqual([
          { c: 1 },
        ]);
      } finally {
        readOnly.close();
      }
    } finally {
      await store.close();
      cleanup();
    }
    // Closing the store removes its copies.
    expect(fs.existsSync(path.join(dir, 'graph.grafeo.snapshots'))).toBe(false);
  });
});

describe('layer 4: the rolled-back transaction, its counters and the schema check (on a writable database)', () => {
  it('refuses a query whose counters show a write, and the write is rolled back', async () => {
    const db = GrafeoDB.create();
    try {
      await expect(
        runRolledBack(db, {
          op: 'query',
          statement: "CREATE (:Package {key: 'x'})",
          params: {},
          rowLimit: 10,
        }),
      ).rejects.toMatchObject({ name: 'WriteAttemptError', code: 'QUERY_NOT_READ_ONLY' });
      expect((await db.executeCypher('MATCH (n) RETURN count(n) AS c')).toArray()).toEqual([
        { c: 0 },
      ]);
    } finally {
      db.close();
    }
  });

  it("sees a schema change that a rolled-back transaction keeps, with zero counters (Grafeo's CREATE INDEX)", async () => {
    const db = GrafeoDB.create();
    try {
      const before = await schemaOf(db, schema);
      const tx = db.beginTransaction();
      const created = await tx.executeCypher('CREATE INDEX FOR (n:Package) ON (n.name)');
      tx.rollback();
      expect(Object.values(created.counters).every((n) => n === 0)).toBe(true);
      await expect(assertSchemaUnchanged(db, schema, before)).rejects.toMatchObject({
        name: 'SchemaChangedError',
        code: 'QUERY_NOT_READ_ONLY',
        message: expect.stringMatching(/changed the schema/) as unknown,
      });
    } finally {
      db.close();
    }
  });
});
