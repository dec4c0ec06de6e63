/**
 * A grammar-based fuzz test of the Cypher console on the embedded store: queries built from pieces
 * (reads, writes, procedure calls, LOAD forms, numbers in every literal form glued to keywords,
 * comments, look-alike and invisible characters, backticks, strings and escapes, `;`, UNION,
 * CALL {}, FOREACH, EXPLAIN/PROFILE) go through `GraphStore.query`, the path of `POST /api/cypher`
 * and `trustmap query`. Whatever the console accepts must leave the graph and the schema as they
 * were, and no answer may hold the text of a canary file the test writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { GraphStore } from '../../graph/store.js';
import { cypherQueries } from '../helpers/cypher-queries.js';
import { tempDir } from '../helpers/temp.js';

/** How many queries the property runs (the issue asks for at least 10,000). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CANARY = 'canary-9b2f64aa';
/** Errors a refused or stopped query may end in; anything else is a defect. */
const REFUSALS = new Set([
  'QueryError',
  'ReadOnlyViolationError',
  'QueryTimeoutError',
  'QueryTooLargeError',
  'InvalidInputError',
]);

let work: { dir: string; cleanup: () => void };
let store: EmbeddedStore;
let canary: string;

/** JSON with object keys sorted, so equal values give equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The whole graph as the host that writes sees it, in a stable order. */
async function fingerprint(graph: GraphStore): Promise<string> {
  const nodes: string[] = [];
  const relationships: string[] = [];
  for await (const batch of graph.stream()) {
    if (batch.kind === 'nodes') for (const n of batch.nodes) nodes.push(canonical(n));
    else for (const r of batch.relationships) relationships.push(canonical(r));
  }
  return JSON.stringify([nodes.sort(), relationships.sort()]);
}

async function schema(graph: GraphStore): Promise<string> {
  return JSON.stringify([
    await graph.read('schema-indexes'),
    await graph.read('schema-constraints'),
  ]);
}

beforeAll(async () => {
  work = tempDir();
  canary = path.join(work.dir, 'canary.csv');
  fs.writeFileSync(canary, `${CANARY},x\n${CANARY},y\n`);
  store = await EmbeddedStore.open(path.join(work.dir, 'graph.grafeo'));
  await store.upsertNodes('Package', [
    { key: 'pkg:npm/a', props: { name: 'a' } },
    { key: 'pkg:npm/b', props: { name: 'b' } },
  ]);
  await store.upsertNodes('Version', [{ key: 'pkg:npm/a@1.0.0', props: { version: '1.0.0' } }]);
  await store.upsertRelationships('HAS_VERSION', [
    { from: 'pkg:npm/a', to: 'pkg:npm/a@1.0.0', props: {} },
  ]);
  await store.upsertRelationships('DEPENDS_ON', [
    { from: 'pkg:npm/a@1.0.0', to: 'pkg:npm/b', props: { range: '^1', kind: 'prod' } },
  ]);
});
afterAll(async () => {
  await store.close();
  work.cleanup();
});

describe('the Cypher console under a grammar-based fuzz test', () => {
  it(`accepts only queries that leave the graph and the schema as they were (${RUNS} cases)`, async () => {
    const graphBefore = await fingerprint(store);
    const schemaBefore = await schema(store);
    const countsBefore = JSON.stringify(await store.counts());
    let accepted = 0;
    const refused = new Map<string, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(cypherQueries(canary), async (query) => {
        let answer: string | undefined;
        try {
          const result = await store.query(
            query,
            { a: 'pkg:npm/a', b: 'pkg:npm/b' },
            { rowLimit: 50, timeoutMs: 10_000 },
          );
          answer = JSON.stringify(result);
        } catch (error) {
          const name = (error as Error).name;
          // For the figures only: refusals by the store's plan check passed Neo4j's parser first.
          const layer = /the embedded store would/.test((error as Error).message) ? ' (plan)' : '';
          refused.set(name + layer, (refused.get(name + layer) ?? 0) + 1);
          expect(REFUSALS, `${query}\n-> ${String(error)}`).toContain(name);
          expect((error as Error).message).not.toContain(CANARY);
          return;
        }
        accepted++;
        expect(answer, query).not.toContain(CANARY);
        expect(JSON.stringify(await store.counts()), query).toBe(countsBefore);
        expect(await schema(store), query).toBe(schemaBefore);
      }),
      { numRuns: RUNS, seed: 20261201, endOnFailure: true },
    );
    expect(await fingerprint(store)).toBe(graphBefore);
    // The property is only worth something if the store saw many of them.
    expect(accepted).toBeGreaterThan(RUNS / 10);
    console.log(
      `cypher fuzz: ${RUNS} queries, ${accepted} accepted, refused ${JSON.stringify(Object.fromEntries(refused))}, ${Math.round((performance.now() - started) / 1000)} s`,
    );
  }, 900_000);
});
