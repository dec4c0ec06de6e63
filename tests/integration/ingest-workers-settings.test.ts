/**
 * A worker's settings reach its jobs, against the real Redis at REDIS_URL (default
 * redis://127.0.0.1:6379), on a random queue removed after: the write batch size it is given
 * (TRUSTMAP_WRITE_BATCH_ROWS, passed by `trustmap worker`) is the one its jobs' shared writer uses.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { ingestWithWorkers, startIngestWorker } from '../../ingest/queue/distributed.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { randomQueueName, REDIS_URL, useQueueSuite } from '../helpers/redis-queue.js';
import { tempDir } from '../helpers/temp.js';

const suite = useQueueSuite();
const { cleanups } = suite;

describe("a worker's settings", () => {
  it('writes in the batch size it is given', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
    cleanups.push(() => store.close());
    const queueName = randomQueueName((cleanup) => cleanups.push(cleanup));
    const worker = startIngestWorker({
      redisUrl: REDIS_URL,
      queueName,
      store,
      writeBatchRows: 7,
      fetchConcurrency: 2,
    });
    cleanups.push(() => worker.close(true));
    const summary = await ingestWithWorkers({
      redisUrl: REDIS_URL,
      queueName,
      roots: [parseRootSpec('npm:is-number@4.0.0', process.cwd())],
      registry: suite.registry.url,
      pollMs: 20,
      timeoutMs: 30_000,
    });
    expect(summary.failures).toEqual([]);
    expect(worker.writer.batchRows).toBe(7);
    expect(worker.writer.writes).toBeGreaterThan(0);
    expect((await store.counts()).nodes.Version).toBeGreaterThan(0);
  });
});
