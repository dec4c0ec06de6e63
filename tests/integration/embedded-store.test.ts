/** What only the embedded store has: a file that persists, a lock, and a host that can be replaced. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { tempDir } from '../helpers/temp.js';

describe('EmbeddedStore', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function file(): string {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    return path.join(dir, 'nested', 'graph.grafeo');
  }

  it('creates its folder, and keeps the graph across close and reopen', async () => {
    const db = file();
    const first = await EmbeddedStore.open(db);
    await first.upsertNodes('Package', [
      { key: 'pkg:npm/chalk', props: { name: 'chalk', latest: '4.1.0' } },
    ]);
    await first.close();
    const second = await EmbeddedStore.open(db);
    cleanups.push(() => second.close());
    expect(await second.node('pkg:npm/chalk')).toEqual({
      key: 'pkg:npm/chalk',
      labels: ['Package'],
      properties: { key: 'pkg:npm/chalk', name: 'chalk', latest: '4.1.0' },
    });
  });

  it('refuses a second process on the same file with a clear error', async () => {
    const db = file();
    const first = await EmbeddedStore.open(db);
    cleanups.push(() => first.close());
    await expect(EmbeddedStore.open(db)).rejects.toMatchObject({
      name: 'StoreLockedError',
      code: 'STORE_LOCKED',
    });
    // The first store is unaffected.
    expect(await first.counts()).toEqual({ nodes: {}, relationships: {} });
  });

  it('replaces its host after a timeout, and the data written before is all there', async () => {
    const store = await EmbeddedStore.open(file());
    cleanups.push(() => store.close());
    const keys = Array.from({ length: 20 }, (_, i) => ({ key: `pkg:npm/p${i}`, props: {} }));
    await store.upsertNodes('Package', keys);
    await expect(
      store.query(
        'MATCH (a), (b), (c), (d), (e), (f), (g), (h), (i) RETURN count(*)',
        {},
        { rowLimit: 1, timeoutMs: 300 },
      ),
    ).rejects.toMatchObject({ name: 'QueryTimeoutError' });
    expect((await store.counts()).nodes).toEqual({ Package: 20 });
    expect(store.restarts).toBe(1);
  });

  it('answers other queries while a slow one runs', async () => {
    const store = await EmbeddedStore.open(file());
    cleanups.push(() => store.close());
    await store.upsertNodes(
      'Package',
      Array.from({ length: 20 }, (_, i) => ({ key: `pkg:npm/p${i}`, props: {} })),
    );
    const slow = store.query(
      'MATCH (a), (b), (c), (d), (e), (f), (g), (h) RETURN count(*)',
      {},
      { rowLimit: 1, timeoutMs: 2000 },
    );
    const started = performance.now();
    const quick = await store.query(
      'MATCH (n:Package) RETURN count(n) AS n',
      {},
      { rowLimit: 1, timeoutMs: 2000 },
    );
    expect(quick.rows).toEqual([{ n: 20 }]);
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(slow).rejects.toMatchObject({ name: 'QueryTimeoutError' });
  });

  it('stops every runaway query, even one re-sent to a new host by another timeout', async () => {
    const store = await EmbeddedStore.open(file());
    cleanups.push(() => store.close());
    const slow = 'UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS c';
    const results = await Promise.all(
      [500, 1500].map((timeoutMs) =>
        store
          .query(slow, {}, { rowLimit: 1, timeoutMs })
          .catch((error: unknown) => (error as Error).name),
      ),
    );
    expect(results).toEqual(['QueryTimeoutError', 'QueryTimeoutError']);
    // No host is left running either query: a host busy with one would still be counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const hosts = execFileSync('ps', ['-eo', 'pid,args'])
      .toString()
      .split('\n')
      .filter((line) => line.includes('embedded/host') && line.includes(store.location));
    expect(hosts).toEqual([]);
    expect(
      (await store.query('RETURN 1 AS one', {}, { rowLimit: 1, timeoutMs: 5000 })).rows,
    ).toEqual([{ one: 1 }]);
  });

  it('keeps answering reads sent while a host is being replaced', async () => {
    const store = await EmbeddedStore.open(file());
    cleanups.push(() => store.close());
    // The outcome is taken at once: the rejection comes while the loop below still runs.
    const slow = store
      .query(
        'UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN count(x)',
        {},
        { rowLimit: 1, timeoutMs: 300 },
      )
      .then(
        () => 'answered',
        (error: unknown) => (error as Error).name,
      );
    const reads: Promise<unknown>[] = [];
    const until = performance.now() + 1200;
    while (performance.now() < until) {
      reads.push(store.counts());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await slow).toBe('QueryTimeoutError');
    const settled = await Promise.allSettled(reads);
    expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
  });

  it('settles what is pending when it is closed', async () => {
    const store = await EmbeddedStore.open(file());
    const slow = store
      .query(
        'UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN count(x)',
        {},
        { rowLimit: 1, timeoutMs: 60_000 },
      )
      .then(
        () => 'answered',
        (error: unknown) => (error as Error).name,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.close();
    expect(await slow).toBe('StoreUnavailableError');
  });

  it('is closed for good after close()', async () => {
    const store = await EmbeddedStore.open(file());
    await store.close();
    await expect(store.counts()).rejects.toMatchObject({ name: 'StoreUnavailableError' });
  });
});
