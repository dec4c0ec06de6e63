/**
 * The BullMQ path against the real Redis at REDIS_URL (default redis://127.0.0.1:6379): each test
 * uses a random queue name and removes it after. It must give the same graph as the in-process
 * path, and a worker killed mid-run must not lose the run. Redis missing is a failure, not a skip.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { GraphStore } from '../../graph/store.js';
import {
  ingestWithWorkers,
  redisConnection,
  startIngestWorker,
} from '../../ingest/queue/distributed.js';
import { ingest } from '../../ingest/run-ingest.js';
import { RunState } from '../../ingest/queue/run-state.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { ingestStatus, randomQueueName, REDIS_URL, useQueueSuite } from '../helpers/redis-queue.js';
import { graphSnapshot } from '../helpers/graph-snapshot.js';
import { tempDir } from '../helpers/temp.js';
import { processes, waitUntil } from '../helpers/wait.js';
import { spawnWorker } from './worker-process.js';

const suite = useQueueSuite();
const { cleanups } = suite;

async function openStore(): Promise<{ store: GraphStore; file: string }> {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'graph.grafeo');
  const store = await EmbeddedStore.open(file);
  cleanups.push(cleanup);
  return { store, file };
}

const randomQueue = (): string => randomQueueName((cleanup) => cleanups.push(cleanup));

describe('ingest on BullMQ workers', () => {
  it('gives the same graph as the in-process queue', async () => {
    const roots = [
      parseRootSpec('npm:yargs@16.1.0', process.cwd()),
      parseRootSpec('npm:rimraf@3.0.2', process.cwd()),
    ];
    const local = await openStore();
    const inProcess = await ingest({
      roots,
      store: local.store,
      registry: suite.registry.url,
      concurrency: 4,
    });
    const expected = await graphSnapshot(local.store);
    await local.store.close();

    const remote = await openStore();
    const queueName = randomQueue();
    const worker = startIngestWorker({
      redisUrl: REDIS_URL,
      queueName,
      store: remote.store,
      concurrency: 4,
    });
    const summary = await ingestWithWorkers({
      redisUrl: REDIS_URL,
      queueName,
      roots,
      registry: suite.registry.url,
      pollMs: 50,
      timeoutMs: 60_000,
    });
    await worker.close();
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toEqual(inProcess.resolved);
    expect(summary.roots).toEqual(inProcess.roots);
    expect(summary.coverage).toEqual(inProcess.coverage);
    expect(await graphSnapshot(remote.store)).toEqual(expected);
    await remote.store.close();

    // `trustmap ingest --status` (no spec needed) reports the finished run from Redis.
    const runs = JSON.parse(await ingestStatus(summary.runId, true)) as Record<string, unknown>[];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      runId: summary.runId,
      queue: queueName,
      specs: ['npm:yargs@16.1.0', 'npm:rimraf@3.0.2'],
      outstanding: 0,
      resolved: inProcess.resolved.length,
      failures: [],
    });
    expect(Number.isNaN(Date.parse(String(runs[0]?.finishedAt)))).toBe(false);
    const recent = await ingestStatus(undefined, false);
    expect(recent).toContain(`${summary.runId}  npm:yargs@16.1.0 npm:rimraf@3.0.2`);
  });

  it('completes a run whose worker was killed midway, once another worker starts', async () => {
    const { store, file } = await openStore();
    await store.close(); // the worker processes own the file
    const queueName = randomQueue();
    suite.registry.delayMs = 150;
    cleanups.push(() => {
      suite.registry.delayMs = 0;
    });
    const stderr: string[] = [];
    cleanups.push(() => {
      if (stderr.some((line) => /error/i.test(line))) console.error(stderr.join(''));
    });
    const startWorker = (): ChildProcess => {
      const child = spawnWorker({
        queue: queueName,
        db: file,
        redisUrl: REDIS_URL,
        concurrency: 2,
        stderr,
      });
      cleanups.push(() => {
        child.kill('SIGKILL');
      });
      return child;
    };
    const first = startWorker();
    let runId = '';
    const run = ingestWithWorkers({
      redisUrl: REDIS_URL,
      queueName,
      roots: [parseRootSpec('npm:yargs@16.1.0', process.cwd())],
      registry: suite.registry.url,
      pollMs: 50,
      timeoutMs: 90_000,
      onStart: (id) => {
        runId = id;
      },
    });
    // Kill the first worker once the run's row count in Redis says it has done part of the run.
    // (ingest-workers-kill.test.ts kills at chosen steps of a job; this one at wherever it is.)
    const redis = redisConnection(REDIS_URL);
    cleanups.push(() => {
      redis.disconnect();
    });
    const resolvedAtKill = await waitUntil(
      'the first worker to resolve 3 versions',
      async () => {
        const resolved =
          runId === '' ? 0 : await redis.scard(new RunState(redis, runId).key('resolved'));
        return resolved >= 3 && resolved;
      },
      { everyMs: 50, timeoutMs: 30_000 },
    );
    first.kill('SIGKILL');
    expect(resolvedAtKill).toBeGreaterThanOrEqual(3);
    expect(resolvedAtKill).toBeLessThan(16); // killed midway, not after the run
    await new Promise((resolve) => first.once('exit', resolve));
    // Its store host sees it gone and lets go of the file.
    await waitUntil("the killed worker's store host to exit", () => processes(file).length === 0);
    const second = startWorker();
    const summary = await run;
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    expect(summary.failures).toEqual([]);
    expect(summary.resolved).toHaveLength(16);

    const reopened = await EmbeddedStore.open(file);
    const packages = await reopened.query(
      'MATCH (p:Package) WHERE p.stub IS NULL RETURN count(p) AS n',
      {},
      { rowLimit: 1, timeoutMs: 10_000 },
    );
    expect(packages.rows).toEqual([{ n: 16 }]);
    const duplicates = await reopened.query(
      'MATCH (n) WITH n.key AS key, count(*) AS c WHERE c > 1 RETURN key',
      {},
      { rowLimit: 10, timeoutMs: 10_000 },
    );
    expect(duplicates.rows).toEqual([]);
    await reopened.close();
  }, 120_000);
});
