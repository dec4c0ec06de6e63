/**
 * The ingest on BullMQ: the process that starts a run enqueues the root jobs and waits; `trustmap
 * worker` processes run the same closure handler as the in-process queue, write what they find to
 * the configured store, and enqueue the jobs it returns. Jobs are small (a package and a spec),
 * with deterministic ids; a job that throws a retriable failure (the store restarting, Redis) is
 * retried with exponential backoff, one that throws a failure no retry fixes (the error says
 * `retriable: false`) fails at once, and one that fails for good is recorded with its reason.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { InvalidInputError, isTrustmapError } from '../../core/errors.js';
import type { GraphStore } from '../../graph/store.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { visit, type VisitJob } from '../npm-closure.js';
import type { IngestSummary, Progress } from '../run-ingest.js';
import { RegistryClient } from '../sources/npm/registry-client.js';
import type { RootSpec } from '../spec.js';
import { BatchWriter } from '../writer.js';
import { RunState } from './run-state.js';

export const DEFAULT_QUEUE = 'trustmap-ingest';
const ATTEMPTS = 5;

export interface IngestJobData {
  runId: string;
  registry: string;
  maxDepth: number | null;
  visit: VisitJob;
  /** Set on a root job: the spec the user typed. */
  rootSpec?: string;
}

/**
 * What a job throws to BullMQ: a TrustmapError that says no retry fixes it becomes BullMQ's
 * UnrecoverableError (the job fails at once, its cause kept); anything else is thrown as it is
 * and retried (a Redis hiccup, a store that restarts, a bug BullMQ's attempts then bound).
 */
export function jobError(error: unknown): unknown {
  if (!isTrustmapError(error) || error.retriable) return error;
  const final = new UnrecoverableError(`${error.message} [${error.code}]`);
  final.cause = error;
  return final;
}

export function redisConnection(url: string): Redis {
  // Workers block on Redis; a finite retry count would make them fail while Redis restarts.
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** The same job of the same run always has the same id, so enqueueing it twice adds it once. */
export function jobId(runId: string, job: VisitJob): string {
  const identity = JSON.stringify([
    runId,
    job.name,
    job.spec,
    job.parent ?? null,
    job.root ?? null,
    job.dev === true,
  ]);
  return createHash('sha256').update(identity).digest('hex').slice(0, 40);
}

async function enqueue(
  queue: Queue<IngestJobData>,
  state: RunState,
  data: IngestJobData,
): Promise<void> {
  const id = jobId(data.runId, data.visit);
  if (!(await state.add(`job:${id}`))) return;
  await state.jobAdded();
  await queue.add('visit', data, {
    jobId: id,
    attempts: ATTEMPTS,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}

export interface WorkerOptions {
  redisUrl: string;
  queueName?: string;
  store: GraphStore;
  concurrency?: number;
  /** How long a job stays locked to a worker that stopped answering (default 30 s). */
  lockDurationMs?: number;
  logger?: Logger;
}

export interface IngestWorker {
  /** Stops taking jobs, lets the running ones finish, then disconnects. `force` abandons them. */
  close(force?: boolean): Promise<void>;
  worker: Worker<IngestJobData>;
}

export function startIngestWorker(options: WorkerOptions): IngestWorker {
  const logger = options.logger ?? silentLogger;
  const queueName = options.queueName ?? DEFAULT_QUEUE;
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
        concurrency: options.concurrency ?? 8,
        logger,
      });
      clients.set(data.runId, client);
    }
    return client;
  };

  const processJob = async (job: Job<IngestJobData>): Promise<void> => {
    const data = job.data;
    const state = new RunState(redis, data.runId);
    const writer = new BatchWriter(options.store);
    // What this job marks as done is only done once its records are stored: if the store fails,
    // the marks are taken back so BullMQ's retry does the work again instead of skipping it.
    const marked: string[] = [];
    const seen = {
      add: async (member: string): Promise<boolean> => {
        const added = await state.add(member);
        if (added) marked.push(member);
        return added;
      },
    };
    let result;
    try {
      result = await visit(data.visit, {
        client: clientFor(data),
        sink: (records) => writer.add(records),
        seen,
        maxDepth: data.maxDepth ?? undefined,
      });
      await writer.flush();
    } catch (error) {
      await state.remove(marked);
      throw jobError(error);
    }
    if (result.resolved !== undefined) await state.resolved(result.resolved, data.rootSpec);
    if (result.failure !== undefined) await state.failed(result.failure);
    if (result.packument !== undefined) {
      await state.covered({
        packages: 1,
        maintainersKnown: result.packument.maintainersKnown ? 1 : 0,
        timesKnown: result.packument.timesKnown ? 1 : 0,
        versions: result.packument.versions,
        publishersKnown: result.packument.publishersKnown,
      });
    }
    for (const child of result.children) {
      await enqueue(queue, state, {
        runId: data.runId,
        registry: data.registry,
        maxDepth: data.maxDepth,
        visit: child,
      });
    }
    await state.jobDone();
  };

  const worker = new Worker<IngestJobData>(queueName, processJob, {
    connection: workerConnection,
    concurrency: options.concurrency ?? 8,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: Math.max(1000, Math.floor((options.lockDurationMs ?? 30_000) / 2)),
  });
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    logger.warn(
      { job: job.id, attempt: job.attemptsMade, error: error.message },
      'an ingest job failed',
    );
    const attempts = job.opts.attempts ?? 1;
    if (!(error instanceof UnrecoverableError) && job.attemptsMade < attempts) return;
    const state = new RunState(redis, job.data.runId);
    void state
      .failed({
        name: job.data.visit.name,
        spec: job.data.visit.spec,
        parent: job.data.visit.parent,
        code: 'JOB_FAILED',
        reason: `${error.message} (after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'})`,
        optional: job.data.visit.optional === true,
      })
      .then(() => state.jobDone());
  });
  worker.on('error', (error) => {
    logger.error({ error: error.message }, 'ingest worker error');
  });

  return {
    worker,
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
    for (const root of options.roots) {
      if (root.kind !== 'npm') continue;
      await enqueue(queue, state, {
        runId,
        registry: options.registry,
        maxDepth: options.maxDepth ?? null,
        visit: {
          name: root.name,
          spec: root.spec,
          depth: 0,
          ...(options.dev === true ? { dev: true } : {}),
        },
        rootSpec: root.input,
      });
    }
    options.onStart?.(runId);
    const pollMs = options.pollMs ?? 250;
    for (;;) {
      const outstanding = await state.outstanding();
      const elapsedMs = performance.now() - started;
      options.onProgress?.({
        fetched: 0,
        queued: outstanding,
        resolved: await redis.scard(`trustmap:run:${runId}:resolved`),
        written: 0,
        failures: await redis.llen(`trustmap:run:${runId}:failures`),
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
      failures: report.failures.sort((a, b) =>
        `${a.name}@${a.spec}`.localeCompare(`${b.name}@${b.spec}`),
      ),
      coverage: report.coverage,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await queue.close();
    redis.disconnect();
    queueConnection.disconnect();
  }
}
