/**
 * The ingest on BullMQ: the process that starts a run enqueues the root jobs and waits; `trustmap
 * worker` processes run the same closure handler as the in-process queue, write what they find to
 * the configured store, and enqueue the jobs it returns. Jobs are small (a package and a spec),
 * with deterministic ids; a job that throws a retriable failure (the store restarting, Redis) is
 * retried with exponential backoff, one that throws a failure no retry fixes (the error says
 * `retriable: false`) fails at once, and one that fails for good is recorded with its reason.
 * A worker killed at any step (SIGKILL) loses nothing: a job's steps and the run's state are
 * ordered and idempotent under BullMQ's re-run of the same id (./ingest-job.ts, ./run-state.ts).
 */
import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { LIMIT_DEFAULTS } from '../../core/config.js';
import { InvalidInputError } from '../../core/errors.js';
import type { GraphStore } from '../../graph/store.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { IngestSummary, Progress } from '../run-ingest.js';
import { loadPackument } from '../npm-closure.js';
import { buildNpmTree, treeJobs } from '../npm-tree.js';
import { RegistryClient } from '../sources/npm/registry-client.js';
import type { RootSpec } from '../spec.js';
import {
  enqueue,
  JOB_OPTIONS,
  processIngestJob,
  settleFailedJob,
  type IngestJobData,
} from './ingest-job.js';
import { rememberedIn } from '../provenance-memory.js';
import { GroupWriter } from './group-writer.js';
import { RunState } from './run-state.js';

export { jobError, jobId, type IngestJobData } from './ingest-job.js';

export const DEFAULT_QUEUE = 'trustmap-ingest';

export function redisConnection(url: string): Redis {
  // Workers block on Redis; a finite retry count would make them fail while Redis restarts.
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

export interface WorkerOptions {
  redisUrl: string;
  queueName?: string;
  store: GraphStore;
  /** Jobs at once (default: `fetchConcurrency`). */
  concurrency?: number;
  /** Registry requests at once, per run (TRUSTMAP_FETCH_CONCURRENCY). */
  fetchConcurrency?: number;
  /** Rows a write batch holds (TRUSTMAP_WRITE_BATCH_ROWS). */
  writeBatchRows?: number;
  /** How long a job stays locked to a worker that stopped answering (default 30 s). */
  lockDurationMs?: number;
  logger?: Logger;
}

export interface IngestWorker {
  /** Resolves once the worker is connected and taking jobs. */
  ready(): Promise<void>;
  /** Stops taking jobs, lets the running ones finish, then disconnects. `force` abandons them. */
  close(force?: boolean): Promise<void>;
  worker: Worker<IngestJobData>;
  /** The writer its jobs share. */
  writer: GroupWriter;
}

export function startIngestWorker(options: WorkerOptions): IngestWorker {
  const logger = options.logger ?? silentLogger;
  const queueName = options.queueName ?? DEFAULT_QUEUE;
  const fetchConcurrency = options.fetchConcurrency ?? LIMIT_DEFAULTS.fetchConcurrency;
  // BullMQ does not close connections it was given, so each is kept here and closed on close().
  const redis = redisConnection(options.redisUrl);
  const queueConnection = redisConnection(options.redisUrl);
  const workerConnection = redisConnection(options.redisUrl);
  const queue = new Queue<IngestJobData>(queueName, { connection: queueConnection });
  // One registry client per run, so each packument is fetched once per run by this worker.
  const clients = new Map<string, RegistryClient>();
  const clientFor = (data: IngestJobData): RegistryClient => {
    let client = clients.get(data.runId);
    if (client === undefined) {
      if (clients.size >= 4) clients.delete(clients.keys().next().value as string);
      client = new RegistryClient({
        registry: data.registry,
        concurrency: fetchConcurrency,
        logger,
      });
      clients.set(data.runId, client);
    }
    return client;
  };

  // One writer for the worker's jobs at once: their records are stored together (a group commit).
  const writer = new GroupWriter(
    options.store,
    options.writeBatchRows ?? LIMIT_DEFAULTS.writeBatchRows,
  );
  // And one reader of kept provenance facts: the lookups of jobs running at once are one read.
  const remembered = rememberedIn(options.store);
  const worker = new Worker<IngestJobData>(
    queueName,
    (job) =>
      processIngestJob(job, {
        state: new RunState(redis, job.data.runId),
        client: clientFor(job.data),
        store: options.store,
        queue,
        writer,
        remembered,
      }),
    {
      connection: workerConnection,
      concurrency: options.concurrency ?? fetchConcurrency,
      // A job that stalls (its worker died) is run again as often as one that throws; BullMQ's
      // default (1) fails it on its second stall without running it, so nothing would settle it.
      maxStalledCount: JOB_OPTIONS.attempts,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: Math.max(1000, Math.floor((options.lockDurationMs ?? 30_000) / 2)),
    },
  );
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    logger.warn(
      { job: job.id, attempt: job.attemptsMade, error: error.message },
      'an ingest job failed',
    );
    const attempts = job.opts.attempts ?? 1;
    if (!(error instanceof UnrecoverableError) && job.attemptsMade < attempts) return;
    // Mostly settled by the processor already; this covers a failure outside its visit (and
    // is safe to repeat).
    const n = job.attemptsMade;
    void settleFailedJob(
      new RunState(redis, job.data.runId),
      job.id ?? '',
      job.data,
      `${error.message} (after ${n} attempt${n === 1 ? '' : 's'})`,
    ).catch((failure: unknown) => {
      logger.error({ job: job.id, error: String(failure) }, 'a failed job could not be recorded');
    });
  });
  worker.on('error', (error) => {
    logger.error({ error: error.message }, 'ingest worker error');
  });

  return {
    worker,
    writer,
    async ready() {
      await worker.waitUntilReady();
    },
    async close(force = false) {
      await worker.close(force);
      await queue.close();
      for (const connection of [redis, queueConnection, workerConnection]) connection.disconnect();
    },
  };
}

