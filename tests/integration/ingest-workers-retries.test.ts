/**
 * What BullMQ retries, against the real Redis at REDIS_URL (default redis://127.0.0.1:6379), each
 * test on a random queue removed after: a job whose failure no retry fixes (its error says
 * `retriable: false`) fails on its first attempt and the run ends with it recorded; a retriable
 * failure is attempted again. The tests await the worker's `failed` event, not the clock.
 */
import path from 'node:path';
import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../core/errors.js';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { GraphStore } from '../../graph/store.js';
import {
  ingestWithWorkers,
  redisConnection,
  startIngestWorker,
  type IngestJobData,
} from '../../ingest/queue/distributed.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { randomQueueName, REDIS_URL, useQueueSuite } from '../helpers/redis-queue.js';
import { tempDir } from '../helpers/temp.js';

const suite = useQueueSuite();
const { cleanups } = suite;

async function openStore(): Promise<EmbeddedStore> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
  cleanups.push(() => store.close());
  return store;
}

function randomQueue(): Queue<IngestJobData> {
  const name = randomQueueName((cleanup) => cleanups.push(cleanup));
  const queue = new Queue<IngestJobData>(name, { connection: redisConnection(REDIS_URL) });
  cleanups.push(async () => {
    await queue.close();
    await queue.disconnect();
  });
  return queue;
}

/** A worker on `queue` over `store`, and its `failed` events as they come. */
function worker(queue: Queue<IngestJobData>, store: GraphStore) {
  const started = startIngestWorker({ redisUrl: REDIS_URL, queueName: queue.name, store });
  cleanups.push(() => started.close(true));
  const failures: { job: Job<IngestJobData>; error: Error }[] = [];
  const waiting: (() => void)[] = [];
  started.worker.on('failed', (job, error) => {
    if (job === undefined) return;
    failures.push({ job, error });
    for (const wake of waiting.splice(0)) wake();
  });
  /** Resolves with the `n`th failed event (1-based), once the worker has emitted it. */
  const failed = async (n: number) => {
    while (failures.length < n) await new Promise<void>((resolve) => waiting.push(resolve));
    return failures[n - 1] as { job: Job<IngestJobData>; error: Error };
  };
  return { failed, failures };
}

const run = (queue: Queue<IngestJobData>, spec: string) =>
  ingestWithWorkers({
    redisUrl: REDIS_URL,
    queueName: queue.name,
    roots: [parseRootSpec(spec, process.cwd())],
    registry: suite.registry.url,
    pollMs: 50,
    timeoutMs: 60_000,
  });

describe('BullMQ retries only what may succeed', () => {
  it('a job that fails on a failure no retry fixes is attempted once, and the run ends', async () => {
    // A store that was closed: every write is a StoreUnavailableError with `retriable: false`.
    const store = await openStore();
    await store.close();
    const queue = randomQueue();
    const { failed, failures } = worker(queue, store);
    const summary = await run(queue, 'npm:is-number@4.0.0');
    const first = await failed(1);
    expect(first.error).toBeInstanceOf(UnrecoverableError);
    expect(first.error.cause).toMatchObject({
      name: 'StoreUnavailableError',
      code: 'STORE_UNAVAILABLE',
      retriable: false,
    });
    expect(first.job.attemptsMade).toBe(1);
    expect(await queue.getJobState(first.job.id ?? '')).toBe('failed');
    expect(failures).toHaveLength(1);
    expect(summary.failures).toMatchObject([
      { name: 'is-number', spec: '4.0.0', code: 'JOB_FAILED' },
    ]);
    expect(summary.resolved).toEqual([]);
  });

  it('a job that fails on a retriable failure is attempted again, and then succeeds', async () => {
    const real = await openStore();
    // The store's first write fails as one does while the store restarts; later ones go through.
    let refused = 0;
    const store = new Proxy(real, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (property === 'upsertNodes' && refused === 0) {
          return () => {
            refused++;
            return Promise.reject(new StoreUnavailableError('the store is restarting'));
          };
        }
        return (value as (...args: unknown[]) => unknown).bind(target);
      },
    });
    const queue = randomQueue();
    const { failed } = worker(queue, store);
    const summary = run(queue, 'npm:is-number@4.0.0');
    const first = await failed(1);
    expect(first.error).not.toBeInstanceOf(UnrecoverableError);
    expect(first.error).toMatchObject({ name: 'StoreUnavailableError', retriable: true });
    expect(first.job.attemptsMade).toBe(1);
    expect(await queue.getJobState(first.job.id ?? '')).toMatch(/^(delayed|waiting|active)$/);
    const done = await summary;
    expect(refused).toBe(1);
    expect(done.failures).toEqual([]);
    expect(done.resolved).toContain('pkg:npm/is-number@4.0.0');
    expect(await real.node('pkg:npm/is-number@4.0.0')).toMatchObject({ labels: ['Version'] });
  });

  it('a packument that is not JSON is a failure of the package, recorded on the first attempt', async () => {
    const store = await openStore();
    suite.registry.faults.set(
      'is-number',
      Array.from({ length: 10 }, () => 'not-json' as const),
    );
    cleanups.push(() => {
      suite.registry.faults.delete('is-number');
    });
    const queue = randomQueue();
    const { failures } = worker(queue, store);
    const summary = await run(queue, 'npm:is-number@4.0.0');
    expect(summary.failures).toMatchObject([
      { name: 'is-number', spec: '4.0.0', code: 'PACKAGE_INVALID' },
    ]);
    expect(failures).toEqual([]);
  });
});
