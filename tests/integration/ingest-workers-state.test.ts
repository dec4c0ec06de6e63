/**
 * The distributed run's state in the real Redis at REDIS_URL (default redis://127.0.0.1:6379):
 * runs an older trustmap recorded do not break `--status`, every key of a run expires even when
 * its initiator never finishes, a job run again after its run finished does nothing, a job failed
 * for good gives back its marks, and failures come in one order. Each test uses random names.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Queue, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import {
  ingestWithWorkers,
  redisConnection,
  startIngestWorker,
} from '../../ingest/queue/distributed.js';
import {
  jobId,
  processIngestJob,
  settleFailedJob,
  type IngestJobData,
} from '../../ingest/queue/ingest-job.js';
import { RUN_TTL_SECONDS, RunState } from '../../ingest/queue/run-state.js';
import type { Failure } from '../../ingest/npm-closure.js';
import { RegistryClient } from '../../ingest/sources/npm/registry-client.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { ingestStatus, randomQueueName, REDIS_URL, useQueueSuite } from '../helpers/redis-queue.js';
import { tempDir } from '../helpers/temp.js';

const suite = useQueueSuite();
const { cleanups } = suite;

function redis() {
  const connection = redisConnection(REDIS_URL);
  cleanups.push(() => {
    connection.disconnect();
  });
  return connection;
}

/** Every key of run `runId` (its own prefix), with its TTL in seconds (-1: none). */
async function ttls(runId: string): Promise<Record<string, number>> {
  const connection = redis();
  const prefix = new RunState(connection, runId).key('meta').replace(/meta$/, '');
  const keys = await connection.keys(`${prefix.replace(/[{}]/g, '\\$&')}*`);
  const out: Record<string, number> = {};
  for (const key of keys) out[key.slice(prefix.length)] = await connection.ttl(key);
  return out;
}

