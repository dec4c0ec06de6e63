/**
 * An ingest run on the in-process queue: root jobs in, the closure handler (npm-closure.ts) run
 * with bounded concurrency, records written in batches, and a summary out.
 */
import PQueue from 'p-queue';
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../core/log.js';
import {
  loadPackument,
  MemorySeenSet,
  recordPackument,
  visit,
  type ClosureContext,
  type Failure,
  type VisitJob,
  type VisitResult,
} from './npm-closure.js';
import { RegistryClient } from './sources/npm/registry-client.js';
import type { Packument } from './sources/npm/packument.js';
import { buildNpmTree, treeJobs } from './npm-tree.js';
import type { RootSpec } from './spec.js';
import { BatchWriter } from './writer.js';
import { readLockfile } from './roots/read-lockfile.js';
import { lockfileRecords } from './roots/map-lockfile.js';
import { linkIdentities } from './identities.js';
import { pypiClosure, type PyPiRoot } from './pypi-closure.js';
import { readRequirements } from './roots/requirements.js';
import { mapRequirements } from './roots/map-requirements.js';
import { readPythonLockfile } from './roots/python-lockfile.js';
import { mapPythonLock, type MappedPythonRoot } from './roots/map-python-lock.js';
import { folderProjectKey, projectKey, pythonProjectKey } from './roots/project-key.js';
import { PyPiClient } from './sources/pypi/pypi-client.js';
import { DEFAULT_ENVIRONMENT, type PythonEnvironment } from './sources/pypi/requirement.js';
import type { Progress } from '../shared/domain.js';
import { LIMIT_DEFAULTS, loadConfig } from '../core/config.js';
import { rememberedIn } from './provenance-memory.js';
import { startProvenance } from './npm-provenance.js';

export interface IngestOptions {
  roots: RootSpec[];
  store: GraphStore;
  registry: string;
  /** Requests in flight to each registry (default: TRUSTMAP_FETCH_CONCURRENCY's). */
  concurrency?: number;
  /** Records collected before a write (default: TRUSTMAP_WRITE_BATCH_ROWS's). */
  writeBatchRows?: number;
  maxDepth?: number | undefined;
  /**
   * Resolve npm roots as the registry stood at this instant (`npm install --before`): versions
   * published later are not recorded nor installed. PyPI roots are refused with it.
   */
  asOf?: Date | undefined;
  dev?: boolean;
  logger?: Logger;
  onProgress?: (progress: Progress) => void;
  /** PyPI base URL, for pypi: roots and requirements files (default: PYPI_URL's). */
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

/** One run: the clients, the queue and writer, and what the summary will say, filled as it goes. */
class IngestRun {
  readonly started = performance.now();
  readonly logger: Logger;
  readonly concurrency: number;
  readonly environment: PythonEnvironment | 'all';
  readonly client: RegistryClient;
  readonly writer: BatchWriter;
  readonly seen = new MemorySeenSet();
  readonly queue: PQueue;
  readonly context: ClosureContext;
  readonly resolved = new Set<string>();
  readonly failures: Failure[] = [];
  readonly coverage = emptyCoverage();
  readonly roots: IngestSummary['roots'] = [];
  readonly pypiRoots: PyPiRoot[] = [];
  fetched = 0;
  pypiRequests = 0;
  /** A failure of one package is recorded and the run goes on; a failure of the store stops it. */
  fatal: unknown;

  constructor(readonly options: IngestOptions) {
    this.logger = options.logger ?? silentLogger;
    this.concurrency = options.concurrency ?? LIMIT_DEFAULTS.fetchConcurrency;
    this.environment = options.pythonEnvironment ?? DEFAULT_ENVIRONMENT;
    this.client = new RegistryClient({
      registry: options.registry,
      concurrency: this.concurrency,
      logger: this.logger,
      ...options.client,
      onFetched: () => {
        this.fetched++;
      },
    });
    this.writer = new BatchWriter(options.store, options.writeBatchRows);
    this.queue = new PQueue({ concurrency: this.concurrency });
    this.context = {
      client: this.client,
      sink: (records) => this.writer.add(records),
      seen: this.seen,
      maxDepth: options.maxDepth,
      asOf: options.asOf,
      remembered: rememberedIn(options.store),
    };
  }