export interface DistributedIngestOptions {
  redisUrl: string;
  queueName?: string;
  roots: RootSpec[];
  registry: string;
  maxDepth?: number | undefined;
  dev?: boolean;
  onProgress?: (progress: Progress) => void;
  pollMs?: number;
  /** Give up waiting after this long (default: never). */
  timeoutMs?: number;
  /** Told the run's id as soon as it is enqueued (for `--status` and tests). */
  onStart?: (runId: string) => void;
  /** Registry requests at once while the initiator places the trees (TRUSTMAP_FETCH_CONCURRENCY). */
  concurrency?: number;
}

/**
 * Settles the run's pending jobs (a sample) that BullMQ has failed for good: which of them are in
 * the queue's failed set is asked in one round-trip, and only those are read.
 */
async function settleFailedByBullmq(
  redis: Redis,
  queue: Queue<IngestJobData>,
  state: RunState,
): Promise<void> {
  const ids = await state.someOutstanding(100);
  if (ids.length === 0) return;
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.zscore(queue.toKey('failed'), id);
  const scores = (await pipeline.exec()) ?? [];
  const failed = ids.filter((_, i) => {
    const [error, score] = scores[i] ?? [null, null];
    return error === null && score !== null;
  });
  for (const id of failed) {
    const job = await queue.getJob(id);
    if (job !== undefined)
      await settleFailedJob(state, id, job.data, job.failedReason || 'failed in BullMQ');
  }
}

/** Enqueues a run's roots and waits until workers have done every job it led to. */
export async function ingestWithWorkers(
  options: DistributedIngestOptions,
): Promise<IngestSummary & { runId: string }> {
  if (options.roots.some((root) => root.kind !== 'npm')) {
    throw new InvalidInputError(
      'lockfiles, SBOMs and PyPI roots are ingested in-process: run them without --workers',
    );
  }
  const started = performance.now();
  const runId = randomUUID();
  const queueName = options.queueName ?? DEFAULT_QUEUE;
  const redis = redisConnection(options.redisUrl);
  const queueConnection = redisConnection(options.redisUrl);
  const queue = new Queue<IngestJobData>(queueName, { connection: queueConnection });
  const state = new RunState(redis, runId);
  try {
    await state.start({
      runId,
      queue: queueName,
      specs: options.roots.map((r) => r.input),
      startedAt: new Date().toISOString(),
    });
    // The trees are placed here, where all of a root's packuments can be seen at once (npm's
    // placement needs the whole tree); the workers record them, each version and edge a job.
    const client = new RegistryClient({
      registry: options.registry,
      concurrency: options.concurrency ?? LIMIT_DEFAULTS.fetchConcurrency,
    });
    for (const root of options.roots) {
      if (root.kind !== 'npm') continue;
      const tree = await buildNpmTree(
        (name) => loadPackument(name, { client }),
        root.name,
        root.spec,
        { dev: options.dev === true, maxDepth: options.maxDepth },
      );
      const [first, ...rest] = treeJobs(tree, root);
      if (first === undefined) continue;
      const common = { runId, registry: options.registry, maxDepth: options.maxDepth ?? null };
      await enqueue(queue, state, {
        ...common,
        visit: { ...first, ...(options.dev === true ? { dev: true } : {}) },
        rootSpec: root.input,
      });
      for (const job of rest) await enqueue(queue, state, { ...common, visit: job });
    }
    options.onStart?.(runId);
    const pollMs = options.pollMs ?? 250;
    let before = -1;
    for (;;) {
      let outstanding = await state.outstanding();
      // A job BullMQ failed without running it (stalled more times than allowed) settles nothing:
      // looked for while the count stands still.
      if (outstanding > 0 && outstanding === before) {
        await settleFailedByBullmq(redis, queue, state);
        outstanding = await state.outstanding();
      }
      before = outstanding;
      const elapsedMs = performance.now() - started;
      options.onProgress?.({
        fetched: 0,
        queued: outstanding,
        resolved: await state.resolvedCount(),
        written: 0,
        failures: await state.failureCount(),
        elapsedMs,
      });
      if (outstanding <= 0) break;
      if (options.timeoutMs !== undefined && elapsedMs > options.timeoutMs) {
        throw new InvalidInputError(
          `run ${runId} still has ${outstanding} jobs after ${options.timeoutMs} ms: are workers running?`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    await state.finish();
    const report = await state.report();
    return {
      runId,
      roots: options.roots.map((root) => ({
        spec: root.input,
        resolved: report.roots[root.input] ?? null,
      })),
      resolved: report.resolved,
      counts: {
        packages: report.coverage.packages,
        versions: report.resolved.length,
        // Requests and writes happen in the workers; the run does not count them.
        requests: 0,
        rowsWritten: 0,
        relationshipsWritten: 0,
        writeMs: 0,
      },
      failures: report.failures,
      coverage: report.coverage,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await queue.close();
    redis.disconnect();
    queueConnection.disconnect();
  }
}