describe('the distributed run state', () => {
  it('names a run an older trustmap recorded (a list of failures) instead of failing on it', async () => {
    const connection = redis();
    const runId = randomUUID();
    const old = `trustmap:run:${runId}:`;
    cleanups.push(async () => {
      await connection.del(`${old}meta`, `${old}failures`, `${old}coverage`);
      await connection.zrem('trustmap:runs', runId);
    });
    const meta = { runId, queue: 'q', specs: ['npm:a@1'], startedAt: new Date().toISOString() };
    await connection.set(`${old}meta`, JSON.stringify(meta), 'EX', 600);
    await connection.rpush(`${old}failures`, JSON.stringify({ name: 'a', spec: '1' }));
    await connection.hset(`${old}coverage`, 'a', '3');
    await connection.zadd('trustmap:runs', Date.now() + 60_000, runId); // the newest run

    expect(await RunState.shape(connection, runId)).toBe('older');
    const state = new RunState(connection, runId);
    await expect(state.report()).resolves.toMatchObject({ failures: [], resolved: [] });
    expect(await state.outstanding()).toBe(0);

    expect(await ingestStatus(runId, false)).toBe(
      `${runId}  recorded by an older trustmap: not shown\n`,
    );
    const recent = JSON.parse(await ingestStatus(undefined, true)) as unknown[];
    expect(recent).toContainEqual({ runId, recordedBy: 'an older trustmap' });
    expect(await ingestStatus(undefined, false)).toContain(
      `${runId}  recorded by an older trustmap: not shown\n`,
    );
  });

  it('gives every key of a run a TTL as it is written, though the initiator gives up', async () => {
    const queueName = randomQueueName((cleanup) => cleanups.push(cleanup));
    let runId = '';
    await expect(
      ingestWithWorkers({
        redisUrl: REDIS_URL,
        queueName,
        roots: [parseRootSpec('npm:is-number@4.0.0', process.cwd())],
        registry: suite.registry.url,
        pollMs: 20,
        timeoutMs: 100, // no worker: it gives up, as Ctrl-C would stop it
        onStart: (id) => {
          runId = id;
        },
      }),
    ).rejects.toThrow(/still has 1 jobs/);
    const keys = await ttls(runId);
    expect(Object.keys(keys).sort()).toEqual(['meta', 'pending']);
    for (const ttl of Object.values(keys)) {
      expect(ttl).toBeGreaterThan(RUN_TTL_SECONDS - 60);
    }
  });

  it('leaves a finished run alone when BullMQ runs one of its jobs again, and every key expires', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
    cleanups.push(() => store.close());
    const queueName = randomQueueName((cleanup) => cleanups.push(cleanup));
    const worker = startIngestWorker({ redisUrl: REDIS_URL, queueName, store });
    const summary = await ingestWithWorkers({
      redisUrl: REDIS_URL,
      queueName,
      roots: [parseRootSpec('npm:is-number@4.0.0', process.cwd())],
      registry: suite.registry.url,
      pollMs: 20,
      timeoutMs: 30_000,
    });
    await worker.close();
    expect(summary.resolved).toEqual(['pkg:npm/is-number@4.0.0']);
    for (const [name, ttl] of Object.entries(await ttls(summary.runId))) {
      expect([name, ttl > RUN_TTL_SECONDS - 60]).toEqual([name, true]);
    }

    // The root job again, as the stalled checker would run it after the run ended.
    const connection = redis();
    const state = new RunState(connection, summary.runId);
    const queue = new Queue<IngestJobData>(queueName, { connection: redis() });
    cleanups.push(() => queue.close());
    const data: IngestJobData = {
      stateVersion: 2,
      runId: summary.runId,
      registry: suite.registry.url,
      maxDepth: null,
      visit: { name: 'is-number', spec: '4.0.0', depth: 0 },
      rootSpec: 'npm:is-number@4.0.0',
    };
    const id = jobId(summary.runId, data.visit);
    let fetched = 0;
    const client = new RegistryClient({ registry: suite.registry.url });
    const counting = new Proxy(client, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          fetched++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const job = {
      id,
      data,
      opts: { attempts: 5 },
      attemptsMade: 0,
    } as unknown as Job<IngestJobData>;
    await processIngestJob(job, { state, client: counting, store, queue });
    expect(fetched).toBe(0);
    expect(await state.outstanding()).toBe(0);
    expect(await queue.count()).toBe(0);
  });

  it('gives back the marks of a job failed for good, so another job does that work', async () => {
    const connection = redis();
    const state = new RunState(connection, randomUUID());
    cleanups.push(async () => {
      const keys = await connection.keys(
        `${state.key('meta').replace(/meta$/, '').replace(/[{}]/g, '\\$&')}*`,
      );
      if (keys.length > 0) await connection.del(...keys);
    });
    const data: IngestJobData = {
      stateVersion: 2,
      runId: state.runId,
      registry: suite.registry.url,
      maxDepth: null,
      visit: { name: 'a', spec: '1.0.0', depth: 1, parent: 'pkg:npm/b@1.0.0' },
    };
    expect(await state.jobAdded('stalled')).toBe(true);
    expect(await state.add('package:a', 'stalled')).toBe(true);
    expect(await state.add('package:a', 'other')).toBe(false);
    // Failed by BullMQ for stalling: its catch never ran; the one who settles it gives them back.
    await settleFailedJob(state, 'stalled', data, 'job stalled more than allowable limit');
    expect(await state.add('package:a', 'other')).toBe(true);
    expect(await state.outstanding()).toBe(0);
    expect((await state.report()).failures).toMatchObject([{ name: 'a', code: 'JOB_FAILED' }]);
    // Settled once: a repeat (the `failed` event, the initiator's poll) records nothing again.
    await settleFailedJob(state, 'stalled', data, 'another reason');
    expect((await state.report()).failures).toMatchObject([
      { reason: 'job stalled more than allowable limit' },
    ]);
  });

  it('orders failures of the same name@spec by parent, then code', async () => {
    const connection = redis();
    const state = new RunState(connection, randomUUID());
    cleanups.push(() => connection.del(state.key('failures')).then(() => undefined));
    const failure = (parent: string, code: Failure['code']): Failure => ({
      name: 'a',
      spec: '^1',
      parent,
      code,
      reason: 'r',
      optional: false,
    });
    await state.failed('j1', failure('pkg:npm/c@1', 'NOT_FOUND'));
    await state.failed('j2', failure('pkg:npm/b@1', 'PACKAGE_INVALID'));
    await state.failed('j3', failure('pkg:npm/b@1', 'NOT_FOUND'));
    const { failures } = await state.report();
    expect(failures.map((f) => `${f.parent} ${f.code}`)).toEqual([
      'pkg:npm/b@1 NOT_FOUND',
      'pkg:npm/b@1 PACKAGE_INVALID',
      'pkg:npm/c@1 NOT_FOUND',
    ]);
  });
});
