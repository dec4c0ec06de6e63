/**
 * Stage 1, resolve roots: npm and PyPI specs, lockfiles, requirements files and SBOMs resolved to
 * their closures and written, in process or (npm roots only) by BullMQ workers.
 */
import { InvalidInputError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { ingestWithWorkers } from '../ingest/queue/distributed.js';
import { ingest, type IngestSummary } from '../ingest/run-ingest.js';
import type { RootSpec } from '../ingest/spec.js';
import type { PythonEnvironment } from '../ingest/sources/pypi/requirement.js';
import type { PipelineProgress, StoreSource } from './stage-types.js';

export interface RootsInput {
  roots: RootSpec[];
  registry: string;
  pypiUrl: string;
  pythonEnvironment?: PythonEnvironment | 'all' | undefined;
  maxDepth?: number | undefined;
  /** npm roots resolved as the registry stood then (npm install --before). */
  asOf?: Date | undefined;
  dev: boolean;
  concurrency: number;
  writeBatchRows: number;
  /** Enqueue on BullMQ and let workers write; without it the closure is resolved here. */
  workers?: { redisUrl: string; queueName: string } | undefined;
  logger: Logger;
}

export type RootsSummary = IngestSummary;

export async function resolveRoots(
  input: RootsInput,
  store: StoreSource,
  progress: PipelineProgress,
): Promise<RootsSummary> {
  const common = {
    roots: input.roots,
    registry: input.registry,
    pypiUrl: input.pypiUrl,
    ...(input.pythonEnvironment === undefined
      ? {}
      : { pythonEnvironment: input.pythonEnvironment }),
    maxDepth: input.maxDepth,
    asOf: input.asOf,
    dev: input.dev,
    // Identities are linked once, by the pipeline's identities stage.
    linkIdentities: false,
    ...(progress.roots === undefined ? {} : { onProgress: progress.roots }),
  };
  if (input.workers !== undefined) {
    if (input.asOf !== undefined)
      throw new InvalidInputError('--as-of runs in-process: run it without --workers');
    return ingestWithWorkers({ ...common, ...input.workers, concurrency: input.concurrency });
  }
  return ingest({
    ...common,
    store: await store.get(),
    logger: input.logger,
    concurrency: input.concurrency,
    writeBatchRows: input.writeBatchRows,
  });
}