  get dev(): boolean {
    return this.options.dev === true;
  }

  report(): void {
    this.options.onProgress?.({
      fetched: this.fetched,
      queued: this.queue.size + this.queue.pending,
      resolved: this.resolved.size,
      written: this.writer.written,
      failures: this.failures.length,
      elapsedMs: performance.now() - this.started,
    });
  }

  /** Queues an npm job; its children are queued as it finishes. */
  run(job: VisitJob, onResolved?: (key: string | undefined) => void): void {
    void this.queue.add(async () => {
      if (this.fatal !== undefined) return;
      let result: VisitResult;
      try {
        result = await visit(job, this.context);
      } catch (error) {
        this.fatal ??= error;
        this.queue.clear();
        return;
      }
      if (result.resolved !== undefined) this.resolved.add(result.resolved);
      if (result.failure !== undefined) this.failures.push(result.failure);
      addToCoverage(this.coverage, result.packument);
      onResolved?.(result.resolved);
      for (const child of result.children) this.run(child);
      this.report();
    });
  }

  /** Writes a Python root's records; its releases wait for the PyPI closure. */
  async addPython(mapped: MappedPythonRoot): Promise<void> {
    await this.writer.add(mapped.records);
    this.pypiRoots.push(...mapped.pypiRoots);
    this.failures.push(...mapped.refused);
  }
}

/** Reads a root, maps it, writes its records and queues its jobs. */
async function addRoot(run: IngestRun, root: RootSpec): Promise<void> {
  switch (root.kind) {
    case 'lockfile':
      return addLockfile(run, root);
    case 'pypi':
      run.pypiRoots.push({ input: root.input, requirement: root.requirement });
      return;
    case 'pylock': {
      const lock = readPythonLockfile(root.path);
      const project = pythonProjectKey(lock, root.path);
      run.roots.push({ spec: root.input, resolved: project });
      return run.addPython(mapPythonLock(lock, project, { input: root.input, dev: run.dev }));
    }
    case 'requirements':
      return addRequirements(run, root);
    case 'npm':
      addNpmRoot(run, root);
  }
}

/**
 * An npm root: its tree placed as npm places it (ingest/npm-tree.ts, one pass over packuments the
 * run's client fetches), then recorded by the closure handler's jobs, which follow nothing.
 */
function addNpmRoot(run: IngestRun, root: Extract<RootSpec, { kind: 'npm' }>): void {
  const entry: IngestSummary['roots'][number] = { spec: root.input, resolved: null };
  run.roots.push(entry);
  void run.queue.add(async () => {
    if (run.fatal !== undefined) return;
    try {
      // Each package is written, and each version's attestations verified, as soon as a version
      // is placed: the store and the verification threads work while the pass waits for the
      // registry, instead of after it.
      const writes: Promise<void>[] = [];
      const onPlaced = (packument: Packument, version: string): void => {
        if (run.fatal === undefined)
          writes.push(startProvenance(run.client, packument, version, run.context.remembered));
        writes.push(
          recordPackument(packument.name, run.context).then(
            (recorded) => {
              addToCoverage(run.coverage, recorded);
            },
            (error: unknown) => {
              run.fatal ??= error;
              run.queue.clear();
            },
          ),
        );
      };
      const tree = await buildNpmTree(
        (name) => loadPackument(name, run.context),
        root.name,
        root.spec,
        { dev: run.dev, maxDepth: run.options.maxDepth, onPlaced },
      );
      const [first, ...rest] = treeJobs(tree, root);
      if (first !== undefined)
        run.run({ ...first, ...(run.dev ? { dev: true } : {}) }, (key) => {
          entry.resolved = key ?? null;
        });
      for (const job of rest) run.run(job);
      // (This task ends, and so the queue idles, only once they are in the writer.)
      await Promise.all(writes);
    } catch (error) {
      run.fatal ??= error;
      run.queue.clear();
    }
  });
}

async function addLockfile(
  run: IngestRun,
  root: Extract<RootSpec, { kind: 'lockfile' }>,
): Promise<void> {
  const locked = readLockfile(root.path);
  const project = projectKey(locked, root.path);
  run.roots.push({ spec: root.input, resolved: project });
  const { records, jobs } = lockfileRecords(locked, project, run.dev);
  await run.writer.add(records);
  for (const job of jobs) run.run(job);
  // An SBOM may list PyPI components too: they are exact releases, like a Python lockfile's.
  if (locked.python !== undefined && locked.python.packages.length > 0)
    await run.addPython(mapPythonLock(locked.python, project, { input: root.input, dev: run.dev }));
}

async function addRequirements(
  run: IngestRun,
  root: Extract<RootSpec, { kind: 'requirements' }>,
): Promise<void> {
  const file = await readRequirements(root.path, root.confine);
  const project = folderProjectKey(root.path);
  run.roots.push({ spec: root.input, resolved: project });
  const { environment } = run;
  await run.addPython(mapRequirements(file, project, { input: root.input, environment }));
  if (file.skipped.length > 0)
    run.logger.warn({ file: root.path, skipped: file.skipped }, 'requirements not followed');
}

/** The PyPI closure of every PyPI root the npm part left, once the npm queue is idle. */
async function runPypi(run: IngestRun): Promise<void> {
  if (run.pypiRoots.length === 0 || run.fatal !== undefined) return;
  const pypi = new PyPiClient({
    url: run.options.pypiUrl ?? loadConfig({}).pypiUrl,
    concurrency: run.concurrency,
    logger: run.logger,
  });
  const result = await pypiClosure({
    roots: run.pypiRoots,
    client: pypi,
    sink: (records) => run.writer.add(records),
    environment: run.environment,
    maxDepth: run.options.maxDepth,
    asOf: run.options.asOf,
    logger: run.logger,
  });
  for (const key of result.resolved) run.resolved.add(key);
  run.failures.push(...result.failures);
  run.roots.push(...result.roots);
  run.coverage.packages += result.projects;
  run.coverage.maintainersKnown += result.maintainersKnown;
  run.coverage.timesKnown += result.timesKnown;
  run.pypiRequests = pypi.requests;
}

function summarise(run: IngestRun): IngestSummary {
  const { writer, failures } = run;
  return {
    roots: run.roots,
    resolved: [...run.resolved].sort(),
    counts: {
      packages: run.coverage.packages,
      versions: run.resolved.size,
      requests: run.client.requests + run.pypiRequests,
      rowsWritten: writer.written,
      relationshipsWritten: writer.relationshipsWritten,
      writeMs: Math.round(writer.writeMs),
    },
    failures: failures.sort((a, b) => `${a.name}@${a.spec}`.localeCompare(`${b.name}@${b.spec}`)),
    coverage: run.coverage,
    elapsedMs: Math.round(performance.now() - run.started),
  };
}

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const run = new IngestRun(options);
  for (const root of options.roots) await addRoot(run, root);
  await run.queue.onIdle();
  await runPypi(run);
  await run.writer.flush();
  // People of different registries (and git) with one email are linked, with the evidence.
  if (run.fatal === undefined && run.pypiRoots.length > 0 && options.linkIdentities !== false)
    await linkIdentities(options.store);
  if (run.fatal !== undefined)
    throw run.fatal instanceof Error
      ? run.fatal
      : new Error('the ingest failed', { cause: run.fatal });
  run.report();
  return summarise(run);
}
