/**
 * The server's trust-graph cache: a load that takes longer than the cache's age limit is still
 * used once it has finished (a 1.5M-relationship graph loads in 35 s, longer than the 30 s limit),
 * requests made while it runs share it, and a failed load is tried again.
 */
import { describe, expect, it } from 'vitest';
import type { GraphBatch, GraphStore } from '../../graph/store.js';
import { TrustGraphCache } from '../../server/graph-cache.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose whole graph is one package, streamed after `delayMs`; it counts the streams. */
function slowStore(delayMs: number, failFirst = false): { store: GraphStore; loads: () => number } {
  let loads = 0;
  const store = {
    async *stream(): AsyncIterable<GraphBatch> {
      loads++;
      const failing = failFirst && loads === 1;
      await sleep(delayMs);
      if (failing) throw new Error('the store went away');
      yield {
        kind: 'nodes',
        nodes: [{ key: 'pkg:npm/a', labels: ['Package'], properties: { name: 'a' } }],
      };
    },
  } as unknown as GraphStore;
  return { store, loads: () => loads };
}

describe('TrustGraphCache', () => {
  it('keeps a load that took longer than its age limit, counted from when it finished', async () => {
    const { store, loads } = slowStore(60);
    const cache = new TrustGraphCache(store, 40);
    const [first, second] = await Promise.all([cache.graph(), cache.graph()]);
    expect(first).toBe(second);
    expect(loads()).toBe(1);
    expect(await cache.graph()).toBe(first);
    expect(loads()).toBe(1);
    await sleep(60);
    await cache.graph();
    expect(loads()).toBe(2);
  });

  it('tries a failed load again', async () => {
    const { store, loads } = slowStore(5, true);
    const cache = new TrustGraphCache(store, 10_000);
    await expect(cache.graph()).rejects.toThrow('the store went away');
    expect((await cache.graph()).packages.has('pkg:npm/a')).toBe(true);
    expect(loads()).toBe(2);
  });
});
