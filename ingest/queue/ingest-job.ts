/**
 * One job of a distributed ingest: what it carries, its deterministic id, how it is added, and its
 * processor, a shell around the closure stage's `visit` (ingest/npm-closure.ts).
 *
 * A worker may die (SIGKILL) between any two steps, and BullMQ then runs the job again under the
 * same id, so the steps are ordered and idempotent (see ./run-state.ts): `visit` marks what it does
 * as done by this job id (a re-run redoes its own marks' work), its records are stored, its
 * result recorded (sets and hashes keyed by what they count), its children added (pending, then
 * BullMQ, both under the child's id), and only then is the job's id taken off the run's pending
 * set. A crash before that last step leaves the job pending and BullMQ re-runs it; a crash after
 * it leaves nothing to do.
 */
import { createHash } from 'node:crypto';
import { UnrecoverableError, type Job, type JobsOptions, type Queue } from 'bullmq';
import { isTrustmapError } from '../../core/errors.js';
import type { GraphStore } from '../../graph/store.js';
import { visit, type Failure, type VisitJob } from '../npm-closure.js';
import type { RegistryClient } from '../sources/npm/registry-client.js';
import { GraphRecords } from '../records.js';
import { GroupWriter } from './group-writer.js';
import { STATE_VERSION, type RunState } from './run-state.js';
import { rememberedIn, type RememberedFacts } from '../provenance-memory.js';

export interface IngestJobData {
  /** The run state's shape the job was enqueued for (absent: an older trustmap's job). */
  stateVersion?: number;
  runId: string;
  registry: string;
  maxDepth: number | null;
  visit: VisitJob;
  /** Set on a root job: the spec the user typed. */
  rootSpec?: string;
}

export const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} satisfies JobsOptions;

/** The same job of the same run always has the same id, so adding it twice adds it once. */
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

/**
 * Adds a job to the run: counted as pending first, then handed to BullMQ under its deterministic
 * id. Both are idempotent, so a parent re-run after a crash between them adds what was missing;
 * a job already done is not added again.
 */
export async function enqueue(
  queue: Queue<IngestJobData>,
  state: RunState,
  data: IngestJobData,
): Promise<void> {
  const id = jobId(data.runId, data.visit);
  if (!(await state.jobAdded(id))) return;
  await queue.add('visit', { ...data, stateVersion: STATE_VERSION }, { jobId: id, ...JOB_OPTIONS });
}

/** A job that failed for good, as the run records it. */
export function jobFailure(data: IngestJobData, reason: string): Failure {
  return {
    name: data.visit.name,
    spec: data.visit.spec,
    parent: data.visit.parent,
    code: 'JOB_FAILED',
    reason,
    optional: data.visit.optional === true,
  };
}

/**
 * Records a job that failed for good, gives back the marks it owns and takes it off the run's
 * pending jobs: one step, taken once (a repeat, or a job already settled, changes nothing).
 */
export async function settleFailedJob(
  state: RunState,
  id: string,
  data: IngestJobData,
  reason: string,
): Promise<void> {
  await state.jobDone(id, jobFailure(data, reason));
}

export interface JobContext {
  state: RunState;
  client: RegistryClient;
  store: GraphStore;
  queue: Queue<IngestJobData>;
  /** The worker's writer, shared by its jobs (absent: the job writes on its own). */
  writer?: GroupWriter;
  /** The worker's reader of kept provenance facts, shared by its jobs (absent: the job's own). */
  remembered?: RememberedFacts;
  /** Rows a write batch holds (TRUSTMAP_WRITE_BATCH_ROWS), for a job's own writer. */
  writeBatchRows?: number;
}

export async function processIngestJob(
  job: Job<IngestJobData>,
  { state, client, store, queue, writer, remembered, writeBatchRows }: JobContext,
): Promise<void> {
  const data = job.data;
  if (data.stateVersion !== STATE_VERSION) {
    throw new UnrecoverableError(
      `job enqueued by an older trustmap (run state v${data.stateVersion ?? 1}): run it with workers of that version`,
    );
  }
  const id = job.id ?? jobId(data.runId, data.visit);
  // Settled already (the run may be over): BullMQ running it again (a stalled job) has nothing to
  // do, and walking again would redo the subtree.
  if (await state.isDone(id)) return;
  // What the visit finds is stored in one write with other jobs' (see ./group-writer.ts).
  const found = new GraphRecords();
  // Marks this attempt took; given back if it throws, so another job (or the retry) does the work.
  const marked: string[] = [];
  const seen = state.seenBy(id);
  let result;
  try {
    result = await visit(data.visit, {
      client,
      sink: (records) => {
        found.merge(records);
        return Promise.resolve();
      },
      seen: {
        add: async (member) => {
          const mine = await seen.add(member);
          if (mine) marked.push(member);
          return mine;
        },
      },
      maxDepth: data.maxDepth ?? undefined,
      remembered: remembered ?? rememberedIn(store),
    });
    await (writer ?? new GroupWriter(store, writeBatchRows)).write(found);
  } catch (error) {
    await state.remove(marked, id);
    const thrown = jobError(error);
    // A failure no attempt is left for is settled here, before BullMQ is told: a worker that
    // died between the two would leave the job pending for good.
    const attempts = job.opts.attempts ?? 1;
    if (thrown instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts) {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      const n = job.attemptsMade + 1;
      await settleFailedJob(
        state,
        id,
        data,
        `${message} (after ${n} attempt${n === 1 ? '' : 's'})`,
      );
    }
    throw thrown;
  }
  if (result.resolved !== undefined) await state.resolved(result.resolved, data.rootSpec);
  if (result.failure !== undefined) await state.failed(id, result.failure);
  if (result.packument !== undefined) {
    await state.covered(result.packument.name, {
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
  await state.jobDone(id);
}
