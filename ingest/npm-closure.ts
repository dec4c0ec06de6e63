/**
 * The ingest of npm dependency closures as job handlers: a job is small (a package name, a spec,
 * and where it was asked from); its handler fetches the packument, maps it, resolves the spec,
 * records what it found, and returns the jobs for the dependencies to follow. The same handler
 * runs on the in-process queue and in BullMQ workers.
 */
import {
  failureCode,
  InvalidPackageError,
  isTrustmapError,
  type ErrorCode,
} from '../core/errors.js';
import { npmVersionKey } from './identity.js';
import { provenanceRecords } from './npm-provenance.js';
import type { RememberedFacts } from './provenance-memory.js';
import { GraphRecords } from './records.js';
import {
  dependenciesOf,
  mapDependencies,
  mapMissingPackage,
  mapPackument,
} from './sources/npm/map-packument.js';
import { readPackument, type DependencyKind, type Packument } from './sources/npm/packument.js';
import type { ParsedResult, RegistryClient } from './sources/npm/registry-client.js';
import { packumentAsOf } from './sources/npm/as-of.js';
import { pickVersion } from './sources/npm/resolve.js';

export interface VisitJob {
  name: string;
  /** Range, version or tag to resolve; for a lockfile, the exact version. */
  spec: string;
  /** The version that asked for it; absent for a root. */
  parent?: string;
  /** The root version's key, recorded on RESOLVES_TO; absent for a root (it is its own). */
  root?: string;
  depth: number;
  /** Follow this version's devDependencies too (a root with --dev). */
  dev?: boolean;
  /** An optional dependency: its failure does not fail the run. */
  optional?: boolean;
  /**
   * Follow its dependencies (default). A lockfile's packages are not followed: the lockfile says;
   * nor are the versions of an npm tree (ingest/npm-tree.ts): the tree says.
   */
  follow?: boolean;
  /** The range the parent asked for, recorded on RESOLVES_TO when `spec` is the version chosen. */
  range?: string;
}

export interface Failure {
  name: string;
  spec: string;
  parent: string | undefined;
  code: ErrorCode;
  reason: string;
  optional: boolean;
}

export interface VisitResult {
  /** The version the job resolved to. */
  resolved: string | undefined;
  children: VisitJob[];
  failure: Failure | undefined;
  /** Set when this job mapped the packument (first time the run saw the package). */
  packument:
    | {
        name: string;
        maintainersKnown: boolean;
        timesKnown: boolean;
        versions: number;
        publishersKnown: number;
      }
    | undefined;
}

/** Run-wide sets, in memory for one process or in Redis for workers. Each `add` says if it was new. */
export interface SeenSet {
  add(member: string): Promise<boolean>;
}

export interface ClosureContext {
  client: RegistryClient;
  sink: (records: GraphRecords) => Promise<void>;
  /**
   * What the run has done, so each thing is done once: `package:<name>` (packument mapped),
   * `version:<key>` (dependencies recorded), `walk:<root> <key>` (dependencies followed for a root,
   * so each root gets its own RESOLVES_TO edges).
   */
  seen: SeenSet;
  /** How many levels of dependencies to follow below the roots (0: the roots only); undefined for all. */
  maxDepth: number | undefined;
  /** Resolve as the registry stood then (`npm install --before`); later versions do not exist. */
  asOf?: Date | undefined;
  /** Verification facts earlier runs stored, taken for the same digest and trust. */
  remembered?: RememberedFacts | undefined;
}

const FOLLOWED: readonly DependencyKind[] = ['prod', 'optional', 'peer'];
const RECORDED: readonly DependencyKind[] = ['prod', 'optional', 'peer', 'dev'];

export class MemorySeenSet implements SeenSet {
  private readonly members = new Set<string>();
  add(member: string): Promise<boolean> {
    const added = !this.members.has(member);
    this.members.add(member);
    return Promise.resolve(added);
  }
}

/**
 * A packument as the client keeps it: read and mapped once, when it arrives, so a document that
 * cannot be mapped fails the same way for every job that asks for it (in any worker). The
 * records are taken by the first job to write them and dropped by the others.
 */
interface MappedPackument {
  packument: Packument;
  records: GraphRecords | undefined;
}

function readAndMap(document: unknown, name: string, asOf: Date | undefined): MappedPackument {
  try {
    const read = readPackument(document, name);
    const packument = asOf === undefined ? read : packumentAsOf(read, asOf);
    const records = mapPackument(packument);
    try {
      records.check();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new InvalidPackageError(
        `pkg:npm/${name}: the packument holds a value the graph store refuses: ${why}`,
        { cause: error },
      );
    }
    return { packument, records };
  } catch (error) {
    if (isTrustmapError(error)) throw error;
    // A fault of ours the document brought out: still this package's failure, and said so.
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidPackageError(`pkg:npm/${name}: the packument cannot be read: ${why}`, {
      cause: error,
    });
  }
}

function failure(job: VisitJob, error: unknown): Failure {
  return {
    name: job.name,
    spec: job.spec,
    parent: job.parent,
    code: failureCode(error),
    reason: error instanceof Error ? error.message : String(error),
    optional: job.optional === true,
  };
}

