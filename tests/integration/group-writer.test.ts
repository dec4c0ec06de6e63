/**
 * A worker's shared writer, on the real embedded store: jobs handing it records at once are stored
 * in fewer writes than jobs, each job's promise resolves only once its own records are readable, a
 * write holds at most the batch size, and records the store refuses fail their own job only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { GroupWriter } from '../../ingest/queue/group-writer.js';
import { GraphRecords } from '../../ingest/records.js';
import { tempStore } from '../helpers/fixture-store.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openStore(): Promise<EmbeddedStore> {
  const { store, close } = await tempStore();
  cleanups.push(close);
  return store;
}

/** One job's records: a version and the edge from its package (2 nodes, 1 relationship). */
function job(i: number): GraphRecords {
  return new GraphRecords()
    .node('Package', `pkg:npm/p${i}`, { name: `p${i}` })
    .node('Version', `pkg:npm/p${i}@1.0.0`, { version: '1.0.0' })
    .relationship('HAS_VERSION', `pkg:npm/p${i}`, `pkg:npm/p${i}@1.0.0`);
}

describe("a worker's shared writer", () => {
  it('stores the records of jobs handed at once in fewer writes, each job settled once stored', async () => {
    const store = await openStore();
    const writer = new GroupWriter(store, 2000);
    const stored: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await writer.write(job(i));
        const node = await store.node(`pkg:npm/p${i}@1.0.0`);
        if (node !== undefined) stored.push(i);
      }),
    );
    expect(stored).toHaveLength(40);
    expect(writer.writes).toBeLessThan(40);
    expect(writer.writes).toBeGreaterThan(0);
    const counts = await store.counts();
    expect(counts.nodes.Version).toBe(40);
    expect(counts.relationships.HAS_VERSION).toBe(40);
  });

  it('holds at most the batch size in a write', async () => {
    const store = await openStore();
    // 3 rows a job, at most 7 a write: two jobs a write.
    const writer = new GroupWriter(store, 7);
    await Promise.all(Array.from({ length: 10 }, (_, i) => writer.write(job(i))));
    expect(writer.rowsWritten).toBe(30);
    expect(writer.writes).toBe(5);
  });

  it('fails only the job whose records the store refused, not the jobs that shared its write', async () => {
    const store = await openStore();
    const writer = new GroupWriter(store, 2000);
    const bad = new GraphRecords().relationship('HAS_VERSION', '', 'pkg:npm/x@1.0.0');
    const results = await Promise.allSettled([
      writer.write(job(1)),
      writer.write(bad),
      writer.write(job(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/from/);
    expect(await store.node('pkg:npm/p1@1.0.0')).toBeDefined();
    expect(await store.node('pkg:npm/p2@1.0.0')).toBeDefined();
    await writer.write(job(3));
    expect(await store.node('pkg:npm/p3@1.0.0')).toBeDefined();
  });
});
