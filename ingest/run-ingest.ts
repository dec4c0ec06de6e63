/**
 * An ingest run on the in-process queue: root jobs in, the closure handler (npm-closure.ts) run
 * with bounded concurrency, records written in batches, and a summary out.
 */
import PQueue from 'p-queue';
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../log.js';
import {
  MemorySeenSet,
  visit,
  type Failure,
  type VisitJob,
  type VisitResult,
} from './npm-closure.js';
import { RegistryClient } from './sources/npm/registry-client.js';
import type { RootSpec } from './spec.js';
import { BatchWriter } from './writer.js';
import { lockfileRecords, projectKey, readLockfile } from './roots/read-lockfile.js';

export interface IngestOptions {
  roots: RootSpec[];
  store: GraphStore;
  registry: string;
  concurrency?: number;
  maxDepth?: number | undefined;
  dev?: boolean;
  logger?: Logger;
  onProgress?: (progress: Progress) => void;
  /** Registry client settings, for tests (timeouts, backoff). */
  client?: { timeoutMs?: number; retries?: number; backoffMs?: number; maxBytes?: number };
}

export interface Progress {
  fetched: number;
  queued: number;
  resolved: number;
  written: number;
  failures: number;
  elapsedMs: number;
}

export interface Coverage {
  packages: number;
  maintainersKnown: number;
  timesKnown: number;
  versions: number;
  publishersKnown: number;
}

export interface IngestSummary {
  roots: { spec: string; resolved: string | null }[];
  /** Every version in the ingested closure, sorted. */
  resolved: string[];
  counts: {
    packages: number;
    versions: number;
    requests: number;
    rowsWritten: number;
    relationshipsWritten: number;
    writeMs: number;
  };
  failures: Failure[];
  coverage: Coverage;
  elapsedMs: number;
}

export function emptyCoverage(): Coverage {
  return { packages: 0, maintainersKnown: 0, timesKnown: 0, versions: 0, publishersKnown: 0 };
}

export function addToCoverage(coverage: Coverage, packument: VisitResult['packument']): void {
  if (packument === undefined) return;
  coverage.packages++;
  if (packument.maintainersKnown) coverage.maintainersKnown++;
  if (packument.timesKnown) coverage.timesKnown++;
  coverage.versions += packument.versions;
  coverage.publishersKnown += packument.publishersKnown;
}

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const concurrency = options.concurrency ?? 16;
  let fetched = 0;
  const client = new RegistryClient({
    registry: options.registry,
    concurrency,
    logger,
    ...options.client,
    onFetched: () => {
      fetched++;
    },
  });
  const writer = new BatchWriter(options.store);
  const seen = new MemorySeenSet();
  const queue = new PQueue({ concurrency });
  const resolved = new Set<string>();
  const failures: Failure[] = [];
  const coverage = emptyCoverage();
  const roots: IngestSummary['roots'] = [];

  const report = (): void => {
    options.onProgress?.({
      fetched,
      queued: queue.size + queue.pending,
      resolved: resolved.size,
      written: writer.written,
      failures: failures.length,
      elapsedMs: performance.now() - started,
    });
  };
  const context = {
    client,
    sink: (records: Parameters<BatchWriter['add']>[0]) => writer.add(records),
    seen,
    maxDepth: options.maxDepth,
  };

  // A failure of one package is recorded and the run goes on; a failure of the store stops it.
  let fatal: unknown;
  const run = (job: VisitJob, onResolved?: (key: string | undefined) => void): void => {
    void queue.add(async () => {
      if (fatal !== undefined) return;
      let result: VisitResult;
      try {
        result = await visit(job, context);
      } catch (error) {
        fatal ??= error;
        queue.clear();
        return;
      }
      if (result.resolved !== undefined) resolved.add(result.resolved);
      if (result.failure !== undefined) failures.push(result.failure);
      addToCoverage(coverage, result.packument);
      onResolved?.(result.resolved);
      for (const child of result.children) run(child);
      report();
    });
  };

  for (const root of options.roots) {
    if (root.kind === 'lockfile') {
      const locked = readLockfile(root.path);
      const project = projectKey(locked, root.path);
      roots.push({ spec: root.input, resolved: project });
      const { records, jobs } = lockfileRecords(locked, project, options.dev === true);
      await writer.add(records);
      for (const job of jobs) run(job);
      continue;
    }
    const entry: IngestSummary['roots'][number] = { spec: root.input, resolved: null };
    roots.push(entry);
    run(
      {
        name: root.name,
        spec: root.spec,
        depth: 0,
        ...(options.dev === true ? { dev: true } : {}),
      },
      (key) => {
        entry.resolved = key ?? null;
      },
    );
  }
  await queue.onIdle();
  await writer.flush();
  if (fatal !== undefined)
    throw fatal instanceof Error ? fatal : new Error('the ingest failed', { cause: fatal });
  report();
  return {
    roots,
    resolved: [...resolved].sort(),
    counts: {
      packages: coverage.packages,
      versions: resolved.size,
      requests: client.requests,
      rowsWritten: writer.written,
      relationshipsWritten: writer.relationshipsWritten,
      writeMs: Math.round(writer.writeMs),
    },
    failures: failures.sort((a, b) => `${a.name}@${a.spec}`.localeCompare(`${b.name}@${b.spec}`)),
    coverage,
    elapsedMs: Math.round(performance.now() - started),
  };
}