/**
 * The packument of `name` as the run reads it (mapped once, as of the run's instant), or the
 * failure that stands for it: for the tree's placement pass, which fetches through the same client.
 */
export async function loadPackument(
  name: string,
  context: Pick<ClosureContext, 'client' | 'asOf'>,
): Promise<Packument | Error> {
  try {
    const fetched = await context.client.parsed(name, (document, n) =>
      readAndMap(document, n, context.asOf),
    );
    if (fetched.status === 'found') return fetched.value.packument;
    return new Error(`${name} is not in the registry (404)`);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Writes a packument's records (the package, every version, its people) if the run has not yet:
 * what the coverage counts when it did.
 */
async function sinkPackument(
  name: string,
  mapped: MappedPackument,
  context: Pick<ClosureContext, 'seen' | 'sink'>,
): Promise<VisitResult['packument']> {
  const { packument } = mapped;
  const records = mapped.records;
  const first = await context.seen.add(`package:${name}`);
  mapped.records = undefined;
  if (!first) return undefined;
  // (Mapped again only if another job of this process dropped the records: it mapped once.)
  await context.sink(records ?? mapPackument(packument));
  return {
    name: packument.name,
    maintainersKnown: packument.maintainers !== undefined,
    timesKnown: packument.times !== undefined,
    versions: packument.versions.size,
    publishersKnown: [...packument.versions.values()].filter((v) => v.publisher !== undefined)
      .length,
  };
}

/**
 * Writes the records of a packument the client already holds (read and mapped once), if the run
 * has not written them yet: for the tree's placement pass, which writes each package as soon as a
 * version of it is placed, so the store works while the pass still waits for the registry. The
 * recording job that comes later for that package finds it written (`package:<name>`).
 */
export async function recordPackument(
  name: string,
  context: Pick<ClosureContext, 'client' | 'asOf' | 'seen' | 'sink'>,
): Promise<VisitResult['packument']> {
  let fetched: ParsedResult<MappedPackument>;
  try {
    fetched = await context.client.parsed(name, (document, n) =>
      readAndMap(document, n, context.asOf),
    );
  } catch {
    return undefined; // the package's failure: its recording job reports it
  }
  if (fetched.status !== 'found') return undefined;
  return sinkPackument(name, fetched.value, context);
}

export async function visit(job: VisitJob, context: ClosureContext): Promise<VisitResult> {
  const result: VisitResult = {
    resolved: undefined,
    children: [],
    failure: undefined,
    packument: undefined,
  };
  // A failure of the package (missing, not JSON, not mappable, no matching version) is a result;
  // a failure of the store (the sink) is thrown, so the run stops or the job is retried.
  let mapped: MappedPackument | undefined;
  try {
    const fetched = await context.client.parsed(job.name, (document, name) =>
      readAndMap(document, name, context.asOf),
    );
    if (fetched.status === 'found') mapped = fetched.value;
  } catch (error) {
    result.failure = failure(job, error);
    return result;
  }
  if (mapped === undefined) {
    if (await context.seen.add(`package:${job.name}`))
      await context.sink(mapMissingPackage(job.name));
    result.failure = {
      ...failure(job, new Error(`${job.name} is not in the registry (404)`)),
      code: 'PACKAGE_MISSING',
    };
    return result;
  }
  const { packument } = mapped;
  result.packument = await sinkPackument(job.name, mapped, context);

  let version: string;
  try {
    version = pickVersion(packument, job.spec);
  } catch (error) {
    result.failure = failure(job, error);
    return result;
  }
  const key = npmVersionKey(packument.name, version);
  result.resolved = key;
  const root = job.root ?? key;
  if (job.parent !== undefined) {
    await context.sink(
      new GraphRecords().relationship('RESOLVES_TO', job.parent, key, {
        root,
        range: job.range ?? job.spec,
      }),
    );
  } // A root is scored even when nothing resolves from it (no dependencies).
  else await context.sink(new GraphRecords().node('Version', key, { ingestedRoot: true }));
  const declared = dependenciesOf(packument, version, RECORDED);
  if (await context.seen.add(`version:${key}`)) {
    await context.sink(mapDependencies(packument, version, declared));
    await context.sink(
      await provenanceRecords(context.client, packument, version, context.remembered),
    );
  }
  if (job.follow === false || (context.maxDepth !== undefined && job.depth >= context.maxDepth))
    return result;
  // A version is walked once per root, but again when reached by a shallower path under --depth
  // (it may then go deeper) or by a required path after an optional one (its failures count).
  const depthMark = context.maxDepth === undefined ? '' : ` depth ${job.depth}`;
  const optionalMark = job.optional === true ? ' optional' : '';
  if (!(await context.seen.add(`walk:${root} ${key}${depthMark}${optionalMark}`))) return result;
  const followed = job.dev === true ? [...FOLLOWED, 'dev'] : FOLLOWED;
  result.children = declared
    .filter((d) => followed.includes(d.kind) && !d.optionalPeer)
    .map((d) => ({
      name: d.name,
      spec: d.range,
      parent: key,
      root,
      depth: job.depth + 1,
      ...(d.kind === 'optional' || job.optional === true ? { optional: true } : {}),
    }));
  return result;
}
