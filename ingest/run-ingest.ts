/**
 * An ingest run on the in-process queue: root jobs in, the closure handler (npm-closure.ts) run
 * with bounded concurrency, records written in batches, and a summary out.
 */
import PQueue from 'p-queue';
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../core/log.js';
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
import path from 'node:path';
import { linkIdentities } from './identities.js';
import { pypiClosure, type PyPiRoot } from './pypi-closure.js';
import { GraphRecords } from './records.js';
import { readRequirements } from './roots/requirements.js';
import { readPythonLockfile, type PythonLock } from './roots/python-lockfile.js';
import { pypiPackageKey, pypiVersionKey } from './sources/pypi/map-release.js';
import { PyPiClient } from './sources/pypi/pypi-client.js';
import {
  DEFAULT_ENVIRONMENT,
  markerHolds,
  type PythonEnvironment,
} from './sources/pypi/requirement.js';
import type { Progress } from '../shared/wire-types.js';
import { LIMIT_DEFAULTS } from '../core/config.js';

export interface IngestOptions {
  roots: RootSpec[];
  store: GraphStore;
  registry: string;
  /** Requests in flight to each registry (default: TRUSTMAP_FETCH_CONCURRENCY's). */
  concurrency?: number;
  /** Records collected before a write (default: TRUSTMAP_WRITE_BATCH_ROWS's). */
  writeBatchRows?: number;
  maxDepth?: number | undefined;
  dev?: boolean;
  logger?: Logger;
  onProgress?: (progress: Progress) => void;
  /** PyPI base URL, for pypi: roots and requirements files (default https://pypi.org). */
  pypiUrl?: string;
  /** The environment PEP 508 markers are evaluated for, or 'all' to take every marker. */
  pythonEnvironment?: PythonEnvironment | 'all';
  /**
   * Link identities across registries when PyPI roots were ingested (default true); off when the
   * caller reads repositories next, which links them all once at its end.
   */
  linkIdentities?: boolean;
  /** Registry client settings, for tests (timeouts, backoff). */
  client?: { timeoutMs?: number; retries?: number; backoffMs?: number; maxBytes?: number };
}

export type { Progress };

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
  const concurrency = options.concurrency ?? LIMIT_DEFAULTS.fetchConcurrency;
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
  const writer = new BatchWriter(options.store, options.writeBatchRows);
  const seen = new MemorySeenSet();
  const queue = new PQueue({ concurrency });
  const resolved = new Set<string>();
  const failures: Failure[] = [];
  const coverage = emptyCoverage();
  const roots: IngestSummary['roots'] = [];
  const pypiRoots: PyPiRoot[] = [];

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

  /** A Python lockfile's (or an SBOM's PyPI part's) exact releases under `project`. */
  const lockedPython = async (lock: PythonLock, project: string, input: string): Promise<void> => {
    const wanted = new Map(
      lock.packages.filter((p) => options.dev === true || !p.dev).map((p) => [p.name, p]),
    );
    const records = new GraphRecords();
    records.node('Version', project, { project: true, lockfile: lock.format });
    for (const edge of lock.edges) {
      const to = wanted.get(edge.to);
      const from = edge.from === '' ? undefined : wanted.get(edge.from);
      if (to === undefined || (edge.from !== '' && from === undefined)) continue;
      records.relationship(
        'RESOLVES_TO',
        from === undefined ? project : pypiVersionKey(from.name, from.version),
        pypiVersionKey(to.name, to.version),
        { root: project, range: `==${to.version}` },
      );
      if (from === undefined)
        records.relationship('DEPENDS_ON', project, pypiPackageKey(to.name), {
          range: `==${to.version}`,
          kind: to.dev ? 'dev' : 'prod',
        });
    }
    await writer.add(records);
    for (const p of wanted.values())
      pypiRoots.push({
        input: input,
        requirement: { name: p.name, extras: [], specifier: `==${p.version}`, marker: undefined },
        from: { key: project, root: project },
        locked: true,
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
      // An SBOM may list PyPI components too: they are exact releases, like a Python lockfile's.
      if (locked.python !== undefined && locked.python.packages.length > 0)
        await lockedPython(locked.python, project, root.input);
      continue;
    }
    if (root.kind === 'pypi') {
      pypiRoots.push({ input: root.input, requirement: root.requirement });
      continue;
    }
    if (root.kind === 'pylock') {
      const lock = readPythonLockfile(root.path);
      const project =
        lock.project.name === undefined
          ? `project:${path.basename(path.dirname(root.path))}`
          : pypiVersionKey(lock.project.name, lock.project.version ?? '0.0.0');
      roots.push({ spec: root.input, resolved: project });
      await lockedPython(lock, project, root.input);
      continue;
    }
    if (root.kind === 'requirements') {
      const file = readRequirements(root.path, new Set(), root.confine);
      const project = `project:${path.basename(path.dirname(root.path))}`;
      roots.push({ spec: root.input, resolved: project });
      const records = new GraphRecords();
      records.node('Version', project, { project: true, lockfile: 'requirements' });
      for (const requirement of file.requirements) {
        records.relationship('DEPENDS_ON', project, pypiPackageKey(requirement.name), {
          range: requirement.specifier === '' ? '*' : requirement.specifier,
          kind: requirement.marker === undefined ? 'prod' : 'marker',
        });
        const environment = options.pythonEnvironment ?? DEFAULT_ENVIRONMENT;
        if (!markerHolds(requirement.marker, environment)) continue;
        pypiRoots.push({
          input: root.input,
          requirement,
          from: { key: project, root: project },
        });
      }
      await writer.add(records);
      if (file.skipped.length > 0)
        logger.warn({ file: root.path, skipped: file.skipped }, 'requirements not followed');
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
  let pypiRequests = 0;
  if (pypiRoots.length > 0 && fatal === undefined) {
    const pypi = new PyPiClient({
      url: options.pypiUrl ?? 'https://pypi.org',
      concurrency,
      logger,
    });
    const result = await pypiClosure({
      roots: pypiRoots,
      client: pypi,
      sink: (records) => writer.add(records),
      environment: options.pythonEnvironment ?? DEFAULT_ENVIRONMENT,
      maxDepth: options.maxDepth,
      logger,
    });
    for (const key of result.resolved) resolved.add(key);
    failures.push(...result.failures);
    roots.push(...result.roots);
    coverage.packages += result.projects;
    coverage.maintainersKnown += result.maintainersKnown;
    coverage.timesKnown += result.timesKnown;
    pypiRequests = pypi.requests;
  }
  await writer.flush();
  // People of different registries (and git) with one email are linked, with the evidence.
  if (fatal === undefined && pypiRoots.length > 0 && options.linkIdentities !== false)
    await linkIdentities(options.store);
  if (fatal !== undefined)
    throw fatal instanceof Error ? fatal : new Error('the ingest failed', { cause: fatal });
  report();
  return {
    roots,
    resolved: [...resolved].sort(),
    counts: {
      packages: coverage.packages,
      versions: resolved.size,
      requests: client.requests + pypiRequests,
      rowsWritten: writer.written,
      relationshipsWritten: writer.relationshipsWritten,
      writeMs: Math.round(writer.writeMs),
    },
    failures: failures.sort((a, b) => `${a.name}@${a.spec}`.localeCompare(`${b.name}@${b.spec}`)),
    coverage,
    elapsedMs: Math.round(performance.now() - started),
  };
}
