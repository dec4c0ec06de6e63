/** What only the embedded store has: a file that persists, a lock, and a host that can be replaced. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { tempDir } from '../helpers/temp.js';
import { processes } from '../helpers/wait.js';

/** The `ps` lines of the query hosts running over copies of `location`. */
function queryHosts(location: string): string[] {
  return processes('embedded/query-host', location);
}

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

  it('stops a query past its time limit without stopping the host that writes; the data is all there', async () => {
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
    expect(store.queryHostsStopped).toBe(1);
    expect(store.restarts).toBe(0);
  });

  it('answers other queries while a slow one runs', async () => {
    const store = await EmbeddedStore.open(file());
    cleanups.push(() => store.close());
    await store.upsertNodes(
      'Package',
      Array.from({ length: 20 }, (_, i) => ({ key: `pkg:npm/p${i}`, props: {} })),
    );
    // The first query starts the query host; the test is about the ones after it.
    await store.query('RETURN 1 AS one', {}, { rowLimit: 1, timeoutMs: 20_000 });
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

  it('stops a runaway query and never sends it again; the query beside it is asked to run again', async () => {
    // The time limit is under test: a memory limit out of reach, however late a busy machine
    // fires the timer.
    const store = await EmbeddedStore.open(file(), { queryMemoryMb: 64 * 1024 });
    cleanups.push(() => store.close());
    const slow = 'UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS c';
    const results = await Promise.all(
      [500, 1500].map((timeoutMs) =>
        store
          .query(slow, {}, { rowLimit: 1, timeoutMs })
          .catch(
            (error: unknown) =>
              `${(error as Error).name} ${(error as { retriable: boolean }).retriable}`,
          ),
      ),
    );
    expect(results).toEqual(['QueryTimeoutError false', 'StoreUnavailableError true']);
    expect(store.queryHostsStopped).toBe(1);
    // No query host is left running either query: one busy with it would still be counting.
    expect(queryHosts(store.location)).toEqual([]);
    expect(
      (await store.query('RETURN 1 AS one', {}, { rowLimit: 1, timeoutMs: 20_000 })).rows,
    ).toEqual([{ one: 1 }]);
  });

  it('stops a query that grows past its memory limit, says which limit, and never sends it again (finding 4)', async () => {
    const store = await EmbeddedStore.open(file(), { queryMemoryMb: 256 });
    cleanups.push(() => store.close());
    await store.upsertNodes('Package', [{ key: 'pkg:npm/a', props: {} }]);
    const started = performance.now();
    const error = await store
      .query(
        'UNWIND range(1, 2000000000) AS x RETURN count(x)',
        {},
        { rowLimit: 1, timeoutMs: 60_000 },
      )
      .then(
        () => new Error('answered'),
        (e: unknown) => e as Error,
      );
    expect(error).toMatchObject({ name: 'QueryTooLargeError', code: 'QUERY_TOO_LARGE' });
    expect(error.message).toMatch(/memory limit of 256 MiB \(TRUSTMAP_QUERY_MEMORY_MB\)/);
    // Stopped at the limit (about half a second of growth), long before the time limit.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(store.queryHostsStopped).toBe(1);
    expect(store.restarts).toBe(0);
    expect(queryHosts(store.location)).toEqual([]);
    expect((await store.counts()).nodes).toEqual({ Package: 1 });
  });

  it("runs users' queries in a process whose environment holds no secret", async () => {
    const store = await EmbeddedStore.open(file());
    cleanups.push(() => store.close());
    await store.query('RETURN 1 AS one', {}, { rowLimit: 1, timeoutMs: 20_000 });
    const [host] = queryHosts(store.location);
    expect(host).toBeDefined();
    const pid = (host ?? '').trim().split(/\s+/)[0] ?? '';
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
    // The test's own environment (PATH, HOME and whatever secrets it holds) is not there.
    expect(process.env.PATH).toBeDefined();
    expect(environ).not.toContain('PATH=');
    // Only what Node sets up for the IPC channel itself.
    const entries = environ.split('\0').filter((entry) => entry !== '');
    expect(entries.filter((entry) => !entry.startsWith('NODE_CHANNEL_'))).toEqual([]);
  });

  it('sends again what was in flight when the host that writes dies, and loses nothing', async () => {
    const store = await EmbeddedStore.open(file());
    cleanups.push(() => store.close());
    const [main] = execFileSync('ps', ['-eo', 'pid,args'])
      .toString()
      .split('\n')
      .filter((line) => /embedded\/host\.(ts|js)/.test(line) && line.includes(store.location));
    const pid = Number((main ?? '').trim().split(/\s+/)[0]);
    expect(pid).toBeGreaterThan(0);
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.upsertNodes(
        'Package',
        Array.from({ length: 500 }, (_, j) => ({ key: `pkg:npm/p${i}-${j}`, props: { i, j } })),
      ),
    );
    const reads = Array.from({ length: 20 }, () => store.counts());
    // Killed while the writes are queued in it (they run one at a time).
    process.kill(pid, 'SIGKILL');
    const settled = await Promise.allSettled([...writes, ...reads]);
    expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(store.restarts).toBe(1);
    expect((await store.counts()).nodes).toEqual({ Package: 10_000 });
    expect(
      (
        await store.query(
          'MATCH (n:Package) RETURN count(n) AS c',
          {},
          { rowLimit: 1, timeoutMs: 20_000 },
        )
      ).rows,
    ).toEqual([{ c: 10_000 }]);
  });

  it('keeps answering reads sent while a query host is being replaced', async () => {
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
    // Reads are sent a few at a time from before the query host starts until the one that was
    // stopped has exited (it is gone from `ps`), and once more after that.
    const reads: Promise<unknown>[] = [];
    let sentAfterStop = 0;
    const deadline = performance.now() + 20_000;
    for (;;) {
      const stopped = store.queryHostsStopped > 0;
      const gone = stopped && queryHosts(store.location).length === 0;
      const batch = Array.from({ length: 4 }, () => store.counts());
      reads.push(...batch);
      if (stopped) sentAfterStop += batch.length;
      await Promise.allSettled(batch);
      if (gone) break;
      if (performance.now() > deadline)
        throw new Error('the query host was not stopped and gone within 20 s');
    }
    expect(await slow).toBe('QueryTimeoutError');
    expect(store.queryHostsStopped).toBe(1);
    expect(sentAfterStop).toBeGreaterThan(0);
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
    // A quick query sent after it goes to the same query host, after it, and is answered while
    // it runs: once that answer is in, the slow one is running in the query host.
    expect(
      (await store.query('RETURN 1 AS one', {}, { rowLimit: 1, timeoutMs: 20_000 })).rows,
    ).toEqual([{ one: 1 }]);
    expect(queryHosts(store.location)).toHaveLength(1);
    await store.close();
    expect(await slow).toBe('StoreUnavailableError');
    expect(queryHosts(store.location)).toEqual([]);
  });

  it('is closed for good after close()', async () => {
    const store = await EmbeddedStore.open(file());
    await store.close();
    await expect(store.counts()).rejects.toMatchObject({ name: 'StoreUnavailableError' });
  });
});
